"""Hot reload: rules, report templates and the config file are re-read when they change (polled).

A valid change is applied from the next run: the files are copied into a private snapshot that the jobs read,
so a file edited mid-run never mixes two versions. An invalid change keeps the last good set running; its
problems (file:line, what was expected) are logged, counted in ``pmo_bot_rule_file_errors``, and stored in the
state database (job "reload"), where ``pmo-bot runs`` and the weekly report read them (``current_problems``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import TemplateError

from pmo_bot import logs
from pmo_bot.config import Settings, find_config_file
from pmo_bot.errors import ConfigError
from pmo_bot.ops import metrics
from pmo_bot.ops.lease import process_alive
from pmo_bot.ops.refused import RELOAD_JOB, notes, refused
from pmo_bot.rules import loader
from pmo_bot.store import Store

log = logs.get_logger(__name__)

__all__ = ["RELOAD_JOB", "LiveSettings", "current_problems", "template_problems"]


def current_problems(store: Store) -> list[str]:
    """Problems of the rule, template and config files on disk that a running daemon refused to load (empty
    when the files in use are the ones on disk). For ``pmo-bot runs``; the report reads ``refused`` directly."""
    return list(refused(store).problems)


def _files(root: Path | None) -> Iterator[Path]:
    if root is None:
        return
    if root.is_file():
        yield root
    elif root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


def template_problems(templates_dir: Path | None) -> list[str]:
    """Syntax and unknown-filter errors of the report templates, as ``file:line: message``."""
    if templates_dir is None:
        return []
    from pmo_bot.report.render import environment

    if not templates_dir.is_dir():
        return [f"{templates_dir}: templates_dir is not a directory"]
    env = environment(None)
    problems = []
    for path in _files(templates_dir):
        try:
            env.compile(path.read_text(encoding="utf-8"), name=path.name, filename=str(path))
        except TemplateError as error:
            line = getattr(error, "lineno", None)
            problems.append(f"{path}:{line or 0}: {getattr(error, 'message', None) or error}")
        except UnicodeDecodeError:
            problems.append(f"{path}:0: not UTF-8 text")
    return problems


_PREFIX = "pmo-bot-live-"


def _remove_orphans() -> None:
    """Snapshots left by processes that were killed (SIGKILL skips the clean-up) are removed by the next one."""
    for path in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        pid = path.name.removeprefix(_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


class LiveSettings:
    """The settings and files the next run uses: the last good ones."""

    def __init__(
        self,
        config_path: Path | None,
        load: Callable[[Path | None], Settings],
        store: Store | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._config_path, self._load, self._store, self._clock = config_path, load, store, clock
        self._lock = threading.Lock()
        _remove_orphans()
        self._snapshots = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-"))
        self._generation = 0
        self.source = load(config_path)  # as on disk; startup fails on an invalid config, as before
        self.settings = self.source
        self.problems: list[str] = []
        self._seen: tuple[tuple[str, int, int], ...] | None = None
        self.poll()

    def _fingerprint(self, settings: Settings) -> tuple[tuple[str, int, int], ...]:
        try:
            config = find_config_file(self._config_path, os.environ)
        except ConfigError:
            config = None  # the file went away: loading it reports that
        paths = [*_files(config), *_files(settings.rules_dir), *_files(settings.templates_dir)]
        found = []
        for path in paths:
            try:
                info = path.stat()
            except OSError:
                continue
            found.append((str(path), info.st_mtime_ns, info.st_size))
        return tuple(found)

    def poll(self) -> bool:
        """Look at the files; apply a valid change, keep the last good set on an invalid one. True if applied."""
        with self._lock:
            seen = self._fingerprint(self.source)
            if seen == self._seen:
                return False
            self._seen = seen
            problems: list[str] = []
            candidate = self.source
            try:
                candidate = self._load(self._config_path)
            except ConfigError as error:
                problems.extend(str(error).splitlines())
            if not problems:
                _, found = loader.check([candidate.rules_dir])
                problems.extend(str(p) for p in found if not p.warning)
                problems.extend(template_problems(candidate.templates_dir))
            self._seen = self._fingerprint(candidate)
            metrics.RULE_FILE_ERRORS.set(len(problems))
            if problems:
                self.problems = problems
                metrics.RELOADS.labels("rejected").inc()
                log.error("reload_rejected", problems=problems, keeping="the last good rules, templates and config")
                self._note(problems)
                return False
            self.source = candidate
            self.settings = self._snapshot(candidate)
            applied = self._generation > 1
            if applied:
                metrics.RELOADS.labels("applied").inc()
                log.info("reload_applied", rules_dir=str(candidate.rules_dir))
            self.problems = []
            self._note([])
            return applied

    def _snapshot(self, settings: Settings) -> Settings:
        self._generation += 1
        target = self._snapshots / str(self._generation)
        rules = target / "rules"
        shutil.copytree(settings.rules_dir, rules)
        templates = None
        if settings.templates_dir is not None:
            templates = target / "templates"
            shutil.copytree(settings.templates_dir, templates)
        previous = self._snapshots / str(self._generation - 2)
        if previous.is_dir():  # keep the one a run may still be reading
            shutil.rmtree(previous, ignore_errors=True)
        return settings.model_copy(update={"rules_dir": rules, "templates_dir": templates})

    def _note(self, problems: list[str]) -> None:
        if self._store is None:
            return
        try:
            at = self._clock()
            self._store.jobs.note(RELOAD_JOB, notes(refused(self._store), problems, at), at)
        except Exception as error:  # the database being down must not stop the reload
            log.warning("reload_note_failed", error=logs.redact_text(str(error)))

    def close(self) -> None:
        shutil.rmtree(self._snapshots, ignore_errors=True)
