"""The NER stage: places, armed actors and dates with canonical ids on every English article.

The spaCy pipeline (`transforms.nlp`) loads once per worker process in `setup` and runs over bundles of
articles with `nlp.pipe`. Articles in other languages pass through untouched: the model is English.
"""
import time

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from transforms.nlp import entities_of, get_nlp
from transforms.records import DEAD_LETTER, DEFAULT_PAYLOAD_BYTES, count_reason, dead_letter

ENGLISH = "en"
DEFAULT_NER_BATCH_SIZE = 64


class _RecognizeEntities(beam.DoFn):
    stage = "ner"

    def __init__(self, spacy_model: str | None, payload_limit: int):
        super().__init__()
        self.spacy_model, self.payload_limit = spacy_model, payload_limit
        self.articles = Metrics.counter(self.stage, "articles")
        self.entities = Metrics.counter(self.stage, "entities")
        # NER throughput inside the pipeline (tokens / pipe time, per worker core)
        self.tokens = Metrics.counter(self.stage, "tokens")
        self.pipe_ms = Metrics.counter(self.stage, "pipe_milliseconds")

    def setup(self):
        self.nlp = get_nlp(self.spacy_model)

    def process(self, batch):
        started = time.perf_counter()
        try:
            docs = list(self.nlp.pipe(article["text"] for article in batch))
        except Exception:  # noqa: BLE001 - find the article that fails by running them one at a time
            yield from self._one_by_one(batch)
            return
        self.pipe_ms.inc(round((time.perf_counter() - started) * 1000))
        self.tokens.inc(sum(len(doc) for doc in docs))
        for article, doc in zip(batch, docs):
            yield self._annotated(article, doc)

    def _one_by_one(self, batch):
        for article in batch:
            try:
                doc = self.nlp(article["text"])
            except Exception as error:  # noqa: BLE001 - one bad article must not stop the run
                count_reason(self.stage, DEAD_LETTER, type(error).__name__)
                yield TaggedOutput(DEAD_LETTER, dead_letter(
                    self.stage, type(error).__name__, f"ner failed: {error}", article, self.payload_limit))
            else:
                yield self._annotated(article, doc)

    def _annotated(self, article, doc):
        entities = entities_of(doc)
        self.articles.inc()
        self.entities.inc(len(entities))
        return {**article, "entities": entities}


class AnnotateEntities(beam.PTransform):
    """Articles -> the same articles, English ones with entities (main output), and DEAD_LETTER."""

    def __init__(self, spacy_model: str | None = None, batch_size: int = DEFAULT_NER_BATCH_SIZE,
                 payload_limit: int = DEFAULT_PAYLOAD_BYTES):
        super().__init__()
        self.spacy_model, self.batch_size, self.payload_limit = spacy_model, batch_size, payload_limit

    def expand(self, articles):
        english, others = articles | "SplitByLanguage" >> beam.Partition(
            lambda article, _: 0 if article["language"] == ENGLISH else 1, 2)
        annotated = (
            english
            | "Bundle" >> beam.BatchElements(min_batch_size=1, max_batch_size=self.batch_size)
            | "RecognizeEntities" >> beam.ParDo(_RecognizeEntities(self.spacy_model, self.payload_limit))
            .with_outputs(DEAD_LETTER, main="articles"))
        merged = (annotated.articles, others) | "WithOtherLanguages" >> beam.Flatten()
        return {"articles": merged, DEAD_LETTER: annotated[DEAD_LETTER]}
