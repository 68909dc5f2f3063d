"""The NLP stage: entities (places, armed actors, dates with canonical ids) and territorial-control
event mentions on every English article.

The spaCy pipeline (`transforms.nlp`) loads once per worker process in `setup` and runs over bundles of
articles with `nlp.pipe`; event extraction (`transforms.events`) reads the same Doc, so no text is parsed
twice. Articles in other languages pass through untouched: the model is English.
"""
import time

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from transforms import progress
from transforms.events import extract_events
from transforms.nlp import entities_of, get_nlp
from transforms.records import DEAD_LETTER, DEFAULT_PAYLOAD_BYTES, count_reason, dead_letter

ENGLISH = "en"
MENTIONS = "mentions"
# Articles per nlp.pipe call. Bigger bundles are no faster with this CNN model, but each article
# in a bundle holds its layer activations at once: 16 instead of 64 measured the same CPU time and
# about 300 MiB less peak memory per worker (bench/throughput.py), with the same entities.
DEFAULT_NER_BATCH_SIZE = 16


class _ReadArticles(beam.DoFn):
    stage = "ner"

    def __init__(self, spacy_model: str | None, payload_limit: int):
        super().__init__()
        self.spacy_model, self.payload_limit = spacy_model, payload_limit
        self.articles = Metrics.counter(self.stage, "articles")
        self.entities = Metrics.counter(self.stage, "entities")
        self.mentions = Metrics.counter("events", "mentions")
        # NER throughput inside the pipeline (tokens / pipe time, per worker core)
        self.tokens = Metrics.counter(self.stage, "tokens")
        self.pipe_ms = Metrics.counter(self.stage, "pipe_milliseconds")
        self.progress_seconds = progress.configured_seconds()

    def setup(self):
        self.nlp = get_nlp(self.spacy_model)

    def process(self, batch):
        started = time.perf_counter()
        try:
            docs = list(self.nlp.pipe(article["text"] for article in batch))
        except Exception:  # noqa: BLE001 - find the article that fails by running them one at a time
            docs = [None] * len(batch)
        else:
            self.pipe_ms.inc(round((time.perf_counter() - started) * 1000))
            self.tokens.inc(sum(len(doc) for doc in docs))
        for article, doc in zip(batch, docs):
            progress.count(self.stage, self.progress_seconds)
            yield from self._read(article, doc)

    def _read(self, article, doc):
        """The article with its entities, and its event mentions; a failure makes it a dead letter."""
        try:
            doc = doc if doc is not None else self.nlp(article["text"])
            entities = entities_of(doc)
            mentions = extract_events(doc, article)
        except Exception as error:  # noqa: BLE001 - one bad article must not stop the run
            count_reason(self.stage, DEAD_LETTER, type(error).__name__)
            yield TaggedOutput(DEAD_LETTER, dead_letter(
                self.stage, type(error).__name__, f"ner/events failed: {error}", article, self.payload_limit))
            return
        self.articles.inc()
        self.entities.inc(len(entities))
        self.mentions.inc(len(mentions))
        yield {**article, "entities": entities}
        for mention in mentions:
            yield TaggedOutput(MENTIONS, mention)


class ExtractEntitiesAndEvents(beam.PTransform):
    """Articles -> the same articles, English ones with entities (main output), their event MENTIONS,
    and DEAD_LETTER."""

    def __init__(self, spacy_model: str | None = None, batch_size: int = DEFAULT_NER_BATCH_SIZE,
                 payload_limit: int = DEFAULT_PAYLOAD_BYTES):
        super().__init__()
        self.spacy_model, self.batch_size, self.payload_limit = spacy_model, batch_size, payload_limit

    def expand(self, articles):
        english, others = articles | "SplitByLanguage" >> beam.Partition(
            lambda article, _: 0 if article["language"] == ENGLISH else 1, 2)
        read = (
            english
            | "Bundle" >> beam.BatchElements(min_batch_size=1, max_batch_size=self.batch_size)
            | "ReadArticles" >> beam.ParDo(_ReadArticles(self.spacy_model, self.payload_limit))
            .with_outputs(DEAD_LETTER, MENTIONS, main="articles"))
        merged = (read.articles, others) | "WithOtherLanguages" >> beam.Flatten()
        return {"articles": merged, MENTIONS: read[MENTIONS], DEAD_LETTER: read[DEAD_LETTER]}
