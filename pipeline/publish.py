"""`conflict-control publish`: feed article files into a Pub/Sub topic, to try the live mode end to end.

It reads the same inputs as the batch run, with the same readers, and sends one message per article:
the data is the article's fields as a JSON object (what a JSON Lines record holds, or a file's text or
HTML plus its sidecar metadata), and the attributes carry `origin` and, when the input gives one,
`published_at` in RFC 3339 — the event time the live pipeline reads through `timestamp_attribute`.
With PUBSUB_EMULATOR_HOST set (see scripts/pubsub_server.sh) the client talks to that local server.
"""
import argparse
import concurrent.futures
import contextlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, NamedTuple

from google.api_core import exceptions, retry
from google.auth.exceptions import DefaultCredentialsError
from google.cloud import pubsub_v1
from google.cloud.pubsub_v1.types import PublisherOptions

from transforms import dates
from transforms.parse import pick, record_fields
from transforms.read import FileRecordReader, Unreadable, article_files
from transforms.records import RecordError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
TOPIC_PATH = re.compile(r"projects/[^/]+/topics/[^/]+")
MAX_MESSAGE_BYTES = 10_000_000  # Pub/Sub refuses a message whose data is larger
DEFAULT_TIMEOUT_SECONDS = 60.0
PENDING_LIMIT = 1000  # publishes in flight before waiting for them, to keep memory flat on a large corpus
SKIPS_SHOWN = 5
# Publish failures worth retrying (the client library's own list for Publish), until the timeout.
TRANSIENT_PUBLISH_ERRORS = (exceptions.ServiceUnavailable, exceptions.DeadlineExceeded,
                            exceptions.InternalServerError, exceptions.Aborted, exceptions.ResourceExhausted,
                            exceptions.Unknown, exceptions.Cancelled)


class PublishUsageError(Exception):
    """A problem with the command line: exit code 2."""


class PublishError(Exception):
    """The server cannot be used (unreachable, no topic, no credentials): exit code 1."""


class Message(NamedTuple):
    data: bytes
    attributes: dict[str, str]


class Skipped(NamedTuple):
    """A record that cannot become a message; the batch run would make it a dead letter."""
    origin: str
    reason: str


def published_attribute(fields: dict) -> str | None:
    """The input's publication time as RFC 3339 UTC ('2017-10-05T10:00:00Z'), None when absent or unusable."""
    try:
        value = pick(fields, "published")
        return value and dates.parse_published(value).at.isoformat().replace("+00:00", "Z")
    except ValueError:  # RecordError for a non-string field, or an unparseable/implausible date
        return None


def article_message(raw: dict) -> Message:
    """A raw record (as transforms.read makes them) -> its message; RecordError if it holds no article."""
    fields = record_fields(raw)
    attributes = {"origin": raw["origin"]}
    published = published_attribute(fields)
    if published:
        attributes["published_at"] = published
    data = json.dumps(fields, ensure_ascii=False).encode("utf-8")
    if len(data) > MAX_MESSAGE_BYTES:
        raise RecordError("too_large", f"the article is {len(data):,} bytes as JSON, over Pub/Sub's limit of "
                                       f"{MAX_MESSAGE_BYTES:,}")
    return Message(data, attributes)


def input_files(inputs: Iterable[str]) -> list[str]:
    """Every article file the inputs name, each once, in a stable order; an input naming none is an error."""
    paths = set()
    for path in inputs:
        articles = article_files(path)
        if not articles:
            raise PublishUsageError(f"--input {path}: no article file found there; check the path, or quote the "
                                    f"glob so that the shell does not expand it")
        paths.update(articles)
    return sorted(paths)


def article_messages(paths: Iterable[str], reader: FileRecordReader) -> Iterator[Message | Skipped]:
    for path in paths:
        for record in reader.records(path):
            if isinstance(record, Unreadable):
                yield Skipped(record.origin, record.message)
                continue
            try:
                yield article_message(record)
            except RecordError as error:
                yield Skipped(record["origin"], str(error))


class Pacer:
    """Spaces calls `1/rate` seconds apart on a fixed schedule, so that sleeping late does not add up."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate
        self.clock, self.sleep = clock, sleep
        self.next_at: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self.next_at is None:
            self.next_at = now
        elif self.next_at > now:
            self.sleep(self.next_at - now)
        self.next_at += self.interval


@dataclass
class PublishTally:
    published: int = 0
    failed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    first_failure: str | None = None

    def settle(self, futures: list[concurrent.futures.Future], timeout: float) -> None:
        """Wait for publishes in flight and count how they ended."""
        done, not_done = concurrent.futures.wait(futures, timeout=timeout)
        for future in done:
            error = future.exception()
            if error is None:
                self.published += 1
            else:
                self.failed += 1
                self.first_failure = self.first_failure or f"{type(error).__name__}: {error}"
        if not_done:
            self.failed += len(not_done)
            self.first_failure = self.first_failure or f"no answer from the server within {timeout:g} s"
        futures.clear()


def server_name() -> str:
    return os.environ.get("PUBSUB_EMULATOR_HOST") or "pubsub.googleapis.com"


def publisher_client(timeout: float):
    """A PublisherClient whose calls give up after `timeout` seconds, retries included."""
    give_up = retry.Retry(predicate=retry.if_exception_type(*TRANSIENT_PUBLISH_ERRORS), timeout=timeout)
    try:
        return pubsub_v1.PublisherClient(publisher_options=PublisherOptions(retry=give_up, timeout=timeout))
    except DefaultCredentialsError:
        raise PublishError("no Google Cloud credentials: set PUBSUB_EMULATOR_HOST=HOST:PORT to use a local "
                           "server (scripts/pubsub_server.sh start), or run 'gcloud auth application-default "
                           "login'") from None


@contextlib.contextmanager
def unreachable_as_error(timeout: float):
    """Turn the client's ways of saying 'no answer' into one clear error."""
    try:
        yield
    except (exceptions.RetryError, exceptions.DeadlineExceeded, exceptions.ServiceUnavailable):
        raise PublishError(f"cannot reach the Pub/Sub server {server_name()} within {timeout:g} s: is it "
                           f"running? (a local one: scripts/pubsub_server.sh start)") from None


