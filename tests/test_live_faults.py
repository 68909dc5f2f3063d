"""Faults in live mode, against a real (local) Pub/Sub server: the server restarts under a running pipeline,
and malformed messages arrive among good ones.

One live run serves both tests. Before the restart it receives a good article and three malformed
messages (broken JSON, binary bytes, a message over --max_record_bytes); then the server is stopped,
started again on the same port (it keeps nothing in memory, so the topic and subscription are made
again, as a real service would still have them), and a second good article is published. The pipeline
must write both articles and the three dead letters, and still be running at the end.
"""
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.avro_files import read_records
from tests.bad_inputs import prose
from tests.pubsub import build_server, create_topic_and_subscription, running_server

REPO = Path(__file__).resolve().parents[1]
MAX_RECORD_BYTES = 100_000
WAIT_SECONDS = 180
DOWN_SECONDS = 5  # how long the server stays stopped


class LiveRun(NamedTuple):
    output: Path
    malformed: dict[str, str]  # message id -> kind of the malformed messages (published before the restart)
    alive_at_end: bool
    log: str


def article_message(seed: int) -> bytes:
    return json.dumps({"url": article_url(seed), "source": "Live Wire", "published_at": "2017-10-05T10:00:00Z",
                       "text": prose(random.Random(seed))}).encode()


def article_url(seed: int) -> str:
    """Articles are told apart by url: the restarted server numbers its messages from m0 again."""
    return f"https://example.org/live/{seed}"


def written(output: Path, kind: str) -> list[dict]:
    folder = output / kind
    return read_records(folder) if folder.exists() else []


def origins(output: Path, kind: str) -> set[str]:
    return {record["origin"] for record in written(output, kind)}


def urls(output: Path) -> set[str]:
    return {article["url"] for article in written(output, "articles")}


def wait_for(condition, process: subprocess.Popen, seconds: float = WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(1)
    return condition()


def publish(topic: str, messages: dict[str, bytes]) -> dict[str, str]:
    """Publish each message; returns message id -> its name.""" 
    from google.cloud import pubsub_v1
    publisher = pubsub_v1.PublisherClient()
    return {publisher.publish(topic, data).result(timeout=30): name for name, data in messages.items()}


@pytest.fixture(scope="module")
def live_run(tmp_path_factory) -> LiveRun:
    binary = build_server()
    output = tmp_path_factory.mktemp("live_faults") / "out"
    with contextlib.ExitStack() as first_server, pytest.MonkeyPatch.context() as patch:
        host = first_server.enter_context(running_server(binary))
        patch.setenv("PUBSUB_EMULATOR_HOST", host)
        names = create_topic_and_subscription("faults", "faults-sub")
        run = subprocess.Popen(
            [sys.executable, "-m", "pipeline.main", "run", "--input_subscription", names.subscription,
             "--output", str(output), "--early_firing_seconds=1", f"--max_record_bytes={MAX_RECORD_BYTES}",
             f"--max_run_seconds={3 * WAIT_SECONDS}"],
            cwd=REPO, env=dict(os.environ, PUBSUB_EMULATOR_HOST=host),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            publish(names.topic, {"good article before the restart": article_message(1)})
            malformed = publish(names.topic, {
                "malformed JSON": b'{"text": "Fighting near the airport',
                "binary": b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4,
                "oversize": b'{"text": "' + b"word " * MAX_RECORD_BYTES + b'"}',
            })
            wait_for(lambda: article_url(1) in urls(output)
                     and {f"pubsub:{i}" for i in malformed} <= origins(output, "dead_letter"), run)
            first_server.close()  # the server goes away under the running pipeline
            time.sleep(DOWN_SECONDS)
            with running_server(binary, port=int(host.rsplit(":", 1)[1])):
                create_topic_and_subscription("faults", "faults-sub")
                publish(names.topic, {"good article after the restart": article_message(2)})
                wait_for(lambda: article_url(2) in urls(output), run)
                alive = run.poll() is None
        finally:
            run.send_signal(signal.SIGINT)
            try:
                log, _ = run.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                run.kill()
                log, _ = run.communicate()
    return LiveRun(output, malformed, alive, log)


def test_the_pipeline_survives_a_pubsub_server_restart(live_run):
    assert {article_url(1), article_url(2)} <= urls(live_run.output), live_run.log[-3000:]
    assert live_run.alive_at_end, live_run.log[-3000:]
    assert not list(live_run.output.rglob(".*.inprogress"))


def test_malformed_messages_are_dead_letters_and_do_not_block_the_subscription(live_run):
    letters = {letter["origin"]: letter for letter in written(live_run.output, "dead_letter")}
    outcome = {kind: (letters[f"pubsub:{message_id}"]["stage"], letters[f"pubsub:{message_id}"]["error_type"])
               for message_id, kind in live_run.malformed.items() if f"pubsub:{message_id}" in letters}
    assert outcome == {"malformed JSON": ("parse", "malformed_json"), "binary": ("parse", "invalid_utf8"),
                       "oversize": ("read", "too_large")}, live_run.log[-3000:]
    oversize = next(letter for letter in letters.values() if letter["error_type"] == "too_large")
    assert oversize["payload_truncated"] and oversize["payload_size"] > MAX_RECORD_BYTES
