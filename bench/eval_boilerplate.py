"""Boilerplate removal on the seed articles (graded) and on unseen text (read for false positives).

    python -m bench.eval_boilerplate [--sample N]

Seeds: per file, lines removed, must-go lines missed, must-keep text lost, optional lines removed.
FA-KES (804 articles, 15 outlets): share of articles touched and removals by reason, with a sample,
using cross-article repetition per source exactly as the pipeline does (keys seen in >= 3 articles).
Article-extraction benchmark ground truth (181 human-cleaned bodies): everything removed there is a
false positive unless it is the title line, so the sample shows all of it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict

from bench.shared_data import DATA, EVAL, FA_KES_CSV, SEEDS, read_fa_kes, require
from transforms.boilerplate import clean_text, normalise, repeated_line_candidates

SEED_GOLD = EVAL / "seeds_boilerplate.json"
BENCHMARK_TRUTH = DATA / "article_extraction_benchmark" / "ground-truth.json"
MIN_ARTICLES_FOR_REPEATED = 3


def evaluate_seeds() -> tuple[int, int]:
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    total_missed = total_lost = 0
    print("== seeds")
    for name, expected in sorted(gold.items()):
        result = clean_text((SEEDS / name).read_text(encoding="utf-8"))
        removed = {line for line, _ in result.removed}
        kept = result.text.split("\n\n")
        missed = [b for b in expected["boilerplate"] if normalise(b) not in removed]
        # must_keep gives the start of a line, sometimes cut at a word with a full stop added.
        lost = [k for k in expected["must_keep"] if not any(normalise(k).rstrip(".") in line for line in kept)]
        optional = [o for o in expected["optional"] if normalise(o) in removed]
        total_missed += len(missed)
        total_lost += len(lost)
        print(f"{name}: removed {result.lines_removed} ({result.chars_removed} chars), "
              f"must-go missed {len(missed)}/{len(expected['boilerplate'])}, "
              f"must-keep lost {len(lost)}/{len(expected['must_keep'])}, "
              f"optional removed {len(optional)}/{len(expected['optional'])}, title={result.title!r}")
        for line, reason in result.removed:
            print(f"    - [{reason}] {line[:110]}")
        for line in missed:
            print(f"    MISSED {line[:110]}")
        for line in lost:
            print(f"    LOST   {line[:110]}")
    print(f"seeds total: must-go missed {total_missed}, must-keep lost {total_lost}")
    return total_missed, total_lost


def _clean_corpus(label: str, articles: list[tuple[str, str, str | None]], sample: int) -> None:
    """articles: (source, text, title). Repeated lines are counted per source first, as in the pipeline."""
    line_counts: dict[str, Counter] = defaultdict(Counter)
    for source, text, _ in articles:
        line_counts[source].update(repeated_line_candidates(text))
    repeated = {s: {k for k, n in c.items() if n >= MIN_ARTICLES_FOR_REPEATED} for s, c in line_counts.items()}
    touched = lines = chars = total_chars = 0
    by_reason: dict[str, list[str]] = defaultdict(list)
    for source, text, title in articles:
        result = clean_text(text, title=title, repeated_lines=repeated[source])
        total_chars += len(text)
        touched += result.lines_removed > 0
        lines += result.lines_removed
        chars += result.chars_removed
        for line, reason in result.removed:
            if reason != "title":
                by_reason[reason].append(f"{source}: {line}")
    print(f"\n== {label}: {len(articles)} articles, touched {touched} ({touched / len(articles):.1%}), "
          f"segments removed {lines}, chars removed {chars} ({chars / max(1, total_chars):.2%} of all text)")
    rng = random.Random(0)
    for reason, examples in sorted(by_reason.items(), key=lambda item: -len(item[1])):
        print(f"  [{reason}] {len(examples)}")
        for example in rng.sample(examples, min(sample, len(examples))):
            print(f"      {example[:150]}")


def evaluate_fa_kes(sample: int) -> None:
    _clean_corpus("FA-KES", [(a.source, a.body, a.title or None) for a in read_fa_kes()], sample)


def evaluate_benchmark_truth(sample: int) -> None:
    truth = json.loads(BENCHMARK_TRUTH.read_text(encoding="utf-8"))
    articles = [((v.get("url") or "").split("/")[2] if v.get("url") else "?", v["articleBody"], None)
                for v in truth.values()]
    _clean_corpus("benchmark ground truth (clean bodies: every removal is a false positive)", articles, sample)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=8, help="removed segments shown per reason")
    args = parser.parse_args()
    require(SEEDS, SEED_GOLD, FA_KES_CSV, BENCHMARK_TRUTH)
    missed, lost = evaluate_seeds()
    evaluate_fa_kes(args.sample)
    evaluate_benchmark_truth(args.sample)
    if missed or lost:
        sys.exit(f"seeds: {missed} must-go lines missed, {lost} must-keep lines lost")


if __name__ == "__main__":
    main()
