import datetime as dt
import hashlib
import io

import apache_beam as beam
import fastavro
import pytest
from apache_beam.testing.test_pipeline import TestPipeline

import schemas
from tests.avro_files import avro_files, read_records, read_with_apache_avro
from transforms.write import (WriteAvroPartitions, avro_bytes, avro_datum, partition_name, read_run, shard_of,
                              write_atomically, write_run)

UTC = dt.timezone.utc


def letter(origin, error_type="malformed_json"):
    return {"stage": "parse", "error_type": error_type, "error": "bad", "origin": origin, "input_format": "jsonl",
            "payload": b"{", "payload_size": 1, "payload_truncated": False}


def test_partition_name_accepts_only_dates():
    assert partition_name(dt.date(2017, 10, 5)) == "date=2017-10-05"
    assert partition_name(None) == "date=unknown"
    with pytest.raises(TypeError):
        partition_name("../../etc")


def test_shard_of_is_stable_across_processes():
    # fixed values (crc32), so a switch to Python's per-process salted hash() would fail here
    assert (shard_of("abc", 7), shard_of("article-1", 4)) == (5, 2)
    assert len({shard_of(f"id{i}", 4) for i in range(100)}) == 4


def test_atomic_write_leaves_no_temporary_and_same_bytes_each_time(tmp_path):
    schema = schemas.load_schema("DeadLetter")
    datums = [avro_datum(schema, letter("a:1")), avro_datum(schema, letter("a:2"))]
    write_atomically(str(tmp_path / "x.avro"), avro_bytes(schema, datums, {}, sync_key="dead_letter/0"))
    first = (tmp_path / "x.avro").read_bytes()
    write_atomically(str(tmp_path / "x.avro"), avro_bytes(schema, datums, {}, sync_key="dead_letter/0"))
    assert (tmp_path / "x.avro").read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["x.avro"]


@pytest.mark.parametrize("count", [0, 1, 300])
def test_a_file_of_datums_is_the_file_fastavro_writes_of_their_records(count):
    # 300 letters of 1 KB fill several of fastavro's blocks: they must close where its own writer closes them
    schema = schemas.load_schema("DeadLetter")
    records = [dict(letter(f"feed.jsonl:{i}"), payload=bytes(range(256)) * 4) for i in range(count)]
    marker = hashlib.sha256(b"dead_letter/0").digest()[:16]
    expected = io.BytesIO()
    fastavro.writer(expected, schema, records, codec="deflate", metadata={"k": "v"}, sync_marker=marker)
    written = avro_bytes(schema, [avro_datum(schema, record) for record in records], {"k": "v"}, "dead_letter/0")
    assert written == expected.getvalue()
    assert list(fastavro.reader(io.BytesIO(written))) == records


def test_write_partitions_by_date_and_reads_back_with_two_readers(tmp_path):
    base = {"stage": "parse", "error": "e", "input_format": None, "payload": b"", "payload_size": 0,
            "payload_truncated": False}
    records = [dict(base, origin=f"o{i}", error_type=f"k{i % 2}") for i in range(6)]
    with TestPipeline() as p:
        _ = p | beam.Create(records) | WriteAvroPartitions(
            str(tmp_path), "dead_letter", order=lambda r: (r["origin"],), num_shards=2,
            date_of=lambda r: dt.date(2020, 1, 1) if r["error_type"] == "k0" else None)
    files = avro_files(tmp_path)
    assert {str(f.relative_to(tmp_path).parent) for f in files} == {"dead_letter/date=2020-01-01",
                                                                       "dead_letter/date=unknown"}
    assert sorted(r["origin"] for r in read_records(tmp_path)) == [f"o{i}" for i in range(6)]
    for path in files:
        with path.open("rb") as handle:
            reader = fastavro.reader(handle)
            assert reader.metadata["conflict.record"] == "DeadLetter"
            assert reader.metadata["conflict.schema.version"] == "1"
            from_fastavro = list(reader)
        assert read_with_apache_avro(path) == from_fastavro


def test_a_run_file_gives_back_its_sort_keys_with_their_types_and_its_datums(tmp_path):
    when = dt.datetime(2017, 10, 5, 8, 30, tzinfo=dt.timezone.utc)
    pairs = [(("a", 1, dt.date(2017, 10, 5), when, b"\x00\xff", None, 0.5), b"first"),
             (("b", 2, None, when, b"", "x", 1.0), b"")]
    write_run(str(tmp_path / "run"), pairs)
    assert [(tuple(key), datum) for key, datum in read_run(str(tmp_path / "run"))] == pairs


def test_batch_files_are_the_same_bytes_however_the_records_were_spilled_in_runs(tmp_path):
    letters = [dict(letter(f"feed:{(i * 37) % 120:03d}", f"k{i % 3}"), payload=bytes([i % 251]) * i)
               for i in range(120)]

    def write(folder, run_bytes):
        with TestPipeline() as p:
            _ = p | beam.Create(letters) | WriteAvroPartitions(
                str(folder), "dead_letter", order=lambda r: (r["origin"],), num_shards=2, run_bytes=run_bytes,
                date_of=lambda r: dt.date(2020, 1, 1) if r["error_type"] == "k0" else None)
        return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}

    one_run_each = write(tmp_path / "small", run_bytes=1)  # every record is a run of its own
    one_run_in_all = write(tmp_path / "large", run_bytes=1 << 30)
    assert one_run_each == one_run_in_all
    assert not [name for name in one_run_each if "/." in f"/{name}"]  # no run file or temporary left
    origins = [record["origin"] for record in read_records(tmp_path / "small")]
    assert sorted(origins) == sorted(letter["origin"] for letter in letters)
    for path in avro_files(tmp_path / "small"):
        with path.open("rb") as handle:
            in_file = [record["origin"] for record in fastavro.reader(handle)]
        assert in_file == sorted(in_file)
