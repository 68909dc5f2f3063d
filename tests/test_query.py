import argparse
import datetime as dt
from collections import defaultdict
from pathlib import Path

import fastavro
import pytest

import schemas
from pipeline.query import EXIT_OK, EXIT_USAGE, add_arguments, control_command
from tests.test_control import AMERLI, DASHISHA, GOV, HAWIJA, IS, MOSUL_EVENTS, PMF, event, place
from transforms.control import fold_control

D = dt.date
AL_QAIM = place("al-Qaim", "geonames:98860")
SEED_EVENTS = [
    MOSUL_EVENTS,
    [event(AMERLI, "SIEGE", D(2014, 7, 1), IS, precision="month"),
     event(AMERLI, "SIEGE_BROKEN", D(2014, 8, 31), GOV, IS, allies=[PMF])],
    [event(HAWIJA, "CAPTURE", D(2017, 10, 5), GOV, IS)],
    [event(AL_QAIM, "HOLD", D(2017, 10, 5), IS)],
    [event(DASHISHA, "CAPTURE", D(2018, 6, 17), "SDF", IS)],
]


def write_avro(path: Path, record: str, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        fastavro.writer(handle, schemas.load_schema(record), records)


def write_output(root: Path, states: list[dict], changes: list[dict], part: str = "part-00000-of-00001") -> Path:
    """States and changes as a run writes them: one folder per window date."""
    by_day = defaultdict(list)
    for state in states:
        by_day[state["window_date"]].append(state)
    for day, day_states in by_day.items():
        write_avro(root / "control" / f"date={day.isoformat()}" / f"{part}.avro", "ControlState", day_states)
    by_day = defaultdict(list)
    for change in changes:
        by_day[change["change_date"]].append(change)
    for day, day_changes in by_day.items():
        write_avro(root / "changes" / f"date={day.isoformat()}" / f"{part}.avro", "ControlChange", day_changes)
    return root


@pytest.fixture
def output(tmp_path) -> Path:
    states, changes = [], []
    for place_events in SEED_EVENTS:
        place_states, place_changes = fold_control(place_events)
        states += place_states
        changes += place_changes
    root = write_output(tmp_path / "out", states, changes)
    (root / "control" / "date=2017-06-01" / ".part-00000-of-00001.avro.1234.inprogress").write_bytes(b"partial")
    (root / "control" / "_SUCCESS.avro").write_bytes(b"")
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    code = control_command(parser.parse_args(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def row(text: str, first_cell: str) -> list[str]:
    [line] = [line for line in text.splitlines() if line.startswith(first_cell)]
    return line.split()


def test_as_of_lists_every_place_known_on_that_day(output, capsys):
    code, out, err = run(capsys, "--output", str(output), "--as-of", "2017-10-06")
    assert (code, err) == (EXIT_OK, "")
    assert out.splitlines()[0] == "Control as of 2017-10-06: 4 places"
    assert out.splitlines()[1].split() == ["place", "controller", "status", "since", "previous", "confidence",
                                           "events"]
    assert row(out, "Mosul") == ["Mosul", "(IQ)", GOV, "held", "2017-06-01", IS, "0.60", "1"]
    assert row(out, "Amerli") == ["Amerli", "(IQ)", GOV, "held", "2014-08-31", "-", "0.60", "1"]
    assert row(out, "Hawija") == ["Hawija", "(IQ)", GOV, "held", "2017-10-05", IS, "0.60", "1"]
    assert row(out, "al-Qaim") == ["al-Qaim", "(IQ)", IS, "held", "-", "-", "0.60", "1"]
    assert "Dashisha" not in out  # not known until 2018


def test_as_of_shows_the_status_of_that_day(output, capsys):
    _, out, _ = run(capsys, "--output", str(output), "--as-of", "2017-05-30")
    assert row(out, "Mosul") == ["Mosul", "(IQ)", IS, "contested", "2014-06-01", GOV, "0.94", "3"]
    _, out, _ = run(capsys, "--output", str(output), "--as-of", "2017-10-05", "--place", "hawija")
    assert out.splitlines()[0] == "Control as of 2017-10-05: 1 place"
    assert row(out, "Hawija")[2:4] == [GOV, "changed"]


@pytest.mark.parametrize("query", ["Mosul", "mosul", "Al Mawsil", "geonames:99072"])
def test_place_prints_its_timeline_in_date_order(output, capsys, query):
    code, out, _ = run(capsys, "--output", str(output), "--place", query)
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0] == "Mosul (IQ) [geonames:99072]: 4 states, 2 changes"
    assert [line.split()[:4] for line in lines[2:]] == [
        ["2014-06-01", "change", IS, "change"],
        ["2014-06-01", "state", IS, "changed"],
        ["2017-05-27", "state", IS, "contested"],
        ["2017-05-28", "state", IS, "contested"],
        ["2017-06-01", "change", GOV, "change"],
        ["2017-06-01", "state", GOV, "changed"],
    ]
    assert lines[2].split()[4:7] == ["(month)", "-", GOV]


def test_a_later_revision_replaces_the_first(output, capsys):
    [hawija] = fold_control(SEED_EVENTS[2])[0]
    write_output(output, [dict(hawija, controller=PMF, revision=1)], [], part="part-00000-of-00002")
    _, out, _ = run(capsys, "--output", str(output), "--as-of", "2017-10-06")
    assert row(out, "Hawija")[2] == PMF
    _, out, _ = run(capsys, "--output", str(output), "--place", "Hawija")
    assert out.splitlines()[0].endswith("1 states, 1 changes")


@pytest.mark.parametrize("argv, message", [
    (["--output", "{missing}", "--as-of", "2017-10-06"], "no such folder"),
    (["--output", "{out}", "--as-of", "2017-13-01"], "not a date"),
    (["--output", "{out}", "--place", "Aleppo"], "no place"),
    (["--output", "{out}"], "give --as-of"),
    (["--as-of", "2017-10-06"], "no output"),
    (["--output", "{empty}", "--as-of", "2017-10-06"], "no control states"),
])
def test_usage_errors_exit_2_with_one_line(output, tmp_path, capsys, argv, message):
    (tmp_path / "empty").mkdir()
    paths = {"missing": tmp_path / "nowhere", "out": output, "empty": tmp_path / "empty"}
    code, out, err = run(capsys, *(arg.format(**paths) for arg in argv))
    assert (code, out) == (EXIT_USAGE, "")
    assert len(err.splitlines()) == 1 and message in err
