"""Wall time of the batch stages before the NLP: read, parse, clean, duplicates.

    python -m bench.pre_nlp [--articles 10000] [--workers 2] [--repeat 2]

Builds the synthetic articles of `bench.throughput` (one JSON Lines file), then runs read -> parse ->
clean -> duplicates, as the pipeline's graph wires them with its default options, on the DirectRunner
(`--direct_running_mode=multi_processing`) and prints the seconds of each run.
These stages run before the first NLP bundle of a batch run, with the NLP models not yet loaded, so their
wall time adds to the whole run's. To compare two versions, run it from clean copies of each
(`PYTHONPATH=<copy> python -m bench.pre_nlp`), one after the other, on a quiet machine.
"""
import argparse
import tempfile
import time
from pathlib import Path

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from bench.throughput import synthetic_articles, write_jsonl
from transforms.clean import CleanArticles
from transforms.dedupe import DropDuplicates
from transforms.parse import ParseArticle
from transforms.read import ReadArticleFiles
from transforms.records import DEAD_LETTER, FILTERED


def run_once(path: Path, workers: int) -> float:
    """Seconds of one run over the file."""
    options = PipelineOptions(["--direct_running_mode=multi_processing", f"--direct_num_workers={workers}"])
    started = time.perf_counter()
    with beam.Pipeline(options=options) as pipeline:
        raw = pipeline | "Read" >> ReadArticleFiles([str(path)])
        parsed = raw.articles | "Parse" >> beam.ParDo(ParseArticle()).with_outputs(DEAD_LETTER, FILTERED,
                                                                                    main="articles")
        cleaned = parsed.articles | "Clean" >> CleanArticles()
        _ = cleaned.articles | "DropDuplicates" >> DropDuplicates()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "articles.jsonl"
        write_jsonl(path, synthetic_articles(args.articles))
        for _ in range(args.repeat):
            print(f"{args.articles} articles: {run_once(path, args.workers):.1f} s before the NLP")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
