"""The clean stage's DoFn: the same cleaned article whether it arrives as a dict or packed in the group it
waited for the repeated lines in."""
import datetime as dt

import apache_beam as beam
from apache_beam.pvalue import TaggedOutput
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms.clean import CleanArticle
from transforms.records import FILTERED, WaitPacked, packed, unpacked, waited

ARTICLE = {"article_id": "a1", "origin": "feed.jsonl:1", "source": "Example Wire", "title": None,
           "published_at": dt.datetime(2017, 10, 5, 8, 30, tzinfo=dt.timezone.utc),
           "text": "Hawija Falls\nIraqi forces retook the town of Hawija on Thursday.\nShare this story",
           "entities": [], "attributes": {"feed": "wire"}}


def test_a_packed_record_unpacks_to_the_same_record():
    assert unpacked(packed(ARTICLE)) == ARTICLE


def test_records_that_waited_packed_come_back_whole_one_group_per_origin():
    records = [{**ARTICLE, "origin": f"feed.jsonl:{line}"} for line in (1, 2, 3)]
    with TestPipeline() as pipeline:
        groups = pipeline | beam.Create(records) | WaitPacked()
        sizes = groups | "Sizes" >> beam.MapTuple(lambda origin, packed_records: (origin, len(list(packed_records))))
        assert_that(sizes, equal_to([(record["origin"], 1) for record in records]), label="OneEach")
        assert_that(groups | beam.FlatMap(waited), equal_to(records), label="Whole")


def test_a_waited_article_is_cleaned_as_the_same_article():
    repeated = {"Example Wire": frozenset()}
    direct = list(CleanArticle().process(ARTICLE, repeated))
    assert list(CleanArticle(waited_input=True).process((ARTICLE["origin"], [packed(ARTICLE)]), repeated)) == direct
    assert direct[0]["text"].endswith("on Thursday.") and direct[0]["boilerplate_lines_removed"] == 1


def test_an_article_of_nothing_but_boilerplate_is_filtered_with_its_reason():
    waited = (ARTICLE["origin"], [packed({**ARTICLE, "text": "Share this story"})])
    (output,) = CleanArticle(waited_input=True).process(waited, {})
    assert isinstance(output, TaggedOutput) and output.tag == FILTERED
    assert output.value["filter_reason"] == "boilerplate_only"
