"""Writing records as date-partitioned Avro files, atomically (write a hidden file, then rename).

`<output>/<kind>/date=YYYY-MM-DD/part-00000-of-00001.avro`. The folder name comes only from a validated
`datetime.date`, never from input text. Records in a file are sorted and the Avro sync marker is derived
from the file's path, so the same input writes byte-identical files on every run and runner.

A batch run never groups the records themselves: the DirectRunner would hold every group in its own
process until the write (a decoded article with its entities takes 27.6 KB, its Avro datum 3.8). Each
bundle writes its records, sorted, as hidden run files beside the output (`<kind>/.run-<id>`, a
new run every RUN_BYTES), only the runs' names are grouped by partition, and the runs of a partition
are merged into its file and deleted. The records are totally ordered by their sort key, so the file
is the same bytes however the records were bundled.

Live, files are written every time the trigger fires, each holding what arrived since the last firing,
and named after a hash of their bytes (`part-00000-<hash>.avro`): a firing replayed after a restart
rewrites the same file instead of adding a copy, and no firing overwrites another.
"""
import base64
import datetime as dt
import hashlib
import heapq
import io
import json
import struct
import uuid
import zlib
from collections import defaultdict
from typing import Callable, Iterable, Iterator, NamedTuple

import apache_beam as beam
import fastavro
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindows

import schemas
from transforms.windows import repeated_firings

UNKNOWN_DATE = "unknown"
#: The start of a partition folder's name (hive style).
PARTITION_PREFIX = "date="
#: Datum bytes a bundle gathers before it writes them as a sorted run (the worker's memory for a write).
RUN_BYTES = 32 << 20


def partition_name(day: dt.date | None) -> str:
    """'date=2017-10-05', or 'date=unknown' when the record has no date."""
    if day is None:
        return f"{PARTITION_PREFIX}{UNKNOWN_DATE}"
    if not isinstance(day, dt.date):
        raise TypeError(f"partition date must be a datetime.date, got {type(day).__name__}")
    return f"{PARTITION_PREFIX}{day.isoformat()}"


def shard_of(record_id: str, num_shards: int) -> int:
    """A stable shard for a record id (crc32, not Python's per-process salted hash)."""
    return zlib.crc32(record_id.encode("utf-8")) % num_shards


def part_folder(kind: str, partition: str | None) -> str:
    """A partition's folder relative to the output folder."""
    return f"{kind}/{partition}" if partition else kind


class _EncodedBlock(NamedTuple):
    """Records already encoded, as fastavro's `Writer.write_block` reads a block (`fastavro.read.Block`)."""

    bytes_: io.BytesIO
    num_records: int


def avro_bytes(schema: dict, datums: Iterable[bytes], metadata: dict[str, str], sync_key: str) -> bytes:
    """An Avro file's bytes from its records encoded as datums (`avro_datum`). The datums go into the
    file's blocks as they are: decoding each record to have fastavro encode it again took three quarters
    of the time of writing a 10,000-article run's files. A block closes once it holds fastavro's sync
    interval, as fastavro's own writer closes it, so the bytes are those `fastavro.writer` gives for the
    same records. `sync_key` fixes the sync marker, which fastavro would otherwise draw at random, so
    that equal records give equal bytes."""
    buffer = io.BytesIO()
    sync_marker = hashlib.sha256(sync_key.encode("utf-8")).digest()[:16]
    writer = fastavro.write.Writer(buffer, schema, codec="deflate", metadata=metadata, sync_marker=sync_marker)
    block, block_bytes = [], 0
    for datum in datums:
        block.append(datum)
        block_bytes += len(datum)
        if block_bytes >= writer.sync_interval:
            writer.write_block(_EncodedBlock(io.BytesIO(b"".join(block)), len(block)))
            block, block_bytes = [], 0
    if block:
        writer.write_block(_EncodedBlock(io.BytesIO(b"".join(block)), len(block)))
    writer.flush()
    return buffer.getvalue()


def avro_datum(schema: dict, record: dict) -> bytes:
    """One record as Avro binary without a file header: the compact form a record crosses a shuffle in."""
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()


