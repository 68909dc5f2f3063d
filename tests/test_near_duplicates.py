"""Tests for transforms.near_duplicates: syndicated copies link to the first copy, corroborating
articles about the same event stay apart, and every hash is stable across processes."""

import os
import pickle
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from transforms.near_duplicates import (
    Candidate,
    DuplicateLink,
    MinHasher,
    canonical_of,
    duplicate_links,
    lsh_layout,
    normalised_words,
    shared_members,
)

REPO_ROOT = Path(__file__).resolve().parents[1]

WIRE_STORY = (
    "Raqqa stadium falls as SDF closes in on last pockets of resistance\n"
    "Fighters of the Kurdish-led Syrian Democratic Forces took the municipal stadium in central Raqqa on "
    "Tuesday, a spokesman for the alliance told reporters by telephone. The stadium had served as one of the "
    "final strongholds of Islamic State militants inside the city, which the group once called its capital. "
    "Coalition aircraft carried out several strikes around the sports complex overnight before ground units "
    "advanced from the northern districts. The spokesman said clearing operations were continuing in the "
    "nearby hospital compound, where a small number of militants were believed to be hiding with explosives. "
    "Thousands of civilians fled the city over the summer as the offensive moved street by street. Aid "
    "groups warned that unexploded munitions would make a return dangerous for months. The alliance said "
    "it expected to announce full control within days once engineers had swept the remaining buildings."
)

SYNDICATED_COPY = (
    "Orontes Herald | World | Middle East\n"
    "UPDATE: Raqqa stadium falls as SDF closes in on final pockets of resistance\n"
    "Fighters of the Kurdish-led Syrian Democratic Forces took the municipal stadium in central Raqqa on "
    "Tuesday, a spokesman for the alliance told reporters by telephone. The stadium had served as one of the "
    "final strongholds of Islamic State militants inside the city, which the group once called its capital. "
    "Coalition warplanes carried out several raids around the sports complex overnight before ground troops "
    "advanced from the northern districts. The spokesman said clearing operations were continuing in the "
    "nearby hospital compound, where a small number of militants were believed to be hiding with explosives. "
    "Thousands of civilians fled the city over the summer as the offensive moved street by street.\n"
    "Copyright Orontes Herald. All rights reserved."
)

CORROBORATING_REPORT = (
    "US-backed forces seize Raqqa stadium from Islamic State\n"
    "The Kurdish-led Syrian Democratic Forces took the municipal stadium in central Raqqa on Tuesday, "
    "according to a war monitor based in Britain, "
    "leaving the jihadists with only a few blocks near the national hospital. Syrian Democratic Forces "
    "units backed by American air power pushed into the complex on Tuesday after days of heavy fighting. "
    "The monitor said dozens of foreign militants had surrendered in recent days under a deal brokered by "
    "local tribal elders. The battle for the city began in June and has destroyed much of its centre. "
    "Residents who escaped described shortages of water and medicine during the final weeks of the siege."
)


@pytest.fixture(scope="module")
def hasher():
    return MinHasher(num_perm=128, shingle_size=4, seed=7, threshold=0.35)


def exact_jaccard(a: str, b: str, size: int) -> float:
    def shingles(text):
        words = normalised_words(text)
        return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}

    first, second = shingles(a), shingles(b)
    return len(first & second) / len(first | second)


def test_normalised_words_ignore_case_punctuation_and_spacing():
    assert normalised_words("  Syria's  ARMY,\tre-took\n'Palmyra'! ") == ["syria", "s", "army", "re", "took", "palmyra"]
    assert normalised_words("Al_Bab -- ...") == ["al", "bab"]


def test_typography_does_not_change_the_signature(hasher):
    shouted = WIRE_STORY.upper().replace(",", " ,").replace(".", " . ")
    assert np.array_equal(hasher.signature(WIRE_STORY), hasher.signature(shouted))


def test_signature_is_fixed_width_uint32(hasher):
    signature = hasher.signature(WIRE_STORY)
    assert signature.dtype == np.uint32
    assert signature.shape == (128,)


