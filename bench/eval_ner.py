"""Evaluate the SHIPPED NER model on CoNLL-2003 eng.testb: accuracy, size, load time, speed.

    python -m bench.eval_ner

Reads ../shared/data/conll2003/eng.testb (beside the repo; exits with one line if
absent). Scores with spaCy's scorer (overall and per-label P/R/F1) on gold tokenisation,
then times nlp.pipe on the same articles as raw text (tokeniser included), on
one process and on two.
"""

import time
from pathlib import Path

from training.train_ner import conll_path, load_conll_docs, score_ner
from transforms.ner_model import MODEL_DIR, load_ner_model

PIPE_BATCH_SIZE = 256


def directory_size_bytes(path: Path) -> int:
    """Total size of the files under path."""
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def words_per_second(nlp, texts: list[str], n_process: int) -> float:
    """Throughput of nlp.pipe over texts, counting the tokens it produced."""
    start = time.perf_counter()
    words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=PIPE_BATCH_SIZE, n_process=n_process))
    return words / (time.perf_counter() - start)


def main() -> None:
    test_path = conll_path("test")
    start = time.perf_counter()
    nlp = load_ner_model()
    load_seconds = time.perf_counter() - start

    gold_docs = load_conll_docs(test_path, nlp.vocab)
    scores = score_ner(nlp, gold_docs, batch_size=PIPE_BATCH_SIZE)
    model_megabytes = directory_size_bytes(MODEL_DIR) / 1e6
    print(f"Model: {MODEL_DIR} ({model_megabytes:.1f} MB on disk), load {load_seconds:.2f} s")
    print(f"Test set: {test_path} ({len(gold_docs)} docs, {sum(len(d) for d in gold_docs)} words)")
    print(f"overall  P={scores['ents_p']:.4f} R={scores['ents_r']:.4f} F1={scores['ents_f']:.4f}")
    for label, label_scores in sorted(scores["ents_per_type"].items()):
        print(f"{label:<8} P={label_scores['p']:.4f} R={label_scores['r']:.4f} F1={label_scores['f']:.4f}")

    texts = [doc.text for doc in gold_docs]
    for n_process in (1, 2):
        print(f"nlp.pipe n_process={n_process}: {words_per_second(nlp, texts, n_process):,.0f} words/s")


if __name__ == "__main__":
    main()
