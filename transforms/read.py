"""Reading article records from files: JSON Lines (optionally gzipped) and folders of .txt/.html files.

Every record read becomes one raw record — a dict with `origin`, `input_format`, `payload` (bytes) and
`fields` (metadata from a sidecar file) — or, when it cannot even be read, a dead letter. Nothing is
decoded here: decoding and parsing are the parse stage's job, so their failures are reported there.
"""
import gzip
import json
import os
import posixpath
import zlib
from typing import BinaryIO, Iterable, Iterator, NamedTuple

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput
from apache_beam.transforms import trigger
from apache_beam.transforms.window import GlobalWindows, TimestampedValue
from apache_beam.utils.timestamp import Timestamp

from transforms.records import DEAD_LETTER, DEFAULT_PAYLOAD_BYTES, count_reason, dead_letter

SIDECAR_NAME = "metadata.jsonl"
DEFAULT_MAX_RECORD_BYTES = 10 * 1024 * 1024
_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
            ".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html"}
_SKIP_CHUNK = 1024 * 1024


def input_format(path: str) -> str | None:
    """The record format of a file from its name ('data.jsonl.gz' -> 'jsonl'), None if unsupported."""
    name = posixpath.basename(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return _FORMATS.get(os.path.splitext(name)[1])


def is_gzip(path: str) -> bool:
    return path.lower().endswith(".gz")


def is_ignored(path: str) -> bool:
    """Sidecar metadata and hidden files (including our own in-progress outputs) are not articles."""
    name = posixpath.basename(path)
    return name == SIDECAR_NAME or name.startswith((".", "_"))


def expand_input(path: str) -> str:
    """A folder means every file below it; anything else is a path or glob used as given."""
    if path.endswith("/") or (not any(ch in path for ch in "*?[") and os.path.isdir(path)):
        return path.rstrip("/") + "/**"
    return path


def read_capped(stream: BinaryIO, limit: int, measure: bool = True) -> tuple[bytes, int]:
    """Up to `limit` bytes of a stream and its whole size, holding no more than the head (twice, while it
    is joined). Read a chunk at a time: GzipFile.read(limit) would hold three times the limit. With
    `measure` false the rest is not read and the size is at most `limit`, so that a decompressing stream
    is not inflated past the cap (a gzip bomb costs no more than a record at the limit)."""
    chunks, size = [], 0
    while size < limit and (chunk := stream.read(min(_SKIP_CHUNK, limit - size))):
        chunks.append(chunk)
        size += len(chunk)
    head = b"".join(chunks)
    del chunks
    while measure and (chunk := stream.read(_SKIP_CHUNK)):
        size += len(chunk)
    return head, size


def iter_lines(stream: BinaryIO, limit: int, first_number: int = 1) -> Iterator[tuple[int, bytes, int]]:
    """(line number, line bytes up to `limit`, whole line size) for every non-blank line; the stream's first
    line is number `first_number`."""
    number = first_number - 1
    while line := stream.readline(limit + 1):
        number += 1
        size = len(line)
        if size > limit and not line.endswith(b"\n"):
            head = line[:limit]
            del line  # from here on only the head and one chunk are held
            while chunk := stream.readline(_SKIP_CHUNK):
                size += len(chunk)
                if chunk.endswith(b"\n"):
                    break
            yield number, head, size
        elif line.strip():
            yield number, line.rstrip(b"\r\n"), size


def parse_sidecar(lines: Iterable[bytes]) -> dict[str, dict]:
    """File name -> fields from the lines of a metadata.jsonl sidecar; lines that are not JSON objects
    are skipped."""
    mapping = {}
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("file"), str):
            mapping[entry["file"]] = {k: v for k, v in entry.items() if k != "file"}
    return mapping


class Unreadable(NamedTuple):
    """A record (or the rest of a file) that cannot be read: the reason, and the bytes that could be."""

    origin: str
    input_format: str | None
    kind: str  # unsupported_file_type, too_large, unreadable_file
    message: str
    head: bytes
    size: int


def open_unbuffered(path: str) -> BinaryIO:
    return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)


