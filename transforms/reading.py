"""What a worker does with the spaCy pipeline: read bundles of articles into entities and event mentions.

`transforms.entities` is the Beam stage around it and imports this module only in its workers (DoFn
setup, the NLP pool's processes), so the process that builds and runs the graph never loads spaCy, the
NLP components or the event rules (56 MiB of its memory).
"""
import contextlib
import os
import threading
import time
import warnings
import weakref
from typing import Iterable, Iterator, NamedTuple

from spacy.tokens import Doc

from transforms.entities import DEFAULT_NER_BATCH_WORDS, ENGLISH, text_pieces, word_bundles
from transforms.events import extract_events
from transforms.malloc import trim_freed_memory
from transforms.nlp import entities_of, get_nlp

#: Components that read the whole Doc as context (the countries an article names decide where its places
#: are): run again on a Doc joined from pieces.
_WHOLE_DOC_PIPES = ("place_linker", "actor_linker")

#: Tokens a process reads before it reads in spaCy memory zones. Every new word becomes a lexeme and a
#: string of the Vocab, which keeps them for good: a live run over a real feed meets new names and numbers
#: for as long as it runs (13 MiB per 24,000 new words, measured in one process). What a bundle read in
#: `nlp.memory_zone()` adds is dropped after it (3 MiB per 24,000). A zone also stops the tokenizer
#: caching: from a cold start FA-KES read 8 % slower in zones, and as fast (within the noise, about 1 %)
#: once 400 other FA-KES articles had been read outside them. So the feed's common words are read, and
#: kept, first.
WARM_UP_TOKENS = 250_000
_tokens_read: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def read_texts(nlp, texts: Iterable[str], budget: int = DEFAULT_NER_BATCH_WORDS) -> Iterator[Doc]:
    """One Doc per text, in order, from nlp.pipe calls of at most `budget` words. A longer text is read in
    pieces joined back into one Doc, its places and actors linked again with the whole text as context:
    in one call, a 1,000,000-character article (the `--max_text_chars` cap) would hold 3.5 GB."""
    pieces = ((piece, number == len(cut) - 1)
              for cut in (text_pieces(text, budget) for text in texts) for number, piece in enumerate(cut))
    read = []
    for bundle in word_bundles(pieces, budget, text=lambda flagged: flagged[0]):
        for (_, last), doc in zip(bundle, nlp.pipe(piece for piece, _ in bundle)):
            read.append(doc)
            if last:
                yield read[0] if len(read) == 1 else _joined(nlp, read)
                read = []


def _joined(nlp, docs: list[Doc]) -> Doc:
    with warnings.catch_warnings():  # the Doc-level extensions it skips are the linkers', set again below
        warnings.filterwarnings("ignore", message=r"\[W101\]")
        doc = Doc.from_docs(docs, ensure_whitespace=False)
    for name in _WHOLE_DOC_PIPES:
        if name in nlp.pipe_names:
            doc = nlp.get_pipe(name)(doc)
    return doc


class Reading(NamedTuple):
    """What the NLP found in one English article, or why it failed (error type and message)."""

    entities: list | None
    mentions: list | None
    error: tuple[str, str] | None


class BundleReading(NamedTuple):
    readings: list[Reading | None]  # None for an article in another language, which passes untouched
    tokens: int  # 0 when nlp.pipe failed and the articles were read one at a time
    pipe_seconds: float


def _reading_zone(nlp, warm_up_tokens: int):
    """Outside a memory zone while the process warms up (what it reads stays in the Vocab), inside one
    after (what it reads goes with the zone's Docs)."""
    return nlp.memory_zone() if _tokens_read.get(nlp, 0) >= warm_up_tokens else contextlib.nullcontext()


def read_bundle(nlp, articles: list[dict], budget: int = DEFAULT_NER_BATCH_WORDS,
                warm_up_tokens: int = WARM_UP_TOKENS) -> BundleReading:
    """Entities and event mentions of each English article, read by `read_texts` (in a memory zone after
    the warm-up: `_reading_zone`); when that fails, the articles are read one at a time so that only the
    failing ones become errors."""
    with _reading_zone(nlp, warm_up_tokens):
        bundle = _read_english(nlp, articles, budget)
    _tokens_read[nlp] = _tokens_read.get(nlp, 0) + bundle.tokens
    return bundle


def _read_english(nlp, articles: list[dict], budget: int) -> BundleReading:
    english = [article for article in articles if article["language"] == ENGLISH]
    started = time.perf_counter()
    try:
        docs = list(read_texts(nlp, (article["text"] for article in english), budget))
    except Exception:  # noqa: BLE001 - find the article that fails by running them one at a time
        docs, tokens, pipe_seconds = [None] * len(english), 0, 0.0
    else:
        tokens, pipe_seconds = sum(len(doc) for doc in docs), time.perf_counter() - started
    read = {}
    for article, doc in zip(english, docs):
        try:
            doc = doc if doc is not None else next(read_texts(nlp, [article["text"]], budget))
            read[id(article)] = Reading(entities_of(doc), extract_events(doc, article), None)
        except Exception as error:  # noqa: BLE001 - one bad article must not stop the run
            read[id(article)] = Reading(None, None, (type(error).__name__, str(error)))
    return BundleReading([read.get(id(article)) for article in articles], tokens, pipe_seconds)


def _exit_with_parent(parent: int, every_seconds: float = 1.0) -> None:
    """Ends this pool process once the process that started it has gone: a live run stopped by a
    signal or killed must not leave its NLP processes (400 MiB each) running."""
    while os.getppid() == parent:
        time.sleep(every_seconds)
    os._exit(0)


def load_in_pool_process(spacy_model: str | None) -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="exit-with-parent", daemon=True).start()
    trim_freed_memory()
    get_nlp(spacy_model)


def read_in_pool_process(spacy_model: str | None, articles: list[dict], budget: int) -> BundleReading:
    return read_bundle(get_nlp(spacy_model), articles, budget)
