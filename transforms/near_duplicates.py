"""Near-duplicate detection for syndicated news copies: MinHash over word shingles with LSH banding.

A wire story republished with another outlet's header and footer, a reworded headline, a truncated tail
or a few edited sentences is one report, not several; counting it twice would fake corroboration.
Two different articles about the same event share facts but little running text, so they stay apart.

The pipeline splits the work so that no step needs the whole corpus: each article gets a fixed-size
`signature` and one digest per LSH band (`band_digests`); buckets are formed from numbers and only the
members of buckets two articles share (`shared_members`) are compared, with their signatures
(`duplicate_links`); the links of an article are reduced to its canonical copy (`canonical_of`).
Everything is deterministic across processes and runs: shingles are hashed with seeded MurmurHash3 and
the permutations derive from BLAKE2b, never from Python's salted `hash()` or a numpy RNG stream.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, NamedTuple, Sequence

import mmh3
import numpy as np

# Missing a duplicate at the banding stage is final, while a spurious candidate only costs one
# signature comparison in `duplicate_links`; so the band layout weighs misses far above extra pairs.
_MISSED_PAIR_WEIGHT = 0.9
_EXTRA_PAIR_WEIGHT = 0.1
_EMPTY_SLOT = np.uint32(0xFFFFFFFF)
_NON_WORD = re.compile(r"[\W_]+")


def normalised_words(text: str) -> list[str]:
    """Casefolded words with punctuation dropped, so typography differences between outlets vanish."""
    return _NON_WORD.sub(" ", text.casefold()).split()


def lsh_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) whose S-curve 1-(1-s^rows)^bands best separates pairs around `threshold`.

    Minimises the weighted areas of missed pairs above the threshold and of candidate pairs below it.
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must lie strictly between 0 and 1, got {threshold}")
    similarity = np.linspace(0.0, 1.0, 2001)
    step = similarity[1] - similarity[0]
    below = similarity < threshold
    best_cost, best_layout = np.inf, (num_perm, 1)
    for bands in range(1, num_perm + 1):
        rows = num_perm // bands
        candidate_probability = 1.0 - (1.0 - similarity**rows) ** bands
        extra = candidate_probability[below].sum() * step
        missed = (1.0 - candidate_probability[~below]).sum() * step
        cost = _EXTRA_PAIR_WEIGHT * extra + _MISSED_PAIR_WEIGHT * missed
        if cost < best_cost:
            best_cost, best_layout = cost, (bands, rows)
    return best_layout


def _seeded_uint64(seed: int, label: str, count: int) -> np.ndarray:
    """`count` pseudo-random uint64 derived from BLAKE2b, stable across numpy versions and platforms."""
    words = [
        int.from_bytes(hashlib.blake2b(f"{seed}:{label}:{i}".encode(), digest_size=8).digest(), "little")
        for i in range(count)
    ]
    return np.array(words, dtype=np.uint64)


class MinHasher:
    """Turns a text into a MinHash signature (uint32 per permutation) and its LSH band keys."""

    # Defaults measured in bench/eval_near_duplicates.py: syndicated copies of FA-KES stories mostly keep
    # Jaccard >= 0.4 over word 4-grams, while different articles about the same event stay below 0.29.
    def __init__(self, num_perm: int = 128, shingle_size: int = 4, seed: int = 1, threshold: float = 0.35):
        if num_perm < 1 or shingle_size < 1:
            raise ValueError("num_perm and shingle_size must be positive")
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        self.threshold = threshold
        self.bands, self.rows = lsh_layout(threshold, num_perm)
        # Multiply-add-shift hashing ((a*x + b) mod 2^64) >> 32 is 2-universal for 32-bit x; an odd
        # multiplier keeps every permutation a bijection of the 64-bit ring.
        self._multipliers = _seeded_uint64(seed, "multiplier", num_perm) | np.uint64(1)
        self._offsets = _seeded_uint64(seed, "offset", num_perm)
        # Band keys of different configurations must never meet in one bucket, yet cost no extra bytes.
        self._band_key_salt = f"{num_perm}:{shingle_size}:{seed}:{self.rows}".encode()

    def shingle_hashes(self, text: str) -> np.ndarray:
        """Seeded 32-bit MurmurHash3 of each word shingle; a text shorter than a shingle is one shingle."""
        words = normalised_words(text)
        if not words:
            return np.empty(0, dtype=np.uint64)
        size = self.shingle_size
        shingles = (" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1)))
        return np.fromiter((mmh3.hash(s, self.seed, signed=False) for s in shingles), dtype=np.uint64)

    def signature(self, text: str) -> np.ndarray:
        """MinHash signature: per permutation, the smallest permuted shingle hash (all-max if no words)."""
        hashes = self.shingle_hashes(text)
        if hashes.size == 0:
            return np.full(self.num_perm, _EMPTY_SLOT, dtype=np.uint32)
        permuted = (hashes[:, None] * self._multipliers[None, :] + self._offsets[None, :]) >> np.uint64(32)
        return permuted.min(axis=0).astype(np.uint32)

    def band_digests(self, signature: np.ndarray) -> list[int]:
        """One 64-bit digest per band (signed, as Beam codes integers), in band order; equal rows give equal
        digests.

        A digest collision only adds a comparison, which `duplicate_links` rejects, so 64 bits suffice.
        A signature without shingles gets none: an empty text carries nothing to be a copy of.
        """
        signature = np.asarray(signature, dtype=np.uint32)
        if signature.shape != (self.num_perm,):
            raise ValueError(f"expected a signature of {self.num_perm} values, got shape {signature.shape}")
        if bool((signature == _EMPTY_SLOT).all()):
            return []
        rows = self.rows
        return [int.from_bytes(hashlib.blake2b(signature[band * rows : (band + 1) * rows].astype("<u4").tobytes(),
                                               digest_size=8, key=self._band_key_salt).digest(), "little",
                               signed=True)
                for band in range(self.bands)]

    def band_keys(self, signature: np.ndarray) -> list[str]:
        """One short key per band ('<band hex>:<64-bit digest, base64url>'), unique across bands."""
        return [f"{band:02x}:{base64.urlsafe_b64encode(digest.to_bytes(8, 'little', signed=True)).rstrip(b'=').decode()}"
                for band, digest in enumerate(self.band_digests(signature))]

    @staticmethod
    def similarity(a: np.ndarray, b: np.ndarray) -> float:
        """Estimated Jaccard similarity of the two shingle sets: the share of equal signature slots."""
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            raise ValueError(f"signatures differ in shape: {a.shape} vs {b.shape}")
        return float(np.count_nonzero(a == b)) / a.size


@dataclass(frozen=True, eq=False)
class Candidate:
    """One article in a band bucket; `order_key` (published time, id) decides which copy came first."""

    order_key: tuple
    item_id: str
    signature: np.ndarray


class DuplicateLink(NamedTuple):
    """`item_id` repeats `earlier_id`; the earlier copy's order key lets links from many buckets be
    reduced to the earliest copy without looking anything up."""

    item_id: str
    earlier_id: str
    similarity: float
    earlier_order_key: tuple


def item_key(item_id: str) -> int:
    """A 64-bit number (signed) for an article id, to form buckets with: two ids that share one only put
    both articles in each other's buckets, where `duplicate_links` compares their signatures."""
    return int.from_bytes(hashlib.blake2b(item_id.encode(), digest_size=8).digest(), "little", signed=True)


