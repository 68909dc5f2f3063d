"""Exact-duplicate removal: copies with the same normalised text keep only the earliest."""
import datetime as dt
from typing import Iterable

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from transforms.records import DUPLICATES

_END_OF_TIME = dt.datetime.max.replace(tzinfo=dt.timezone.utc)


def canonical_order(article: dict) -> tuple:
    """Earliest publication first (unknown dates last), then article id, then origin: a total order."""
    return (article["published_at"] or _END_OF_TIME, article["article_id"], article["origin"])


def mark_duplicates(copies: Iterable[dict], kind: str = "exact") -> tuple[dict, list[dict]]:
    """The canonical (earliest) article of a group of copies, and the others marked as its duplicates."""
    first, *rest = sorted(copies, key=canonical_order)
    return first, [{**copy, "duplicate_of": first["article_id"], "duplicate_similarity": 1.0,
                    "duplicate_kind": kind} for copy in rest]


class _KeepEarliest(beam.DoFn):
    def __init__(self):
        super().__init__()
        self.duplicates = Metrics.counter("dedupe", "exact_duplicates")

    def process(self, keyed_copies):
        _, copies = keyed_copies
        canonical, duplicates = mark_duplicates(copies)
        yield canonical
        for duplicate in duplicates:
            self.duplicates.inc()
            yield TaggedOutput(DUPLICATES, duplicate)


class DropExactDuplicates(beam.PTransform):
    """Articles -> canonical articles (main output) and their exact copies (DUPLICATES)."""

    def expand(self, articles):
        return (
            articles
            | "KeyByContent" >> beam.Map(lambda article: (article["content_hash"], article))
            | "GroupCopies" >> beam.GroupByKey()
            | "KeepEarliest" >> beam.ParDo(_KeepEarliest()).with_outputs(DUPLICATES, main="articles"))
