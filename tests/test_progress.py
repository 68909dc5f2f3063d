import logging
import sys
import types

import pytest

from transforms import progress
from transforms.records import StageDoFn


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def reporter():
    clock, lines = FakeClock(), []
    return progress.ProgressReporter(10, clock=clock, emit=lambda line, fields: lines.append((line, fields))), \
        clock, lines


def test_nothing_is_logged_before_the_interval(reporter):
    reporter, clock, lines = reporter
    for _ in range(5):
        reporter.count("parse")
    clock.now += 9.9
    reporter.count("parse")
    assert lines == []


def test_a_line_per_interval_with_counts_since_the_start_and_rates_over_the_interval(reporter):
    reporter, clock, lines = reporter
    for _ in range(12_000):
        reporter.count("parse")
    for _ in range(8_499):
        reporter.count("clean")
    clock.now += 10
    reporter.count("clean")
    [(line, fields)] = lines
    assert line.startswith("progress: parse 12,000 (1,200/s) · clean 8,500 (850/s) [pid ")
    assert fields["stages"] == {"parse": {"records": 12_000, "per_second": 1200.0},
                                "clean": {"records": 8_500, "per_second": 850.0}}
    assert fields["elapsed_seconds"] == 10.0
    clock.now += 20
    reporter.count("language")
    assert lines[1][1]["stages"] == {"parse": {"records": 12_000, "per_second": 0.0},
                                     "clean": {"records": 8_500, "per_second": 0.0},
                                     "language": {"records": 1, "per_second": 0.1}}
    assert "parse 12,000 (0/s)" in lines[1][0]


def test_zero_seconds_counts_nothing(monkeypatch):
    monkeypatch.setattr(progress, "_reporters", {})
    progress.count("parse", 0)
    assert progress._reporters == {}


def test_a_negative_interval_is_refused():
    with pytest.raises(ValueError, match="0 or more"):
        progress.configure(-1)


class Echo(StageDoFn):
    stage = "echo"

    def transform(self, element):
        yield element


def test_a_stage_counts_every_element_with_the_interval_set_when_it_was_built(monkeypatch):
    counted = []
    monkeypatch.setattr(progress, "count", lambda stage, seconds: counted.append((stage, seconds)))
    monkeypatch.setattr(progress, "_configured_seconds", progress.DEFAULT_PROGRESS_SECONDS)
    progress.configure(5)
    stage = Echo()
    progress.configure(60)  # later settings do not reach a stage already built
    assert [list(stage.process(x)) for x in ("a", "b")] == [["a"], ["b"]]
    assert counted == [("echo", 5.0), ("echo", 5.0)]


def implicit_and_own_handlers(monkeypatch):
    """The root logger as a worker has it: basicConfig's bare stderr handler beside a handler of its own."""
    root = logging.getLogger()
    own = logging.NullHandler()
    monkeypatch.setattr(root, "handlers", [logging.StreamHandler(sys.stderr), own])
    return root, own


def test_an_sdk_worker_drops_the_stderr_handler_a_library_import_left(monkeypatch):
    root, own = implicit_and_own_handlers(monkeypatch)
    monkeypatch.setitem(sys.modules, "__main__", types.SimpleNamespace(
        __spec__=types.SimpleNamespace(name=progress.SDK_WORKER_MAIN)))
    progress.forward_worker_logs_only()
    assert root.handlers == [own]


def test_a_pipeline_run_in_the_callers_process_leaves_its_handlers_alone(monkeypatch):
    root, own = implicit_and_own_handlers(monkeypatch)
    before = list(root.handlers)
    progress.forward_worker_logs_only()
    assert root.handlers == before
