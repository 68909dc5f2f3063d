"""Scheduled incremental runs (--state): three daily runs give what one run over the three days gives;
re-running a batch replaces its outputs; a failed or killed run leaves the last good outputs and state."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import transforms.write
from pipeline.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from tests.avro_files import read_records

REPO = Path(__file__).resolve().parents[1]
KINDS = ("articles", "duplicates", "filtered", "dead_letter", "events", "control", "changes")
#: The bundled sample's wire stories (lines of samples/wire.jsonl) as three days of arrivals. The
#: syndicated copy of the Raqqa story (line 9) arrives a day after the story itself, and day one holds
#: the truncated record.
DAYS = {"day1": (0, 1, 2, 3, 4, 5), "day2": (6, 7, 8, 13), "day3": (9, 10, 11, 12)}


@pytest.fixture(scope="module")
def days(tmp_path_factory) -> dict[str, Path]:
    lines = (REPO / "samples" / "wire.jsonl").read_bytes().splitlines(keepends=True)
    root = tmp_path_factory.mktemp("inbox")
    folders = {}
    for day, numbers in DAYS.items():
        folders[day] = root / day
        folders[day].mkdir()
        (folders[day] / "wire.jsonl").write_bytes(b"".join(lines[number] for number in numbers))
    return folders


def run(output: Path, *inputs: Path, state: Path | None = None, batch: str | None = None) -> int:
    argv = ["run", "--output", str(output)] + [f"--input={path}" for path in inputs]
    argv += ["--state", str(state)] if state else []
    argv += ["--batch_id", batch] if batch else []
    return main(argv)


def records_by_kind(output: Path) -> dict[str, list[str]]:
    """Every record of every output, as canonical JSON, sorted: equal when two runs wrote the same."""
    return {kind: sorted(json.dumps(record, sort_keys=True, default=str) for record in read_records(output / kind))
            for kind in KINDS}


def files_and_bytes(*roots: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root.parent)): path.read_bytes()
            for root in roots for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def one_run(days, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("one") / "out"
    assert run(output, *days.values()) == EXIT_OK
    return output


@pytest.fixture(scope="module")
def daily_runs(days, tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("daily")
    for day, folder in days.items():
        assert run(root / "out", folder, state=root / "state", batch=day) == EXIT_OK
    return root / "out", root / "state"


def test_three_daily_runs_give_the_records_of_one_run(one_run, daily_runs):
    daily = records_by_kind(daily_runs[0])
    whole = records_by_kind(one_run)
    assert {kind: len(records) for kind, records in daily.items()} == {
        kind: len(records) for kind, records in whole.items()}
    assert daily == whole
    assert len(daily["duplicates"]) == 1 and len(daily["events"]) > 5 and len(daily["changes"]) > 5


def test_an_article_seen_by_an_earlier_run_is_a_duplicate_of_it(daily_runs):
    (copy,) = read_records(daily_runs[0] / "duplicates")
    (original,) = [a for a in read_records(daily_runs[0] / "articles") if a["article_id"] == copy["duplicate_of"]]
    assert copy["source"] == "Partner Daily" and original["source"] == "Example Wire"


def test_each_batch_keeps_its_own_article_files(daily_runs):
    names = {path.name for path in (daily_runs[0] / "articles").rglob("*.avro")}
    assert {name.split("-")[1] for name in names} == {"day1", "day2", "day3"}


def test_the_state_points_at_the_last_batch_and_keeps_the_one_before(daily_runs):
    state = daily_runs[1]
    latest = json.loads((state / "LATEST").read_text())
    assert latest["batch_id"] == "day3" and latest["history"] == ["day1", "day2", "day3"]
    assert sorted(path.name for path in state.iterdir()) == sorted([latest["parent"], latest["snapshot"], "LATEST"])
    assert latest["parent"].split("-")[1] == "day2"


def test_rerunning_the_last_batch_replaces_it_instead_of_adding_a_copy(days, daily_runs, one_run, tmp_path):
    output, state = tmp_path / "out", tmp_path / "state"
    for day in ("day1", "day2", "day3", "day3"):
        assert run(output, days[day], state=state, batch=day) == EXIT_OK
    assert records_by_kind(output) == records_by_kind(one_run)
    assert json.loads((state / "LATEST").read_text())["history"] == ["day1", "day2", "day3"]


def test_rerunning_an_earlier_batch_is_refused_with_one_line(days, tmp_path, capsys):
    output, state = tmp_path / "out", tmp_path / "state"
    for day in ("day1", "day2"):
        assert run(output, days[day], state=state, batch=day) == EXIT_OK
    before = files_and_bytes(output, state)
    capsys.readouterr()  # the runs before may print progress lines on a slow machine
    assert run(output, days["day1"], state=state, batch="day1") == EXIT_USAGE
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "batch day1 was followed by later runs" in error
    assert files_and_bytes(output, state) == before


def test_a_run_without_state_replaces_the_whole_output(days, tmp_path):
    output = tmp_path / "out"
    assert run(output, days["day1"]) == EXIT_OK
    assert run(output, days["day3"]) == EXIT_OK
    articles = read_records(output / "articles")
    assert {a["origin"].split("/")[-2] for a in articles} == {"day3"}


def test_a_failed_run_leaves_the_previous_outputs_and_state(days, tmp_path, monkeypatch):
    output, state = tmp_path / "out", tmp_path / "state"
    assert run(output, days["day1"], state=state, batch="day1") == EXIT_OK
    before = files_and_bytes(output, state)

    def disk_full(path, data):
        raise OSError(28, "No space left on device", path)

    monkeypatch.setattr(transforms.write, "write_atomically", disk_full)
    assert run(output, days["day2"], state=state, batch="day2") == EXIT_FAILED
    after = files_and_bytes(output, state)
    assert {name: data for name, data in after.items() if "_staging" not in name} == before
    monkeypatch.undo()
    assert run(output, days["day2"], state=state, batch="day2") == EXIT_OK
    assert not (output / "_staging").exists()


def test_a_killed_run_started_again_gives_the_complete_identical_output(days, one_run, tmp_path):
    """SIGKILL while the run stages its files; nothing half-written is visible, and a second run
    finishes with exactly the files of an uninterrupted run."""
    output = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline.main", "run", "--output", str(output)] + [
        f"--input={path}" for path in days.values()]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = output / "_staging"
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if staging.exists() and any(staging.rglob("*.avro")):
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed while staging"
    visible = [path for kind in KINDS for path in (output / kind).rglob("*") if path.is_file()]
    assert visible == [] and not (output / "_SUMMARY.json").exists()
    assert run(output, *days.values()) == EXIT_OK
    written = {name: data for name, data in files_and_bytes(output).items() if not name.endswith("_SUMMARY.json")}
    expected = {name: data for name, data in files_and_bytes(one_run).items() if not name.endswith("_SUMMARY.json")}
    assert written == expected
