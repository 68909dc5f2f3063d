"""Loader for the project's own English NER model (shipped as package data).

spaCy's packaged pipelines cannot be downloaded at run time, so the project ships
a CNN model trained on CoNLL-2003 (labels PER, LOC, ORG, MISC) and rebuilt with
`python -m training.train_ner`.
"""

from pathlib import Path
from typing import Iterable

import spacy
from spacy.language import Language

MODEL_DIR: Path = Path(__file__).resolve().parent / "models" / "ner_conll"


def load_ner_model(exclude: Iterable[str] = ()) -> Language:
    """Load the shipped NER pipeline (tok2vec + ner); `exclude` names components to skip.

    Raises FileNotFoundError naming the rebuild command when the model is missing,
    rather than spaCy's generic "can't find model" error.
    """
    if not (MODEL_DIR / "config.cfg").is_file():
        raise FileNotFoundError(
            f"NER model not found at {MODEL_DIR}; rebuild it with `python -m training.train_ner`"
        )
    return spacy.load(MODEL_DIR, exclude=list(exclude))
