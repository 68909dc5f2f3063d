"""Rebuild the project's English NER model from CoNLL-2003 and ship it as package data.

spaCy's packaged pipelines cannot be downloaded where the project runs, so the
project trains its own small CNN model (training/ner.cfg) and ships the result in
transforms/models/ner_conll.

    python -m training.train_ner [--max-minutes N]

converts eng.train / eng.testa / eng.testb (original 4-column IOB1) to spaCy
DocBins in training/corpus/ (git-ignored: the raw text never enters the repo),
trains until dev F1 (eng.testa) stops improving or the time budget runs out,
writes the best checkpoint to transforms/models/ner_conll and prints dev/test F1.
"""

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.schemas import ConfigSchemaTraining
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from spacy.training.initialize import init_nlp
from spacy.training.loop import (
    create_evaluation_callback,
    create_train_batches,
    train_while_improving,
)
from spacy.util import load_config, registry, resolve_dot_names
from spacy.vocab import Vocab
from thinc.api import fix_random_seed

from transforms.ner_model import MODEL_DIR

TRAINING_DIR = Path(__file__).resolve().parent
CONFIG_PATH = TRAINING_DIR / "ner.cfg"
CORPUS_DIR = TRAINING_DIR / "corpus"
RUNS_DIR = TRAINING_DIR / "runs"
CONLL_DIR = TRAINING_DIR.parents[1] / "shared" / "data" / "conll2003"
CONLL_FILES = {"train": "eng.train", "dev": "eng.testa", "test": "eng.testb"}
DOCSTART = "-DOCSTART-"
# Sentences per training Doc: spaCy's own `convert -n 10` default; the CNN sees
# only a few tokens either side, so this sets batching granularity, not context.
SENTENCES_PER_DOC = 10

Sentence = list[tuple[str, str]]  # (word, IOB1 tag)


def read_conll_documents(lines: Iterable[str]) -> Iterator[list[Sentence]]:
    """Yield each article as a list of sentences of (word, NER tag).

    -DOCSTART- separates articles wherever it sits (these files carry the first
    one at the very end), so it closes the article in progress.
    """
    document: list[Sentence] = []
    sentence: Sentence = []
    for line in lines:
        fields = line.split()
        if fields and fields[0] != DOCSTART:
            sentence.append((fields[0], fields[-1]))
            continue
        if sentence:
            document.append(sentence)
            sentence = []
        if fields and document:
            yield document
            document = []
    if sentence:
        document.append(sentence)
    if document:
        yield document


def iob1_to_iob2(tags: list[str]) -> list[str]:
    """Rewrite IOB1 tags so that every entity starts with B-.

    In IOB1 an entity starts with I- unless it directly follows one of the same
    type (then B-), so an I- after O or after another type also starts one.
    """
    converted = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        converted.append(tag)
        previous = tag
    return converted


def sentences_to_doc(vocab: Vocab, sentences: list[Sentence]) -> Doc:
    """Build one gold Doc (tokens, sentence starts, entities) from CoNLL sentences."""
    words, sent_starts, tags = [], [], []
    for sentence in sentences:
        words.extend(word for word, _ in sentence)
        sent_starts.extend([True] + [False] * (len(sentence) - 1))
        tags.extend(iob1_to_iob2([tag for _, tag in sentence]))
    return Doc(vocab, words=words, sent_starts=sent_starts, ents=tags)


def load_conll_docs(path: Path, vocab: Vocab, sentences_per_doc: int = SENTENCES_PER_DOC) -> list[Doc]:
    """Read a CoNLL-2003 file into gold Docs of up to `sentences_per_doc` sentences."""
    with path.open(encoding="utf-8") as lines:
        return [
            sentences_to_doc(vocab, document[start : start + sentences_per_doc])
            for document in read_conll_documents(lines)
            for start in range(0, len(document), sentences_per_doc)
        ]


def conll_path(split: str) -> Path:
    """Path of a CoNLL-2003 split in the shared data; exits with one line if absent."""
    path = CONLL_DIR / CONLL_FILES[split]
    if not path.is_file():
        sys.exit(f"CoNLL-2003 data not found: {path} (expected ../shared/data/conll2003 beside the repo)")
    return path


