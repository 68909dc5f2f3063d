"""Duplicate removal: exact copies (same folded text) and near copies (MinHash LSH) keep the earliest."""
import datetime as dt
import hashlib
import struct
from array import array
from typing import Iterable, NamedTuple

import apache_beam as beam
import numpy as np
from apache_beam.metrics import Metrics
from apache_beam.pvalue import AsDict, TaggedOutput
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import BagStateSpec, ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.transforms.window import GlobalWindows
from apache_beam.utils.timestamp import Duration, Timestamp

from transforms.near_duplicates import (Candidate, DuplicateLink, MinHasher, duplicate_links, earliest_link,
                                        item_key, shared_members)
from transforms.records import DUPLICATES, WaitPacked, waited

_END_OF_TIME = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
#: Articles an earlier incremental run wrote (its state's SeenArticles) sort before this run's: they
#: are out already and cannot become the copies.
EARLIER_RUN, THIS_RUN = 0, 1
#: Tag of the exact copies found among light records: (origin, CopyOf).
_EXACT_COPIES = "exact_copies"


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


def seen_article(article: dict, hasher: MinHasher) -> dict:
    """An article's light record: what duplicate decisions need of it, and the SeenArticle an incremental
    run carries for an article it wrote."""
    return {"article_id": article["article_id"], "origin": article["origin"], "published_at": article["published_at"],
            "content_hash": article["content_hash"],
            "minhash": hasher.signature(article["text"]).astype("<u4").tobytes()}


def seen_signature(seen: dict) -> np.ndarray:
    return np.frombuffer(seen["minhash"], dtype="<u4").astype(np.uint32)


def keyed_candidate(seen: dict, run: int = THIS_RUN) -> tuple[int, Candidate]:
    """(item key, candidate) of a light record, this run's or (`run`) an earlier run's."""
    return item_key(seen["article_id"]), Candidate((run, *canonical_order(seen)), seen["article_id"],
                                                   seen_signature(seen))


class CopyOf(NamedTuple):
    """The decision that an article repeats another."""

    of_id: str
    similarity: float
    kind: str


def near_copy(link: DuplicateLink) -> CopyOf:
    return CopyOf(link.earlier_id, link.similarity, "near")


def copy_of(article: dict, exact_copies: dict, near_copies: dict) -> CopyOf | None:
    """What `article` repeats, if anything. Exact copies are keyed by origin: copies of one record share its
    article id, and only the later ones are copies. Near copies are keyed by article id, which is unique
    among the articles left after exact copies."""
    return exact_copies.get(article["origin"]) or near_copies.get(article["article_id"])


class _KeepEarliest(beam.DoFn):
    """A group of light records with one content hash -> the canonical one (main output) and the others'
    decisions (tagged _EXACT_COPIES)."""

    def process(self, keyed_copies):
        _, grouped = keyed_copies
        copies = list(grouped["article"])
        if copies:  # else only an earlier run's article has this text
            canonical, duplicates = mark_duplicates(copies, seen=grouped["seen"])
            if canonical is not None:
                yield canonical
            for duplicate in duplicates:
                decision = CopyOf(duplicate["duplicate_of"], 1.0, "exact")
                yield TaggedOutput(_EXACT_COPIES, (duplicate["origin"], decision))


class _RouteCopies(beam.DoFn):
    """A WaitPacked group of articles -> each article to the main output, or marked to DUPLICATES when a decision
    names it."""

    def __init__(self):
        super().__init__()
        self.counters = {kind: Metrics.counter("dedupe", f"{kind}_duplicates") for kind in ("exact", "near")}

    def process(self, waited_articles, exact_copies, near_copies):
        for article in waited(waited_articles):
            decision = copy_of(article, exact_copies, near_copies)
            if decision is None:
                yield article
                continue
            self.counters[decision.kind].inc()
            yield TaggedOutput(DUPLICATES, as_duplicate(article, *decision))


class _BandBuckets(beam.CombineFn):
    """(bucket digest, item key) pairs of one LSH band -> the members of the buckets two articles share.

    The accumulator is a flat array of int64 pairs: the DirectRunner holds the accumulators of every
    band decoded in its own process, where 2.1 million pairs of short strings (50,000 articles, 42
    bands) raised it by about 450 MiB; as numbers they are 34 MB.
    """

    def create_accumulator(self) -> array:
        return array("q")

    def add_input(self, accumulator, member):
        accumulator.extend(member)
        return accumulator

    def merge_accumulators(self, accumulators):
        merged = array("q")
        for accumulator in accumulators:
            merged.extend(accumulator)
        return merged

    def extract_output(self, accumulator):
        return shared_members(np.frombuffer(accumulator, dtype=np.int64))


