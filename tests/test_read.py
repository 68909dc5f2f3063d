import gzip
import io

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.corpus import HAWIJA, article, write_jsonl
from transforms.read import (FileRecordReader, LineRange, ReadArticleFiles, expand_input, input_format, is_ignored,
                             iter_lines, line_ranges, parse_sidecar, read_capped)


def test_input_format_by_extension():
    assert input_format("a/feed.jsonl") == "jsonl"
    assert input_format("a/feed.JSONL.gz") == "jsonl"
    assert input_format("a/page.htm") == "html"
    assert input_format("a/story.txt.gz") == "text"
    assert input_format("a/report.pdf") is None


def test_sidecars_and_hidden_files_are_not_articles():
    assert is_ignored("/x/metadata.jsonl")
    assert is_ignored("/x/.part-00000.avro.abc.inprogress")
    assert not is_ignored("/x/story.txt")


def test_expand_input_reads_folders_recursively(tmp_path):
    assert expand_input(str(tmp_path)) == f"{tmp_path}/**"
    assert expand_input(f"{tmp_path}/*.jsonl") == f"{tmp_path}/*.jsonl"


def test_iter_lines_caps_long_lines_and_skips_blank_ones():
    stream = io.BytesIO(b'{"a": 1}\n\n' + b"x" * 50 + b"\n" + b'{"b": 2}')
    lines = list(iter_lines(stream, limit=20))
    assert lines == [(1, b'{"a": 1}', 9), (3, b"x" * 20, 51), (4, b'{"b": 2}', 8)]


def test_read_capped_measures_without_keeping_everything():
    head, size = read_capped(io.BytesIO(b"y" * 5000), 100)
    assert (head, size) == (b"y" * 100, 5000)


def test_parse_sidecar_maps_file_names_and_skips_junk():
    data = b'{"file": "a.txt", "source": "Reuters", "published": "2014-09-01"}\nnot json\n{"no_file": 1}\n'
    assert parse_sidecar(data.splitlines()) == {"a.txt": {"source": "Reuters", "published": "2014-09-01"}}


def test_read_article_files_reads_every_format(tmp_path):
    write_jsonl(tmp_path / "feed.jsonl", [article(), article(text="second")])
    write_jsonl(tmp_path / "nested" / "old.jsonl.gz", [article(text="zipped")])
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "story.txt").write_text(HAWIJA)
    (tmp_path / "pages" / "metadata.jsonl").write_text('{"file": "story.txt", "source": "Wire"}\n')
    (tmp_path / "pages" / "page.html").write_text("<html><body><p>Hi</p></body></html>")

    with TestPipeline() as p:
        result = p | ReadArticleFiles([str(tmp_path)])
        summary = result.articles | beam.Map(lambda r: (r["origin"].replace(str(tmp_path), ""),
                                                        r["input_format"], r["fields"]))
        assert_that(summary, equal_to([
            ("/feed.jsonl:1", "jsonl", {}), ("/feed.jsonl:2", "jsonl", {}),
            ("/nested/old.jsonl.gz:1", "jsonl", {}),
            ("/pages/story.txt", "text", {"source": "Wire"}), ("/pages/page.html", "html", {}),
        ]), label="records")
        assert_that(result.dead_letter, equal_to([]), label="no dead letters")


def test_oversized_records_and_unknown_files_become_dead_letters(tmp_path):
    write_jsonl(tmp_path / "feed.jsonl", [article(), article(text="z" * 5000)])
    (tmp_path / "big.txt").write_text("w" * 3000)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    whole = gzip.compress(b'{"text": "a"}\n{"text": "b"}\n')
    (tmp_path / "broken.jsonl.gz").write_bytes(whole[:-8])  # the gzip trailer is cut off

    with TestPipeline() as p:
        result = p | ReadArticleFiles([str(tmp_path)], max_record_bytes=2000, payload_limit=100)
        letters = result.dead_letter | beam.Map(lambda d: (d["origin"].replace(str(tmp_path), ""),
                                                           d["error_type"], len(d["payload"]), d["payload_truncated"]))
        assert_that(letters, equal_to([
            ("/feed.jsonl:2", "too_large", 100, True),
            ("/big.txt", "too_large", 100, True),
            ("/notes.pdf", "unsupported_file_type", 8, False),
            ("/broken.jsonl.gz", "unreadable_file", 0, False),
        ]), label="dead letters")
        assert_that(result.articles | beam.Map(lambda r: r["origin"].replace(str(tmp_path), "")),
                    equal_to(["/feed.jsonl:1", "/broken.jsonl.gz:1", "/broken.jsonl.gz:2"]), label="records")


