"""The pipeline on Apache Flink (Beam's portable FlinkRunner) writes the same bytes as on the DirectRunner.

The comparison itself is checked on small folders written here; the Flink run needs java and a job
server (scripts/flink.sh fetch gets one with mvn into ~/.cache) and skips, saying why, without them.
"""
import json
import subprocess
from pathlib import Path

import fastavro
import pytest

from bench.compare_runners import FLINK_SCRIPT, REPO, compare_outputs, direct_command, flink_command, timed_run
from pipeline.main import SUMMARY_FILE

SCHEMA = fastavro.parse_schema({"type": "record", "name": "Town", "fields": [
    {"name": "town_id", "type": "string"}, {"name": "controller", "type": "string"}]})
TOWNS = [{"town_id": "hawija", "controller": "Iraqi army"}, {"town_id": "manbij", "controller": "SDF"}]
COUNTS = {"read": 2, "articles": 2, "duplicates": 0, "filtered": 0, "dead_letter": 0, "balanced": True}


def write_output(folder: Path, records: list[dict], counters: dict | None = None) -> Path:
    """An output folder as the pipeline lays it out: one Avro part file and a summary."""
    part = folder / "control" / "date=2017-10-05" / "part-00000-of-00001.avro"
    part.parent.mkdir(parents=True)
    with part.open("wb") as handle:
        fastavro.writer(handle, SCHEMA, records, sync_marker=b"0123456789abcdef")
    (folder / SUMMARY_FILE).write_text(json.dumps({**COUNTS, "counters": counters or {}}))
    return folder


def test_identical_outputs_differ_only_in_their_counters_which_are_not_compared(tmp_path):
    first = write_output(tmp_path / "direct", TOWNS, counters={"ner.pipe_milliseconds": 169})
    second = write_output(tmp_path / "flink", TOWNS, counters={"ner.pipe_milliseconds": 176})
    assert compare_outputs(first, second) == []


def test_a_changed_field_is_named_with_its_file_and_record(tmp_path):
    changed = [TOWNS[0], {**TOWNS[1], "controller": "Islamic State"}]
    differences = compare_outputs(write_output(tmp_path / "direct", TOWNS), write_output(tmp_path / "flink", changed))
    assert differences == ["control/date=2017-10-05/part-00000-of-00001.avro: record 1 field 'controller': "
                           "direct='SDF' flink='Islamic State'"]


def test_records_in_another_order_are_reported_as_such(tmp_path):
    differences = compare_outputs(write_output(tmp_path / "direct", TOWNS),
                                  write_output(tmp_path / "flink", TOWNS[::-1]))
    assert differences == ["control/date=2017-10-05/part-00000-of-00001.avro: the same records in a different order"]


def test_missing_files_leftover_temporary_files_and_counts_are_differences(tmp_path):
    first = write_output(tmp_path / "direct", TOWNS)
    second = write_output(tmp_path / "flink", TOWNS)
    (first / "changes").mkdir()
    (first / "changes" / "part-00000-of-00001.avro").write_bytes(b"")
    (second / "control" / "date=2017-10-05" / ".part-00000-of-00001.avro.1f2e.inprogress").write_bytes(b"")
    (second / SUMMARY_FILE).write_text(json.dumps({**COUNTS, "articles": 1, "balanced": False}))
    assert compare_outputs(first, second) == [
        "changes/part-00000-of-00001.avro: only on direct",
        "control/date=2017-10-05/.part-00000-of-00001.avro.1f2e.inprogress: only on flink",
        f"{SUMMARY_FILE}: counts {COUNTS} on direct, {({**COUNTS, 'articles': 1, 'balanced': False})} on flink",
    ]


@pytest.fixture(scope="module")
def flink_job_server() -> str:
    """The job server scripts/flink.sh uses, fetched once; the test skips when there is none."""
    fetched = subprocess.run([str(FLINK_SCRIPT), "fetch"], cwd=REPO, capture_output=True, text=True, check=False)
    if fetched.returncode != 0:
        reason = (fetched.stderr.strip().splitlines() or ["no reason given"])[-1]
        pytest.skip(f"Flink is not available here: {reason}")
    return fetched.stdout.split()[0]


def test_flink_writes_the_same_bytes_as_the_direct_runner(flink_job_server, tmp_path):
    outputs = {"direct": tmp_path / "direct", "flink": tmp_path / "flink"}
    for runner, command in (("direct", direct_command), ("flink", flink_command)):
        code, _ = timed_run(command("samples", outputs[runner], []))
        assert code == 0, f"the {runner} run failed"
    assert any(outputs["flink"].glob("articles/date=*/part-*.avro"))
    assert compare_outputs(outputs["direct"], outputs["flink"]) == []
