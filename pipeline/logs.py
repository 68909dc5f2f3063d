"""Logging for the command line: text or JSON lines, the project's own level, and worker logs made readable.

- `--log-format text` (default): `2026-11-21 12:00:00,123 INFO conflict_control.progress: progress: …`
- `--log-format json`: one JSON object per line with `time` (ISO 8601, UTC), `level`, `logger`, `message`
  and the record's extra fields (a progress line carries `stages`, `elapsed_seconds`, `pid`).
- `--log-level` is the level of the project's loggers (`conflict_control.*`, default INFO); other
  libraries (Beam, gRPC…) show WARNING and above, or everything at DEBUG.

The workers of a multi-process run send their logs to the runner, which logs each as the text of a
protobuf `LogEntry`. Those records are turned back into plain ones: the worker's message,
level and time, logger `conflict_control.worker` for the project's code (`worker` for a library's) and
the worker's source `location` as an extra field; the extra fields of the worker's record do not travel.
"""
import datetime as dt
import json
import logging
import sys
from functools import lru_cache
from pathlib import Path

from apache_beam.portability.api import beam_fn_api_pb2
from apache_beam.runners.worker.log_handler import LOGENTRY_TO_LOG_LEVEL_MAP
from google.protobuf import text_format

from transforms.progress import drop_implicit_handler

PROJECT_LOGGER = "conflict_control"
PROJECT_PACKAGES = ("pipeline", "transforms")
LOCAL_JOB_SERVICE_LOGGER = "apache_beam.runners.portability.local_job_service"
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Attributes every LogRecord has; anything else on a record is an extra field.
STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, then the extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((name, value) for name, value in vars(record).items() if name not in STANDARD_ATTRIBUTES)
        trace = self.formatException(record.exc_info) if record.exc_info else record.exc_text
        if trace:
            entry["exception"] = trace
        return json.dumps(entry, default=str, ensure_ascii=False)


class LevelPolicy(logging.Filter):
    """Lets the project's records through from `level`, other libraries' from WARNING (or `level` when
    lower than INFO); rewrites worker entries forwarded by the runner first."""

    def __init__(self, level: int):
        super().__init__()
        self.level = level
        self.others_level = level if level < logging.INFO else max(level, logging.WARNING)

    def filter(self, record: logging.LogRecord) -> bool:
        forwarded = forwarded_worker_entry(record)
        if forwarded is not None:
            unwrap_worker_entry(record, forwarded)
        ours = record.name == PROJECT_LOGGER or record.name.startswith(PROJECT_LOGGER + ".")
        return record.levelno >= (self.level if ours else self.others_level)


def forwarded_worker_entry(record: logging.LogRecord) -> str | None:
    """The protobuf text of a worker's LogEntry when `record` is one the runner forwards: the local job
    service (multi-process DirectRunner) logs 'Worker: %s', the portable runner's logging service the bare
    entry on the root logger."""
    if record.name == LOCAL_JOB_SERVICE_LOGGER and record.msg == "Worker: %s" and record.args:
        return str(record.args[0])
    if record.name == "root" and record.funcName == "Logging" and record.module == "worker_handlers":
        return record.getMessage()
    return None


def unwrap_worker_entry(record: logging.LogRecord, text: str) -> None:
    """Give the record the worker's message, level, time and location (left as is if `text` does not parse)."""
    entry = beam_fn_api_pb2.LogEntry()
    try:
        text_format.Parse(text, entry)
    except text_format.ParseError:
        return
    location = entry.log_location
    record.name = f"{PROJECT_LOGGER}.worker" if is_project_file(location.rsplit(":", 1)[0]) else "worker"
    record.msg, record.args = entry.message, None
    record.levelno = LOGENTRY_TO_LOG_LEVEL_MAP.get(entry.severity, record.levelno)
    record.levelname = logging.getLevelName(record.levelno)
    record.created = entry.timestamp.seconds + entry.timestamp.nanos / 1e9
    record.location = location
    if entry.trace:
        record.exc_text = entry.trace


@lru_cache(maxsize=256)
def is_project_file(path: str) -> bool:
    """Whether a worker's source file is one of the project's modules: in a folder named like one of its
    top-level packages that is not itself inside a package (Beam's `apache_beam/transforms/util.py` and
    spaCy's `spacy/pipeline/…` are a library's). A path this machine does not have (a remote worker's) is
    judged by the folder's name alone."""
    folder = Path(path).parent
    return folder.name in PROJECT_PACKAGES and not (folder.parent / "__init__.py").is_file()


class ConsoleHandler(logging.StreamHandler):
    """Writes to `stream`, or else to whatever sys.stderr is when a record comes (tests swap it)."""

    def __init__(self, stream=None):
        super().__init__(stream)
        self.fixed_stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = self.fixed_stream or sys.stderr
        super().emit(record)


def configure_logging(log_format: str = "text", level: str = "INFO", stream=None) -> None:
    """A ConsoleHandler on the root logger (replacing one set before, and basicConfig's implicit one), in
    `log_format` at `level`."""
    handler = ConsoleHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    numeric = logging.getLevelName(level)
    handler.addFilter(LevelPolicy(numeric))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, ConsoleHandler)]:
        root.removeHandler(old)
    drop_implicit_handler()
    root.addHandler(handler)
    # INFO at least reaches the handler: a worker's progress line arrives as an INFO record of the root logger.
    root.setLevel(min(numeric, logging.INFO))
    logging.getLogger(PROJECT_LOGGER).setLevel(numeric)
