"""The live mode end to end: articles published to a real (local) Pub/Sub server, the pipeline reading
the subscription in streaming mode, control changes in the windowed Avro output and on the alert topic,
and a malformed message in the dead letters without blocking the subscription."""
import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.graph import OUTCOMES
from pipeline.publish import add_arguments, publish_command
from pipeline.state import SUMMARY_FILE
from tests.avro_files import read_records
from tests.pubsub import create_topic_and_subscription, pull_messages

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
#: Control changes the bundled sample reports (place, new controller); the seeds add Dashisha when present.
EXPECTED = {("Hawija", "IRAQI_GOVERNMENT"), ("Raqqa", "SDF"), ("Manbij", "SDF"), ("Kherson", "UKRAINE_GOVERNMENT")}
WAIT_SECONDS = 240


def publish(topic: str, *inputs: Path) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--topic", topic, *[f"--input={path}" for path in inputs]])
    assert publish_command(args) == 0


def changes_found(output: Path) -> set[tuple[str, str]]:
    folder = output / "changes"
    return {(c["place"]["name"], c["to_controller"]) for c in read_records(folder)} if folder.exists() else set()


def malformed_letters(output: Path) -> list[dict]:
    folder = output / "dead_letter"
    letters = read_records(folder) if folder.exists() else []
    return [d for d in letters if d["error_type"] == "malformed_json"]


@pytest.mark.parametrize("nlp_processes", [0, 1])
def test_live_run_from_pubsub(pubsub_emulator, tmp_path, nlp_processes):
    """In the runner's process, and with the NLP in a pool process (--nlp_processes)."""
    articles = create_topic_and_subscription(f"live-articles-{nlp_processes}", f"live-articles-{nlp_processes}-sub")
    alerts = create_topic_and_subscription(f"live-changes-{nlp_processes}", f"live-changes-{nlp_processes}-sub")
    output = tmp_path / "live"
    from google.cloud import pubsub_v1
    publisher = pubsub_v1.PublisherClient()
    publisher.publish(articles.topic, b'{"title": "cut off", "text": "Fighting near').result(timeout=10)
    inputs = [REPO / "samples"] + ([SEEDS] if SEEDS.is_dir() else [])
    publish(articles.topic, *inputs)
    expected = EXPECTED | ({("Dashisha", "SDF")} if SEEDS.is_dir() else set())

    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline.main", "run", "--input_subscription", articles.subscription,
         "--output", str(output), "--output_topic", alerts.topic, "--early_firing_seconds=1",
         "--allowed_lateness_days=100000", f"--max_run_seconds={WAIT_SECONDS + 60}",
         f"--nlp_processes={nlp_processes}"],
        cwd=REPO, env=dict(os.environ, PUBSUB_EMULATOR_HOST=pubsub_emulator),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and run.poll() is None:
            if expected <= changes_found(output) and malformed_letters(output):
                break
            time.sleep(2)
    finally:
        run.send_signal(signal.SIGINT)
        log, _ = run.communicate(timeout=120)
    assert expected <= changes_found(output), log[-3000:]
    [letter] = malformed_letters(output)
    assert letter["origin"].startswith("pubsub:") and letter["stage"] == "parse"
    alert_places = {message.data for message in pull_messages(alerts.subscription, count=1, timeout=20)}
    assert alert_places, "no control change reached the alert topic"
    assert not list(output.rglob(".*.inprogress"))
    # The summary's counters count every bundle (pipeline/streaming_direct_runner.py): at least every record written.
    summary = json.loads((output / SUMMARY_FILE).read_text())
    written = sum(len(read_records(output / kind)) for kind in OUTCOMES if (output / kind).exists())
    assert summary["read"] >= written > 1, summary