def test_syndicated_copy_is_similar_and_shares_a_band(hasher):
    original, copy = hasher.signature(WIRE_STORY), hasher.signature(SYNDICATED_COPY)
    assert MinHasher.similarity(original, copy) >= hasher.threshold
    assert set(hasher.band_keys(original)) & set(hasher.band_keys(copy))


def test_corroborating_report_of_the_same_event_is_not_similar(hasher):
    similarity = MinHasher.similarity(hasher.signature(WIRE_STORY), hasher.signature(CORROBORATING_REPORT))
    assert similarity < hasher.threshold
    # Not a trivial pass: the reports share a clause and much of their vocabulary.
    assert exact_jaccard(WIRE_STORY, CORROBORATING_REPORT, 4) > 0
    assert exact_jaccard(WIRE_STORY, CORROBORATING_REPORT, 1) > 0.15


def test_similarity_estimates_exact_jaccard(hasher):
    estimate = MinHasher.similarity(hasher.signature(WIRE_STORY), hasher.signature(SYNDICATED_COPY))
    assert estimate == pytest.approx(exact_jaccard(WIRE_STORY, SYNDICATED_COPY, 4), abs=0.12)


def test_similarity_rejects_signatures_of_different_length():
    with pytest.raises(ValueError):
        MinHasher.similarity(np.zeros(64, np.uint32), np.zeros(128, np.uint32))


def test_band_keys_are_short_distinct_per_band_and_equal_for_equal_text(hasher):
    keys = hasher.band_keys(hasher.signature(WIRE_STORY))
    assert len(keys) == hasher.bands
    assert len(set(keys)) == hasher.bands
    assert all(len(key) <= 16 for key in keys)
    assert keys == hasher.band_keys(hasher.signature(WIRE_STORY))


def test_band_keys_of_other_configurations_never_meet():
    # Same seed: the first 64 permutations and the 2-row bands coincide, only the key salt differs.
    narrow = MinHasher(num_perm=64, shingle_size=4, seed=7, threshold=0.35)
    wide = MinHasher(num_perm=96, shingle_size=4, seed=7, threshold=0.35)
    assert (narrow.rows, wide.rows) == (2, 2)
    assert np.array_equal(narrow.signature(WIRE_STORY), wide.signature(WIRE_STORY)[:64])
    assert not set(narrow.band_keys(narrow.signature(WIRE_STORY))) & set(wide.band_keys(wide.signature(WIRE_STORY)))


def test_text_without_words_gets_no_band_keys(hasher):
    assert hasher.band_keys(hasher.signature(" -- !! ")) == []


def test_text_shorter_than_a_shingle_still_has_band_keys(hasher):
    assert len(hasher.band_keys(hasher.signature("Manbij shelled"))) == hasher.bands


def test_signatures_and_band_keys_are_stable_across_processes(hasher):
    script = (
        "import sys; from transforms.near_duplicates import MinHasher;"
        "h = MinHasher(num_perm=128, shingle_size=4, seed=7, threshold=0.35);"
        "print(','.join(h.band_keys(h.signature(sys.stdin.read()))))"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        environment = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(REPO_ROOT))
        result = subprocess.run(
            [sys.executable, "-c", script], input=WIRE_STORY, capture_output=True, text=True, env=environment, check=True
        )
        outputs.add(result.stdout.strip())
    assert outputs == {",".join(hasher.band_keys(hasher.signature(WIRE_STORY)))}


def test_pickled_hasher_gives_the_same_signature(hasher):
    restored = pickle.loads(pickle.dumps(hasher))
    assert np.array_equal(restored.signature(WIRE_STORY), hasher.signature(WIRE_STORY))


@pytest.mark.parametrize("threshold", [0.2, 0.35, 0.5, 0.8])
def test_layout_fits_the_permutations_and_catches_pairs_at_the_threshold(threshold):
    bands, rows = lsh_layout(threshold, 128)
    assert bands * rows <= 128
    assert 1 - (1 - threshold**rows) ** bands > 0.7
    assert 1 - (1 - (threshold / 3) ** rows) ** bands < 0.5


