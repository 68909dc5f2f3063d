import datetime as dt

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms.dedupe import DropExactDuplicates, mark_duplicates
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


def test_drop_exact_duplicates_in_a_pipeline():
    articles = [copy("a", 5), copy("b", 4), copy("c", 5, content="other")]
    with TestPipeline() as p:
        result = p | beam.Create(articles) | DropExactDuplicates()
        assert_that(result.articles | beam.Map(lambda a: a["article_id"]), equal_to(["b", "c"]), label="kept")
        assert_that(result[DUPLICATES] | beam.Map(lambda a: (a["article_id"], a["duplicate_of"])),
                    equal_to([("a", "b")]), label="duplicates")
