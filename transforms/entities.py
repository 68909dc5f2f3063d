"""The NLP stage: entities (places, armed actors, dates with canonical ids) and territorial-control
event mentions on every English article.

The spaCy pipeline (`transforms.nlp`) loads once per worker process in `setup` and runs over bundles of
articles with `nlp.pipe`; event extraction (`transforms.events`) reads the same Doc, so no text is parsed
twice (`transforms.reading`, imported by the workers only). Articles in other languages pass through
untouched: the model is English.

With `nlp_processes` N > 0 the bundles are read by a pool of N processes that each load the pipeline
once: the live DirectRunner is one GIL-bound process running every step on one thread, and this gives
the NLP the other cores while that thread goes on (Beam's AsyncWrapper). The pool is one per process
and model (the DirectRunner calls a DoFn's setup and teardown around every bundle), and closes when the
process exits.
"""
import atexit
import functools
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Iterable, Iterator

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput
from apache_beam.transforms.async_dofn import AsyncWrapper

from transforms import progress
from transforms.records import DEAD_LETTER, DEFAULT_PAYLOAD_BYTES, count_reason, dead_letter

if TYPE_CHECKING:
    from transforms.reading import Reading

ENGLISH = "en"
MENTIONS = "mentions"
# Words per nlp.pipe call. Bigger bundles are no faster with this CNN model, but the tok2vec layers
# hold their activations for every token of a call at once, about 21 KB a word: 16 long articles
# (12,000 words) took 253 MiB for the length of the call and 16 short ones 45 MiB (tracemalloc, one
# process), and every worker's memory rose and fell by that much from one bundle to the next. A budget
# of words bounds it whatever the articles' lengths; an article longer than the budget is a bundle of
# its own, read in pieces of the budget (`read_texts`).
DEFAULT_NER_BATCH_WORDS = 4000
_WORDS_WITH_SPACE = re.compile(r"\s*\S+\s*")


def text_words(text: str, budget: int) -> int:
    """A text's share of a bundle's word budget: its words, at most the whole budget."""
    return min(len(text.split()), budget)


def nlp_words(article: dict, budget: int = DEFAULT_NER_BATCH_WORDS) -> int:
    """An article's share of a bundle's word budget: the words the NLP reads in it, or 1 for an article
    in another language, which only rides along."""
    return text_words(article["text"] or "", budget) if article["language"] == ENGLISH else 1


def word_bundles(items: Iterable, budget: int = DEFAULT_NER_BATCH_WORDS, text=lambda item: item) -> Iterator[list]:
    """Items (texts, or whatever `text` reads one from) in bundles of at most `budget` words, as the
    pipeline bundles English articles (Beam's BatchElements over nlp_words) and as `read_texts` reads
    them."""
    bundle, words = [], 0
    for item in items:
        size = text_words(text(item), budget)
        if bundle and words + size > budget:
            yield bundle
            bundle, words = [], 0
        bundle.append(item)
        words += size
    if bundle:
        yield bundle


def text_pieces(text: str, budget: int) -> list[str]:
    """`text` cut at line ends into consecutive pieces of at most `budget` words (a longer line is cut
    between words); the pieces join back into the text."""
    if len(text.split()) <= budget:
        return [text]
    pieces, piece, words = [], [], 0
    for line in text.splitlines(keepends=True):
        line_words = _WORDS_WITH_SPACE.findall(line) if len(line.split()) > budget else [line]
        parts = ["".join(line_words[start:start + budget]) for start in range(0, len(line_words), budget)]
        for part in parts:
            size = len(part.split())
            if piece and words + size > budget:
                pieces.append("".join(piece))
                piece, words = [], 0
            piece.append(part)
            words += size
    if piece:
        pieces.append("".join(piece))
    return pieces


@functools.lru_cache(maxsize=None)
def nlp_pool(spacy_model: str | None, processes: int) -> ProcessPoolExecutor:
    """N processes that load the spaCy pipeline once each (spawned: the runner's threads make fork unsafe)."""
    from transforms.reading import load_in_pool_process

    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                               initializer=load_in_pool_process, initargs=(spacy_model,))
    atexit.register(pool.shutdown, wait=False, cancel_futures=True)
    return pool


class _ReadInProcess(beam.DoFn):
    """A bundle of articles -> (the bundle, what the NLP read in it), in this worker."""

    def __init__(self, spacy_model: str | None, budget: int):
        super().__init__()
        self.spacy_model, self.budget = spacy_model, budget

    def setup(self):
        from transforms.nlp import get_nlp
        from transforms.reading import read_bundle

        self.nlp, self.read_bundle = get_nlp(self.spacy_model), read_bundle

    def process(self, batch):
        yield batch, self.read_bundle(self.nlp, batch, self.budget)