def shared_members(members: np.ndarray) -> list[tuple[int, int]]:
    """(item key, bucket digest) for each member of every bucket of one band that two or more articles
    share; `members` holds (bucket digest, item key) rows (int64).

    Nearly every bucket holds one article, which nothing can repeat; so buckets are first formed from
    numbers alone and only the members of shared ones are brought together with their signatures.
    """
    distinct = np.unique(np.asarray(members, dtype=np.int64).reshape(-1, 2), axis=0)  # sorted by digest
    digests, counts = np.unique(distinct[:, 0], return_counts=True)
    shared = np.isin(distinct[:, 0], digests[counts > 1])
    return [(int(key), int(digest)) for digest, key in distinct[shared]]


def duplicate_links(bucket: Sequence[Candidate], threshold: float) -> Iterator[DuplicateLink]:
    """For one band bucket: each member that repeats an earlier member links to the earliest such one.

    The same article delivered twice (equal item_id) counts once.
    """
    members = sorted({c.item_id: c for c in bucket}.values(), key=lambda c: (c.order_key, c.item_id))
    if len(members) < 2:
        return
    signatures = np.stack([np.asarray(c.signature) for c in members])
    for position in range(1, len(members)):
        similarities = (signatures[:position] == signatures[position]).mean(axis=1)
        similar = np.flatnonzero(similarities >= threshold)
        if similar.size:
            earliest = members[similar[0]]
            yield DuplicateLink(
                members[position].item_id, earliest.item_id, float(similarities[similar[0]]), earliest.order_key
            )


def earliest_link(links: Iterable[DuplicateLink]) -> DuplicateLink:
    """Of one item's links (from all its band buckets), the one to the earliest similar copy."""
    return min(links, key=lambda link: (link.earlier_order_key, link.earlier_id))


def canonical_of(links: Iterable[DuplicateLink]) -> dict[str, tuple[str, float]]:
    """item_id -> (canonical_id, similarity): the earliest similar copy over all of an item's links.

    Items without links are canonical and absent from the result. A canonical may itself repeat an
    even earlier article it is similar to while the item is not; chains are left as found.
    """
    by_item: dict[str, list[DuplicateLink]] = {}
    for link in links:
        link = DuplicateLink(*link)
        by_item.setdefault(link.item_id, []).append(link)
    best = {item: earliest_link(item_links) for item, item_links in by_item.items()}
    return {item: (link.earlier_id, link.similarity) for item, link in best.items()}
