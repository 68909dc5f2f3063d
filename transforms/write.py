"""Writing records as date-partitioned Avro files, atomically (write a hidden file, then rename).

`<output>/<kind>/date=YYYY-MM-DD/part-00000-of-00001.avro`. The folder name comes only from a validated
`datetime.date`, never from input text. Records in a file are sorted and the Avro sync marker is derived
from the file's path, so the same input writes byte-identical files on every run and runner.

Live, files are written every time the trigger fires, each holding what arrived since the last firing,
and named after a hash of their bytes (`part-00000-<hash>.avro`): a firing replayed after a restart
rewrites the same file instead of adding a copy, and no firing overwrites another.
"""
import io
import datetime as dt
import hashlib
import uuid
import zlib
from typing import Callable

import apache_beam as beam
import fastavro
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

import schemas
from transforms.windows import repeated_firings

UNKNOWN_DATE = "unknown"


def partition_name(day: dt.date | None) -> str:
    """'date=2017-10-05', or 'date=unknown' when the record has no date."""
    if day is None:
        return f"date={UNKNOWN_DATE}"
    if not isinstance(day, dt.date):
        raise TypeError(f"partition date must be a datetime.date, got {type(day).__name__}")
    return f"date={day.isoformat()}"


def shard_of(record_id: str, num_shards: int) -> int:
    """A stable shard for a record id (crc32, not Python's per-process salted hash)."""
    return zlib.crc32(record_id.encode("utf-8")) % num_shards


def part_folder(kind: str, partition: str | None) -> str:
    """A partition's folder relative to the output folder."""
    return f"{kind}/{partition}" if partition else kind


def avro_bytes(schema: dict, records: list[dict], metadata: dict[str, str], sync_key: str) -> bytes:
    """An Avro file's bytes. `sync_key` fixes the sync marker, which fastavro would otherwise draw at
    random, so that equal records give equal bytes."""
    buffer = io.BytesIO()
    sync_marker = hashlib.sha256(sync_key.encode("utf-8")).digest()[:16]
    fastavro.writer(buffer, schema, records, codec="deflate", metadata=metadata, sync_marker=sync_marker)
    return buffer.getvalue()


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
    def __init__(self, output: str, kind: str, record: str, order: Callable, num_shards: int, live: bool,
                 batch_id: str | None):
        super().__init__()
        self.output, self.kind, self.record = output, kind, record
        self.order, self.num_shards, self.live, self.batch_id = order, num_shards, live, batch_id
        self.written = Metrics.counter("write", kind)
        self.files = Metrics.counter("write", "files")

    def setup(self):
        self.schema = schemas.load_schema(self.record)
        self.metadata = {"conflict.record": self.record,
                         "conflict.schema.version": str(schemas.schema_version(self.record))}

    def process(self, keyed_records):
        (partition, shard), records = keyed_records
        records = sorted(records, key=self.order)
        folder = part_folder(self.kind, partition)
        data = avro_bytes(self.schema, records, self.metadata, sync_key=f"{folder}/{shard}")
        if self.live:
            name = f"part-{shard:05d}-{hashlib.sha256(data).hexdigest()[:16]}.avro"
        else:
            name = part_name(shard, self.num_shards, self.batch_id)
        path = FileSystems.join(self.output, *folder.split("/"), name)
        write_atomically(path, data)
        self.written.inc(len(records))
        self.files.inc()
        yield path


class WriteAvroPartitions(beam.PTransform):
    """Records -> Avro files under `<output>/<kind>/`, one folder per date when `date_of` is given.

    `order` gives each record a total sort key (its id first): it picks the shard and orders the file.
    `fire_every_seconds` (live mode) writes what arrived every that many seconds instead of once.
    `record` names the schema (by default the output kind's); `batch_id` goes into the file names.
    """

    def __init__(self, output: str, kind: str, order: Callable[[dict], tuple],
                 date_of: Callable[[dict], dt.date | None] | None = None, num_shards: int = 1,
                 fire_every_seconds: int | None = None, record: str | None = None, batch_id: str | None = None):
        super().__init__()
        self.output, self.kind, self.order = output, kind, order
        self.date_of, self.num_shards, self.fire_every_seconds = date_of, num_shards, fire_every_seconds
        self.record, self.batch_id = record or schemas.OUTPUT_RECORDS[kind], batch_id

    def _key(self, record: dict):
        partition = partition_name(self.date_of(record)) if self.date_of else None
        return (partition, shard_of(str(self.order(record)[0]), self.num_shards)), record

    def expand(self, records):
        live = self.fire_every_seconds is not None
        if live:
            records = records | "FireEvery" >> repeated_firings(self.fire_every_seconds)
        return (
            records
            | "KeyByPartition" >> beam.Map(self._key)
            | "GroupByPartition" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(_WritePartition(self.output, self.kind, self.record, self.order,
                                                         self.num_shards, live, self.batch_id)))
