"""Seed generation speed and memory: the demo portfolio and 100k synthetic issues.

Time (wall and CPU) is measured without tracing; memory in a second, traced run (tracemalloc slows Python down), as the
memory still held by the generated data (retained) and the high-water mark while generating (peak).
"""

from __future__ import annotations

import gc
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime

from pmo_bot.sandbox.seed import demo, synthetic

ISSUES = 100_000
NOW = datetime(2026, 11, 28, tzinfo=UTC)
MB = 1024 * 1024


def run(issues: int = ISSUES) -> dict[str, float]:
    gc.collect()
    started = time.perf_counter()
    demo_data = demo.generate(1, NOW)
    demo_seconds = time.perf_counter() - started
    del demo_data

    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    data = synthetic.generate(issues, 1, NOW)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    count = len(data.issues)
    del data

    gc.collect()
    tracemalloc.start()
    data = synthetic.generate(issues, 1, NOW)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del data
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "demo_seconds": round(demo_seconds, 3),
        "synthetic_issues": count,
        "synthetic_seconds": round(seconds, 2),
        "synthetic_cpu_seconds": round(cpu, 2),  # wall time suffers when the machine is busy; CPU time less
        "synthetic_issues_per_second": round(count / seconds),
        "synthetic_retained_mb": round(retained / MB, 1),
        "synthetic_peak_mb": round(peak / MB, 1),
        "synthetic_bytes_per_issue": round(retained / max(count, 1)),
        "process_max_rss_mb": round(max_rss, 1),
    }


def main() -> None:
    issues = int(sys.argv[1]) if len(sys.argv) > 1 else ISSUES
    for name, value in run(issues).items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
