"""End-to-end throughput of the batch pipeline against the bare NLP bound, at several input sizes.

    python -m bench.throughput [--sizes 1000,10000,50000] [--workers 2] [--results FILE] [--keep DIR]

For each size it builds that many distinct articles from FA-KES (`synthetic_articles`), runs the whole
pipeline on the DirectRunner (`--direct_running_mode=multi_processing --direct_num_workers=N`) as a
child process while sampling the resident memory of every process of the run, then runs the project's
spaCy pipeline alone (`nlp.pipe`, N processes) over exactly the texts that reached the NLP stage. It
prints, per size: articles and words per second end to end, the same for the bare bound, their ratio,
the peak memory of all processes, the time to first output file, and the growth from one size to the
next. Memory is given twice: the sum of resident sets (RSS), which counts the pages processes share
(the Python interpreter, spaCy's, numpy's and lingua's libraries) once in every process, and the sum of
proportional sets (PSS, Linux), which divides each shared page among the processes that map it: what
the run takes from the machine. Each size can be run alone; `--results` merges the figures into a
JSON file across calls.

Beam imports pandas in every process of a run where pandas is installed (`apache_beam.typehints`),
46 MiB of resident memory each; the project does not use it, and only its tests install it. The figures
say which environment they were measured in: run from a venv made with `pip install '.[bench]'` to
measure the product as deployed, from the project's `.venv` (which has the test tools) to measure that.

Replicated FA-KES would be dropped as near duplicates and never reach the NLP, which would fake the
comparison; so every synthetic article draws its sentences at random (seeded) from the whole corpus,
grouped in paragraphs, with a unique url and publication time. The run stops if more than 2 % were
dropped as duplicates.
"""
import argparse
import datetime as dt
import importlib.util
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import fastavro
import psutil

from bench.shared_data import read_fa_kes

REPO = Path(__file__).resolve().parents[1]
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'A-Z0-9])")
SENTENCES_PER_PARAGRAPH = 3
SAMPLE_SECONDS = 0.5
# More dropped than this and the pipeline would skip a visible share of the NLP the bound does (the
# bound runs over the texts that reached the NLP either way); measured: 0.5 % at 10,000, 1.4 % at 50,000.
MAX_DUPLICATE_SHARE = 0.02
SEED = 7


# --- The corpus ----------------------------------------------------------------------------------------

def sentences_of(text: str) -> list[str]:
    return [sentence.strip() for sentence in SENTENCE_END.split(text) if sentence.strip()]


def synthetic_articles(count: int, seed: int = SEED) -> list[dict]:
    """`count` distinct articles shaped like FA-KES ones, as JSON Lines records.

    Article i takes the length (in sentences), title, source and day of FA-KES article i mod 804, and
    that many sentences drawn at random from all of FA-KES, in paragraphs of three; its url is unique and
    its publication time a random second of the day. Two such articles share a sentence only by chance,
    so few are near copies (short ones drawing FA-KES's own retold sentences), and no paragraph repeats
    often enough to look like a feed's boilerplate.
    """
    originals = [article for article in read_fa_kes() if article.body.strip()]
    pool = [sentence for article in originals for sentence in sentences_of(article.body)]
    rng = random.Random(seed)
    articles = []
    for number in range(count):
        model = originals[number % len(originals)]
        drawn = rng.sample(pool, max(3, len(sentences_of(model.body))))
        paragraphs = [" ".join(drawn[i:i + SENTENCES_PER_PARAGRAPH])
                      for i in range(0, len(drawn), SENTENCES_PER_PARAGRAPH)]
        published = dt.datetime.combine(model.day, dt.time(), dt.timezone.utc) + dt.timedelta(
            seconds=rng.randrange(24 * 3600))
        articles.append({"url": f"https://bench.example/{seed}/{number}", "title": model.title,
                         "source": model.source, "published_at": published.isoformat(),
                         "text": "\n\n".join(paragraphs)})
    return articles


