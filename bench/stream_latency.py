"""Live-mode latency: articles published to the local Pub/Sub server at a fixed rate, and how long each
takes to reach the windowed output and each control change to reach the alert topic.

    python -m bench.stream_latency [--rates 20,100] [--minutes 3] [--early_firing_seconds 5] [--nlp_processes 1]
                                   [--run_args="--duplicate_horizon_hours=1"] [--results FILE]

For each rate it starts `conflict-control run --input_subscription … --output_topic …` (the DirectRunner
in streaming mode) against Google's in-memory Pub/Sub server (scripts/pubsub_server.sh), waits until a
warm-up article has come through, then publishes distinct FA-KES-like articles (bench.throughput's
corpus, dated at their publish time as a live feed is) at the rate for the given minutes, and then
gives the run `--drain_seconds` to finish. It reports, per rate:

- article delay: publish -> the article's record in a finished file under articles/, or under
  duplicates/ for a near copy of an article published before it (file time), p50 and p95 over all
  articles, and the p50 of the first and of the last third of the run;
- change delay: a ControlChange message's arrival on the alert topic minus the publish time of the
  latest article (published before it) behind one of its supporting events, p50 and p95, over all alerts
  and over first alerts (revision 0: a change not alerted before). An alert can be caused by a report
  that is not among its supporting events (an earlier holder learnt late makes a known capture a change
  of hands; another event moves the timeline), so a long delay from its latest supporting article does
  not always mean a report waited that long: the delay from the latest report about the alert's place
  (published before it) is reported beside it;
- whether the pipeline kept up: every article written within the drain time and the delays of the last
  third no worse than twice those of the first (and 10 s);
- resident memory of all the run's processes at the start, middle and end of publishing, its peak, and
  one sample per tenth of the publishing time, of all processes and of the runner's own (to see whether
  it stays flat on a long run, and where it grows: the runner or the NLP processes), with the CPU
  the run used (cores) and the machine's load average, which say how much of the machine it had, and
  the CPU time per article written, which does not depend on that.
"""
import argparse
import datetime as dt
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import fastavro
import psutil

from bench.throughput import process_tree, synthetic_articles
from transforms.assembly import place_key

REPO = Path(__file__).resolve().parents[1]
SERVER_SCRIPT = REPO / "scripts" / "pubsub_server.sh"
PROJECT = "bench-project"
POLL_SECONDS = 1.0
READY_TIMEOUT_SECONDS = 300
KEPT_UP_SLOWDOWN = 2.0
KEPT_UP_MIN_SECONDS = 10.0


def start_server() -> tuple[str, str]:
    """Start the local Pub/Sub server on a free port; its 'host:port' and the port (to stop it)."""
    started = subprocess.run(["bash", str(SERVER_SCRIPT), "start", "0"], capture_output=True, text=True)
    if started.returncode != 0:
        raise SystemExit(f"stream_latency: {started.stderr.strip() or 'the Pub/Sub server did not start'}")
    host = started.stdout.strip().splitlines()[-1].split("=", 1)[1]
    return host, host.rsplit(":", 1)[1]


def stop_server(port: str) -> None:
    subprocess.run(["bash", str(SERVER_SCRIPT), "stop", port], capture_output=True, check=False)


def topic_and_subscription(name: str) -> tuple[str, str]:
    from google.cloud import pubsub_v1

    publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    topic = publisher.topic_path(PROJECT, name)
    subscription = subscriber.subscription_path(PROJECT, f"{name}-sub")
    publisher.create_topic(name=topic)
    with subscriber:
        subscriber.create_subscription(name=subscription, topic=topic)
    return topic, subscription


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