class LineRange(NamedTuple):
    """Whole lines of a file: bytes `start` up to `end` (None: the end of the file), the first of them line
    number `first_line`. A file that is not cut into ranges is the one range (0, None, 1)."""

    path: str
    start: int = 0
    end: int | None = None
    first_line: int = 1


#: Bytes of a JSON Lines file per range read apart (`line_ranges`).
RANGE_BYTES = 1 << 20


def line_starts(stream: BinaryIO, every_bytes: int) -> list[tuple[int, int]]:
    """(offset, line number) of the start of the file and of the first line that starts at or after each
    `every_bytes` past the one before, reading the stream through once; not the end of the file."""
    starts, offset, lines, cut = [(0, 1)], 0, 0, every_bytes
    while chunk := stream.read(_SKIP_CHUNK):
        while cut - 1 < offset + len(chunk):
            newline = chunk.find(b"\n", max(cut - 1 - offset, 0))
            if newline < 0:  # the line goes on into the next chunk
                break
            start = offset + newline + 1
            starts.append((start, lines + chunk.count(b"\n", 0, newline + 1) + 1))
            cut = start + every_bytes
        lines += chunk.count(b"\n")
        offset += len(chunk)
    if len(starts) > 1 and starts[-1][0] == offset:
        starts.pop()
    return starts


def line_ranges(path: str, size: int, range_bytes: int = RANGE_BYTES) -> list[LineRange]:
    """A file as ranges of about `range_bytes` of whole lines, which workers read apart: an uncompressed
    JSON Lines file larger than that. Any other file, or one that cannot be read here, is one range (its
    reader reports what is wrong with it)."""
    if (size or 0) <= range_bytes or input_format(path) != "jsonl" or is_gzip(path):  # size None: unknown
        return [LineRange(path)]
    try:
        with open_unbuffered(path) as stream:
            starts = line_starts(stream, range_bytes)
    except OSError:
        return [LineRange(path)]
    ends = [start for start, _ in starts[1:]] + [None]
    return [LineRange(path, start, end, first_line) for (start, first_line), end in zip(starts, ends)]


class _Window:
    """The bytes of a stream up to a limit, read by lines (all `iter_lines` needs)."""

    def __init__(self, stream: BinaryIO, size: int):
        self.stream, self.left = stream, size

    def readline(self, size: int) -> bytes:
        line = self.stream.readline(min(size, self.left)) if self.left > 0 else b""
        self.left -= len(line)
        return line


class FileRecordReader:
    """Splits one article file into raw records, the same way for the pipeline and for `publish`.

    `open_file(path)` opens a file's bytes (Beam's FileSystems by default, so gs:// works); sidecar
    metadata is read once per folder.
    """

    def __init__(self, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES, head_bytes: int = DEFAULT_PAYLOAD_BYTES,
                 open_file=open_unbuffered):
        self.max_record_bytes, self.head_bytes, self.open_file = max_record_bytes, head_bytes, open_file
        self._sidecars: dict[str, dict[str, dict]] = {}

    def records(self, path: str, start: int = 0, end: int | None = None,
                first_line: int = 1) -> Iterator[dict | Unreadable]:
        """The records of a file, or of one range of a JSON Lines file (the fields of a LineRange)."""
        fmt = input_format(path)
        if fmt is None:
            with self.open_file(path) as raw:
                head, size = read_capped(raw, self.head_bytes)
            yield Unreadable(path, None, "unsupported_file_type", f"{path}: not a supported input (.jsonl, .json, "
                             f".ndjson, .txt, .html, .htm, optionally .gz)", head, size)
            return
        try:
            with self.open_file(path) as raw:
                stream = gzip.GzipFile(fileobj=raw) if is_gzip(path) else raw
                if fmt == "jsonl":
                    if start or end is not None:
                        stream.seek(start)
                        stream = _Window(stream, end - start) if end is not None else stream
                    for number, data, size in iter_lines(stream, self.max_record_bytes, first_line):
                        yield self._record(f"{path}:{number}", fmt, data, size, {})
                else:
                    data, size = read_capped(stream, self.max_record_bytes + 1, measure=not is_gzip(path))
                    yield self._record(path, fmt, data, size, self._sidecar_fields(path))
        except (OSError, EOFError, zlib.error) as error:
            yield Unreadable(path, fmt, "unreadable_file", f"{path}: cannot be read past this point: {error}", b"", 0)

    def _record(self, origin: str, fmt: str, data: bytes, size: int, fields: dict) -> dict | Unreadable:
        if size > self.max_record_bytes:
            measured = "decompresses to more than" if is_gzip(origin) else f"is {size:,} bytes, over"
            return Unreadable(origin, fmt, "too_large", f"record {measured} the limit of {self.max_record_bytes:,} "
                              f"bytes (raise --max_record_bytes to accept it)", data, size)
        return {"origin": origin, "input_format": fmt, "payload": data, "fields": fields}

    def _sidecar_fields(self, path: str) -> dict:
        folder, name = posixpath.split(path)
        if folder not in self._sidecars:
            try:
                with self.open_file(FileSystems.join(folder, SIDECAR_NAME)) as handle:
                    self._sidecars[folder] = parse_sidecar(
                        line for _, line, size in iter_lines(handle, self.max_record_bytes)
                        if size <= self.max_record_bytes)
            except OSError:  # no sidecar: the files carry no metadata of their own
                self._sidecars[folder] = {}
        return dict(self._sidecars[folder].get(name, {}))


