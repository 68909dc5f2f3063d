"""NER throughput: the bare CoNLL model, the project's full spaCy pipeline, and the NER stage inside
the Beam pipeline, on the same FA-KES texts (tokens per second on one core).

    python -m bench.nlp_throughput

The pipeline figure comes from the stage's own counters (tokens and milliseconds spent in nlp.pipe),
so it measures the stage as it runs in the pipeline, batches and all, without Beam's start-up.
"""
import json
import tempfile
import time
from pathlib import Path

from bench.shared_data import read_fa_kes, write_fa_kes_jsonl
from pipeline.main import EXIT_OK, main as run_pipeline
from transforms.reading import read_texts
from transforms.ner_model import load_ner_model
from transforms.nlp import build_nlp


def tokens_per_second(nlp, texts: list[str]) -> float:
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in read_texts(nlp, texts))
    return tokens / (time.perf_counter() - started)


def main() -> int:
    texts = [article.body for article in read_fa_kes() if article.body.strip()]
    bare = tokens_per_second(load_ner_model(), texts)
    full = tokens_per_second(build_nlp(), texts)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "fa_kes.jsonl"
        write_fa_kes_jsonl(source)
        output = Path(folder) / "out"
        if run_pipeline(["run", "--input", str(source), "--output", str(output)]) != EXIT_OK:
            return 1
        counters = json.loads((output / "_SUMMARY.json").read_text())["counters"]
    in_pipeline = counters["ner.tokens"] / (counters["ner.pipe_milliseconds"] / 1000)
    print(f"\n{len(texts)} FA-KES articles, {counters['ner.tokens']} tokens through the pipeline's NER stage")
    print(f"bare CoNLL model (tok2vec + ner)      {bare:9.0f} tokens/s")
    print(f"full spaCy pipeline (nlp.pipe)        {full:9.0f} tokens/s  ({full / bare:.0%} of bare)")
    print(f"NER stage inside the Beam pipeline    {in_pipeline:9.0f} tokens/s  ({in_pipeline / bare:.0%} of bare)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
