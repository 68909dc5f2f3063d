"""The clean stage's DoFn: the same cleaned article whether it arrives as a dict or packed while it waited
for the repeated lines."""
import datetime as dt

from apache_beam.pvalue import TaggedOutput

from transforms.clean import CleanArticle
from transforms.records import FILTERED, packed, unpacked

ARTICLE = {"article_id": "a1", "origin": "feed.jsonl:1", "source": "Example Wire", "title": None,
           "published_at": dt.datetime(2017, 10, 5, 8, 30, tzinfo=dt.timezone.utc),
           "text": "Hawija Falls\nIraqi forces retook the town of Hawija on Thursday.\nShare this story",
           "entities": [], "attributes": {"feed": "wire"}}


def test_a_packed_record_unpacks_to_the_same_record():
    assert unpacked(packed(ARTICLE)) == ARTICLE


def test_a_packed_article_is_cleaned_as_the_same_article():
    repeated = {"Example Wire": frozenset()}
    direct = list(CleanArticle().process(ARTICLE, repeated))
    assert list(CleanArticle(packed_input=True).process(packed(ARTICLE), repeated)) == direct
    assert direct[0]["text"].endswith("on Thursday.") and direct[0]["boilerplate_lines_removed"] == 1


def test_an_article_of_nothing_but_boilerplate_is_filtered_with_its_reason():
    (output,) = CleanArticle(packed_input=True).process(packed({**ARTICLE, "text": "Share this story"}), {})
    assert isinstance(output, TaggedOutput) and output.tag == FILTERED
    assert output.value["filter_reason"] == "boilerplate_only"