class NearCopyLinks(beam.PTransform):
    """Light records (this run's, and `seen` of earlier runs) -> (article id, DuplicateLink) for each of this
    run's articles that repeats an earlier similar one, linked to the earliest.

    Articles meet in LSH band buckets (a grouping per band digest); every pair in a bucket whose MinHash
    similarity reaches the threshold links the later article to the earlier. The buckets are first formed
    from numbers alone (band digest, `item_key` of the article id), by a combine per band that runs in
    the workers (`_BandBuckets`): 42 band digests per article would otherwise cross the shuffle one element
    each, nearly all of them to buckets of one article. The members of shared buckets then fetch their
    signatures with a join by item key.
    """

    def __init__(self, hasher: MinHasher, seen):
        super().__init__()
        self.hasher, self.seen = hasher, seen

    def expand(self, light):
        hasher = self.hasher
        candidates = (
            (light | "Candidates" >> beam.Map(keyed_candidate),
             self.seen | "SeenCandidates" >> beam.Map(keyed_candidate, EARLIER_RUN))
            | "AllCandidates" >> beam.Flatten())
        shared_bands = (
            candidates
            | "BandMembers" >> beam.FlatMapTuple(lambda key, candidate: [
                (band, (digest, key)) for band, digest in enumerate(hasher.band_digests(candidate.signature))])
            | "BucketsPerBand" >> beam.CombinePerKey(_BandBuckets())
            | "SharedBuckets" >> beam.FlatMapTuple(lambda band, shared: [
                (key, (band, digest)) for key, digest in shared]))
        return (
            {"candidate": candidates, "band": shared_bands}
            | "JoinSignatures" >> beam.CoGroupByKey()
            | "IntoSharedBuckets" >> beam.FlatMapTuple(lambda _, joined: [
                (bucket, candidate) for candidate in joined["candidate"] for bucket in joined["band"]])
            | "GroupSharedBuckets" >> beam.GroupByKey()
            | "LinkSimilar" >> beam.FlatMapTuple(lambda _, bucket: duplicate_links(list(bucket), hasher.threshold))
            | "KeyByArticle" >> beam.Map(lambda link: (link.item_id, link))
            | "EarliestLink" >> beam.CombinePerKey(earliest_link))


class DropDuplicates(beam.PTransform):
    """Batch: articles -> articles that repeat no other (main output) and their exact and near copies
    (DUPLICATES), each copy pointing to the earliest article it repeats. `seen`: SeenArticles of earlier
    runs (incremental runs), which come first.

    The decisions are made on light records (`seen_article`: ids, publication time, content hash, MinHash
    signature): exact copies by grouping on the content hash, near copies among the articles left by LSH
    band buckets (`NearCopyLinks`). Seeing the whole input makes the choice of canonical copy
    deterministic. The articles themselves then wait once, packed, and meet only the copies found, as two
    side inputs: the DirectRunner holds a grouping's whole input in its own process, decoded, and two
    groupings of whole articles as dicts (by content, then by id) had been its largest moment of memory.
    A side input holds one entry per copy, a small share of a feed; on a cluster runner every worker
    holds it.

    The articles wait as `WaitPacked` groups: the NLP stage follows in the same stage and needs them
    spread evenly over the workers.
    """

    def __init__(self, hasher: MinHasher | None = None, seen=None):
        super().__init__()
        self.hasher = hasher or MinHasher()
        self.seen = seen

    def expand(self, articles):
        seen = self.seen if self.seen is not None else articles.pipeline | "NothingSeen" >> beam.Create([])
        light = articles | "LightRecords" >> beam.Map(seen_article, self.hasher)
        by_content = lambda record: (record["content_hash"], record)  # noqa: E731
        exact = (
            {"article": light | "KeyByContent" >> beam.Map(by_content),
             "seen": seen | "KeySeenByContent" >> beam.Map(by_content)}
            | "GroupCopies" >> beam.CoGroupByKey()
            | "KeepEarliest" >> beam.ParDo(_KeepEarliest()).with_outputs(_EXACT_COPIES, main="kept"))
        near = (exact.kept
                | "NearCopyLinks" >> NearCopyLinks(self.hasher, seen)
                | "NearCopies" >> beam.MapTuple(lambda article_id, link: (article_id, near_copy(link))))
        return (articles
                | "WaitForCopies" >> WaitPacked()
                | "RouteCopies" >> beam.ParDo(_RouteCopies(), AsDict(exact[_EXACT_COPIES]), AsDict(near))
                .with_outputs(DUPLICATES, main="articles"))


