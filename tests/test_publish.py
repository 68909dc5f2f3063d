import argparse
import gzip
import json
import socket
import subprocess
import time

import pytest

from pipeline.publish import (EXIT_FAILED, EXIT_OK, EXIT_USAGE, Message, Pacer, Skipped,
                              add_arguments, article_messages, publish_command, published_attribute)
from transforms.read import FileRecordReader
from tests.corpus import DASHISHA, HAWIJA, MANBIJ, article, write_jsonl
from tests.pubsub import SERVER_SCRIPT, build_server, pull_messages

MANBIJ_PAGE = f"<html><head><title>Manbij</title></head><body><article><p>{MANBIJ}</p></article></body></html>"


def run_publish(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return publish_command(parser.parse_args(list(argv)))


def write_corpus(folder):
    """Two JSON Lines records (one gzipped), a text file and an HTML page with sidecar metadata."""
    write_jsonl(folder / "feed.jsonl", [article(HAWIJA, url="https://example.org/hawija")])
    write_jsonl(folder / "older.jsonl.gz", [article(DASHISHA, url="https://example.org/dashisha",
                                                    published_at="Sun, 20 May 2018 09:30:00 +0200")])
    pages = folder / "pages"
    pages.mkdir()
    (pages / "manbij.html").write_text(MANBIJ_PAGE, encoding="utf-8")
    (pages / "note.txt").write_text("Fighting was reported near the dam.", encoding="utf-8")
    (pages / "metadata.jsonl").write_text(
        json.dumps({"file": "manbij.html", "url": "https://example.org/manbij", "published": "2016-08-12"}) + "\n",
        encoding="utf-8")
    return folder


def messages_of(folder, reader=None) -> dict[str, Message | Skipped]:
    paths = sorted(str(p) for p in folder.rglob("*") if p.is_file() and p.name != "metadata.jsonl")
    return {m.attributes["origin"] if isinstance(m, Message) else m.origin: m
            for m in article_messages(paths, reader or FileRecordReader())}


def test_each_input_format_becomes_a_json_message_with_origin_and_event_time(tmp_path):
    messages = messages_of(write_corpus(tmp_path))
    hawija = messages[f"{tmp_path}/feed.jsonl:1"]
    assert json.loads(hawija.data) == article(HAWIJA, url="https://example.org/hawija")
    assert hawija.attributes["published_at"] == "2017-10-05T10:00:00Z"

    dashisha = messages[f"{tmp_path}/older.jsonl.gz:1"]
    assert json.loads(dashisha.data)["text"] == DASHISHA
    assert dashisha.attributes["published_at"] == "2018-05-20T07:30:00Z"  # RFC 2822 in, UTC RFC 3339 out

    page = messages[f"{tmp_path}/pages/manbij.html"]
    assert json.loads(page.data) == {"url": "https://example.org/manbij", "published": "2016-08-12",
                                     "html": MANBIJ_PAGE}
    assert page.attributes == {"origin": f"{tmp_path}/pages/manbij.html", "published_at": "2016-08-12T00:00:00Z"}

    note = messages[f"{tmp_path}/pages/note.txt"]
    assert json.loads(note.data) == {"text": "Fighting was reported near the dam."}
    assert note.attributes == {"origin": f"{tmp_path}/pages/note.txt"}  # no date known: no event time


def test_publication_time_attribute_only_when_the_input_gives_a_usable_one():
    assert published_attribute({"date": "2017-10-05T14:30:00+03:00"}) == "2017-10-05T11:30:00Z"
    assert published_attribute({"pubDate": "2017-10-05"}) == "2017-10-05T00:00:00Z"
    assert published_attribute({"published_at": "last Tuesday"}) is None
    assert published_attribute({"published_at": 20171005}) is None
    assert published_attribute({"title": "no date"}) is None


def test_records_that_hold_no_article_are_skipped_with_the_reason(tmp_path):
    write_jsonl(tmp_path / "feed.jsonl", [article(), b"{not json", b"[1, 2]", article(text="x" * 500)])
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    messages = messages_of(tmp_path, FileRecordReader(max_record_bytes=300))
    assert isinstance(messages[f"{tmp_path}/feed.jsonl:1"], Message)
    reasons = {origin: m.reason for origin, m in messages.items() if isinstance(m, Skipped)}
    assert set(reasons) == {f"{tmp_path}/feed.jsonl:{n}" for n in (2, 3, 4)} | {
        f"{tmp_path}/scan.pdf", f"{tmp_path}/image.txt"}
    assert reasons[f"{tmp_path}/feed.jsonl:2"].startswith("malformed JSON")
    assert "must be an object" in reasons[f"{tmp_path}/feed.jsonl:3"]
    assert "over the limit of 300" in reasons[f"{tmp_path}/feed.jsonl:4"]
    assert "not a supported input" in reasons[f"{tmp_path}/scan.pdf"]
    assert reasons[f"{tmp_path}/image.txt"].startswith("not text")


def test_truncated_gzip_is_skipped_not_fatal(tmp_path):
    data = gzip.compress(b"\n".join(json.dumps(article(text=f"{HAWIJA} {n}")).encode() for n in range(50)))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    messages = list(article_messages([str(tmp_path / "cut.jsonl.gz")], FileRecordReader()))
    assert isinstance(messages[-1], Skipped) and "cannot be read" in messages[-1].reason


class FakeClock:
    def __init__(self):
        self.now, self.sleeps = 100.0, []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def test_pacer_keeps_a_fixed_schedule():
    clock = FakeClock()
    pacer = Pacer(4, clock=clock, sleep=clock.sleep)
    pacer.wait()  # the first message goes at once
    pacer.wait()
    clock.now += 0.1  # publishing took a while: the next wait is shorter by as much
    pacer.wait()
    clock.now += 1.0  # far behind schedule: no sleep
    pacer.wait()
    assert clock.sleeps == [0.25, 0.15]


@pytest.mark.parametrize("argv, message", [
    (["--topic", "my-topic", "--input", "x.jsonl"], "--topic must be projects/PROJECT/topics/TOPIC"),
    (["--topic", "projects/p/topics/t"], "no input"),
    (["--topic", "projects/p/topics/t", "--input", "{missing}/*.jsonl"], "no article file found"),
])
def test_usage_errors_exit_2_with_one_line(tmp_path, capsys, argv, message):
    argv = [arg.format(missing=tmp_path / "missing") for arg in argv]
    assert run_publish(*argv) == EXIT_USAGE
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1


def test_unreachable_server_is_a_clear_error_after_the_timeout(tmp_path, monkeypatch, capsys):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", closed)
    corpus = write_jsonl(tmp_path / "feed.jsonl", [article()])
    assert run_publish("--topic", "projects/p/topics/t", "--input", str(corpus), "--timeout", "1") == EXIT_FAILED
    error = capsys.readouterr().err
    assert f"cannot reach the Pub/Sub server {closed} within 1 s" in error and error.count("\n") == 1


def test_published_articles_arrive_with_data_and_attributes(pubsub_topic, tmp_path, capsys):
    corpus = write_corpus(tmp_path)
    expected = messages_of(corpus)
    assert run_publish("--topic", pubsub_topic.topic, "--input", str(corpus)) == EXIT_OK
    assert capsys.readouterr().out.startswith(f"published 4 messages to {pubsub_topic.topic}")

    received = pull_messages(pubsub_topic.subscription, count=4)
    arrived = {m.attributes["origin"]: Message(m.data, dict(m.attributes)) for m in received}
    assert arrived == expected
    hawija = arrived[f"{tmp_path}/feed.jsonl:1"]
    assert json.loads(hawija.data)["text"] == HAWIJA
    assert hawija.attributes["published_at"] == "2017-10-05T10:00:00Z"


def test_rate_spaces_the_messages_out(pubsub_topic, tmp_path):
    corpus = write_jsonl(tmp_path / "feed.jsonl", [article(text=f"{HAWIJA} ({n})") for n in range(5)])
    started = time.monotonic()
    assert run_publish("--topic", pubsub_topic.topic, "--input", str(corpus), "--rate", "20") == EXIT_OK
    assert time.monotonic() - started >= 4 / 20  # five messages at 20/s span at least four intervals
    texts = sorted(json.loads(m.data)["text"] for m in pull_messages(pubsub_topic.subscription, count=5))
    assert texts == [f"{HAWIJA} ({n})" for n in range(5)]


def test_missing_topic_is_a_clear_error_unless_asked_to_create_it(pubsub_emulator, tmp_path, capsys):
    from google.cloud import pubsub_v1

    topic = "projects/test-project/topics/not-there-yet"
    corpus = write_jsonl(tmp_path / "feed.jsonl", [article()])
    assert run_publish("--topic", topic, "--input", str(corpus)) == EXIT_FAILED
    error = capsys.readouterr().err
    assert f"topic {topic} does not exist" in error and "--create-topic" in error

    assert run_publish("--topic", topic, "--input", str(corpus), "--create-topic") == EXIT_OK
    assert pubsub_v1.PublisherClient().get_topic(topic=topic).name == topic


def test_server_script_starts_and_stops_a_server():
    build_server()  # skips without Go
    started = subprocess.run(["bash", str(SERVER_SCRIPT), "start", "0"], capture_output=True, text=True,
                             check=True)
    host = started.stdout.strip().removeprefix("PUBSUB_EMULATOR_HOST=")
    port = int(host.rsplit(":", 1)[1])
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    finally:
        subprocess.run(["bash", str(SERVER_SCRIPT), "stop", str(port)], capture_output=True, check=True)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