def test_layout_uses_longer_bands_for_higher_thresholds():
    assert lsh_layout(0.8, 128)[1] > lsh_layout(0.35, 128)[1]


@pytest.mark.parametrize("threshold", [0.0, 1.0, 1.5])
def test_layout_rejects_thresholds_outside_the_open_unit_interval(threshold):
    with pytest.raises(ValueError):
        lsh_layout(threshold, 128)


def test_links_follow_publication_order_not_bucket_order():
    signature = np.arange(8, dtype=np.uint32)
    bucket = [
        Candidate(("2017-10-18T09:00", "c"), "c", signature),
        Candidate(("2017-10-17T08:00", "a"), "a", signature),
        Candidate(("2017-10-17T12:00", "b"), "b", signature),
    ]
    links = list(duplicate_links(bucket, 0.5))
    assert [(link.item_id, link.earlier_id, link.similarity) for link in links] == [("b", "a", 1.0), ("c", "a", 1.0)]
    assert links[0].earlier_order_key == ("2017-10-17T08:00", "a")


def test_links_skip_dissimilar_earlier_members_and_repeated_deliveries():
    base = np.arange(10, dtype=np.uint32)
    unrelated = base + 100
    near = base.copy()
    near[:3] += 100  # 7 of 10 slots agree
    bucket = [
        Candidate((1, "a"), "a", unrelated),
        Candidate((2, "b"), "b", base),
        Candidate((2, "b"), "b", base),
        Candidate((3, "c"), "c", near),
    ]
    assert list(duplicate_links(bucket, 0.6)) == [DuplicateLink("c", "b", 0.7, (2, "b"))]
    assert list(duplicate_links(bucket, 0.75)) == []
    assert list(duplicate_links(bucket[:1], 0.1)) == []


def test_only_buckets_two_articles_share_are_compared():
    members = [(7, 1), (8, 1), (8, 1), (9, 3), (9, 1), (9, 3), (5, 4), (5, 2)]  # (bucket digest, item key)
    # a bucket of one article, even delivered twice, has nothing to compare
    assert shared_members(np.array(members, dtype=np.int64)) == [(2, 5), (4, 5), (1, 9), (3, 9)]
    assert shared_members(np.array([], dtype=np.int64)) == []


def test_band_digests_are_the_band_keys_numbers(hasher):
    signature = hasher.signature(WIRE_STORY)
    digests = hasher.band_digests(signature)
    assert len(digests) == hasher.bands and all(-2**63 <= digest < 2**63 for digest in digests)
    bands = [key.split(":")[0] for key in hasher.band_keys(signature)]
    assert bands == [f"{band:02x}" for band in range(hasher.bands)]
    assert hasher.band_digests(hasher.signature(" -- !! ")) == []


def test_canonical_is_the_earliest_copy_over_all_buckets():
    links = [
        DuplicateLink("c", "b", 0.9, ("2017-10-17T12:00", "b")),
        DuplicateLink("c", "a", 0.6, ("2017-10-17T08:00", "a")),
        ("b", "a", 0.7, ("2017-10-17T08:00", "a")),
    ]
    assert canonical_of(links) == {"c": ("a", 0.6), "b": ("a", 0.7)}
    assert canonical_of([]) == {}


def test_pipeline_path_links_copy_and_keeps_corroboration_canonical(hasher):
    articles = {
        "wire": (("2017-10-17T08:00", "wire"), WIRE_STORY),
        "copy": (("2017-10-17T15:30", "copy"), SYNDICATED_COPY),
        "other": (("2017-10-17T11:00", "other"), CORROBORATING_REPORT),
    }
    buckets = defaultdict(list)
    for item_id, (order_key, text) in articles.items():
        signature = hasher.signature(text)
        for key in hasher.band_keys(signature):
            buckets[key].append(Candidate(order_key, item_id, signature))
    links = [link for bucket in buckets.values() for link in duplicate_links(bucket, hasher.threshold)]
    canonical = canonical_of(links)
    assert set(canonical) == {"copy"}
    assert canonical["copy"][0] == "wire"
