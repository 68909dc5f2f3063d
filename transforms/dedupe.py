"""Duplicate removal: exact copies (same folded text) and near copies (MinHash LSH) keep the earliest."""
import datetime as dt
from typing import Iterable

import apache_beam as beam
import numpy as np
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import BagStateSpec, ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.transforms.window import GlobalWindows
from apache_beam.utils.timestamp import Timestamp

from transforms.near_duplicates import (Candidate, DuplicateLink, MinHasher, duplicate_links, earliest_link,
                                        shared_buckets)
from transforms.records import DUPLICATES

_END_OF_TIME = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
#: Articles an earlier incremental run wrote (its state's SeenArticles) sort before this run's: they
#: are out already and cannot become the copies.
EARLIER_RUN, THIS_RUN = 0, 1


def canonical_order(article: dict) -> tuple:
    """Earliest publication first (unknown dates last), then article id, then origin: a total order."""
    return (article["published_at"] or _END_OF_TIME, article["article_id"], article["origin"])


def as_duplicate(article: dict, of_id: str, similarity: float, kind: str) -> dict:
    return {**article, "duplicate_of": of_id, "duplicate_similarity": round(similarity, 4), "duplicate_kind": kind}


def mark_duplicates(copies: Iterable[dict], kind: str = "exact",
                    seen: Iterable[dict] = ()) -> tuple[dict | None, list[dict]]:
    """The canonical (earliest) article of a group of copies, and the others marked as its duplicates.

    When an earlier run already wrote a copy (`seen`), every one of `copies` repeats it: no canonical.
    """
    earlier = min(seen, key=canonical_order, default=None)
    ordered = sorted(copies, key=canonical_order)
    first, rest = (None, ordered) if earlier is not None else (ordered[0], ordered[1:])
    canonical_id = (earlier or first)["article_id"]
    return first, [as_duplicate(copy, canonical_id, 1.0, kind) for copy in rest]


class _KeepEarliest(beam.DoFn):
    def __init__(self):
        super().__init__()
        self.duplicates = Metrics.counter("dedupe", "exact_duplicates")

    def process(self, keyed_copies):
        _, grouped = keyed_copies
        copies = list(grouped["article"])
        if copies:  # else only an earlier run's article has this text
            canonical, duplicates = mark_duplicates(copies, seen=grouped["seen"])
            if canonical is not None:
                yield canonical
            for duplicate in duplicates:
                self.duplicates.inc()
                yield TaggedOutput(DUPLICATES, duplicate)


def _nothing_seen(articles):
    return articles.pipeline | "NothingSeen" >> beam.Create([])


class DropExactDuplicates(beam.PTransform):
    """Articles -> canonical articles (main output) and their exact copies (DUPLICATES).

    `seen`: SeenArticles of earlier runs (incremental runs); an article repeating one is a duplicate.
    """

    def __init__(self, seen=None):
        super().__init__()
        self.seen = seen

    def expand(self, articles):
        seen = self.seen if self.seen is not None else _nothing_seen(articles)
        by_content = lambda record: (record["content_hash"], record)  # noqa: E731
        return (
            {"article": articles | "KeyByContent" >> beam.Map(by_content),
             "seen": seen | "KeySeenByContent" >> beam.Map(by_content)}
            | "GroupCopies" >> beam.CoGroupByKey()
            | "KeepEarliest" >> beam.ParDo(_KeepEarliest()).with_outputs(DUPLICATES, main="articles"))


def keyed_candidate(article: dict, hasher: MinHasher, run: int = THIS_RUN) -> tuple[str, Candidate]:
    """(article id, candidate) with the article's MinHash signature; a SeenArticle of an earlier `run`
    carries its signature."""
    signature = hasher.signature(article["text"]) if run == THIS_RUN else seen_signature(article)
    return article["article_id"], Candidate((run, *canonical_order(article)), article["article_id"], signature)


def seen_signature(seen: dict) -> np.ndarray:
    return np.frombuffer(seen["minhash"], dtype="<u4").astype(np.uint32)


def seen_article(article: dict, hasher: MinHasher) -> dict:
    """The SeenArticle an incremental run carries for an article it wrote."""
    return {"article_id": article["article_id"], "origin": article["origin"], "published_at": article["published_at"],
            "content_hash": article["content_hash"],
            "minhash": hasher.signature(article["text"]).astype("<u4").tobytes()}


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
                yield TaggedOutput(DUPLICATES, as_duplicate(article, links[0].earlier_id, links[0].similarity, "near"))
            else:
                yield article