# --- Streaming form: the same MinHash bands, with state that expires ---------------------------------

#: Seen articles are kept in runs sorted by band hash; FANOUT runs of one level merge into one run of the
#: next, so a lookup searches at most FANOUT runs per level (log growth), and a write touches one level.
RUN_FANOUT = 8
RUN_LEVELS = 6
#: Articles leave the state in this many slabs per horizon: the timer fires when the oldest is a slab past
#: the horizon and drops the whole slab, so the state is rewritten a few times per horizon instead of on
#: every advance of the watermark (on a steady feed the oldest article changes with every one).
EXPIRY_SLABS = 8
_HEADER = struct.Struct("<IIII")  # level, articles, band entries, bytes of the names
#: The live near-duplicate state lives under one key: a lookup needs every band of an article at once,
#: and the DirectRunner scans the timers of every key it has ever seen on each scheduling round.
INDEX_KEY = "seen"


def order_string(article: dict) -> str:
    """canonical_order as a string that sorts the same way, for compact keyed state."""
    published = article["published_at"]
    return f"{published.isoformat() if published else '9999'}|{article['article_id']}|{article['origin']}"


def band_hashes(band_keys: list[str]) -> np.ndarray:
    """A uint64 per band key (band number included), sorted: what the seen runs are searched by.

    A collision only adds a signature comparison, which the similarity check rejects."""
    return np.sort(np.array([int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")
                             for key in band_keys], dtype=np.uint64))


class SeenRun(NamedTuple):
    """Articles already seen, as arrays: band hashes sorted with the article each belongs to (`owners`),
    and per article its event time (micros), MinHash signature, order string and id.

    Encoded as one bytes value that decodes without copying (`np.frombuffer`), so reading the state
    costs nothing per article it holds; names are decoded only for articles that match."""

    level: int
    hashes: np.ndarray  # uint64, sorted
    owners: np.ndarray  # uint32: article index of each hash
    micros: np.ndarray  # int64 per article
    signatures: np.ndarray  # uint32, articles x permutations
    name_ends: np.ndarray  # uint32: end offset of each article's "order\x00id" in `names`
    names: bytes

    @classmethod
    def of_article(cls, order: str, article_id: str, hashes: np.ndarray, signature: np.ndarray,
                   micros: int) -> "SeenRun":
        name = f"{order}\x00{article_id}".encode()
        return cls(0, hashes, np.zeros(len(hashes), dtype=np.uint32), np.array([micros], dtype=np.int64),
                   signature.astype(np.uint32)[None, :], np.array([len(name)], dtype=np.uint32), name)

    def name(self, index: int) -> tuple[str, str]:
        start = int(self.name_ends[index - 1]) if index else 0
        order, article_id = self.names[start:int(self.name_ends[index])].decode().rsplit("\x00", 1)
        return order, article_id

    def encode(self) -> bytes:
        header = _HEADER.pack(self.level, len(self.micros), len(self.hashes), len(self.names))
        return b"".join([header, self.hashes.tobytes(), self.micros.tobytes(), self.owners.tobytes(),
                         np.ascontiguousarray(self.signatures).tobytes(), self.name_ends.tobytes(), self.names])

    @classmethod
    def decode(cls, data: bytes, num_perm: int) -> "SeenRun":
        level, articles, entries, names = _HEADER.unpack_from(data)
        offset = _HEADER.size
        arrays = []
        for dtype, count in ((np.uint64, entries), (np.int64, articles), (np.uint32, entries),
                             (np.uint32, articles * num_perm), (np.uint32, articles)):
            arrays.append(np.frombuffer(data, dtype=dtype, count=count, offset=offset))
            offset += count * np.dtype(dtype).itemsize
        hashes, micros, owners, signatures, name_ends = arrays
        return cls(level, hashes, owners, micros, signatures.reshape(articles, num_perm), name_ends,
                   data[offset:offset + names])


