"""The seed articles through the whole pipeline, checked against ../shared/eval.

    python -m bench.eval_seeds [--output DIR]

Runs `conflict-control run` on ../shared/seeds (with their metadata.jsonl) and reads the Avro it wrote:
every boilerplate line of seeds_boilerplate.json must be gone from the article text and every
must-keep line present, checked on the pipeline's output rather than on the cleaning function alone.
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench.shared_data import EVAL, SEEDS, require
from pipeline.main import EXIT_OK, main as run_pipeline
from tests.avro_files import read_records
from transforms.normalize import normalize_text

BOILERPLATE_GOLD = EVAL / "seeds_boilerplate.json"


def check_boilerplate(articles: dict[str, dict]) -> int:
    """Print per seed what was missed or lost; return the number of errors."""
    gold = json.loads(BOILERPLATE_GOLD.read_text(encoding="utf-8"))
    errors = 0
    for name, expected in sorted(gold.items()):
        article = articles[name]
        lines = {line.strip() for line in article["text"].split("\n")}
        missed = [b for b in expected["boilerplate"] if normalize_text(b) in lines]
        lost = [k for k in expected["must_keep"]
                if not any(normalize_text(k).rstrip(". ") in line for line in lines)]
        errors += len(missed) + len(lost)
        print(f"{name}: {article['boilerplate_lines_removed']} lines / {article['boilerplate_chars_removed']} chars "
              f"removed, must-go left {len(missed)}/{len(expected['boilerplate'])}, must-keep lost "
              f"{len(lost)}/{len(expected['must_keep'])}, title={article['title']!r}")
        for line in missed:
            print(f"    LEFT {line[:100]}")
        for line in lost:
            print(f"    LOST {line[:100]}")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", help="where the pipeline writes (default: a temporary folder)")
    args = parser.parse_args()
    require(SEEDS, BOILERPLATE_GOLD)
    output = Path(args.output or tempfile.mkdtemp(prefix="seeds-"))
    if run_pipeline(["run", "--input", str(SEEDS), "--output", str(output)]) != EXIT_OK:
        return 1
    articles = {Path(a["origin"]).name: a for a in read_records(output / "articles")}
    print(f"\n== boilerplate on {len(articles)} seed articles ({output})")
    errors = check_boilerplate(articles)
    print(f"boilerplate errors: {errors}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