@dataclass
class Watch:
    """What the watcher thread sees while the live run goes on."""

    written: dict = field(default_factory=dict)  # url -> time its article (or duplicate) file was finished
    events: dict = field(default_factory=dict)  # event_id -> urls of its evidence (all revisions)
    places: dict = field(default_factory=dict)  # place key -> urls of the evidence of all its events
    changes: list = field(default_factory=list)  # (arrival time, the ControlChange)
    # (time, bytes of all the run's processes, their CPU seconds, bytes of the runner's own process)
    memory: list = field(default_factory=list)
    files_read: set = field(default_factory=set)


def finished_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.avro") if not path.name.startswith(".")) if folder.exists() else []


#: Where an article published to the run ends: the outputs of an article that passed the NLP or repeated one.
ARTICLE_OUTPUTS = ("articles", "duplicates")


def read_new_output(output: Path, seen: Watch) -> None:
    for path in [path for kind in ARTICLE_OUTPUTS for path in finished_files(output / kind)]:
        if path not in seen.files_read:
            seen.files_read.add(path)
            finished = path.stat().st_mtime
            with path.open("rb") as handle:
                for article in fastavro.reader(handle):
                    seen.written.setdefault(article["url"], finished)
    for path in finished_files(output / "events"):
        if path not in seen.files_read:
            seen.files_read.add(path)
            with path.open("rb") as handle:
                for event in fastavro.reader(handle):
                    urls = {e["url"] for e in event["evidence"]}
                    seen.events.setdefault(event["event_id"], set()).update(urls)
                    seen.places.setdefault(place_key(event["place"]), set()).update(urls)


def pull_changes(subscription: str, seen: Watch, stop: threading.Event) -> None:
    from google.api_core.exceptions import DeadlineExceeded
    from google.cloud import pubsub_v1

    with pubsub_v1.SubscriberClient() as subscriber:
        while not stop.is_set():
            try:
                response = subscriber.pull(subscription=subscription, max_messages=100, timeout=2)
            except DeadlineExceeded:
                continue
            arrived = time.time()
            if response.received_messages:
                subscriber.acknowledge(subscription=subscription,
                                       ack_ids=[m.ack_id for m in response.received_messages])
            for message in response.received_messages:
                change = json.loads(message.message.data)
                seen.changes.append((arrived, change))
            if not response.received_messages:
                time.sleep(0.2)


def watch(run: subprocess.Popen, output: Path, seen: Watch, stop: threading.Event) -> None:
    root = psutil.Process(run.pid)
    while not stop.is_set() and run.poll() is None:
        tree = process_tree(root)
        runner = sum(entry[2] for entry in tree if entry[0] == run.pid)
        seen.memory.append((time.time(), sum(entry[2] for entry in tree), sum(entry[3] for entry in tree), runner))
        read_new_output(output, seen)
        time.sleep(POLL_SECONDS)


def live_article(record: dict, published: float) -> bytes:
    """A corpus record as a live feed sends it: dated at its publish time."""
    at = dt.datetime.fromtimestamp(published, dt.timezone.utc).isoformat(timespec="seconds")
    return json.dumps({**record, "published_at": at}, ensure_ascii=False).encode("utf-8")


def publish_at_rate(topic: str, records: list[dict], rate: float) -> dict[str, float]:
    """Publish `records` evenly at `rate` per second; url -> publish time."""
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    published, pending = {}, []
    started = time.monotonic()
    for number, record in enumerate(records):
        delay = started + number / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        now = time.time()
        pending.append(publisher.publish(topic, live_article(record, now), origin=f"bench:{number}"))
        published[record["url"]] = now
        if len(pending) >= 1000:
            for future in pending:
                future.result(timeout=60)
            pending.clear()
    for future in pending:
        future.result(timeout=60)
    return published


def latest_before(urls, published: dict[str, float], arrived: float) -> float | None:
    times = [published[url] for url in urls if url in published and published[url] <= arrived]
    return max(times) if times else None


