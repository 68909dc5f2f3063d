"""The same input on the DirectRunner and on Flink must write the same files, byte for byte.

    python -m bench.compare_runners [--input samples] [--keep DIR] [PIPELINE FLAG…]

Runs `conflict-control run` on the DirectRunner and through `scripts/flink.sh run` (Beam's portable
FlinkRunner with an embedded Flink) into two folders, then compares every output file: the same names,
the same bytes, and where bytes differ, the records that differ and in which fields, so that a runner-
dependent result (an order, a field that depends on the process) is named rather than just detected.
`_SUMMARY.json` is compared on its counts only: its counters also hold timings and the runner's own
metrics. Any other flag (--num_shards=3, …) goes to both runs. Prints both run times; exits 1 on any difference or failed run (scripts/flink.sh says why
Flink could not run: java or mvn missing, no job server to fetch).
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fastavro

from pipeline.main import SUMMARY_FILE
from pipeline.graph import OUTCOMES

REPO = Path(__file__).resolve().parents[1]
FLINK_SCRIPT = REPO / "scripts" / "flink.sh"
SUMMARY_COUNTS = ("read", *OUTCOMES, "balanced")
SHOWN_CHARACTERS = 120
SHOWN_FIELDS_PER_FILE = 10


def output_files(folder: Path) -> set[str]:
    """Every file below `folder` by relative path, hidden ones included (a leftover temporary file is a
    difference too); the summary is compared apart."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {SUMMARY_FILE}


def shorten(value) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…"


def canonical(record: dict) -> str:
    """A record as text that sorts the same on every run, to compare records regardless of order."""
    return json.dumps(record, sort_keys=True, default=str)


def read_avro(path: Path) -> tuple[dict, list[dict]]:
    with path.open("rb") as handle:
        reader = fastavro.reader(handle)
        return reader.writer_schema, list(reader)


def describe_avro_difference(name: str, first: Path, second: Path, labels: tuple[str, str]) -> list[str]:
    """Why two Avro files with different bytes differ: schema, record count, order, or which fields."""
    (schema_a, records_a), (schema_b, records_b) = read_avro(first), read_avro(second)
    if schema_a != schema_b:
        return [f"{name}: different schemas"]
    if len(records_a) != len(records_b):
        return [f"{name}: {len(records_a)} records on {labels[0]}, {len(records_b)} on {labels[1]}"]
    if records_a == records_b:
        return [f"{name}: the same records, different bytes (header, sync marker or codec)"]
    if sorted(records_a, key=canonical) == sorted(records_b, key=canonical):
        return [f"{name}: the same records in a different order"]
    differences = [f"{name}: record {index} field {field!r}: {labels[0]}={shorten(a.get(field))} "
                   f"{labels[1]}={shorten(b.get(field))}"
                   for index, (a, b) in enumerate(zip(records_a, records_b))
                   for field in sorted(set(a) | set(b)) if a.get(field) != b.get(field)]
    if len(differences) > SHOWN_FIELDS_PER_FILE:
        hidden = len(differences) - SHOWN_FIELDS_PER_FILE
        differences = differences[:SHOWN_FIELDS_PER_FILE] + [f"{name}: … and {hidden} more differing fields"]
    return differences


def summary_counts(folder: Path) -> dict:
    summary = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
    return {name: summary.get(name) for name in SUMMARY_COUNTS}


def compare_outputs(first: Path, second: Path, labels: tuple[str, str] = ("direct", "flink")) -> list[str]:
    """Every difference between two output folders, one line each; empty when they are identical."""
    differences = []
    files_a, files_b = output_files(first), output_files(second)
    differences += [f"{name}: only on {labels[0]}" for name in sorted(files_a - files_b)]
    differences += [f"{name}: only on {labels[1]}" for name in sorted(files_b - files_a)]
    for name in sorted(files_a & files_b):
        path_a, path_b = first / name, second / name
        if path_a.read_bytes() == path_b.read_bytes():
            continue
        if name.endswith(".avro"):
            differences += describe_avro_difference(name, path_a, path_b, labels)
        else:
            differences.append(f"{name}: different bytes")
    counts_a, counts_b = summary_counts(first), summary_counts(second)
    if counts_a != counts_b:
        differences.append(f"{SUMMARY_FILE}: counts {counts_a} on {labels[0]}, {counts_b} on {labels[1]}")
    return differences


def timed_run(command: list[str]) -> tuple[int, float]:
    """Run a command (its output goes to ours); its exit code and wall-clock seconds."""
    started = time.monotonic()
    code = subprocess.run(command, cwd=REPO, check=False).returncode
    return code, time.monotonic() - started


def direct_command(source: str, output: Path, flags: list[str]) -> list[str]:
    return [sys.executable, "-m", "pipeline.main", "run", "--input", source, "--output", str(output), *flags]


def flink_command(source: str, output: Path, flags: list[str]) -> list[str]:
    return [str(FLINK_SCRIPT), "run", source, str(output), *flags]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", default="samples", help="articles to run (relative to the repository root)")
    parser.add_argument("--keep", type=Path, help="write both outputs here (direct/, flink/) and keep them")
    args, flags = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="compare-runners-") as scratch:
        folder = (args.keep or Path(scratch)).resolve()
        outputs = {"direct": folder / "direct", "flink": folder / "flink"}
        runs = {"direct": direct_command, "flink": flink_command}
        seconds = {}
        for runner, command in runs.items():
            code, seconds[runner] = timed_run(command(args.input, outputs[runner], flags))
            if code != 0:
                print(f"compare_runners: the {runner} run failed with exit code {code}", file=sys.stderr)
                return 1
        differences = compare_outputs(outputs["direct"], outputs["flink"])
        compared = len(output_files(outputs["direct"]) | output_files(outputs["flink"]))
        print(f"direct runner: {seconds['direct']:.1f} s, flink runner: {seconds['flink']:.1f} s "
              f"(wall clock, input {args.input})")
        for line in differences:
            print(f"DIFFERENT {line}")
        print(f"{compared} files compared: " + (f"{len(differences)} differences" if differences else "identical"))
        return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
