import datetime as dt

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms.dedupe import mark_duplicates
from transforms.records import DUPLICATES


def copy(article_id, day=None, content="h1"):
    published = dt.datetime(2017, 10, day, tzinfo=dt.timezone.utc) if day else None
    return {"article_id": article_id, "origin": f"{article_id}.txt", "published_at": published,
            "content_hash": content, "duplicate_of": None}


def test_earliest_copy_is_canonical_and_unknown_dates_come_last():
    canonical, duplicates = mark_duplicates([copy("c", None), copy("b", 6), copy("a", 5)])
    assert canonical["article_id"] == "a"
    assert [(d["article_id"], d["duplicate_of"], d["duplicate_kind"]) for d in duplicates] == [
        ("b", "a", "exact"), ("c", "a", "exact")]


def test_ties_are_broken_by_id_so_the_choice_is_deterministic():
    assert mark_duplicates([copy("z", 5), copy("y", 5)])[0]["article_id"] == "y"


# --- near duplicates ----------------------------------------------------------------------------------
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions  # noqa: E402
from apache_beam.testing.test_stream import TestStream  # noqa: E402
from apache_beam.transforms.window import TimestampedValue  # noqa: E402

from transforms.dedupe import (CopyOf, DropDuplicates, DropNearDuplicatesStreaming, _BandBuckets,  # noqa: E402
                               copy_of, earliest_similar)
from transforms.near_duplicates import MinHasher  # noqa: E402

STORY = ("Syrian Democratic Forces fighters took full control of the town on Sunday after a week of "
         "fighting with Islamic State militants who had held it since the summer of 2014. Commanders said "
         "engineers were clearing mines from the main road and that families who fled in the spring could "
         "begin returning within days. The coalition said its aircraft struck twelve positions around the "
         "town during the final push, and that the militants now hold only a narrow strip along the river.")
OTHER = ("Government troops backed by allied militias launched an assault on the eastern districts of the "
         "city at dawn on Tuesday, state television reported. Residents described heavy shelling overnight "
         "and said several bridges across the river had been destroyed. Aid agencies warned that thousands of "
         "civilians remained trapped without water or electricity as the fighting moved street by street.")


def story(article_id, text, day, hour=0):
    return {"article_id": article_id, "origin": article_id, "text": text, "content_hash": article_id,
            "published_at": dt.datetime(2018, 6, day, hour, tzinfo=dt.timezone.utc), "duplicate_of": None}


SYNDICATED = "Partner Wire. " + STORY.replace("on Sunday", "late on Sunday") + " Follow us for more updates."


def test_earliest_similar_picks_the_earliest_order():
    hasher = MinHasher()
    signature = hasher.signature(STORY)
    seen = [("2018-06-18|b", "b", signature.tobytes(), 0), ("2018-06-17|a", "a", signature.tobytes(), 0),
            ("2018-06-16|c", "c", hasher.signature(OTHER).tobytes(), 0)]
    assert earliest_similar(signature, seen, hasher.threshold).earlier_id == "a"
    assert earliest_similar(hasher.signature(OTHER), seen[:2], hasher.threshold) is None


def test_near_copies_point_to_the_earliest_and_other_stories_stay():
    articles = [story("late-copy", SYNDICATED, 18), story("original", STORY, 17), story("other", OTHER, 17)]
    with TestPipeline() as p:
        result = p | beam.Create(articles) | DropDuplicates()
        assert_that(result.articles | beam.Map(lambda a: a["article_id"]), equal_to(["original", "other"]),
                    label="kept")
        assert_that(result[DUPLICATES] | beam.Map(lambda a: (a["article_id"], a["duplicate_of"], a["duplicate_kind"])),
                    equal_to([("late-copy", "original", "near")]), label="duplicates")