def test_a_compressed_file_is_not_inflated_past_the_cap(tmp_path):
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(bytes(5_000_000), mtime=0))
    [record] = FileRecordReader(max_record_bytes=1000).records(str(tmp_path / "bomb.txt.gz"))
    assert (record.kind, record.size, len(record.head)) == ("too_large", 1001, 1001)
    assert "decompresses to more than the limit of 1,000 bytes" in record.message


def test_sidecar_lines_over_the_cap_are_skipped(tmp_path):
    (tmp_path / "story.txt").write_text(HAWIJA)
    (tmp_path / "metadata.jsonl").write_text('{"file": "story.txt", "source": "Wire"}\n'
                                             '{"file": "story.txt", "source": "Padded"}' + " " * 2000 + "\n")
    [record] = FileRecordReader(max_record_bytes=1000).records(str(tmp_path / "story.txt"))
    assert record["fields"] == {"source": "Wire"}


def _feed_lines() -> bytes:
    """JSON Lines with what ranges must keep whole: blank lines, CRLF ends, a line over the record cap, a
    line longer than a range, and no newline after the last line."""
    lines = [b'{"text": "line %d"}' % number for number in range(40)]
    lines[5], lines[11], lines[17] = b"", b'{"text": "crlf"}\r', b'{"text": "' + b"x" * 300 + b'"}'
    return b"\n".join(lines)


def test_line_ranges_cut_at_line_starts_and_number_lines_as_the_whole_file_does(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(_feed_lines())
    reader = FileRecordReader(max_record_bytes=200)
    whole = list(reader.records(str(path)))
    for range_bytes in (1, 7, 64, 250):
        ranges = line_ranges(str(path), path.stat().st_size, range_bytes)
        assert len(ranges) > 1 and ranges[0].start == 0 and ranges[-1].end is None
        assert all(earlier.end == later.start for earlier, later in zip(ranges, ranges[1:]))
        assert all(path.read_bytes()[r.start - 1:r.start] == b"\n" for r in ranges[1:])
        assert [record for r in ranges for record in reader.records(*r)] == whole
    assert [r["origin"].rsplit(":", 1)[1] for r in whole if isinstance(r, dict)][:6] == ["1", "2", "3", "4", "5", "7"]


def test_only_large_uncompressed_json_lines_files_are_cut(tmp_path):
    # a small file, a compressed one, another format, and one that vanished after it was matched (its reader
    # reports it as unreadable) are each one range
    for name, size in [("feed.jsonl", 10), ("feed.jsonl.gz", 10_000), ("story.txt", 10_000), ("gone.jsonl", 10_000)]:
        assert line_ranges(str(tmp_path / name), size, range_bytes=100) == [LineRange(str(tmp_path / name))]


def test_a_file_read_in_ranges_gives_the_records_it_gives_read_whole(tmp_path):
    path = tmp_path / "feed.jsonl"
    write_jsonl(path, [article(text=f"report {number}") for number in range(30)])
    numbered_lines = [(str(number), line) for number, line in enumerate(path.read_bytes().splitlines(), start=1)]
    for range_bytes in (200, 1 << 20):
        assert (len(line_ranges(str(path), path.stat().st_size, range_bytes)) > 1) == (range_bytes == 200)
        with TestPipeline() as p:
            result = p | ReadArticleFiles([str(tmp_path)], range_bytes=range_bytes)
            numbered = result.articles | beam.Map(lambda r: (r["origin"].rsplit(":", 1)[1], r["payload"]))
            assert_that(numbered, equal_to(numbered_lines))