def ensure_topic(publisher, topic: str, create: bool, timeout: float) -> None:
    """Check that the server answers and the topic exists (creating it if asked), within `timeout`."""
    call = {"timeout": timeout, "retry": retry.Retry(timeout=timeout)}
    with unreachable_as_error(timeout):
        try:
            publisher.get_topic(topic=topic, **call)
        except exceptions.PermissionDenied:  # a publish-only account may not read topics: publishing will tell
            pass
        except exceptions.NotFound:
            if not create:
                raise PublishError(f"topic {topic} does not exist on {server_name()}: create it, or give "
                                   f"--create-topic") from None
            try:
                publisher.create_topic(name=topic, **call)
            except exceptions.AlreadyExists:  # created by someone else meanwhile
                pass


def publish_messages(publisher, topic: str, messages: Iterable[Message | Skipped], pacer: Pacer | None,
                     timeout: float) -> PublishTally:
    tally = PublishTally()
    pending: list[concurrent.futures.Future] = []
    for message in messages:
        if isinstance(message, Skipped):
            tally.skipped.append(message)
            continue
        if pacer:
            pacer.wait()
        pending.append(publisher.publish(topic, message.data, **message.attributes))
        if len(pending) >= PENDING_LIMIT:
            tally.settle(pending, timeout)
    tally.settle(pending, timeout)
    return tally


def summary_line(tally: PublishTally, topic: str, seconds: float) -> str:
    line = (f"published {tally.published} messages to {topic} on {server_name()} in {seconds:.1f} s "
            f"({tally.published / max(seconds, 1e-9):.1f} messages/s)")
    if tally.skipped:
        first = tally.skipped[0]
        line += f"; {len(tally.skipped)} skipped (first: {first.origin}: {first.reason})"
    if tally.failed:
        line += f"; {tally.failed} failed (first: {tally.first_failure})"
    return line


def positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number above 0, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--topic", help="the topic to publish to, as projects/PROJECT/topics/TOPIC (required)")
    parser.add_argument("--input", action="append", metavar="PATH",
                        help="an article file, folder or glob, as for 'run' (repeatable)")
    parser.add_argument("--rate", type=positive_number, metavar="N",
                        help="publish at most N messages per second (default: as fast as possible)")
    parser.add_argument("--create-topic", action="store_true", help="create the topic if it does not exist")
    parser.add_argument("--timeout", type=positive_number, default=DEFAULT_TIMEOUT_SECONDS, metavar="SECONDS",
                        help=f"give up on a server that does not answer within this time "
                             f"(default {DEFAULT_TIMEOUT_SECONDS:g})")


def publish(args: argparse.Namespace) -> str:
    """Publish every article of `args.input` to `args.topic`; the summary line, or an exception."""
    if not args.topic or not TOPIC_PATH.fullmatch(args.topic):
        raise PublishUsageError(f"--topic must be projects/PROJECT/topics/TOPIC, got {args.topic!r}")
    if not args.input:
        raise PublishUsageError("no input: give --input PATH (a file, folder or glob of articles)")
    paths = input_files(args.input)
    publisher = publisher_client(args.timeout)
    ensure_topic(publisher, args.topic, args.create_topic, args.timeout)
    started = time.monotonic()
    pacer = Pacer(args.rate) if args.rate else None
    tally = publish_messages(publisher, args.topic, article_messages(paths, FileRecordReader()), pacer,
                             args.timeout)
    publisher.stop()
    line = summary_line(tally, args.topic, time.monotonic() - started)
    for skipped in tally.skipped[1:SKIPS_SHOWN]:
        print(f"conflict-control publish: skipped {skipped.origin}: {skipped.reason}", file=sys.stderr)
    if tally.failed:
        raise PublishError(line)
    return line


def publish_command(args: argparse.Namespace) -> int:
    """`conflict-control publish`: exit code 0 when every readable article was published, 1 or 2 if not."""
    try:
        print(publish(args))
        return EXIT_OK
    except PublishUsageError as error:
        print(f"conflict-control: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except PublishError as error:
        print(f"conflict-control: error: {error}", file=sys.stderr)
        return EXIT_FAILED