def merge_runs(runs: list[SeenRun], level: int) -> SeenRun:
    """One run holding the articles of `runs`, in their order."""
    starts = np.cumsum([0] + [len(run.micros) for run in runs[:-1]])
    name_starts = np.cumsum([0] + [len(run.names) for run in runs[:-1]])
    hashes = np.concatenate([run.hashes for run in runs])
    owners = np.concatenate([run.owners.astype(np.uint32) + np.uint32(start) for run, start in zip(runs, starts)])
    by_hash = np.argsort(hashes, kind="stable")
    return SeenRun(level, hashes[by_hash], owners[by_hash], np.concatenate([run.micros for run in runs]),
                   np.concatenate([run.signatures for run in runs]),
                   np.concatenate([run.name_ends + np.uint32(start) for run, start in zip(runs, name_starts)]),
                   b"".join(run.names for run in runs))


def run_after(run: SeenRun, cutoff_micros: int) -> SeenRun | None:
    """The run without its articles of event time `cutoff_micros` or earlier (None if none is left)."""
    kept = run.micros > cutoff_micros
    if kept.all():
        return run
    if not kept.any():
        return None
    new_index = (np.cumsum(kept) - 1).astype(np.uint32)
    entries = kept[run.owners]
    starts = np.concatenate([[0], run.name_ends[:-1]]).astype(np.uint32)
    return SeenRun(run.level, run.hashes[entries], new_index[run.owners[entries]], run.micros[kept],
                   run.signatures[kept], np.cumsum((run.name_ends - starts)[kept]).astype(np.uint32),
                   b"".join(run.names[start:end] for start, end in zip(starts[kept], run.name_ends[kept])))


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


def sharing_a_band(runs: list[SeenRun], hashes: np.ndarray,
                   after_micros: int | None = None) -> list[tuple[str, str, bytes, int]]:
    """(order, id, signature bytes, event time) of the seen articles in a band bucket with `hashes`, of
    event time after `after_micros` when given (the state keeps a slab past the horizon until it expires)."""
    found = []
    for run in runs:
        starts = np.searchsorted(run.hashes, hashes, side="left")
        ends = np.searchsorted(run.hashes, hashes, side="right")
        if not (ends > starts).any():
            continue
        owners = np.unique(np.concatenate([run.owners[s:e] for s, e in zip(starts, ends) if e > s]))
        if after_micros is not None:
            owners = owners[run.micros[owners] > after_micros]
        for owner in owners:
            found.append((*run.name(int(owner)), run.signatures[owner].tobytes(), int(run.micros[owner])))
    return found


def with_run(runs: list[SeenRun], new: SeenRun) -> tuple[list[SeenRun], set[int]]:
    """`runs` with `new` added, FANOUT runs of a level merged into the next; and the levels changed."""
    runs, changed = runs + [new], {new.level}
    for level in range(new.level, RUN_LEVELS - 1):
        same = [run for run in runs if run.level == level]
        if len(same) < RUN_FANOUT:
            break
        runs = [run for run in runs if run.level != level] + [merge_runs(same, level + 1)]
        changed |= {level, level + 1}
    return runs, changed


_LEVEL_SPECS = [BagStateSpec(f"seen_level_{level}", beam.coders.BytesCoder()) for level in range(RUN_LEVELS)]


