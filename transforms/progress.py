"""Progress lines on long runs: records per stage and per second, logged from inside the workers.

Every stage DoFn counts each element it receives (`count(stage, seconds)`: a lock, a dict increment and
a clock read); the element that finds the interval passed logs one line for its process:

    progress: parse 12,000 (850/s) · clean 11,800 (840/s) · language 11,790 (838/s) [pid 4242]

Counts are per worker process since its start, rates over the last interval. A multi-process or cluster
run logs one line per worker, tagged with its process id (the runner forwards worker logs to its own).
The interval is fixed when the pipeline is built (`configure`) and travels to the workers inside the
stage DoFns.
"""
import logging
import os
import sys
import threading
import time
from typing import Callable

DEFAULT_PROGRESS_SECONDS = 30

log = logging.getLogger("conflict_control.progress")
#: The module a multi-process DirectRunner (or a portable runner's process environment) runs its workers as.
SDK_WORKER_MAIN = "apache_beam.runners.worker.sdk_worker_main"

_configured_seconds = DEFAULT_PROGRESS_SECONDS
_reporters: dict[float, "ProgressReporter"] = {}
_reporters_lock = threading.Lock()


def drop_implicit_handler() -> None:
    """Remove the handler `logging.basicConfig` puts on the root logger when a library logs there before
    anything is configured (Beam's import warns that apitools is missing): a bare StreamHandler on stderr.

    In the runner it printed every library's INFO record beside the command line's own handler; in a
    multi-process run's workers it printed each progress line to the shared terminal, which the runner
    then printed again from the log entry the worker forwards to it."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if type(h) is logging.StreamHandler
                    and h.stream in (sys.stderr, sys.__stderr__)]:
        root.removeHandler(handler)


def forward_worker_logs_only() -> None:
    """In an SDK worker process the runner started (`python -m ...sdk_worker_main`), drop the implicit
    handler: the worker forwards its records to the runner, which prints them. Elsewhere (a pipeline run in
    the caller's own process) the root logger's handlers are the caller's."""
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None) == SDK_WORKER_MAIN:
        drop_implicit_handler()


def configure(seconds: float) -> None:
    """The interval of the stage DoFns built from now on in this process (0: no progress lines)."""
    global _configured_seconds
    if seconds < 0:
        raise ValueError(f"the progress interval must be 0 or more seconds, got {seconds}")
    _configured_seconds = float(seconds)


def configured_seconds() -> float:
    return _configured_seconds


def count(stage: str, seconds: float) -> None:
    """Count one record entering `stage` in this process's reporter for `seconds` (0: nothing)."""
    if seconds <= 0:
        return
    reporter = _reporters.get(seconds)
    if reporter is None:
        with _reporters_lock:
            reporter = _reporters.setdefault(seconds, ProgressReporter(seconds))
    reporter.count(stage)


class ProgressReporter:
    """Counts records per stage and calls `emit(line, fields)` once every `interval` seconds."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 emit: Callable[[str, dict], None] | None = None):
        self.interval = interval
        self._clock = clock
        self._emit = emit or _log_line
        self._counts: dict[str, int] = {}  # in the order stages were first seen: the pipeline's order
        self._reported: dict[str, int] = {}
        self._lock = threading.Lock()
        self._started = self._last = clock()
        self._due = self._last + interval

    def count(self, stage: str) -> None:
        with self._lock:
            self._counts[stage] = self._counts.get(stage, 0) + 1
            now = self._clock()
            if now < self._due:
                return
            line, fields = self._progress(now)
        self._emit(line, fields)

    def _progress(self, now: float) -> tuple[str, dict]:
        """The line and its structured fields; restarts the interval. Called with the lock held."""
        seconds = max(now - self._last, 1e-9)
        stages = {stage: {"records": total, "per_second": round((total - self._reported.get(stage, 0)) / seconds, 1)}
                  for stage, total in self._counts.items()}
        self._reported, self._last, self._due = dict(self._counts), now, now + self.interval
        pid = os.getpid()
        line = "progress: " + " · ".join(f"{stage} {numbers['records']:,} ({numbers['per_second']:,.0f}/s)"
                                         for stage, numbers in stages.items()) + f" [pid {pid}]"
        return line, {"stages": stages, "elapsed_seconds": round(now - self._started, 1), "pid": pid}


def _log_line(line: str, fields: dict) -> None:
    log.info(line, extra=fields)