_FRAME = struct.Struct("<II")  # bytes of the sort key, bytes of the datum
_KEY_TYPES = {"date": dt.date.fromisoformat, "datetime": dt.datetime.fromisoformat, "bytes": base64.b64decode}


def _tagged(value):
    """A sort-key part JSON cannot hold, tagged with its type so that it reads back as the same value."""
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"a sort key cannot hold {type(value).__name__}")


def _untagged(value: dict):
    (kind, text), = value.items()
    return _KEY_TYPES[kind](text)


def encode_sort_key(key: tuple) -> bytes:
    return json.dumps(key, default=_tagged, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_sort_key(data: bytes) -> list:
    """The key as a list (tuples become lists, which compare the same way)."""
    return json.loads(data, object_hook=_untagged)


def write_run(path: str, pairs: Iterable[tuple]) -> None:
    """(sort key, datum) pairs, already sorted, as one run file of length-prefixed frames (no pickle:
    the file sits in the output folder and is read back)."""
    with FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        for key, datum in pairs:
            encoded = encode_sort_key(key)
            handle.write(_FRAME.pack(len(encoded), len(datum)) + encoded + datum)


def read_run(path: str) -> Iterator[tuple]:
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        while header := handle.read(_FRAME.size):
            key_size, datum_size = _FRAME.unpack(header)
            yield decode_sort_key(handle.read(key_size)), handle.read(datum_size)


def sort_key(pair: tuple):
    return pair[0]


def write_atomically(path: str, data: bytes) -> None:
    """Write `data` to a hidden temporary file beside `path`, then rename it into place."""
    folder, name = path.rsplit("/", 1)
    temporary = f"{folder}/.{name}.{uuid.uuid4().hex}.inprogress"
    with FileSystems.create(temporary, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        handle.write(data)
    try:
        FileSystems.rename([temporary], [path])
    except Exception:
        FileSystems.delete([temporary])
        raise


def part_name(shard: int, num_shards: int, batch_id: str | None = None) -> str:
    """'part-00000-of-00001.avro'; an incremental run's files carry its batch id ('part-<batch>-00000-…'),
    so that each run's files sit beside the others' in a partition and a re-run replaces only its own."""
    batch = f"{batch_id}-" if batch_id else ""
    return f"part-{batch}{shard:05d}-of-{num_shards:05d}.avro"


class _WritePartition(beam.DoFn):
    """((partition, shard), (sort key, datum) pairs) -> the partition's file, its records sorted."""

    def __init__(self, output: str, kind: str, record: str, num_shards: int, live: bool, batch_id: str | None):
        super().__init__()
        self.output, self.kind, self.record = output, kind, record
        self.num_shards, self.live, self.batch_id = num_shards, live, batch_id
        self.written = Metrics.counter("write", kind)
        self.files = Metrics.counter("write", "files")

    def setup(self):
        self.schema = schemas.load_schema(self.record)
        self.metadata = {"conflict.record": self.record,
                         "conflict.schema.version": str(schemas.schema_version(self.record))}

    def process(self, keyed_datums):
        (partition, shard), datums = keyed_datums
        yield self.write(partition, shard, sorted(datums, key=sort_key))

    def datums(self, sorted_datums: Iterable[tuple]) -> Iterator[bytes]:
        for _, datum in sorted_datums:
            self.written.inc()
            yield datum

    def write(self, partition: str | None, shard: int, sorted_datums: Iterable[tuple]) -> str:
        folder = part_folder(self.kind, partition)
        data = avro_bytes(self.schema, self.datums(sorted_datums), self.metadata, sync_key=f"{folder}/{shard}")
        if self.live:
            name = f"part-{shard:05d}-{hashlib.sha256(data).hexdigest()[:16]}.avro"
        else:
            name = part_name(shard, self.num_shards, self.batch_id)
        path = FileSystems.join(self.output, *folder.split("/"), name)
        write_atomically(path, data)
        self.files.inc()
        return path


class _MergeSortedRuns(_WritePartition):
    """((partition, shard), run files) -> the partition's file, merged from its runs, which are deleted."""

    def process(self, keyed_runs):
        (partition, shard), runs = keyed_runs
        runs = sorted(runs)
        yield self.write(partition, shard, heapq.merge(*map(read_run, runs), key=sort_key))
        FileSystems.delete(runs)


class _KeyByPartition(beam.DoFn):
    """A record -> ((partition, shard), (its sort key, its Avro datum))."""

    def __init__(self, record: str, order: Callable, date_of: Callable | None, num_shards: int):
        super().__init__()
        self.record, self.order, self.date_of, self.num_shards = record, order, date_of, num_shards

    def setup(self):
        self.schema = fastavro.parse_schema(schemas.load_schema(self.record))

    def keyed(self, record: dict) -> tuple:
        partition = partition_name(self.date_of(record)) if self.date_of else None
        order = self.order(record)
        return (partition, shard_of(str(order[0]), self.num_shards)), (order, avro_datum(self.schema, record))

    def process(self, record):
        yield self.keyed(record)


class _SpillSortedRuns(_KeyByPartition):
    """A record -> ((partition, shard), run file), once per run: the bundle's records of each partition,
    sorted, written as a run whenever `run_bytes` of datums are pending and at the end of the bundle."""

    def __init__(self, output: str, kind: str, run_bytes: int, *keying):
        super().__init__(*keying)
        self.output, self.kind, self.run_bytes = output, kind, run_bytes
        self.runs = Metrics.counter("write", "sorted_runs")

    def start_bundle(self):
        self.pending, self.pending_bytes = defaultdict(list), 0

    def process(self, record):
        key, pair = self.keyed(record)
        self.pending[key].append(pair)
        self.pending_bytes += len(pair[1])
        if self.pending_bytes >= self.run_bytes:
            yield from self.spill()

    def finish_bundle(self):
        for keyed_run in self.spill():
            yield GlobalWindows.windowed_value(keyed_run)

    def spill(self) -> Iterator[tuple]:
        for key, pairs in self.pending.items():
            path = FileSystems.join(self.output, self.kind, f".run-{uuid.uuid4().hex}")
            write_run(path, sorted(pairs, key=sort_key))
            self.runs.inc()
            yield key, path
        self.pending, self.pending_bytes = defaultdict(list), 0


class WriteAvroPartitions(beam.PTransform):
    """Records -> Avro files under `<output>/<kind>/`, one folder per date when `date_of` is given.

    `order` gives each record a total sort key (its id first): it picks the shard and orders the file.
    `fire_every_seconds` (live mode) writes what arrived every that many seconds instead of once, from
    the records grouped by partition; a batch run writes sorted runs of at most `run_bytes` of datums and
    merges them. `record` names the schema (by default the output kind's); `batch_id` goes into the file
    names.
    """

    def __init__(self, output: str, kind: str, order: Callable[[dict], tuple],
                 date_of: Callable[[dict], dt.date | None] | None = None, num_shards: int = 1,
                 fire_every_seconds: int | None = None, record: str | None = None, batch_id: str | None = None,
                 run_bytes: int = RUN_BYTES):
        super().__init__()
        self.output, self.kind, self.order = output, kind, order
        self.date_of, self.num_shards, self.fire_every_seconds = date_of, num_shards, fire_every_seconds
        self.record, self.batch_id, self.run_bytes = record or schemas.OUTPUT_RECORDS[kind], batch_id, run_bytes

    def expand(self, records):
        live = self.fire_every_seconds is not None
        keying = (self.record, self.order, self.date_of, self.num_shards)
        writing = (self.output, self.kind, self.record, self.num_shards, live, self.batch_id)
        if live:
            return (
                records
                | "FireEvery" >> repeated_firings(self.fire_every_seconds)
                | "KeyByPartition" >> beam.ParDo(_KeyByPartition(*keying))
                | "GroupByPartition" >> beam.GroupByKey()
                | "WriteFiles" >> beam.ParDo(_WritePartition(*writing)))
        return (
            records
            | "SpillSortedRuns" >> beam.ParDo(_SpillSortedRuns(self.output, self.kind, self.run_bytes, *keying))
            | "GroupRunsByPartition" >> beam.GroupByKey()
            | "MergeRuns" >> beam.ParDo(_MergeSortedRuns(*writing)))
