"""The generated bad-input corpus through the whole batch job (in process): every record ends where a user
would expect it, with its reason, the counts add up, and memory stays bounded."""
import datetime as dt
import gzip
import json
import re
import resource
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest

from pipeline.main import EXIT_OK, main
from tests.avro_files import read_records
from tests.bad_inputs import ARTICLES, DEAD_LETTER, DUPLICATES, FILTERED, MiB, write_bad_inputs
from transforms.read import FileRecordReader
from transforms.write import partition_name

OUTCOMES = (ARTICLES, DUPLICATES, FILTERED, DEAD_LETTER)
# Peak resident memory of the whole test process (spaCy, the gazetteer, lingua and Beam included) while
# it reads 50 MB records and a gigabyte gzip bomb: a generous bound, not a benchmark.
MAX_PEAK_RSS_BYTES = 1536 * MiB
REPO = Path(__file__).resolve().parents[1]
PARTITION = re.compile(r"date=(\d{4}-\d{2}-\d{2}|unknown)")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_inputs")
    return root, write_bad_inputs(root)


@pytest.fixture(scope="module")
def output(tmp_path_factory, corpus) -> Path:
    root, _ = corpus
    output = tmp_path_factory.mktemp("bad_run") / "out"
    assert main(["run", "--input", str(root), "--output", str(output)]) == EXIT_OK
    return output


def relative(origin: str, root: Path) -> str:
    return origin.removeprefix(f"{root}/")


def outcome_of(kind: str, record: dict) -> tuple:
    if kind == DEAD_LETTER:
        return kind, record["stage"], record["error_type"]
    return (kind, record["filter_reason"]) if kind == FILTERED else (kind,)


def expected_outcome(case) -> tuple:
    if case.outcome == DEAD_LETTER:
        return case.outcome, case.stage, case.reason
    return (case.outcome, case.reason) if case.outcome == FILTERED else (case.outcome,)


def test_every_bad_input_ends_where_expected_with_its_reason(corpus, output):
    root, cases = corpus
    expected = {case.origin: [expected_outcome(case)] for case in cases}
    found: dict[str, list[tuple]] = {}
    for kind in OUTCOMES:
        for record in read_records(output / kind):
            found.setdefault(relative(record["origin"], root), []).append(outcome_of(kind, record))
    wrong = {origin: (expected.get(origin), found.get(origin))
             for origin in expected.keys() | found.keys() if expected.get(origin) != found.get(origin)}
    kinds = {case.origin: case.kind for case in cases}
    assert not wrong, "\n".join(f"{kinds.get(origin, '?')} ({origin}): expected {want}, got {got}"
                                 for origin, (want, got) in sorted(wrong.items()))


def test_conservation_adds_up(corpus, output):
    _, cases = corpus
    summary = json.loads((output / "_SUMMARY.json").read_text())
    assert summary["balanced"] is True
    assert summary["read"] == len(cases)
    for kind in OUTCOMES:
        assert summary[kind] == sum(case.outcome == kind for case in cases) == len(read_records(output / kind))
    by_reason = Counter(f"{case.stage}.{case.outcome}.{case.reason}" for case in cases if case.stage)
    assert {name: summary["counters"].get(name) for name in by_reason} == dict(by_reason)


def test_decoded_files_keep_their_text_and_say_how_they_were_read(corpus, output):
    root, _ = corpus
    articles = {relative(a["origin"], root): a for a in read_records(output / ARTICLES)}
    french = articles["pages/latin1_french.txt"]
    assert "à l'État islamique" in french["text"] and french["language"] == "fr"
    assert french["attributes"]["source_encoding"] == "cp1252"
    arabic = articles["pages/cp1256_arabic.txt"]
    assert "الحويجة" in arabic["text"] and arabic["language"] == "ar"
    assert arabic["attributes"]["source_encoding"] == "cp1256"
    assert articles["pages/cp1256_arabic.html"]["attributes"]["source_encoding"] == "cp1256"
    mixed = articles["pages/utf8_with_latin1_bytes.txt"]
    assert "Café Noir" in mixed["text"] and "Café Blanc" in mixed["text"]
    assert mixed["attributes"]["source_encoding"] == "utf-8+cp1252"
    assert "source_encoding" not in articles["dated/fine.txt"]["attributes"]  # UTF-8 says nothing


