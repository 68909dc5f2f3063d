"""The whole batch job through its command line: every input record ends in exactly one output."""
import json
from pathlib import Path

import pytest

from pipeline.main import EXIT_OK, EXIT_USAGE, main
from tests.avro_files import avro_files, read_records
from tests.corpus import DASHISHA, HAWIJA, MANBIJ, article, write_jsonl

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    write_jsonl(root / "feed.jsonl", [
        article(HAWIJA),
        article(HAWIJA.upper(), url="https://example.net/copy", published_at="2017-10-06T08:00:00Z"),
        b'{"url": "https://example.org/cut", "text": "Fighting continued near',  # malformed JSON
        b'{"text": "Qaim fell ' + "\u00e9".encode("latin-1") + b'"}',  # latin-1, not UTF-8
        {"title": "No body", "published_at": "2017-10-05"},  # missing text
        article(DASHISHA, published_at="sometime in June"),  # unparseable date
        article("   "),  # empty article
        article("x" * (20 * 1024 * 1024)),  # a 20 MB article
    ])
    write_jsonl(root / "archive" / "older.jsonl.gz", [article(MANBIJ, published_at="Fri, 12 Aug 2016 14:00:00 +0000")])
    pages = root / "pages"
    pages.mkdir()
    (pages / "dashisha.txt").write_text("Headline\n\n" + DASHISHA, encoding="utf-8")
    (pages / "metadata.jsonl").write_text(json.dumps({"file": "dashisha.txt", "source": "K24",
                                                      "published": "2018-06-17"}) + "\n")
    return root


def run(tmp_path: Path, corpus: Path, *extra: str, name="out") -> Path:
    output = tmp_path / name
    assert main(["run", "--input", str(corpus), "--output", str(output), *extra]) == EXIT_OK
    return output


@pytest.fixture(scope="module")
def output(tmp_path_factory, corpus) -> Path:
    return run(tmp_path_factory.mktemp("run"), corpus)


def test_counts_add_up(output):
    summary = json.loads((output / "_SUMMARY.json").read_text())
    assert summary["balanced"] is True
    assert (summary["read"], summary["articles"], summary["duplicates"], summary["filtered"],
            summary["dead_letter"]) == (10, 3, 1, 1, 5)
    for kind in ("articles", "duplicates", "filtered", "dead_letter"):
        assert len(read_records(output / kind)) == summary[kind]


def test_every_bad_input_is_a_dead_letter_with_its_reason(output):
    letters = {(Path(d["origin"]).name, d["stage"], d["error_type"]) for d in read_records(output / "dead_letter")}
    assert letters == {
        ("feed.jsonl:3", "parse", "malformed_json"),
        ("feed.jsonl:4", "parse", "invalid_utf8"),
        ("feed.jsonl:5", "parse", "missing_text"),
        ("feed.jsonl:6", "parse", "unparseable_date"),
        ("feed.jsonl:8", "read", "too_large"),
    }
    big = next(d for d in read_records(output / "dead_letter") if d["error_type"] == "too_large")
    assert big["payload_truncated"] and big["payload_size"] > 20 * 1024 * 1024 and len(big["payload"]) == 65536


def test_empty_article_is_filtered_and_copy_points_to_the_earliest(output):
    [empty] = read_records(output / "filtered")
    assert (Path(empty["origin"]).name, empty["filter_reason"]) == ("feed.jsonl:7", "empty_text")
    [copy] = read_records(output / "duplicates")
    [original] = [a for a in read_records(output / "articles") if a["article_id"] == copy["duplicate_of"]]
    assert original["url"] == "https://example.org/a" and copy["url"] == "https://example.net/copy"


def test_articles_are_partitioned_by_publication_date(output):
    folders = sorted(str(p.relative_to(output).parent) for p in avro_files(output / "articles"))
    assert folders == ["articles/date=2016-08-12", "articles/date=2017-10-05", "articles/date=2018-06-17"]
    sidecar = next(a for a in read_records(output / "articles") if a["origin"].endswith("dashisha.txt"))
    assert (sidecar["source"], sidecar["published_from"]) == ("K24", "input")
    assert not list(output.rglob(".*"))  # no temporary file is left behind


def test_same_input_gives_identical_files_in_process_and_multi_process(tmp_path, corpus, output):
    again = run(tmp_path, corpus, name="again")
    multi = run(tmp_path, corpus, "--direct_running_mode=multi_processing", "--direct_num_workers=2", name="multi")
    expected = {p.relative_to(output): p.read_bytes() for p in avro_files(output)}
    for other in (again, multi):
        assert {p.relative_to(other): p.read_bytes() for p in avro_files(other)} == expected


def test_bundled_sample_runs_and_balances(tmp_path):
    output = run(tmp_path, REPO / "samples")
    summary = json.loads((output / "_SUMMARY.json").read_text())
    assert summary["balanced"] and summary["duplicates"] == 1 and summary["articles"] >= 13
    assert {d["error_type"] for d in read_records(output / "dead_letter")} == {"malformed_json"}


@pytest.mark.parametrize("argv, message", [
    (["run", "--input", "/nonexistent/articles", "--output", "/tmp/x"], "no article file found"),
    (["run", "--input", "samples", "--output", "/tmp/x", "--no_such_flag=1"], "unknown option --no_such_flag"),
    (["run", "--input", "samples", "--output", "/tmp/x", "--runner=NoSuchRunner"], "NoSuchRunner"),
    (["run", "--output", "/tmp/x"], "no input"),
])
def test_command_line_errors_are_one_line(argv, message, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and err.startswith("conflict-control: error:")
