"""The cost of event extraction alone, and proof that a faster version reads the same events.

    python -m bench.events_speed [--dump mentions.jsonl] [--baseline path/to/events.py] [--profile]

Builds the Docs of the 804 FA-KES articles and of ACLED's coded notes once (the project's spaCy
pipeline, not timed), then times only `extract_events` over them: CPU seconds per 1,000 articles for
each corpus (the best of --repeats passes, after an untimed pass that warms the per-process caches,
such as the place resolver's). `--dump` writes every article's mentions as canonical JSON lines, for
diffing two versions of the code. `--baseline` names another copy of transforms/events.py (for
instance the one before a change): it is timed on the same Docs, and the run fails (exit 1) unless its
mentions are identical to the current module's. `--profile` prints the top functions by cumulative
time (cProfile) of one pass over FA-KES.
"""
import argparse
import cProfile
import csv
import datetime as dt
import importlib.util
import json
import pstats
import sys
import time
from pathlib import Path

from bench.shared_data import ACLED_CSV, FA_KES_CSV, read_fa_kes, require
from transforms import events
from transforms.nlp import get_nlp


def fa_kes_articles() -> list[tuple[str, dict]]:
    """(text, article) of every FA-KES article with a body, as the NER stage sees them."""
    return [(article.body, {"article_id": f"fa-kes:{article.unit_id}", "url": None, "source": article.source,
                            "published_at": None, "published_date": article.day, "text": article.body})
            for article in read_fa_kes() if article.body.strip()]


def acled_articles() -> list[tuple[str, dict]]:
    """(text, article) of each distinct ACLED note, published on its event date."""
    with open(ACLED_CSV, encoding="utf-8") as handle:
        notes = dict.fromkeys((row["notes"], row["event_date"]) for row in csv.DictReader(handle)
                              if row["notes"].strip())
    return [(text, {"article_id": f"acled:{number}", "url": None, "source": "ACLED", "published_at": None,
                    "published_date": dt.date.fromisoformat(day), "text": text})
            for number, (text, day) in enumerate(notes)]


def extract_all(extract, docs, articles) -> list[list[dict]]:
    return [extract(doc, article) for doc, article in zip(docs, articles)]


def cpu_seconds_per_thousand(extract, docs, articles, repeats: int) -> float:
    """The best of `repeats` timed passes (process CPU time), per 1,000 articles."""
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        extract_all(extract, docs, articles)
        best = min(best, time.process_time() - started)
    return best * 1000 / len(articles)


def canonical_lines(articles, mentions_per_article) -> list[str]:
    return [json.dumps({"article_id": article["article_id"], "mentions": mentions}, sort_keys=True, default=str,
                       ensure_ascii=False)
            for article, mentions in zip(articles, mentions_per_article)]


def load_module(path: Path):
    spec = importlib.util.spec_from_file_location("events_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", type=Path, help="write the mentions of every article here (canonical JSON lines)")
    parser.add_argument("--baseline", type=Path, help="another copy of transforms/events.py to time and compare")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per corpus (the best counts)")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions over FA-KES")
    args = parser.parse_args()
    require(FA_KES_CSV, ACLED_CSV)
    if args.baseline is not None and not args.baseline.is_file():
        print(f"error: baseline not found: {args.baseline}", file=sys.stderr)
        return 2
    versions = {"current": events.extract_events}
    if args.baseline is not None:
        versions["baseline"] = load_module(args.baseline).extract_events
    nlp = get_nlp()
    corpora = {"FA-KES": fa_kes_articles(), "ACLED": acled_articles()}
    dumped, identical = [], True
    for name, pairs in corpora.items():
        started = time.process_time()
        docs = list(nlp.pipe((text for text, _ in pairs), batch_size=16))
        articles = [article for _, article in pairs]
        nlp_per_thousand = (time.process_time() - started) * 1000 / len(articles)
        outputs = {version: extract_all(extract, docs, articles) for version, extract in versions.items()}
        costs = {version: cpu_seconds_per_thousand(extract, docs, articles, args.repeats)
                 for version, extract in versions.items()}
        lines = canonical_lines(articles, outputs["current"])
        dumped += lines
        mentions = sum(len(found) for found in outputs["current"])
        print(f"{name}: {len(articles)} articles, {mentions} mentions; spaCy pipeline {nlp_per_thousand:.1f} CPU s "
              f"per 1,000 articles")
        for version, cost in costs.items():
            print(f"  extract_events ({version}): {cost:.2f} CPU s per 1,000 articles "
                  f"({cost / nlp_per_thousand:.0%} of the spaCy pipeline)")
        if "baseline" in outputs:
            differing = [article["article_id"] for article, line, other in
                         zip(articles, lines, canonical_lines(articles, outputs["baseline"])) if line != other]
            identical = identical and not differing
            print(f"  mentions identical to the baseline's: {'yes' if not differing else 'NO'}"
                  + (f" ({len(differing)} articles differ, first {differing[:5]})" if differing else ""))
        if args.profile and name == "FA-KES":
            profiler = cProfile.Profile()
            profiler.runcall(extract_all, events.extract_events, docs, articles)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    if args.dump is not None:
        args.dump.write_text("\n".join(dumped) + "\n", encoding="utf-8")
        print(f"wrote {len(dumped)} articles' mentions to {args.dump}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