class _BandBuckets(beam.CombineFn):
    """(bucket key, article id) pairs of one LSH band -> the band's buckets (bucket key -> ids)."""

    def create_accumulator(self) -> dict[str, list[str]]:
        return {}

    def add_input(self, buckets, member):
        bucket, item_id = member
        buckets.setdefault(bucket, []).append(item_id)
        return buckets

    def merge_accumulators(self, accumulators):
        merged, *others = accumulators
        for buckets in others:
            for bucket, item_ids in buckets.items():
                merged.setdefault(bucket, []).extend(item_ids)
        return merged

    def extract_output(self, buckets):
        return buckets


class DropNearDuplicates(beam.PTransform):
    """Articles -> articles that repeat no earlier one (main output) and near copies (DUPLICATES).

    Batch form: articles meet in LSH band buckets (a GroupByKey per band key), every pair in a bucket
    whose MinHash similarity reaches the threshold links the later article to the earlier, and each
    article keeps its link to the earliest similar one. Seeing the whole input makes the choice of
    canonical copy deterministic. `seen`: SeenArticles of earlier runs, which come first.

    The buckets are first formed from article ids alone, by a combine per band that runs in the
    workers (`_BandBuckets`): 42 band keys per article would otherwise cross the shuffle one element
    each, nearly all of them to buckets of one article. The members of shared buckets then fetch their
    signatures with a join by id.
    """

    def __init__(self, hasher: MinHasher | None = None, seen=None):
        super().__init__()
        self.hasher = hasher or MinHasher()
        self.seen = seen

    def expand(self, articles):
        hasher = self.hasher
        seen = self.seen if self.seen is not None else _nothing_seen(articles)
        candidates = (
            (articles | "Candidates" >> beam.Map(keyed_candidate, hasher),
             seen | "SeenCandidates" >> beam.Map(keyed_candidate, hasher, EARLIER_RUN))
            | "AllCandidates" >> beam.Flatten())
        shared_bands = (
            candidates
            | "BandMembers" >> beam.FlatMapTuple(lambda item_id, candidate: [
                (band, (bucket, item_id)) for band, bucket in enumerate(hasher.band_keys(candidate.signature))])
            | "BucketsPerBand" >> beam.CombinePerKey(_BandBuckets())
            | "SharedBuckets" >> beam.FlatMapTuple(lambda _, buckets: shared_buckets(buckets)))
        links = (
            {"candidate": candidates, "band": shared_bands}
            | "JoinSignatures" >> beam.CoGroupByKey()
            | "IntoSharedBuckets" >> beam.FlatMapTuple(lambda _, joined: [
                (band, candidate) for candidate in joined["candidate"] for band in joined["band"]])
            | "GroupSharedBuckets" >> beam.GroupByKey()
            | "LinkSimilar" >> beam.FlatMapTuple(lambda _, bucket: duplicate_links(list(bucket), hasher.threshold))
            | "KeyByArticle" >> beam.Map(lambda link: (link.item_id, link))
            | "EarliestLink" >> beam.CombinePerKey(earliest_link))
        keyed = articles | "KeyById" >> beam.Map(lambda article: (article["article_id"], article))
        return (
            {"article": keyed, "link": links}
            | "JoinLinks" >> beam.CoGroupByKey()
            | "MarkNearDuplicates" >> beam.ParDo(_MarkNearDuplicates()).with_outputs(DUPLICATES, main="articles"))


# --- Streaming form: the same MinHash bands, with state that expires ---------------------------------

_SEEN_CODER = beam.coders.TupleCoder([beam.coders.StrUtf8Coder(), beam.coders.StrUtf8Coder(),
                                      beam.coders.BytesCoder(), beam.coders.VarIntCoder()])


def order_string(article: dict) -> str:
    """canonical_order as a string that sorts the same way, for compact keyed state."""
    published = article["published_at"]
    return f"{published.isoformat() if published else '9999'}|{article['article_id']}|{article['origin']}"


def earliest_similar(signature: np.ndarray, seen: list[tuple[str, str, bytes, int]],
                     threshold: float) -> DuplicateLink | None:
    """The earliest (by order string) article already seen whose signature is similar enough, if any."""
    similar = [(order, item_id, MinHasher.similarity(signature, np.frombuffer(data, dtype=signature.dtype)))
               for order, item_id, data, _ in seen]
    similar = [entry for entry in similar if entry[2] >= threshold]
    if not similar:
        return None
    order, item_id, similarity = min(similar)
    return DuplicateLink("", item_id, similarity, (order,))