def test_exact_copies_then_near_copies_of_what_is_left():
    """An exact copy of a record that is itself a near copy repeats that record; the record repeats the
    earliest story. The same record read twice shares its article id: only the later read is the copy."""
    original = story("original", STORY, 17)
    copy = story("late-copy", SYNDICATED, 18)
    same_again = {**copy, "origin": "second-feed"}
    exact_copy = {**story("exact-copy", SYNDICATED, 19), "content_hash": copy["content_hash"]}
    with TestPipeline() as p:
        result = p | beam.Create([same_again, exact_copy, copy, original]) | DropDuplicates()
        assert_that(result.articles | beam.Map(lambda a: a["origin"]), equal_to(["original"]), label="kept")
        assert_that(result[DUPLICATES] | beam.Map(lambda a: (a["origin"], a["duplicate_of"], a["duplicate_kind"])),
                    equal_to([("late-copy", "original", "near"), ("second-feed", "late-copy", "exact"),
                              ("exact-copy", "late-copy", "exact")]), label="duplicates")


def test_an_exact_decision_names_one_record_and_a_near_one_an_article():
    exact = {"feed:2": CopyOf("a", 1.0, "exact")}
    near = {"a": CopyOf("z", 0.8, "near")}
    assert copy_of({"origin": "feed:2", "article_id": "a"}, exact, near) == exact["feed:2"]
    assert copy_of({"origin": "feed:1", "article_id": "a"}, exact, near) == near["a"]
    assert copy_of({"origin": "feed:3", "article_id": "b"}, exact, near) is None


DAY = 24 * 3600
JUNE_17 = dt.datetime(2018, 6, 17, tzinfo=dt.timezone.utc).timestamp()


def timestamped(article):
    return TimestampedValue(article, article["published_at"].timestamp())


def assert_streaming_outcome(stream, horizon_seconds, kept, duplicates):
    """Run DropNearDuplicatesStreaming over `stream`: the ids kept and the (copy, original) pairs."""
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    with TestPipeline(options=options) as p:
        result = p | stream | DropNearDuplicatesStreaming(horizon_seconds=horizon_seconds)
        assert_that(result.articles | beam.Map(lambda a: a["article_id"]), equal_to(kept), label="kept")
        assert_that(result[DUPLICATES] | beam.Map(lambda a: (a["article_id"], a["duplicate_of"])),
                    equal_to(duplicates), label="duplicates")


def test_streaming_state_finds_copies_within_the_horizon_and_forgets_after_it():
    stream = (TestStream()
              .add_elements([timestamped(story("original", STORY, 17))])
              .add_elements([timestamped(story("copy", SYNDICATED, 17, 6)), timestamped(story("other", OTHER, 17, 7))])
              .advance_watermark_to(JUNE_17 + 5 * DAY)  # past the two-day horizon: the band state expires
              .add_elements([timestamped(story("much-later-copy", SYNDICATED, 22, 1))])
              .advance_watermark_to_infinity())
    assert_streaming_outcome(stream, 2 * DAY, ["original", "other", "much-later-copy"], [("copy", "original")])


def test_a_copy_just_past_the_horizon_is_no_copy_though_its_original_has_not_yet_expired():
    stream = (TestStream()
              .add_elements([timestamped(story("original", STORY, 17))])
              .advance_watermark_to(JUNE_17 + 2 * DAY + 3600)  # past the horizon, within the slab kept after it
              .add_elements([timestamped(story("copy-50-hours-later", SYNDICATED, 19, 2))])
              .advance_watermark_to_infinity())
    assert_streaming_outcome(stream, 2 * DAY, ["original", "copy-50-hours-later"], [])


def test_band_buckets_of_accumulators_merged_in_any_order_are_the_same():
    combine = _BandBuckets()

    def accumulated(members):
        accumulator = combine.create_accumulator()
        for member in members:
            accumulator = combine.add_input(accumulator, member)
        return accumulator

    parts = [accumulated([(7, 1), (9, 2), (7, 3)]), accumulated([]), accumulated([(9, 4), (-2**63, 5)])]
    expected = [(1, 7), (3, 7), (2, 9), (4, 9)]
    assert combine.extract_output(combine.merge_accumulators(parts)) == expected
    assert combine.extract_output(combine.merge_accumulators(parts[::-1])) == expected
    assert combine.extract_output(accumulated([])) == []
