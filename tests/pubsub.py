"""A real Pub/Sub server for tests: Google's in-memory `pstest`, built by scripts/pubsub_server.sh.

`pubsub_emulator` (session) builds the server if needed, starts it on a free port, points the client
library at it through PUBSUB_EMULATOR_HOST and stops it at the end; without Go the tests that use it are
skipped. `pubsub_topic` gives each test a fresh topic with a subscription to pull what was published.
"""
import contextlib
import select
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator, NamedTuple

import pytest

SERVER_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pubsub_server.sh"
GO_MISSING = 3  # the script's exit code when Go is needed and absent
PROJECT = "test-project"
READY_PREFIX = "pstest listening on "
START_SECONDS = 30


class TopicAndSubscription(NamedTuple):
    topic: str  # projects/P/topics/T
    subscription: str  # projects/P/subscriptions/S


def build_server() -> Path:
    """The server binary, built on first use (a minute) and reused afterwards."""
    built = subprocess.run(["bash", str(SERVER_SCRIPT), "build"], capture_output=True, text=True)
    if built.returncode == GO_MISSING:
        pytest.skip("Go is not installed: the Pub/Sub tests need it to build the local server "
                    "(scripts/pubsub_server.sh build)")
    if built.returncode != 0:
        pytest.fail(f"building the Pub/Sub test server failed: {built.stderr.strip()[-2000:]}")
    return Path(built.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def running_server(binary: Path, port: int = 0) -> Iterator[str]:
    """Run the server on `port` (by default a free one the kernel picks), yield its 'host:port', stop it
    afterwards."""
    server = subprocess.Popen([str(binary), "-port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        ready, _, _ = select.select([server.stdout], [], [], START_SECONDS)
        line = server.stdout.readline().strip() if ready else ""
        if not line.startswith(READY_PREFIX):
            pytest.fail(f"the Pub/Sub test server did not start: {line or f'silent for {START_SECONDS} s'}")
        yield line.removeprefix(READY_PREFIX)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


@pytest.fixture(scope="session")
def pubsub_emulator() -> Iterator[str]:
    with running_server(build_server()) as host, pytest.MonkeyPatch.context() as patch:
        patch.setenv("PUBSUB_EMULATOR_HOST", host)
        yield host


def create_topic_and_subscription(topic_id: str, subscription_id: str,
                                  project: str = PROJECT) -> TopicAndSubscription:
    """A topic and a pull subscription to it, on the server PUBSUB_EMULATOR_HOST names."""
    from google.cloud import pubsub_v1

    publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    names = TopicAndSubscription(publisher.topic_path(project, topic_id),
                                 subscriber.subscription_path(project, subscription_id))
    publisher.create_topic(name=names.topic)
    with subscriber:
        subscriber.create_subscription(name=names.subscription, topic=names.topic)
    return names


@pytest.fixture
def pubsub_topic(pubsub_emulator) -> TopicAndSubscription:
    suffix = uuid.uuid4().hex[:12]
    return create_topic_and_subscription(f"articles-{suffix}", f"articles-{suffix}-sub")


def pull_messages(subscription: str, count: int, timeout: float = 10.0) -> list:
    """Pull and acknowledge messages until `count` arrived or `timeout` seconds passed (then fewer)."""
    from google.api_core.exceptions import DeadlineExceeded
    from google.cloud import pubsub_v1

    received = []
    deadline = time.monotonic() + timeout
    with pubsub_v1.SubscriberClient() as subscriber:
        while len(received) < count and time.monotonic() < deadline:
            try:
                response = subscriber.pull(subscription=subscription, max_messages=count - len(received),
                                           timeout=max(deadline - time.monotonic(), 0.1))
            except DeadlineExceeded:
                break
            if not response.received_messages:
                time.sleep(0.05)  # the server may answer at once with nothing: do not spin
                continue
            subscriber.acknowledge(subscription=subscription,
                                   ack_ids=[m.ack_id for m in response.received_messages])
            received.extend(m.message for m in response.received_messages)
    return received