class _BandIndex(beam.DoFn):
    """Keyed by band key: compares each arriving article with those seen in the band within the horizon.

    State per band holds (order, id, signature bytes, event time); a watermark timer drops entries older
    than the horizon, so state stays bounded on an endless feed.
    """

    SEEN = BagStateSpec("seen", _SEEN_CODER)
    EXPIRY = TimerSpec("expiry", TimeDomain.WATERMARK)

    def __init__(self, threshold: float, horizon_seconds: int):
        super().__init__()
        self.threshold, self.horizon = threshold, horizon_seconds

    def process(self, element, timestamp=beam.DoFn.TimestampParam,
                seen=beam.DoFn.StateParam(SEEN), expiry=beam.DoFn.TimerParam(EXPIRY)):
        _, (order, article_id, signature) = element
        entries = list(seen.read())
        link = earliest_similar(signature, entries, self.threshold)
        seen.add((order, article_id, signature.tobytes(), timestamp.micros))
        oldest = min([timestamp.micros] + [entry[3] for entry in entries])
        expiry.set(Timestamp(micros=oldest) + self.horizon)
        yield article_id, link

    @on_timer(EXPIRY)
    def expire(self, fired=beam.DoFn.TimestampParam, seen=beam.DoFn.StateParam(SEEN),
               expiry=beam.DoFn.TimerParam(EXPIRY)):
        cutoff = (fired - self.horizon).micros
        kept = [entry for entry in seen.read() if entry[3] > cutoff]
        seen.clear()
        for entry in kept:
            seen.add(entry)
        if kept:
            expiry.set(Timestamp(micros=min(entry[3] for entry in kept)) + self.horizon)


class _DecideOnceAllBandsAnswered(beam.DoFn):
    """Keyed by article id: waits for the article and one answer per band key, then routes the article."""

    ARTICLE = ReadModifyWriteStateSpec("article", beam.coders.FastPrimitivesCoder())
    ANSWERS = BagStateSpec("answers", beam.coders.FastPrimitivesCoder())

    def __init__(self):
        super().__init__()
        self.duplicates = Metrics.counter("dedupe", "near_duplicates")

    def process(self, element, article_state=beam.DoFn.StateParam(ARTICLE),
                answers=beam.DoFn.StateParam(ANSWERS)):
        _, (kind, value) = element
        if kind == "article":
            article_state.write(value)
        else:
            answers.add(value and (value.earlier_order_key[0], value.earlier_id, value.similarity))
        pending, found = article_state.read(), list(answers.read())
        if pending is None or len(found) < pending[1]:
            return
        article = pending[0]
        article_state.clear()
        answers.clear()
        links = sorted(answer for answer in found if answer)
        if not links:
            yield article
            return
        self.duplicates.inc()
        _, earlier_id, similarity = links[0]
        yield TaggedOutput(DUPLICATES, {**article, "duplicate_of": earlier_id,
                                        "duplicate_similarity": round(similarity, 4), "duplicate_kind": "near"})


class DropNearDuplicatesStreaming(beam.PTransform):
    """The streaming form of DropNearDuplicates: an article repeats one already seen within `horizon`.

    On an endless feed nothing waits for the whole input, so the first copy to arrive is canonical
    (the earliest by publication time among those already seen), and state older than the horizon
    (event time) is dropped by timers.
    """

    def __init__(self, hasher: MinHasher | None = None, horizon_seconds: int = 3 * 24 * 3600):
        super().__init__()
        self.hasher = hasher or MinHasher()
        self.horizon = horizon_seconds

    def expand(self, articles):
        hasher = self.hasher
        articles = articles | "GlobalWindow" >> beam.WindowInto(GlobalWindows())
        signed = articles | "Sign" >> beam.Map(lambda a: (a, hasher.signature(a["text"])))
        answers = (
            signed
            | "BandEntries" >> beam.FlatMapTuple(lambda a, signature: [
                (band, (order_string(a), a["article_id"], signature)) for band in hasher.band_keys(signature)])
            | "CompareWithinBand" >> beam.ParDo(_BandIndex(hasher.threshold, self.horizon))
            | "TagAnswer" >> beam.MapTuple(lambda article_id, link: (article_id, ("answer", link))))
        tagged = signed | "TagArticle" >> beam.MapTuple(
            lambda a, signature: (a["article_id"], ("article", (a, len(hasher.band_keys(signature))))))
        return (
            (answers, tagged)
            | "ArticlesAndAnswers" >> beam.Flatten()
            | "Decide" >> beam.ParDo(_DecideOnceAllBandsAnswered()).with_outputs(DUPLICATES, main="articles"))