def change_delays(seen: Watch, published: dict[str, float]) -> list[tuple[float, float, dict]]:
    """Per alert: its arrival minus the publish time of the latest article behind its supporting events
    (published before it), and minus that of the latest article about its place (the report that caused
    it when that report is not among its support), with the alert."""
    delays = []
    for arrived, change in seen.changes:
        supporting = latest_before((url for event_id in change["supporting_event_ids"]
                                    for url in seen.events.get(event_id, ())), published, arrived)
        about_place = latest_before(seen.places.get(place_key(change["place"]), ()), published, arrived)
        if supporting is not None:
            delays.append((arrived - supporting, arrived - max(supporting, about_place or supporting), change))
    return delays


def write_delays(path: Path, article_delays: dict[str, float], changes: list[tuple[float, float, dict]],
                 memory: list[tuple]) -> None:
    """Every article's and alert's delay, to see what the slow ones have in common, and every memory sample
    ([time, MiB of all the run's processes, MiB of the runner's own])."""
    path.write_text(json.dumps({
        "articles": article_delays,
        "memory": [[round(at, 1), round(total / 2**20, 1), round(runner / 2**20, 1)] for at, total, _, runner in memory],
        "changes": [{"delay": delay, "place_delay": place_delay, "place": change["place"]["name"],
                     "change_date": change["change_date"], "revision": change["revision"],
                     "supporting_event_ids": change["supporting_event_ids"]}
                    for delay, place_delay, change in changes]}, indent=0))


@dataclass
class RateResult:
    rate: float
    seconds: float
    published: int
    written: int
    article_p50: float | None
    article_p95: float | None
    first_third_p50: float | None
    last_third_p50: float | None
    changes: int
    change_p50: float | None
    change_p95: float | None
    first_alerts: int  # alerts of a change not alerted before (revision 0): when a change is first known
    first_alert_p50: float | None
    first_alert_p95: float | None
    change_from_place_p50: float | None  # from the latest report about the change's place, not only its support
    change_from_place_p95: float | None
    kept_up: bool
    memory_mib: dict  # start / middle / end of publishing, and peak
    # [minutes into publishing, MiB of all processes, MiB of the runner's own] at every tenth of it: the rest
    # is the NLP processes'
    memory_timeline_mib: list
    cores_used: float  # CPU seconds of all the run's processes per second while publishing
    cpu_ms_per_article: float  # all processes' CPU from publishing to the stop (sampled before it), per article written
    load_average: list  # 1-minute load average of the machine at the start and end of publishing
    nlp_processes: int
    run_args: list  # the run's further flags (--run_args)


def cpu_seconds_at(samples: list[tuple], when: float) -> float:
    return min(samples, key=lambda sample: abs(sample[0] - when))[2]


def memory_at(samples: list[tuple], when: float, runner_only: bool = False) -> float:
    """MiB of all the run's processes (or of the runner's own) at the sample nearest `when`."""
    nearest = min(samples, key=lambda sample: abs(sample[0] - when))
    return round(nearest[3 if runner_only else 1] / 2**20)


