"""Writing records as date-partitioned Avro files, atomically (write a hidden file, then rename).

`<output>/<kind>/date=YYYY-MM-DD/part-00000-of-00001.avro`. The folder name comes only from a validated
`datetime.date`, never from input text. Records in a file are sorted and the Avro sync marker is derived
from the file's path, so the same input writes byte-identical files on every run and runner.
"""
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


def part_name(kind: str, partition: str | None, shard: int, num_shards: int) -> str:
    """A part file's path relative to the output folder."""
    folder = f"{kind}/{partition}" if partition else kind
    return f"{folder}/part-{shard:05d}-of-{num_shards:05d}.avro"


def write_avro_atomically(path: str, schema: dict, records: list[dict], metadata: dict[str, str],
                          sync_key: str) -> None:
    """Write `records` to a hidden temporary file beside `path`, then rename it into place.

    `sync_key` (the file's path relative to the output) fixes the Avro sync marker, which fastavro would
    otherwise draw at random, so that equal records give equal bytes.
    """
    folder, name = path.rsplit("/", 1)
    temporary = f"{folder}/.{name}.{uuid.uuid4().hex}.inprogress"
    sync_marker = hashlib.sha256(sync_key.encode("utf-8")).digest()[:16]
    with FileSystems.create(temporary, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        fastavro.writer(handle, schema, records, codec="deflate", metadata=metadata, sync_marker=sync_marker)
    try:
        FileSystems.rename([temporary], [path])
    except Exception:
        FileSystems.delete([temporary])
        raise


class _WritePartition(beam.DoFn):
    def __init__(self, output: str, kind: str, order: Callable, num_shards: int):
        super().__init__()
        self.output, self.kind, self.record = output, kind, schemas.OUTPUT_RECORDS[kind]
        self.order, self.num_shards = order, num_shards
        self.written = Metrics.counter("write", kind)
        self.files = Metrics.counter("write", "files")

    def setup(self):
        self.schema = schemas.load_schema(self.record)
        self.metadata = {"conflict.record": self.record,
                         "conflict.schema.version": str(schemas.schema_version(self.record))}

    def process(self, keyed_records):
        (partition, shard), records = keyed_records
        records = sorted(records, key=self.order)
        name = part_name(self.kind, partition, shard, self.num_shards)
        path = FileSystems.join(self.output, *name.split("/"))
        write_avro_atomically(path, self.schema, records, self.metadata, sync_key=name)
        self.written.inc(len(records))
        self.files.inc()
        yield path


class WriteAvroPartitions(beam.PTransform):
    """Records -> Avro files under `<output>/<kind>/`, one folder per date when `date_of` is given.

    `order` gives each record a total sort key (its id first): it picks the shard and orders the file.
    """

    def __init__(self, output: str, kind: str, order: Callable[[dict], tuple],
                 date_of: Callable[[dict], dt.date | None] | None = None, num_shards: int = 1):
        super().__init__()
        self.output, self.kind, self.order = output, kind, order
        self.date_of, self.num_shards = date_of, num_shards

    def _key(self, record: dict):
        partition = partition_name(self.date_of(record)) if self.date_of else None
        return (partition, shard_of(str(self.order(record)[0]), self.num_shards)), record

    def expand(self, records):
        return (
            records
            | "KeyByPartition" >> beam.Map(self._key)
            | "GroupByPartition" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(_WritePartition(self.output, self.kind, self.order, self.num_shards)))
