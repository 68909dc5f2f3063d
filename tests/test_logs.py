import io
import json
import logging
import sys

import pytest
from apache_beam.portability.api import beam_fn_api_pb2

from pipeline.logs import LOCAL_JOB_SERVICE_LOGGER, JsonFormatter, LevelPolicy, configure_logging


def record(name, level, message, *args, **extra):
    return logging.makeLogRecord({"name": name, "levelno": level, "levelname": logging.getLevelName(level),
                                  "msg": message, "args": args, "created": 1_700_000_000.25, **extra})


def worker_entry(message, location, severity=beam_fn_api_pb2.LogEntry.Severity.INFO) -> str:
    entry = beam_fn_api_pb2.LogEntry(message=message, log_location=location, severity=severity, thread="t")
    entry.timestamp.seconds, entry.timestamp.nanos = 1_700_000_001, 500_000_000
    return str(entry).replace("\n", " ")  # as the local job service logs it


def test_json_lines_carry_time_level_logger_message_and_extra_fields():
    line = JsonFormatter().format(record("conflict_control.progress", logging.INFO, "progress: %s", "parse 3",
                                         stages={"parse": {"records": 3}}, pid=7))
    assert json.loads(line) == {"time": "2023-11-14T22:13:20.250+00:00", "level": "INFO",
                                "logger": "conflict_control.progress", "message": "progress: parse 3",
                                "stages": {"parse": {"records": 3}}, "pid": 7}


def test_json_lines_keep_the_traceback():
    try:
        raise ValueError("bad")
    except ValueError:
        failure = record("conflict_control", logging.ERROR, "failed", exc_info=sys.exc_info())
    assert "ValueError: bad" in json.loads(JsonFormatter().format(failure))["exception"]


@pytest.mark.parametrize("level, name, record_level, shown", [
    (logging.INFO, "conflict_control.progress", logging.INFO, True),
    (logging.INFO, "apache_beam.runners.direct", logging.INFO, False),
    (logging.INFO, "apache_beam.runners.direct", logging.WARNING, True),
    (logging.WARNING, "conflict_control.progress", logging.INFO, False),
    (logging.DEBUG, "apache_beam.runners.direct", logging.DEBUG, True),
    (logging.ERROR, "apache_beam.io", logging.WARNING, False),
])
def test_the_level_is_the_projects_and_libraries_show_warnings(level, name, record_level, shown):
    assert LevelPolicy(level).filter(record(name, record_level, "x")) is shown


def test_a_worker_progress_line_forwarded_by_the_runner_becomes_the_projects_again():
    forwarded = record(LOCAL_JOB_SERVICE_LOGGER, logging.INFO, "Worker: %s",
                       worker_entry("progress: parse 1,500 (749/s) [pid 9]", "/site/transforms/progress.py:99"))
    assert LevelPolicy(logging.INFO).filter(forwarded)
    assert (forwarded.name, forwarded.getMessage(), forwarded.levelno, forwarded.created) == (
        "conflict_control.worker", "progress: parse 1,500 (749/s) [pid 9]", logging.INFO, 1_700_000_001.5)
    assert forwarded.location == "/site/transforms/progress.py:99"


def test_a_libraries_worker_chatter_stays_below_the_warning_level():
    chatter = record(LOCAL_JOB_SERVICE_LOGGER, logging.INFO, "Worker: %s",
                     worker_entry("Creating state cache", "/site/apache_beam/runners/worker/sdk_worker.py:1"))
    assert not LevelPolicy(logging.INFO).filter(chatter)
    assert chatter.name == "worker"


def test_a_librarys_module_in_a_folder_named_like_a_project_package_is_the_librarys(tmp_path):
    library = tmp_path / "somelib"
    (library / "transforms").mkdir(parents=True)
    (library / "__init__.py").touch()
    chatter = record(LOCAL_JOB_SERVICE_LOGGER, logging.INFO, "Worker: %s",
                     worker_entry("BatchElements statistics", f"{library}/transforms/util.py:800"))
    assert not LevelPolicy(logging.INFO).filter(chatter)
    assert chatter.name == "worker"


def test_configured_logging_writes_json_lines_to_the_stream(monkeypatch):
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    project = logging.getLogger("conflict_control")
    monkeypatch.setattr(project, "level", project.level)
    stream = io.StringIO()
    configure_logging("json", "INFO", stream)
    logging.getLogger("conflict_control.progress").info("progress: parse 1", extra={"pid": 1})
    logging.getLogger("apache_beam.runners").info("noise")
    [line] = stream.getvalue().splitlines()
    assert json.loads(line)["message"] == "progress: parse 1" and json.loads(line)["pid"] == 1


def test_the_handler_a_librarys_import_warning_installed_is_replaced(monkeypatch, capsys):
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [logging.StreamHandler(sys.stderr)])  # what basicConfig leaves
    monkeypatch.setattr(root, "level", root.level)
    project = logging.getLogger("conflict_control")
    monkeypatch.setattr(project, "level", project.level)
    configure_logging("text", "INFO")
    logging.getLogger("apache_beam.typehints").info("Converting string literal type hint to Any")
    logging.getLogger("conflict_control.progress").info("progress: parse 1")
    printed = capsys.readouterr().err.splitlines()
    assert len(printed) == 1 and printed[0].endswith("INFO conflict_control.progress: progress: parse 1")