def measure(rate: float, minutes: float, early_firing_seconds: int, drain_seconds: int, scratch: Path,
            host: str, nlp_processes: int, run_args: list[str]) -> RateResult:
    suffix = uuid.uuid4().hex[:8]
    articles_topic, articles_subscription = topic_and_subscription(f"articles-{suffix}")
    changes_topic, changes_subscription = topic_and_subscription(f"changes-{suffix}")
    output = scratch / f"live-{rate:g}-{suffix}"
    count = round(rate * minutes * 60)
    records = synthetic_articles(count + 1, seed=int(rate))
    warm_up, records = records[0], records[1:]
    log = (scratch / f"live-{rate:g}-{suffix}.log").open("w")
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline.main", "run", "--input_subscription", articles_subscription,
         "--output", str(output), "--output_topic", changes_topic,
         f"--early_firing_seconds={early_firing_seconds}", f"--nlp_processes={nlp_processes}",
         f"--max_run_seconds={READY_TIMEOUT_SECONDS + round(minutes * 60) + drain_seconds + 60}", *run_args],
        cwd=REPO, env=dict(os.environ, PUBSUB_EMULATOR_HOST=host), stdout=log, stderr=subprocess.STDOUT)
    seen, stop = Watch(), threading.Event()
    threads = [threading.Thread(target=watch, args=(run, output, seen, stop), daemon=True),
               threading.Thread(target=pull_changes, args=(changes_subscription, seen, stop), daemon=True)]
    for thread in threads:
        thread.start()
    try:
        publish_at_rate(articles_topic, [warm_up], rate)
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while warm_up["url"] not in seen.written:
            if time.monotonic() > deadline or run.poll() is not None:
                raise SystemExit(f"stream_latency: the live run did not write the warm-up article (log: {log.name})")
            time.sleep(POLL_SECONDS)
        started, load_at_start = time.time(), os.getloadavg()[0]
        published = publish_at_rate(articles_topic, records, rate)
        ended, load_at_end = time.time(), os.getloadavg()[0]
        drain_deadline = time.monotonic() + drain_seconds
        while time.monotonic() < drain_deadline and not set(published) <= set(seen.written):
            time.sleep(POLL_SECONDS)
        time.sleep(2 * early_firing_seconds)  # the last alerts and events files
        drained = time.time()
    finally:
        run.send_signal(signal.SIGINT)
        try:
            run.wait(timeout=180)
        except subprocess.TimeoutExpired:
            run.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        log.close()
    read_new_output(output, seen)
    delays = {url: seen.written[url] - at for url, at in published.items() if url in seen.written}
    order = sorted(published, key=published.get)
    thirds = [[delays[url] for url in part if url in delays] for part in (order[:len(order) // 3],
                                                                         order[-(len(order) // 3):])]
    first_p50, last_p50 = (quantile(part, 0.5) for part in thirds)
    all_written = len(delays) == len(published)
    kept_up = all_written and first_p50 is not None and last_p50 is not None and (
        last_p50 <= max(KEPT_UP_SLOWDOWN * first_p50, KEPT_UP_MIN_SECONDS))
    changes = change_delays(seen, published)
    write_delays(scratch / f"{output.name}-delays.json", delays, changes, seen.memory)
    change_seconds = [delay for delay, _, _ in changes]
    first_alert_seconds = [delay for delay, _, change in changes if change["revision"] == 0]
    place_seconds = [place_delay for _, place_delay, _ in changes]
    return RateResult(
        rate=rate, seconds=round(ended - started, 1), published=len(published), written=len(delays),
        article_p50=quantile(list(delays.values()), 0.5), article_p95=quantile(list(delays.values()), 0.95),
        first_third_p50=first_p50, last_third_p50=last_p50, changes=len(changes),
        change_p50=quantile(change_seconds, 0.5), change_p95=quantile(change_seconds, 0.95),
        first_alerts=len(first_alert_seconds), first_alert_p50=quantile(first_alert_seconds, 0.5),
        first_alert_p95=quantile(first_alert_seconds, 0.95), change_from_place_p50=quantile(place_seconds, 0.5),
        change_from_place_p95=quantile(place_seconds, 0.95), kept_up=kept_up,
        memory_mib={"start": memory_at(seen.memory, started), "middle": memory_at(seen.memory, (started + ended) / 2),
                    "end": memory_at(seen.memory, ended),
                    "peak": round(max(sample[1] for sample in seen.memory) / 2**20)},
        memory_timeline_mib=[[round(offset / 60, 2), memory_at(seen.memory, started + offset),
                              memory_at(seen.memory, started + offset, runner_only=True)]
                             for offset in ((ended - started) * tenth / 10 for tenth in range(11))],
        cores_used=round((cpu_seconds_at(seen.memory, ended) - cpu_seconds_at(seen.memory, started))
                         / (ended - started), 2),
        cpu_ms_per_article=round(
            (cpu_seconds_at(seen.memory, drained) - cpu_seconds_at(seen.memory, started)) * 1000 / max(len(delays), 1),
            1),
        load_average=[round(load_at_start, 1), round(load_at_end, 1)], nlp_processes=nlp_processes,
        run_args=run_args)


def seconds_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="20,100", help="comma-separated articles per second")
    parser.add_argument("--minutes", type=float, default=3.0, help="how long to publish at each rate")
    parser.add_argument("--early_firing_seconds", type=int, default=5)
    parser.add_argument("--nlp_processes", type=int, default=1,
                        help="the run's --nlp_processes: NLP in a pool of that many processes (0: in the run's own)")
    parser.add_argument("--drain_seconds", type=int, default=120,
                        help="how long the run may take after publishing ends to write what is left")
    parser.add_argument("--run_args", default="",
                        help="more flags for the run, in one string (e.g. a short --duplicate_horizon_hours, to "
                             "see whether memory levels off once state starts to expire)")
    parser.add_argument("--results", type=Path, help="JSON file the figures of each rate are merged into")
    parser.add_argument("--keep", type=Path,
                        help="keep the outputs, run logs and every article's and alert's delay in this folder")
    args = parser.parse_args(argv)
    # Started in the background by a shell, this process (and so each run it starts) would ignore SIGINT,
    # and a run told to stop would go on until its --max_run_seconds.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    results = json.loads(args.results.read_text()) if args.results and args.results.exists() else {}
    host, port = start_server()
    os.environ["PUBSUB_EMULATOR_HOST"] = host
    try:
        with tempfile.TemporaryDirectory(prefix="stream-latency-") as scratch:
            folder = args.keep or Path(scratch)
            folder.mkdir(parents=True, exist_ok=True)
            for rate in (float(rate) for rate in args.rates.split(",")):
                result = measure(rate, args.minutes, args.early_firing_seconds, args.drain_seconds, folder, host,
                                 args.nlp_processes, shlex.split(args.run_args))
                results[f"{rate:g}"] = asdict(result)
                if args.results:
                    args.results.write_text(json.dumps(results, indent=1))
                print(json.dumps(asdict(result)), flush=True)
    finally:
        stop_server(port)
    print(f"{os.cpu_count()} cores; DirectRunner (streaming), early firings every {args.early_firing_seconds} s")
    print(f"{'rate/s':>6} {'secs':>5} {'published':>9} {'written':>7} | {'art p50':>7} {'p95':>6} {'1st 3rd':>7} "
          f"{'last 3rd':>8} | {'changes':>7} {'p50':>6} {'p95':>6} | {'first':>5} {'p50':>6} {'p95':>6} | "
          f"{'place p50':>9} {'p95':>6} | "
          f"{'kept up':>7} | {'cores':>5} {'load':>9} | "
          "memory MiB start/mid/end/peak")
    for rate, r in sorted(results.items(), key=lambda item: float(item[0])):
        memory = r["memory_mib"]
        print(f"{rate:>6} {r['seconds']:>5.0f} {r['published']:>9} {r['written']:>7} | "
              f"{seconds_text(r['article_p50']):>7} {seconds_text(r['article_p95']):>6} "
              f"{seconds_text(r['first_third_p50']):>7} {seconds_text(r['last_third_p50']):>8} | {r['changes']:>7} "
              f"{seconds_text(r['change_p50']):>6} {seconds_text(r['change_p95']):>6} | "
              f"{r.get('first_alerts', '-'):>5} "
              f"{seconds_text(r.get('first_alert_p50')):>6} {seconds_text(r.get('first_alert_p95')):>6} | "
              f"{seconds_text(r.get('change_from_place_p50')):>9} {seconds_text(r.get('change_from_place_p95')):>6} | "
              f"{'yes' if r['kept_up'] else 'NO':>7} | {r['cores_used']:>5.2f} {r['load_average'][0]:>4}-"
              f"{r['load_average'][1]:<4} | {memory['start']}/{memory['middle']}/{memory['end']}/{memory['peak']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