def article_files(path: str) -> list[str]:
    """The article files an input (file, folder or glob) names, sidecars and hidden files left out."""
    matched = [m.path for result in FileSystems.match([expand_input(path)]) for m in result.metadata_list]
    return [p for p in matched if not is_ignored(p)]


class ReadFileRecords(beam.DoFn):
    """Splits a line range of a matched file into raw records; what cannot be read becomes a dead letter."""

    def __init__(self, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
                 payload_limit: int = DEFAULT_PAYLOAD_BYTES):
        super().__init__()
        self.max_record_bytes = max_record_bytes
        self.payload_limit = payload_limit
        self.files = Metrics.counter("read", "files")
        self.records = Metrics.counter("read", "records")

    def setup(self):
        self.reader = FileRecordReader(self.max_record_bytes, self.payload_limit)

    def process(self, line_range: LineRange):
        if not line_range.start:
            self.files.inc()
        for record in self.reader.records(*line_range):
            self.records.inc()
            if isinstance(record, Unreadable):
                count_reason("read", DEAD_LETTER, record.kind)
                raw = {"origin": record.origin, "input_format": record.input_format, "payload": record.head}
                yield TaggedOutput(DEAD_LETTER, dead_letter(
                    "read", record.kind, record.message, raw, self.payload_limit, record.size))
            else:
                yield record


class ReadArticleFiles(beam.PTransform):
    """Input paths, folders or globs -> raw records (main output, tagged "articles") and dead letters.

    A large JSON Lines file is read in ranges of whole lines (`line_ranges`) spread over the workers: read
    whole, it was parsed by one worker while the other waited (4.5 s of a 10,000-article run)."""

    def __init__(self, inputs, max_record_bytes=DEFAULT_MAX_RECORD_BYTES, payload_limit=DEFAULT_PAYLOAD_BYTES,
                 range_bytes=RANGE_BYTES):
        super().__init__()
        self.patterns = sorted({expand_input(path) for path in inputs})
        self.max_record_bytes = max_record_bytes
        self.payload_limit = payload_limit
        self.range_bytes = range_bytes

    def expand(self, pbegin):
        return (
            pbegin
            | "InputPatterns" >> beam.Create(self.patterns)
            | "MatchFiles" >> fileio.MatchAll()
            | "FilePaths" >> beam.Map(lambda metadata: (metadata.path, metadata.size_in_bytes))
            | "DropSidecarsAndHidden" >> beam.Filter(lambda path_size: not is_ignored(path_size[0]))
            | "EachFileOnce" >> beam.Distinct()
            | "LineRanges" >> beam.FlatMapTuple(line_ranges, self.range_bytes)
            | "SpreadRanges" >> beam.Reshuffle()
            | "SplitRecords" >> beam.ParDo(ReadFileRecords(self.max_record_bytes, self.payload_limit))
            .with_outputs(DEAD_LETTER, main="articles"))