def write_jsonl(path: Path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def words(text: str) -> int:
    return len(text.split())


# --- Running the pipeline, watching its memory -----------------------------------------------------------

@dataclass
class RunWatch:
    """Resident memory and CPU time of a process and all its descendants, sampled every SAMPLE_SECONDS,
    and when the first output file appeared."""

    peak_bytes: int = 0
    peak_pss_bytes: int = 0
    peak_processes: list = field(default_factory=list)  # (name, bytes) of each process at the peak
    process_peaks: dict = field(default_factory=dict)  # pid -> (name, the most bytes it held at any sample)
    cpu_seconds: dict = field(default_factory=dict)  # pid -> user + system seconds, as last seen
    samples: list = field(default_factory=list)  # (seconds since start, total bytes, process count)
    first_output_seconds: float | None = None


def proportional_bytes(pid: int, resident: int) -> int:
    """The process's proportional set size (Pss in /proc/PID/smaps_rollup, Linux 4.14+); its resident
    bytes where the kernel does not give it."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resident


def process_tree(root: psutil.Process) -> list[tuple[int, str, int, float, int]]:
    """(pid, short command line, resident bytes, CPU seconds, proportional bytes) of `root` and every
    process below it."""
    found = []
    for process in [root, *root.children(recursive=True)]:
        try:
            with process.oneshot():
                times = process.cpu_times()
                rss = process.memory_info().rss
                found.append((process.pid, " ".join(process.cmdline()[1:4])[:80], rss, times.user + times.system,
                              proportional_bytes(process.pid, rss)))
        except psutil.Error:  # it ended between the listing and the reading
            continue
    return found


def first_output_written(output: Path) -> bool:
    """Whether a finished Avro part file exists below `output` (hidden files are still being written)."""
    for _, _, files in os.walk(output):
        if any(name.endswith(".avro") and not name.startswith(".") for name in files):
            return True
    return False


def watch(child: subprocess.Popen, output: Path, started: float, run: RunWatch) -> None:
    root = psutil.Process(child.pid)
    while child.poll() is None:
        tree = process_tree(root)
        total, proportional = sum(entry[2] for entry in tree), sum(entry[4] for entry in tree)
        elapsed = time.monotonic() - started
        run.samples.append((round(elapsed, 1), total, len(tree), proportional))
        run.cpu_seconds.update((pid, cpu) for pid, _, _, cpu, _ in tree)
        for pid, name, rss, _, _ in tree:
            if rss > run.process_peaks.get(pid, ("", 0))[1]:
                run.process_peaks[pid] = (name, rss)
        run.peak_pss_bytes = max(run.peak_pss_bytes, proportional)
        if total > run.peak_bytes:
            run.peak_bytes = total
            run.peak_processes = sorted(((name, rss) for _, name, rss, _, _ in tree), key=lambda entry: -entry[1])
        if run.first_output_seconds is None and first_output_written(output):
            run.first_output_seconds = elapsed
        time.sleep(SAMPLE_SECONDS)


def run_pipeline(source: Path, output: Path, workers: int, extra_flags: list[str]) -> tuple[float, RunWatch]:
    """Run `conflict-control run` as a child process; its wall-clock seconds, memory and CPU time."""
    command = [sys.executable, "-m", "pipeline.main", "run", "--input", str(source), "--output", str(output),
               "--direct_running_mode=multi_processing", f"--direct_num_workers={workers}", *extra_flags]
    run = RunWatch()
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watcher = threading.Thread(target=watch, args=(child, output, started, run), daemon=True)
    watcher.start()
    log, _ = child.communicate()
    seconds = time.monotonic() - started
    watcher.join()
    if child.returncode != 0:
        raise SystemExit(f"throughput: the pipeline failed (exit code {child.returncode}):\n{log[-3000:]}")
    return seconds, run


def nlp_texts(output: Path) -> list[str]:
    """The texts of the articles that went through the NLP stage (English, written to articles/)."""
    texts = []
    for path in sorted((output / "articles").rglob("*.avro")):
        if not path.name.startswith("."):
            with path.open("rb") as handle:
                texts += [article["text"] for article in fastavro.reader(handle) if article["language"] == "en"]
    return texts


# --- The bare NLP bound ----------------------------------------------------------------------------------

def _bare_worker(texts: list[str], ready, results) -> None:
    from transforms.reading import read_texts
    from transforms.nlp import get_nlp

    nlp = get_nlp()
    ready.wait()  # every process has loaded its model: the clock starts for all at once
    started, cpu_started = time.monotonic(), time.process_time()
    tokens = sum(len(doc) for doc in read_texts(nlp, texts))
    results.put((tokens, started, time.monotonic(), time.process_time() - cpu_started))


@dataclass
class BareRun:
    seconds: float  # wall clock, from the common start to the last process done
    cpu_seconds: float  # summed over the processes
    tokens: int


def bare_nlp(texts: list[str], processes: int) -> BareRun:
    """The project's spaCy pipeline alone over `texts` with nlp.pipe on `processes` processes, each
    given every `processes`-th text in the pipeline's bundles; the models are loaded before the clock starts."""
    context = multiprocessing.get_context("spawn")
    ready, results = context.Barrier(processes), context.Queue()
    workers = [context.Process(target=_bare_worker, args=(texts[i::processes], ready, results))
               for i in range(processes)]
    for worker in workers:
        worker.start()
    finished = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    return BareRun(seconds=max(end for _, _, end, _ in finished) - min(start for _, start, _, _ in finished),
                   cpu_seconds=sum(cpu for _, _, _, cpu in finished), tokens=sum(tokens for tokens, *_ in finished))


# --- One size ---------------------------------------------------------------------------------------------

@dataclass
class SizeResult:
    articles: int
    words: int
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    peak_pss_mib: float
    first_output_seconds: float | None
    nlp_articles: int
    nlp_words: int
    nlp_tokens: int
    bare_seconds: float
    bare_cpu_seconds: float
    duplicates: int
    outcomes: dict
    peak_processes: list
    process_peaks: list  # (name, MiB) of every process at its own peak, largest first
    memory_samples: list
    pandas_installed: bool  # Beam then imports it in every process



def measure(size: int, workers: int, scratch: Path, extra_flags: list[str]) -> SizeResult:
    source, output = scratch / f"articles-{size}.jsonl", scratch / f"out-{size}"
    shutil.rmtree(output, ignore_errors=True)  # an earlier run's files would fake the time to first output
    records = synthetic_articles(size)
    write_jsonl(source, records)
    seconds, run = run_pipeline(source, output, workers, extra_flags)
    summary = json.loads((output / "_SUMMARY.json").read_text())
    if not summary["balanced"]:
        raise SystemExit(f"throughput: the {size} run does not balance: {summary}")
    if summary["duplicates"] > MAX_DUPLICATE_SHARE * size:
        raise SystemExit(f"throughput: {summary['duplicates']} of {size} synthetic articles were dropped as "
                         f"duplicates: the corpus is not distinct enough to measure the NLP")
    texts = nlp_texts(output)
    bare = bare_nlp(texts, workers)
    return SizeResult(
        articles=size, words=sum(words(record["text"]) for record in records), seconds=seconds,
        cpu_seconds=sum(run.cpu_seconds.values()), peak_rss_mib=run.peak_bytes / 2**20,
        peak_pss_mib=run.peak_pss_bytes / 2**20, first_output_seconds=run.first_output_seconds, nlp_articles=len(texts),
        nlp_words=sum(words(text) for text in texts), nlp_tokens=bare.tokens, bare_seconds=bare.seconds,
        bare_cpu_seconds=bare.cpu_seconds, duplicates=summary["duplicates"],
        outcomes={kind: summary[kind] for kind in ("articles", "duplicates", "filtered", "dead_letter")},
        peak_processes=[(name, round(rss / 2**20)) for name, rss in run.peak_processes],
        process_peaks=[(name, round(rss / 2**20)) for name, rss in sorted(run.process_peaks.values(),
                                                                          key=lambda entry: -entry[1])],
        memory_samples=run.samples, pandas_installed=importlib.util.find_spec("pandas") is not None)


def report(results: dict[int, dict], workers: int) -> str:
    """The table of every size measured; 'ratio' is the pipeline's throughput over the bare bound's on
    the same texts, by wall clock and by CPU time (the latter barely moves when other work shares the
    machine); 'growth' is the run time over the previous size's."""
    lines = [f"{os.cpu_count()} cores; DirectRunner multi_processing, {workers} workers; bare bound: nlp.pipe "
             f"on {workers} processes over the texts that reached the NLP stage; pandas (imported by Beam in "
             f"every process) installed: {sorted({r.get('pandas_installed') for r in results.values()}, key=str)}",
             f"{'articles':>8} {'seconds':>8} {'art/s':>6} {'words/s':>7} | {'bare s':>7} {'art/s':>6} "
             f"{'words/s':>7} | {'ratio':>5} {'cpu':>5} | {'peak RSS':>9} {'peak PSS':>9} {'1st out':>7} {'growth':>6}"]
    previous = None
    for size in sorted(results):
        r = results[size]
        growth = f"{r['seconds'] / previous['seconds']:.2f}x" if previous else "-"
        first = f"{r['first_output_seconds']:.0f}s" if r["first_output_seconds"] is not None else "-"
        lines.append(
            f"{size:>8} {r['seconds']:>8.1f} {size / r['seconds']:>6.1f} {r['words'] / r['seconds']:>7.0f} | "
            f"{r['bare_seconds']:>7.1f} {r['nlp_articles'] / r['bare_seconds']:>6.1f} "
            f"{r['nlp_words'] / r['bare_seconds']:>7.0f} | {r['bare_seconds'] / r['seconds']:>5.2f} "
            f"{r['bare_cpu_seconds'] / r['cpu_seconds']:>5.2f} | {r['peak_rss_mib']:>5.0f} MiB "
            f"{r.get('peak_pss_mib', 0):>5.0f} MiB "
            f"{first:>7} {growth:>6}")
        previous = r
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated article counts")
    parser.add_argument("--workers", type=int, default=2, help="DirectRunner workers and bare-bound processes")
    parser.add_argument("--results", type=Path, help="JSON file the figures of each size are merged into")
    parser.add_argument("--keep", type=Path, help="keep the generated input and the outputs in this folder")
    args, extra_flags = parser.parse_known_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    results = json.loads(args.results.read_text()) if args.results and args.results.exists() else {}
    results = {int(size): figures for size, figures in results.items()}
    with tempfile.TemporaryDirectory(prefix="throughput-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            result = measure(size, args.workers, folder, extra_flags)
            results[size] = asdict(result)
            print(f"{size} articles: {result.seconds:.1f} s ({result.cpu_seconds:.0f} CPU s), bare bound "
                  f"{result.bare_seconds:.1f} s ({result.bare_cpu_seconds:.0f} CPU s), peak {result.peak_rss_mib:.0f} "
                  f"MiB RSS, {result.peak_pss_mib:.0f} MiB PSS, outcomes {result.outcomes}; "
                  f"largest processes at the peak: {result.peak_processes[:4]}; each process at its own peak: "
                  f"{result.process_peaks[:4]}", flush=True)
            if args.results:
                args.results.write_text(json.dumps({str(k): v for k, v in sorted(results.items())}, indent=1))
    print(report(results, args.workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