def test_invisible_and_control_characters_are_gone_and_bombs_not_expanded(corpus, output):
    root, _ = corpus
    articles = {relative(a["origin"], root): a for a in read_records(output / ARTICLES)}
    invisible = re.compile("[\x00\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
    assert not [origin for origin, article in articles.items() if invisible.search(article["text"])]
    assert articles["feeds/identities.jsonl:4"]["language"] == "ar"
    bomb = articles["pages/entity_bomb.html"]
    assert len(bomb["text"]) < 5000 and "lollol" not in bomb["text"]
    assert articles["feeds/dates.jsonl:6"]["published_precision"] == "unknown"
    assert articles["pages/future_page_date.html"]["published_date"] is None


def test_duplicate_ids_with_different_texts_are_both_kept(corpus, output):
    root, _ = corpus
    records = [r for kind in (ARTICLES, DUPLICATES) for r in read_records(output / kind)
               if r["attributes"].get("id") == "wire-7"]
    kept = [r for r in records if r["duplicate_of"] is None]
    assert len(kept) == 2 and kept[0]["text"] != kept[1]["text"]
    [copy] = [r for r in records if r["duplicate_of"] is not None]
    assert relative(copy["origin"], root) == "feeds/identities.jsonl:3" and copy["duplicate_kind"] == "exact"


def test_output_paths_come_only_from_validated_dates(corpus, output):
    """Text from the input ('../../', 'date=' in an id, a title or a source) never shapes a path."""
    root, _ = corpus
    for path in output.rglob("*"):
        parts = path.relative_to(output).parts
        if path.is_file():
            assert parts[0] in ("_SUMMARY.json", DEAD_LETTER) or PARTITION.fullmatch(parts[1]), parts
    assert not list(root.parent.rglob("escaped*"))
    injected = next(a for a in read_records(output / ARTICLES) if a["attributes"].get("id") == "date=../../../escaped")
    assert injected["published_date"].isoformat() == "2017-10-05"
    [letter] = [d for d in read_records(output / DEAD_LETTER) if b"/tmp/escaped" in d["payload"]]
    assert letter["error_type"] == "unparseable_date"


def test_partition_folders_are_built_from_dates_only():
    assert partition_name(dt.date(2017, 10, 5)) == "date=2017-10-05" and partition_name(None) == "date=unknown"
    with pytest.raises(TypeError):
        partition_name("../../etc")


# Calls that would run or deserialise what they are given; none may appear in the pipeline's code.
UNSAFE_CALLS = re.compile(r"\b(?:pickle|cloudpickle|dill|marshal)\.loads?\s*\(|\bshelve\.open\s*\(|"
                          r"\byaml\.(?:load|unsafe_load|full_load)\s*\(|(?<![.\w])(?:eval|exec)\s*\(|"
                          r"allow_pickle\s*=\s*True")


def test_no_input_is_executed_or_unpickled():
    """Nothing in the pipeline's code evaluates, unpickles or fully loads YAML (yaml.safe_load only)."""
    sources = [path for package in ("pipeline", "transforms", "schemas") for path in (REPO / package).rglob("*.py")]
    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()}" for path in sources
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if UNSAFE_CALLS.search(line)]
    assert sources and not found, "\n".join(found)


def test_memory_stays_bounded(output):
    """The whole run above (50 MB records, a 1 GiB gzip bomb) in one process."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    assert peak < MAX_PEAK_RSS_BYTES, f"peak RSS {peak / MiB:.0f} MiB"


def peak_bytes_reading(reader: FileRecordReader, path: Path) -> tuple[list, int]:
    tracemalloc.start()
    try:
        records = list(reader.records(str(path)))
        return records, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def gzip_bomb(path: Path, size: int) -> None:
    member = gzip.compress(bytes(16 * MiB), mtime=0)
    path.write_bytes(member * (size // (16 * MiB)))


def long_line(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        for _ in range(size // MiB):
            handle.write(b"x" * MiB)
        handle.write(b"\n")


@pytest.mark.parametrize("name, write", [("bomb.txt.gz", gzip_bomb), ("bomb.jsonl.gz", gzip_bomb),
                                         ("long_line.jsonl", long_line), ("long_file.txt", long_line)])
def test_reading_never_holds_more_than_the_cap(tmp_path, name, write):
    """Caps apply before parsing: a 64 MiB line or file, or a 64 MiB gzip bomb, is read holding a record's
    head (at most the cap) and its copy, never the record (measured with tracemalloc)."""
    path = tmp_path / name
    write(path, 64 * MiB)
    cap = 4 * MiB
    tracemalloc.start()
    try:
        [record] = FileRecordReader(max_record_bytes=cap).records(str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert record.kind == "too_large" and len(record.head) <= cap + 1
    assert peak < 3 * cap
