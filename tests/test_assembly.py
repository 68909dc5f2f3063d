import datetime as dt

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms.assembly import (AssembleEvents, assemble_events, confidence_of, date_period, join_late_reports,
                                 place_key)

UTC = dt.timezone.utc
AMERLI = {"name": "Amerli", "canonical_id": "place:IQ:amerli", "geonames_id": None, "lat": 34.7, "lon": 44.6,
          "country": "IQ", "admin1": None, "feature": "extension", "resolved": True}


def mention(article_id, source, day, precision="day", event_type="SIEGE_BROKEN", gaining="IRAQI_GOVERNMENT",
            certainty="reported", allies=(), place=AMERLI, start=0, published=(2014, 9, 1)):
    return {"event_type": event_type, "place": place, "gaining_actor": gaining, "losing_actor": "ISLAMIC_STATE",
            "allies": list(allies), "event_date": day, "date_precision": precision, "certainty": certainty,
            "evidence": {"article_id": article_id, "url": None, "source": source,
                         "published_at": dt.datetime(*published, tzinfo=UTC), "sentence": "…", "start": start,
                         "end": start + 1, "certainty": certainty}}


def test_date_period_follows_precision():
    day = dt.date(2018, 6, 13)
    assert date_period(day, "day") == (dt.date(2018, 6, 12), dt.date(2018, 6, 14))
    assert date_period(day, "week") == (dt.date(2018, 6, 11), dt.date(2018, 6, 17))
    assert date_period(day, "month") == (dt.date(2018, 6, 1), dt.date(2018, 6, 30))
    assert date_period(dt.date(2017, 12, 5), "month") == (dt.date(2017, 12, 1), dt.date(2017, 12, 31))
    assert date_period(day, "year") == (dt.date(2018, 1, 1), dt.date(2018, 12, 31))
    assert date_period(None, "unknown") == (dt.date.min, dt.date.max)


def test_place_key_uses_canonical_id_or_a_spelling_key():
    assert place_key(AMERLI) == "place:IQ:amerli"
    assert place_key({"name": "Hajeen", "canonical_id": None}) == place_key({"name": "Hajin", "canonical_id": None})
    assert place_key({"name": "Hajeen", "canonical_id": None}) != place_key({"name": "Hawija", "canonical_id": None})


def test_two_sources_reporting_one_siege_break_make_one_event():
    mentions = [mention("reuters-1", "Reuters", dt.date(2014, 8, 31), allies=["PMF"]),
                mention("ap-1", "Associated Press", dt.date(2014, 8, 31), allies=["PMF", "US_COALITION"]),
                mention("ap-1", "Associated Press", dt.date(2014, 8, 1), precision="month", start=50)]
    [event] = assemble_events("place:IQ:amerli", mentions)
    assert (event["num_mentions"], event["num_articles"], event["num_sources"]) == (3, 2, 2)
    assert (event["event_date"], event["date_precision"]) == (dt.date(2014, 8, 31), "day")
    assert event["allies"] == ["PMF", "US_COALITION"]
    assert event["confidence"] == pytest.approx(1 - 0.4 * 0.4)


def test_different_gaining_groups_dates_or_certainty_stay_apart():
    base = mention("a", "S1", dt.date(2017, 10, 5), event_type="CAPTURE")
    other_actor = mention("b", "S2", dt.date(2017, 10, 5), event_type="CAPTURE", gaining="PMF")
    a_year_later = mention("c", "S3", dt.date(2018, 10, 5), event_type="CAPTURE")
    hypothetical = mention("d", "S4", dt.date(2017, 10, 5), event_type="CAPTURE", certainty="hypothetical")
    assert len(assemble_events("k", [base, other_actor, a_year_later, hypothetical])) == 4


def test_a_mention_without_gaining_actor_joins_the_named_one():
    events = assemble_events("k", [mention("a", "S1", dt.date(2014, 8, 31)),
                                   mention("b", "S2", dt.date(2014, 8, 31), gaining=None)])
    assert [(e["gaining_actor"], e["num_sources"]) for e in events] == [("IRAQI_GOVERNMENT", 2)]


def test_claims_count_for_less_and_syndicated_source_once():
    claimed = [mention("a", "SDF press office", dt.date(2018, 6, 17), certainty="claimed")]
    assert confidence_of(claimed) == pytest.approx(0.35)
    same_source_twice = [mention("a", "Reuters", dt.date(2018, 6, 17)), mention("b", "reuters ", dt.date(2018, 6, 17))]
    assert confidence_of(same_source_twice) == pytest.approx(0.6)


def test_assembly_is_deterministic_in_any_order():
    mentions = [mention(f"a{i}", f"S{i}", dt.date(2014, 8, 30 + i % 2)) for i in range(4)]
    first = assemble_events("k", mentions)
    assert assemble_events("k", list(reversed(mentions))) == first


def test_a_late_report_joins_the_closed_event_as_its_next_revision_in_any_order():
    [closed] = assemble_events("k", [mention("reuters-1", "Reuters", dt.date(2014, 8, 31), allies=["PMF"])])
    [late] = assemble_events("k", [mention("ap-9", "Associated Press", dt.date(2014, 8, 31), published=(2014, 11, 1),
                                           allies=["US_COALITION"])])
    assert late["event_id"] == closed["event_id"]
    joined = join_late_reports([closed, late])
    assert join_late_reports([late, closed]) == joined
    assert joined["revision"] == 1
    assert [e["article_id"] for e in joined["evidence"]] == ["reuters-1", "ap-9"]
    assert (joined["num_mentions"], joined["num_articles"], joined["num_sources"]) == (2, 2, 2)
    assert joined["allies"] == ["PMF", "US_COALITION"]
    assert joined["last_reported"] == dt.datetime(2014, 11, 1, tzinfo=UTC)
    assert joined["confidence"] == pytest.approx(1 - 0.4 * 0.4)


def test_a_late_report_from_a_source_already_counted_does_not_raise_confidence():
    [closed] = assemble_events("k", [mention("reuters-1", "Reuters", dt.date(2014, 8, 31))])
    [late] = assemble_events("k", [mention("reuters-9", "Reuters", dt.date(2014, 8, 31), published=(2014, 11, 1))])
    joined = join_late_reports([closed, late])
    assert (joined["num_sources"], joined["confidence"]) == (1, pytest.approx(0.6))
    assert join_late_reports([closed]) is closed


def test_assemble_events_in_a_pipeline_groups_by_place():
    hawija = dict(AMERLI, name="Hawija", canonical_id="geonames:1")
    mentions = [mention("a", "S1", dt.date(2014, 8, 31)), mention("b", "S2", dt.date(2014, 8, 31)),
                mention("c", "S1", dt.date(2017, 10, 5), event_type="CAPTURE", place=hawija)]
    with TestPipeline() as p:
        events = p | beam.Create(mentions) | AssembleEvents()
        assert_that(events | beam.Map(lambda e: (e["place"]["name"], e["num_sources"])),
                    equal_to([("Amerli", 2), ("Hawija", 1)]))
