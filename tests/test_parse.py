import datetime as dt
import json

import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
import apache_beam as beam

from tests.corpus import DASHISHA, HAWIJA, article
from transforms import dates
from transforms.parse import ParseArticle, parse_article
from transforms.records import DEAD_LETTER, FILTERED, RecordError


NOW = dates.latest_publication(dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.timezone.utc))


def jsonl(obj, origin="feed.jsonl:1") -> dict:
    payload = obj if isinstance(obj, bytes) else json.dumps(obj).encode("utf-8")
    return {"origin": origin, "input_format": "jsonl", "payload": payload, "fields": {}}


def test_jsonl_record_becomes_article_with_extra_fields_as_attributes():
    record = parse_article(jsonl(article(id="wire-17", tags=["iraq", "kirkuk"], lang_hint="en")))
    assert record["text"] == HAWIJA
    assert record["published_at"] == dt.datetime(2017, 10, 5, 10, 0, tzinfo=dt.timezone.utc)
    assert record["published_date"] == dt.date(2017, 10, 5)
    assert (record["published_precision"], record["published_from"]) == ("time", "input")
    assert record["attributes"] == {"id": "wire-17", "lang_hint": "en", "tags": '["iraq", "kirkuk"]'}
    assert record["origin"] == "feed.jsonl:1"


def test_article_id_is_deterministic_and_content_based():
    first = parse_article(jsonl(article()))
    assert first["article_id"] == parse_article(jsonl(article(), origin="other.jsonl:9"))["article_id"]
    assert first["article_id"] != parse_article(jsonl(article(text=DASHISHA)))["article_id"]


def test_text_file_takes_fields_from_sidecar():
    raw = {"origin": "seeds/a.txt", "input_format": "text", "payload": HAWIJA.encode(),
           "fields": {"source": "Reuters", "published": "2017-10-05", "note": "wire copy"}}
    record = parse_article(raw)
    assert (record["source"], record["published_precision"]) == ("Reuters", "day")
    assert record["attributes"] == {"note": "wire copy"}


def test_missing_date_comes_from_dateline_or_stays_unknown():
    dated = parse_article(jsonl({"text": "MOSUL, Iraq, 28 May 2017 - Troops advanced into the old city."}))
    assert (dated["published_date"], dated["published_from"]) == (dt.date(2017, 5, 28), "dateline")
    undated = parse_article(jsonl({"text": HAWIJA}))
    assert undated["published_at"] is None and undated["published_date"] is None
    assert (undated["published_precision"], undated["published_from"]) == ("unknown", "none")


@pytest.mark.parametrize("raw, kind", [
    (jsonl(b'{"text": "Fighting continued near'), "malformed_json"),
    (jsonl(b"[1, 2, 3]"), "not_an_object"),
    (jsonl('{"text": "Qaim"}'.encode("utf-8") + b"\xff\xfe"), "invalid_utf8"),
    (jsonl({"title": "No body", "published_at": "2017-10-05"}), "missing_text"),
    (jsonl(article(published_at="the fifth of October")), "unparseable_date"),
    (jsonl(article(published_at="0001-01-01")), "implausible_date"),
    (jsonl(article(text=["not", "a", "string"])), "bad_field"),
    (jsonl(b'{"text": "Hawija fell", "text": "Hawija held"}'), "conflicting_fields"),
    (jsonl(b'{"text": "x", "tags": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"), "malformed_json"),
    (jsonl(article(published_at="2090-01-01")), "future_date"),
    ({"origin": "junk.txt", "input_format": "text", "payload": b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "fields": {}},
     "binary_content"),
])
def test_unusable_records_raise_with_a_stable_reason(raw, kind):
    with pytest.raises(RecordError) as error:
        parse_article(raw, latest=NOW)
    assert error.value.kind == kind


def test_a_future_date_is_judged_against_the_time_of_reading():
    record = jsonl(article(published_at="2026-11-22T10:00:00Z"))
    assert parse_article(record, latest=NOW)["published_date"] == dt.date(2026, 11, 22)  # within a day
    with pytest.raises(RecordError, match="after the time the article was read"):
        parse_article(record, latest=dates.latest_publication(NOW - dt.timedelta(days=2)))
    dated = parse_article(jsonl({"text": "MOSUL, Iraq, 28 May 2090 - Troops advanced."}), latest=NOW)
    assert (dated["published_date"], dated["published_from"]) == (None, "none")  # a future dateline is ignored


def test_text_over_the_limit_is_refused_after_extraction():
    with pytest.raises(RecordError) as error:
        parse_article(jsonl(article(text="word " * 30)), max_text_chars=100)
    assert error.value.kind == "text_too_long"


def test_a_file_in_a_legacy_code_page_is_decoded_and_says_so():
    raw = {"origin": "fr.txt", "input_format": "text", "payload": "Les forces à Kobané.".encode("latin-1"),
           "fields": {}}
    record = parse_article(raw)
    assert record["text"] == "Les forces à Kobané." and record["attributes"] == {"source_encoding": "cp1252"}


def test_a_blank_page_is_an_empty_article_not_a_missing_one():
    raw = {"origin": "blank.html", "input_format": "html", "payload": b" \n ", "fields": {}}
    assert parse_article(raw)["text"] == ""


def test_parse_stage_routes_every_record_to_one_output():
    records = [jsonl(article(), "f:1"), jsonl(article(text="  \u200b "), "f:2"), jsonl(b"{oops", "f:3")]
    with TestPipeline() as p:
        result = p | beam.Create(records) | beam.ParDo(ParseArticle()).with_outputs(
            DEAD_LETTER, FILTERED, main="articles")
        assert_that(result.articles | beam.Map(lambda a: a["origin"]), equal_to(["f:1"]), label="articles")
        assert_that(result[FILTERED] | beam.Map(lambda a: (a["origin"], a["filter_reason"])),
                    equal_to([("f:2", "empty_text")]), label="filtered")
        assert_that(result[DEAD_LETTER] | beam.Map(lambda d: (d["origin"], d["stage"], d["error_type"], d["payload"])),
                    equal_to([("f:3", "parse", "malformed_json", b"{oops")]), label="dead letters")
