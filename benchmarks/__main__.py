"""Run every ``benchmarks/bench_*.py`` module's ``run()`` (or only those named on the command line)."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmark names, e.g. engine seed (default: all)")
    parser.add_argument("--json", action="store_true", help="print every result as one JSON document")
    args = parser.parse_args()
    found = sorted(p.stem.removeprefix("bench_") for p in Path(__file__).parent.glob("bench_*.py"))
    chosen = args.names or found
    unknown = sorted(set(chosen) - set(found))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(found)}")
    results: dict[str, object] = {}
    for name in chosen:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        results[name] = importlib.import_module(f"benchmarks.bench_{name}").run()
        print(f"   ({time.perf_counter() - started:.1f}s wall)", flush=True)
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