class _NearDuplicateIndex(beam.DoFn):
    """Under one key: each arriving article is compared with the articles seen within the horizon that
    share one of its LSH band buckets, then added to them; a watermark timer drops those older than the
    horizon a slab at a time (`EXPIRY_SLABS`), so state stays bounded on an endless feed. Lookups ignore
    the slab kept past the horizon, so what is a copy does not depend on when the timer fired.

    The state is one bag per level of SeenRuns (bytes): a lookup reads them without decoding, searches
    each run's sorted band hashes, and compares signatures only with the articles found.
    """

    EXPIRY = TimerSpec("expiry", TimeDomain.WATERMARK)
    OLDEST = ReadModifyWriteStateSpec("oldest", beam.coders.VarIntCoder())

    def __init__(self, hasher: MinHasher, horizon_seconds: int):
        super().__init__()
        self.hasher, self.horizon = hasher, horizon_seconds
        self.slab = Duration(micros=horizon_seconds * 10**6 // EXPIRY_SLABS)
        self.duplicates = Metrics.counter("dedupe", "near_duplicates")

    def process(self, element, timestamp=beam.DoFn.TimestampParam, oldest=beam.DoFn.StateParam(OLDEST),
                expiry=beam.DoFn.TimerParam(EXPIRY),
                level0=beam.DoFn.StateParam(_LEVEL_SPECS[0]), level1=beam.DoFn.StateParam(_LEVEL_SPECS[1]),
                level2=beam.DoFn.StateParam(_LEVEL_SPECS[2]), level3=beam.DoFn.StateParam(_LEVEL_SPECS[3]),
                level4=beam.DoFn.StateParam(_LEVEL_SPECS[4]), level5=beam.DoFn.StateParam(_LEVEL_SPECS[5])):
        _, article = element
        signature = self.hasher.signature(article["text"])
        keys = self.hasher.band_keys(signature)
        if not keys:  # no words: nothing to be a copy of
            yield article
            return
        levels = [level0, level1, level2, level3, level4, level5]
        runs = self._runs(levels)
        hashes = band_hashes(keys)
        within = sharing_a_band(runs, hashes, after_micros=(timestamp - self.horizon).micros)
        earlier = earliest_similar(signature, within, self.hasher.threshold)
        order = order_string(article)
        runs, changed = with_run(runs, SeenRun.of_article(order, article["article_id"], hashes, signature,
                                                          timestamp.micros))
        self._write(levels, runs, changed)
        if oldest.read() is None or timestamp.micros < oldest.read():
            oldest.write(timestamp.micros)
            expiry.set(timestamp + self.horizon + self.slab)
        if earlier is None:
            yield article
            return
        self.duplicates.inc()
        yield TaggedOutput(DUPLICATES, as_duplicate(article, earlier.earlier_id, earlier.similarity, "near"))

    @on_timer(EXPIRY)
    def expire(self, fired=beam.DoFn.TimestampParam, oldest=beam.DoFn.StateParam(OLDEST),
               expiry=beam.DoFn.TimerParam(EXPIRY),
               level0=beam.DoFn.StateParam(_LEVEL_SPECS[0]), level1=beam.DoFn.StateParam(_LEVEL_SPECS[1]),
               level2=beam.DoFn.StateParam(_LEVEL_SPECS[2]), level3=beam.DoFn.StateParam(_LEVEL_SPECS[3]),
               level4=beam.DoFn.StateParam(_LEVEL_SPECS[4]), level5=beam.DoFn.StateParam(_LEVEL_SPECS[5])):
        levels = [level0, level1, level2, level3, level4, level5]
        runs = self._runs(levels)
        cutoff = (fired - self.horizon).micros
        after = [(run, run_after(run, cutoff)) for run in runs]
        kept = [run for _, run in after if run is not None]
        self._write(levels, kept, {run.level for run, left in after if left is not run})
        if kept:
            remaining = min(int(run.micros.min()) for run in kept)
            oldest.write(remaining)
            expiry.set(Timestamp(micros=remaining) + self.horizon + self.slab)
        else:
            oldest.clear()

    def _runs(self, levels) -> list[SeenRun]:
        return [SeenRun.decode(data, self.hasher.num_perm) for level in levels for data in level.read()]

    @staticmethod
    def _write(levels, runs: list[SeenRun], changed: set[int]) -> None:
        for level in changed:
            levels[level].clear()
            for run in runs:
                if run.level == level:
                    levels[level].add(run.encode())


class DropNearDuplicatesStreaming(beam.PTransform):
    """The streaming form of DropDuplicates (an exact copy has similarity 1): an article repeats one
    already seen within `horizon`.

    On an endless feed nothing waits for the whole input, so the first copy to arrive is canonical
    (the earliest by publication time among those already seen), and state older than the horizon
    (event time) is dropped by a timer. The state sits under one key whatever the feed's size: its
    cost per article grows with the log of the articles within the horizon, not with the keys a runner
    must track.
    """

    def __init__(self, hasher: MinHasher | None = None, horizon_seconds: int = 3 * 24 * 3600):
        super().__init__()
        self.hasher = hasher or MinHasher()
        self.horizon = horizon_seconds

    def expand(self, articles):
        return (
            articles
            | "GlobalWindow" >> beam.WindowInto(GlobalWindows())
            | "UnderOneKey" >> beam.Map(lambda article: (INDEX_KEY, article))
            | "CompareWithSeen" >> beam.ParDo(_NearDuplicateIndex(self.hasher, self.horizon))
            .with_outputs(DUPLICATES, main="articles"))