class MessageRecords(beam.DoFn):
    """A Pub/Sub message -> a raw record (its data is one article as a JSON object; its attributes are
    kept as fields), or a dead letter when the message is larger than the record cap."""

    def __init__(self, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES, payload_limit: int = DEFAULT_PAYLOAD_BYTES):
        super().__init__()
        self.max_record_bytes, self.payload_limit = max_record_bytes, payload_limit
        self.records = Metrics.counter("read", "records")

    def process(self, message):
        self.records.inc()
        raw = {"origin": f"pubsub:{message.message_id}", "input_format": "pubsub", "payload": message.data or b"",
               "fields": dict(message.attributes or {})}
        if len(raw["payload"]) > self.max_record_bytes:
            count_reason("read", DEAD_LETTER, "too_large")
            yield TaggedOutput(DEAD_LETTER, dead_letter(
                "read", "too_large", f"message is {len(raw['payload']):,} bytes, over the limit of "
                f"{self.max_record_bytes:,}", raw, self.payload_limit))
        else:
            yield raw


class ReadArticleMessages(beam.PTransform):
    """A Pub/Sub subscription or topic -> raw records (main output, tagged "articles") and dead letters.

    Elements keep the message's publish time as their timestamp: an attribute-based event time
    (`timestamp_attribute`) would make the runner fail on a malformed attribute before acknowledging,
    blocking the subscription; event time is assigned after parsing, where a bad date is a dead letter.
    """

    def __init__(self, subscription=None, topic=None, max_record_bytes=DEFAULT_MAX_RECORD_BYTES,
                 payload_limit=DEFAULT_PAYLOAD_BYTES):
        super().__init__()
        self.subscription, self.topic = subscription, topic
        self.max_record_bytes, self.payload_limit = max_record_bytes, payload_limit

    def expand(self, pbegin):
        from apache_beam.io.gcp.pubsub import ReadFromPubSub  # needs google-cloud-pubsub only in live mode
        records = (
            pbegin
            | "ReadMessages" >> ReadFromPubSub(subscription=self.subscription, topic=self.topic, with_attributes=True)
            | "MessageRecords" >> beam.ParDo(MessageRecords(self.max_record_bytes, self.payload_limit))
            .with_outputs(DEAD_LETTER, main="articles"))
        return {"articles": records.articles | "GatherPulls" >> GatherPulls(), DEAD_LETTER: records[DEAD_LETTER]}


#: Live: how long the records pulled are gathered before they go on together (seconds of latency).
GATHER_SECONDS = 1
_GATHERED_KEY = "pulled"


def released_in_order(gathered: Iterable[tuple[int, dict]]) -> list[TimestampedValue]:
    """Gathered (publish time in micros, record) pairs, back with their timestamps, in publish order (then
    origin): the order in which the near-duplicate state sees them no longer depends on how pulls fell."""
    return [TimestampedValue(record, Timestamp(micros=micros))
            for micros, record in sorted(gathered, key=lambda pair: (pair[0], pair[1]["origin"]))]


class GatherPulls(beam.PTransform):
    """Raw records -> the same records, those pulled within GATHER_SECONDS released as one bundle.

    The DirectRunner pulls at most 10 messages at a time, as soon as any are there, and each pull
    becomes a bundle that goes through every step of the graph, where each step inspects its DoFn
    again; at 20 articles a second that per-bundle work, not the articles, took most of the CPU. One
    key and a processing-time trigger turn the pulls of a second into one bundle; elements keep their
    publish time as timestamp, and the default trigger is restored for the steps downstream."""

    def expand(self, records):
        return (
            records
            | "WithPublishTime" >> beam.Map(
                lambda record, timestamp=beam.DoFn.TimestampParam: (_GATHERED_KEY, (timestamp.micros, record)))
            | "EverySecond" >> beam.WindowInto(
                GlobalWindows(), trigger=trigger.Repeatedly(trigger.AfterProcessingTime(GATHER_SECONDS)),
                accumulation_mode=trigger.AccumulationMode.DISCARDING)
            | "Gather" >> beam.GroupByKey()
            | "Release" >> beam.FlatMapTuple(lambda _, gathered: released_in_order(gathered))
            | "DefaultTrigger" >> beam.WindowInto(GlobalWindows()))