def write_corpus(corpus_dir: Path = CORPUS_DIR) -> dict[str, Path]:
    """Convert every split to a DocBin under corpus_dir (git-ignored); return split -> path."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    vocab = Vocab()
    paths = {}
    for split in CONLL_FILES:
        paths[split] = corpus_dir / f"{split}.spacy"
        DocBin(docs=load_conll_docs(conll_path(split), vocab)).to_disk(paths[split])
    return paths


def score_ner(nlp: Language, gold_docs: list[Doc], batch_size: int = 256) -> dict:
    """Score the pipeline's entities against gold Docs with spaCy's scorer.

    Returns ents_p / ents_r / ents_f and ents_per_type. Gold tokenisation is
    kept so only the entity decisions are measured.
    """
    examples = [Example(Doc(nlp.vocab, words=[t.text for t in gold]), gold) for gold in gold_docs]
    return nlp.evaluate(examples, batch_size=batch_size)


def train_pipeline(
    corpus: dict[str, Path], output_dir: Path, max_minutes: float, config_path: Path = CONFIG_PATH
) -> Path:
    """Train per the config and save the best dev checkpoint; return its directory.

    Uses spaCy's own training steps, but stops at the time budget too, so a
    rebuild on a busy machine still ends with the best model found so far.
    """
    config = load_config(
        config_path,
        overrides={"paths.train": str(corpus["train"]), "paths.dev": str(corpus["dev"])},
        interpolate=False,
    )
    nlp = init_nlp(config)
    settings = registry.resolve(nlp.config.interpolate()["training"], schema=ConfigSchemaTraining)
    fix_random_seed(settings["seed"])
    train_corpus, dev_corpus = resolve_dot_names(
        nlp.config.interpolate(), [settings["train_corpus"], settings["dev_corpus"]]
    )
    optimizer = settings["optimizer"]
    steps = train_while_improving(
        nlp,
        optimizer,
        create_train_batches(nlp, train_corpus, settings["batcher"], settings["max_epochs"]),
        create_evaluation_callback(nlp, dev_corpus, settings["score_weights"]),
        dropout=settings["dropout"],
        accumulate_gradient=settings["accumulate_gradient"],
        patience=settings["patience"],
        max_steps=settings["max_steps"],
        eval_frequency=settings["eval_frequency"],
        exclude=settings["frozen_components"],
        annotating_components=settings["annotating_components"],
        before_update=settings["before_update"],
    )
    best_dir = output_dir / "model-best"
    if best_dir.exists():
        shutil.rmtree(best_dir)
    best_dir.mkdir(parents=True)
    log_step, finalize_logger = settings["logger"](nlp, sys.stdout, sys.stderr)
    deadline = time.monotonic() + max_minutes * 60
    try:
        for _, info, is_best in steps:
            if is_best:
                with nlp.use_params(optimizer.averages):
                    nlp.to_disk(best_dir)
            log_step(info if is_best is not None else None)
            if time.monotonic() > deadline:
                print(f"Time budget of {max_minutes} min reached at step {info['step']}")
                break
    finally:
        finalize_logger()
    return best_dir


def package_model(best_dir: Path, scores: dict[str, dict], model_dir: Path = MODEL_DIR) -> None:
    """Write the shipped model: only the pipeline, no training paths, scores in meta."""
    nlp = spacy.load(best_dir)
    for key in ("train", "dev"):
        nlp.config["paths"][key] = None
    nlp.meta.update(
        name="ner_conll",
        version="1.0.0",
        description="English NER (PER/LOC/ORG/MISC), CNN trained on CoNLL-2003 eng.train; "
        "model chosen on eng.testa.",
        performance={
            f"{split}_{key}": round(split_scores[key], 4)
            for split, split_scores in scores.items()
            for key in ("ents_p", "ents_r", "ents_f")
        },
    )
    if model_dir.exists():
        shutil.rmtree(model_dir)
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(model_dir)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-minutes", type=float, default=55.0, help="training time budget")
    args = parser.parse_args(argv)

    corpus = write_corpus()
    best_dir = train_pipeline(corpus, RUNS_DIR, args.max_minutes)
    nlp = spacy.load(best_dir)
    scores = {
        split: score_ner(nlp, list(DocBin().from_disk(corpus[split]).get_docs(nlp.vocab)))
        for split in ("dev", "test")
    }
    package_model(best_dir, scores)
    for split, split_scores in scores.items():
        print(
            f"{split} ({CONLL_FILES[split]}): P={split_scores['ents_p']:.4f} "
            f"R={split_scores['ents_r']:.4f} F1={split_scores['ents_f']:.4f}"
        )
    print(f"Model written to {MODEL_DIR}")


if __name__ == "__main__":
    main()
