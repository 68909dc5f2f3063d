"""Duplicate removal: exact copies (same folded text) and near copies (MinHash LSH) keep the earliest."""
import datetime as dt
from typing import Iterable

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput

from transforms.near_duplicates import Candidate, DuplicateLink, MinHasher, duplicate_links
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


def earliest_link(links: Iterable[DuplicateLink]) -> DuplicateLink:
    """Of an article's links from all its band buckets, the one to the earliest similar article."""
    return min(links, key=lambda link: (link.earlier_order_key, link.earlier_id))


def bucket_members(article: dict, hasher: MinHasher) -> list[tuple[str, Candidate]]:
    """(band key, candidate) for each LSH band of the article's MinHash signature."""
    signature = hasher.signature(article["text"])
    candidate = Candidate(canonical_order(article), article["article_id"], signature)
    return [(band, candidate) for band in hasher.band_keys(signature)]


class _MarkNearDuplicates(beam.DoFn):
    def __init__(self):
        super().__init__()
        self.duplicates = Metrics.counter("dedupe", "near_duplicates")

    def process(self, joined):
        _, grouped = joined
        links = list(grouped["link"])
        for article in grouped["article"]:
            if links:
                self.duplicates.inc()
                yield TaggedOutput(DUPLICATES, {**article, "duplicate_of": links[0].earlier_id,
                                                "duplicate_similarity": round(links[0].similarity, 4),
                                                "duplicate_kind": "near"})
            else:
                yield article


class DropNearDuplicates(beam.PTransform):
    """Articles -> articles that repeat no earlier one (main output) and near copies (DUPLICATES).

    Batch form: articles meet in LSH band buckets (a GroupByKey per band key), every pair in a bucket
    whose MinHash similarity reaches the threshold links the later article to the earlier, and each
    article keeps its link to the earliest similar one. Seeing the whole input makes the choice of
    canonical copy deterministic.
    """

    def __init__(self, hasher: MinHasher | None = None):
        super().__init__()
        self.hasher = hasher or MinHasher()

    def expand(self, articles):
        hasher = self.hasher
        links = (
            articles
            | "BandBuckets" >> beam.FlatMap(bucket_members, hasher)
            | "GroupByBand" >> beam.GroupByKey()
            | "LinkSimilar" >> beam.FlatMapTuple(lambda _, bucket: duplicate_links(list(bucket), hasher.threshold))
            | "KeyByArticle" >> beam.Map(lambda link: (link.item_id, link))
            | "EarliestLink" >> beam.CombinePerKey(earliest_link))
        keyed = articles | "KeyById" >> beam.Map(lambda article: (article["article_id"], article))
        return (
            {"article": keyed, "link": links}
            | "JoinLinks" >> beam.CoGroupByKey()
            | "MarkNearDuplicates" >> beam.ParDo(_MarkNearDuplicates()).with_outputs(DUPLICATES, main="articles"))
