"""Body-extraction quality on the article-extraction benchmark (scrapinghub, 181 pages).

Scored exactly as the benchmark's evaluate.py: word 4-gram shingles (tokens = regex \\w+), per-page
tp/fp/fn normalised by their sum, precision and recall macro-averaged over pages (precision over pages
with tp+fp > 0, recall over pages with tp+fn > 0), F1 = harmonic mean of the two averages; accuracy =
share of pages whose token sequence equals the ground truth's.

    python -m bench.eval_extraction              # the configuration extract_page uses
    python -m bench.eval_extraction --variants   # every single extractor and several voter sets
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from transforms import html_extract

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "article_extraction_benchmark"

_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)

VOTER_SETS: tuple[tuple[str, ...], ...] = (
    ("trafilatura-precision", "trafilatura-fast", "readability"),
    ("trafilatura-precision", "trafilatura-default", "readability", "justext"),
    ("trafilatura-precision", "trafilatura-fast", "readability", "justext"),
    ("trafilatura-precision", "trafilatura-fast", "trafilatura-recall", "readability", "justext"),
)


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def shingle_tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    true_counts, pred_counts = _shingles(true), _shingles(pred)
    tp = fp = fn = 0.0
    for key in set(true_counts) | set(pred_counts):
        t, p = true_counts.get(key, 0), pred_counts.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def score(truth: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    counts = [shingle_tp_fp_fn(truth[k], predicted.get(k) or "") for k in truth]
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    accuracy = statistics.mean(float(_TOKEN.findall(truth[k]) == _TOKEN.findall(predicted.get(k) or "")) for k in truth)
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall),
            "accuracy": accuracy}


def _load() -> tuple[dict[str, str], dict[str, str | None], dict[str, str]]:
    if not (DATA / "ground-truth.json").is_file():
        sys.exit(f"benchmark data not found at {DATA}")
    ground_truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    truth = {k: v.get("articleBody", "") for k, v in ground_truth.items()}
    urls = {k: v.get("url") for k, v in ground_truth.items()}
    pages = {k: gzip.decompress((DATA / "html" / f"{k}.html.gz").read_bytes()).decode("utf-8") for k in truth}
    return truth, urls, pages


def _report(name: str, metrics: dict[str, float], seconds_per_page: float) -> None:
    print(f"{name:<72} P={metrics['precision']:.4f} R={metrics['recall']:.4f} F1={metrics['f1']:.4f} "
          f"acc={metrics['accuracy']:.3f}  {1000 * seconds_per_page:.0f} ms/page", flush=True)


def evaluate_chosen(truth, urls, pages) -> None:
    predicted, failures, start = {}, 0, time.perf_counter()
    for key, html in pages.items():
        try:
            predicted[key] = html_extract.extract_page(html, urls[key]).text
        except html_extract.ExtractionError:
            failures += 1
    elapsed = (time.perf_counter() - start) / len(pages)
    _report("extract_page: medoid of " + "+".join(html_extract.DEFAULT_VOTERS), score(truth, predicted), elapsed)
    print(f"pages without text (ExtractionError): {failures}")


def evaluate_variants(truth, urls, pages) -> None:
    """Each extractor runs once per page; voter sets are scored from those outputs."""
    outputs: dict[str, dict[str, str]] = {}
    seconds: dict[str, float] = {}
    for name in html_extract.CANDIDATES:
        start = time.perf_counter()
        outputs[name] = {k: html_extract.run_candidate(name, html, urls[k]) for k, html in pages.items()}
        seconds[name] = (time.perf_counter() - start) / len(pages)
        _report(name + " alone", score(truth, outputs[name]), seconds[name])
    for voters in VOTER_SETS:
        chosen = {}
        for key in pages:
            texts = [outputs[v][key] for v in voters if outputs[v][key]]
            chosen[key] = texts[html_extract.medoid(texts)] if texts else ""
        _report("medoid of " + "+".join(voters), score(truth, chosen), sum(seconds[v] for v in voters))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", action="store_true", help="also score single extractors and voter sets")
    args = parser.parse_args()
    truth, urls, pages = _load()
    print(f"{len(truth)} pages")
    evaluate_chosen(truth, urls, pages)
    if args.variants:
        evaluate_variants(truth, urls, pages)


if __name__ == "__main__":
    main()