class _ReadInPool(beam.DoFn):
    """(key, bundle of articles) -> (the bundle, what the NLP read in it), in a pool process.

    Run inside Beam's AsyncWrapper: the live DirectRunner executes every step on one thread, which
    would otherwise wait here while the pool works; wrapped, the thread goes on with other bundles
    and the results are emitted by a processing-time timer when they are ready."""

    def __init__(self, spacy_model: str | None, processes: int, budget: int):
        super().__init__()
        self.spacy_model, self.processes, self.budget = spacy_model, processes, budget

    def setup(self):
        from transforms.reading import read_in_pool_process

        self.pool, self.read_in_pool_process = nlp_pool(self.spacy_model, self.processes), read_in_pool_process

    def process(self, keyed_batch):
        _, batch = keyed_batch
        yield batch, self.pool.submit(self.read_in_pool_process, self.spacy_model, batch, self.budget).result()


def bundle_id(batch: list[dict]) -> tuple:
    """What AsyncWrapper tracks a bundle in flight by (a list of dicts is not hashable)."""
    return tuple(article["article_id"] for article in batch)


#: One key for the bundles in flight to the pool: their number stays bounded by AsyncWrapper's buffer.
_POOL_KEY = "nlp"
#: How often AsyncWrapper looks for finished bundles (seconds): at most this much latency is added.
POOL_COMMIT_SECONDS = 0.5


class _ArticleOutputs(beam.DoFn):
    """(bundle, reading) -> each article with its entities and its event mentions; an article the NLP
    failed on becomes a dead letter."""

    stage = "ner"

    def __init__(self, payload_limit: int):
        super().__init__()
        self.payload_limit = payload_limit
        self.articles = Metrics.counter(self.stage, "articles")
        self.entities = Metrics.counter(self.stage, "entities")
        self.mentions = Metrics.counter("events", "mentions")
        # NER throughput inside the pipeline (tokens / pipe time, per worker core)
        self.tokens = Metrics.counter(self.stage, "tokens")
        self.pipe_ms = Metrics.counter(self.stage, "pipe_milliseconds")
        self.progress_seconds = progress.configured_seconds()

    def process(self, read_batch):
        batch, bundle = read_batch
        if bundle.tokens:
            self.pipe_ms.inc(round(bundle.pipe_seconds * 1000))
            self.tokens.inc(bundle.tokens)
        for article, reading in zip(batch, bundle.readings):
            progress.count(self.stage, self.progress_seconds)
            yield from self._outputs(article, reading)

    def _outputs(self, article, reading: "Reading | None"):
        if reading is None:
            yield article
            return
        if reading.error is not None:
            error_type, message = reading.error
            count_reason(self.stage, DEAD_LETTER, error_type)
            yield TaggedOutput(DEAD_LETTER, dead_letter(
                self.stage, error_type, f"ner/events failed: {message}", article, self.payload_limit))
            return
        self.articles.inc()
        self.entities.inc(len(reading.entities))
        self.mentions.inc(len(reading.mentions))
        yield {**article, "entities": reading.entities}
        for mention in reading.mentions:
            yield TaggedOutput(MENTIONS, mention)


class ExtractEntitiesAndEvents(beam.PTransform):
    """Articles -> the same articles, English ones with entities (main output), their event MENTIONS,
    and DEAD_LETTER. `nlp_processes`: read the bundles in a pool of that many processes (0: in-process)."""

    def __init__(self, spacy_model: str | None = None, batch_words: int = DEFAULT_NER_BATCH_WORDS,
                 payload_limit: int = DEFAULT_PAYLOAD_BYTES, nlp_processes: int = 0):
        super().__init__()
        self.spacy_model, self.batch_words, self.payload_limit = spacy_model, batch_words, payload_limit
        self.nlp_processes = nlp_processes

    def expand(self, articles):
        # Other languages ride in the same bundles rather than beside them: joining two collections again
        # would make the DirectRunner hold every article in its own process while the NLP runs.
        bundles = articles | "Bundle" >> beam.BatchElements(
            min_batch_size=self.batch_words, max_batch_size=self.batch_words,
            element_size_fn=functools.partial(nlp_words, budget=self.batch_words))
        if self.nlp_processes:
            read_bundles = (
                bundles
                | "KeyForPool" >> beam.Map(lambda batch: (_POOL_KEY, batch))
                | "ReadInPool" >> beam.ParDo(AsyncWrapper(
                    _ReadInPool(self.spacy_model, self.nlp_processes, self.batch_words),
                    parallelism=self.nlp_processes, callback_frequency=POOL_COMMIT_SECONDS, id_fn=bundle_id)))
        else:
            read_bundles = bundles | "ReadArticles" >> beam.ParDo(_ReadInProcess(self.spacy_model, self.batch_words))
        read = read_bundles | "ArticleOutputs" >> beam.ParDo(_ArticleOutputs(self.payload_limit)).with_outputs(
            DEAD_LETTER, MENTIONS, main="articles")
        return {"articles": read.articles, MENTIONS: read[MENTIONS], DEAD_LETTER: read[DEAD_LETTER]}
