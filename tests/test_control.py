import datetime as dt

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to

from transforms.control import (FoldControl, FoldedViewCoder, _FoldLive, _ForwardNews, control_as_of, fold_control,
                                folded_view, is_news, known_as, latest_revisions)

D = dt.date
IS, GOV, SDF, PMF = "ISLAMIC_STATE", "IRAQI_GOVERNMENT", "SDF", "PMF"


def place(name, canonical_id=None, country="IQ"):
    return {"name": name, "canonical_id": canonical_id, "geonames_id": None, "lat": None, "lon": None,
            "country": country, "admin1": None, "feature": "city", "resolved": canonical_id is not None}


MOSUL = place("Mosul", "geonames:99072")
AMERLI = place("Amerli", "place:IQ:amerli")
HAWIJA = place("Hawija", "geonames:99131")
DASHISHA = place("Dashisha", "place:SY:dashisha", "SY")
HAJEEN = place("Hajeen", "geonames:170000", "SY")


def event(where, kind, day, gaining=None, losing=None, precision="day", certainty="reported", allies=(),
          confidence=0.6, revision=0, event_id=None):
    return {"event_id": event_id or f"{kind}:{where['name']}:{day}:{gaining}:{certainty}", "event_type": kind,
            "place": where, "gaining_actor": gaining, "losing_actor": losing, "allies": list(allies),
            "event_date": day, "date_precision": precision, "certainty": certainty, "evidence": [],
            "num_mentions": 1, "num_articles": 1, "num_sources": 1, "first_reported": None,
            "last_reported": None, "confidence": confidence, "revision": revision}


def timeline(states):
    return [(s["window_date"], s["controller"], s["status"], s["since"], s["previous_controller"]) for s in states]


def hand_overs(changes):
    return [(c["change_date"], c["from_controller"], c["to_controller"], c["date_precision"]) for c in changes]


# Mirrors of the seed articles' events.
MOSUL_EVENTS = [
    event(MOSUL, "CAPTURE", D(2014, 6, 1), IS, GOV, precision="month"),
    event(MOSUL, "OFFENSIVE", D(2017, 5, 27), GOV, IS),
    event(MOSUL, "HOLD", D(2017, 5, 28), IS),  # 'now only controls about five square miles'
    event(MOSUL, "CAPTURE", D(2017, 5, 28), GOV, IS, certainty="hypothetical"),  # 'poised to retake'
    event(MOSUL, "CAPTURE", D(2017, 6, 1), GOV, IS, precision="month"),
]


def test_mosul_held_by_islamic_state_contested_then_retaken():
    states, changes = fold_control(MOSUL_EVENTS)
    assert timeline(states) == [
        (D(2014, 6, 1), IS, "changed", D(2014, 6, 1), GOV),
        (D(2017, 5, 27), IS, "contested", D(2014, 6, 1), GOV),
        (D(2017, 5, 28), IS, "contested", D(2014, 6, 1), GOV),  # a hold under attack does not end the contest
        (D(2017, 6, 1), GOV, "changed", D(2017, 6, 1), IS),
    ]
    assert hand_overs(changes) == [(D(2014, 6, 1), GOV, IS, "month"), (D(2017, 6, 1), IS, GOV, "month")]
    assert states[2]["supporting_event_ids"] == sorted(e["event_id"] for e in MOSUL_EVENTS[:3])
    assert all("hypothetical" not in i for s in states for i in s["supporting_event_ids"])
    assert changes[1]["supporting_event_ids"] == [MOSUL_EVENTS[4]["event_id"]]
    assert {s["place"]["name"] for s in states} | {c["place"]["name"] for c in changes} == {"Mosul"}


def test_amerli_besieged_by_unknown_defender_until_the_siege_is_broken():
    states, changes = fold_control([
        event(AMERLI, "SIEGE", D(2014, 7, 1), IS, precision="month"),
        event(AMERLI, "SIEGE_BROKEN", D(2014, 8, 31), GOV, IS, allies=[PMF]),
    ])
    assert timeline(states) == [(D(2014, 7, 1), None, "besieged", None, None),
                                (D(2014, 8, 31), GOV, "changed", D(2014, 8, 31), None)]
    assert hand_overs(changes) == [(D(2014, 8, 31), None, GOV, "day")]  # the besieger was never the holder


@pytest.mark.parametrize("events, expected", [
    ([event(HAWIJA, "OFFENSIVE", D(2017, 9, 1), GOV, IS, precision="month"),
      event(HAWIJA, "CAPTURE", D(2017, 10, 5), GOV, IS)],
     [(D(2017, 9, 1), IS, "contested", None, None), (D(2017, 10, 5), GOV, "changed", D(2017, 10, 5), IS)]),
    ([event(DASHISHA, "CAPTURE", D(2018, 6, 17), SDF, IS, allies=["US_COALITION"])],
     [(D(2018, 6, 17), SDF, "changed", D(2018, 6, 17), IS)]),
    ([event(HAJEEN, "HOLD", D(2018, 6, 17), IS)], [(D(2018, 6, 17), IS, "held", None, None)]),
])
def test_seed_places(events, expected):
    assert timeline(fold_control(events)[0]) == expected


def test_learning_who_holds_a_place_is_not_a_change_but_a_different_holder_is():
    states, changes = fold_control([event(HAJEEN, "HOLD", D(2018, 6, 17), IS),
                                    event(HAJEEN, "HOLD", D(2018, 12, 14), SDF)])
    assert timeline(states) == [(D(2018, 6, 17), IS, "held", None, None),
                                (D(2018, 12, 14), SDF, "changed", D(2018, 12, 14), IS)]
    assert hand_overs(changes) == [(D(2018, 12, 14), IS, SDF, "day")]


def test_conflicting_reports_of_one_day_leave_the_place_contested():
    states, changes = fold_control([
        event(HAWIJA, "HOLD", D(2017, 9, 1), IS),
        event(HAWIJA, "CAPTURE", D(2017, 10, 5), GOV, IS),
        event(HAWIJA, "CAPTURE", D(2017, 10, 5), "PESHMERGA", IS),
    ])
    assert changes == []
    assert timeline(states)[-1] == (D(2017, 10, 5), IS, "contested", None, None)
    assert len(states[-1]["supporting_event_ids"]) == 3
    assert states[-1]["confidence"] < states[0]["confidence"]


def test_allies_reporting_the_same_capture_do_not_conflict():
    _, changes = fold_control([event(HAWIJA, "CAPTURE", D(2017, 10, 5), GOV, IS, allies=[PMF]),
                               event(HAWIJA, "CAPTURE", D(2017, 10, 5), PMF, IS)])
    assert hand_overs(changes) == [(D(2017, 10, 5), IS, GOV, "day")]
    assert len(changes[0]["supporting_event_ids"]) == 2
    assert changes[0]["confidence"] == pytest.approx(1 - 0.4 * 0.4)


def test_withdrawal_leaves_the_controller_unknown_unless_the_gainer_is_named():
    states, changes = fold_control([event(DASHISHA, "WITHDRAWAL", D(2018, 6, 17), losing=IS)])
    assert timeline(states) == [(D(2018, 6, 17), None, "changed", None, IS)]
    assert hand_overs(changes) == [(D(2018, 6, 17), IS, None, "day")]
    states, changes = fold_control([event(DASHISHA, "WITHDRAWAL", D(2018, 6, 17), losing=IS),
                                    event(DASHISHA, "HOLD", D(2018, 6, 17), SDF)])
    assert timeline(states) == [(D(2018, 6, 17), SDF, "changed", D(2018, 6, 17), IS)]
    assert len(changes) == 1 and len(changes[0]["supporting_event_ids"]) == 2


def test_a_repeated_withdrawal_report_is_not_a_second_change():
    _, changes = fold_control([event(DASHISHA, "WITHDRAWAL", D(2018, 6, 17), losing=IS),
                               event(DASHISHA, "WITHDRAWAL", D(2018, 6, 24), losing=IS)])
    assert len(changes) == 1


def test_the_attackers_withdrawal_ends_the_offensive_and_the_defender_ends_a_siege():
    states, changes = fold_control([
        event(HAWIJA, "HOLD", D(2016, 1, 10), IS),
        event(HAWIJA, "OFFENSIVE", D(2016, 2, 1), GOV, IS),
        event(HAWIJA, "WITHDRAWAL", D(2016, 2, 9), losing=GOV),
        event(HAWIJA, "SIEGE", D(2016, 3, 1), PMF, IS),
        event(HAWIJA, "OFFENSIVE", D(2016, 3, 5), GOV, IS),
        event(HAWIJA, "SIEGE_BROKEN", D(2016, 4, 2), IS, PMF),
    ])
    assert [s["status"] for s in states] == ["held", "contested", "held", "besieged", "besieged", "held"]
    assert {s["controller"] for s in states} == {IS} and changes == []
    assert states[-1]["supporting_event_ids"] == sorted([f"HOLD:Hawija:{D(2016, 1, 10)}:{IS}:reported",
                                                         f"SIEGE_BROKEN:Hawija:{D(2016, 4, 2)}:{IS}:reported"])


def test_claims_count_with_a_lower_confidence():
    reported = fold_control([event(DASHISHA, "CAPTURE", D(2018, 6, 17), SDF, IS)])
    claimed = fold_control([event(DASHISHA, "CAPTURE", D(2018, 6, 17), SDF, IS, certainty="claimed")])
    assert timeline(claimed[0]) == timeline(reported[0])
    assert claimed[1][0]["confidence"] < reported[1][0]["confidence"]
    assert claimed[0][0]["confidence"] < reported[0][0]["confidence"]


def test_hypothetical_or_undated_events_change_nothing():
    assert fold_control([event(MOSUL, "CAPTURE", D(2017, 5, 28), GOV, IS, certainty="hypothetical"),
                         event(MOSUL, "CAPTURE", None, GOV, IS, precision="unknown")]) == ([], [])


def test_a_coarse_capture_follows_finer_reports_that_show_the_place_before_it():
    states, changes = fold_control([
        event(MOSUL, "CAPTURE", D(2014, 6, 1), IS, GOV, precision="month"),
        event(MOSUL, "OFFENSIVE", D(2017, 5, 27), GOV, IS),
        event(MOSUL, "HOLD", D(2017, 5, 28), IS),
        event(MOSUL, "CAPTURE", D(2017, 5, 1), GOV, IS, precision="month"),  # 'captured in May'
    ])
    assert hand_overs(changes)[-1] == (D(2017, 5, 29), IS, GOV, "month")
    assert [s["window_date"] for s in states] == [D(2014, 6, 1), D(2017, 5, 27), D(2017, 5, 28), D(2017, 5, 29)]
    assert states[-1]["controller"] == GOV


def test_a_coarse_capture_with_nothing_finer_in_its_period_takes_the_period_start():
    _, changes = fold_control([event(MOSUL, "CAPTURE", D(2017, 6, 1), GOV, IS, precision="month"),
                               event(MOSUL, "HOLD", D(2017, 7, 20), GOV)])
    assert hand_overs(changes) == [(D(2017, 6, 1), IS, GOV, "month")]


def test_fold_is_deterministic_and_takes_the_latest_revision():
    first = fold_control(MOSUL_EVENTS)
    assert fold_control(list(reversed(MOSUL_EVENTS))) == first
    assert [c["change_id"] for c in first[1]] == [c["change_id"] for c in fold_control(MOSUL_EVENTS)[1]]
    assert len({c["change_id"] for c in first[1]}) == 2
    revised = event(MOSUL, "CAPTURE", D(2017, 6, 1), GOV, IS, precision="month", confidence=0.9, revision=1,
                    event_id=MOSUL_EVENTS[4]["event_id"])
    _, changes = fold_control([revised, *MOSUL_EVENTS])
    assert changes[-1]["confidence"] == pytest.approx(0.9)


def test_control_as_of_carries_the_latest_state_forward():
    mosul_states, _ = fold_control(MOSUL_EVENTS)
    hawija_states, _ = fold_control([event(HAWIJA, "CAPTURE", D(2017, 10, 5), GOV, IS)])
    states = mosul_states + hawija_states
    as_of = control_as_of(states, D(2017, 10, 5))
    assert {key: (s["controller"], s["status"]) for key, s in as_of.items()} == {
        "geonames:99072": (GOV, "held"), "geonames:99131": (GOV, "changed")}
    assert control_as_of(states, D(2017, 10, 6))["geonames:99131"]["status"] == "held"
    assert control_as_of(states, D(2017, 5, 31))["geonames:99072"]["status"] == "contested"
    assert control_as_of(states, D(2014, 5, 31)) == {}
    late = dict(hawija_states[0], controller=PMF, revision=1)
    assert control_as_of([late, *states], D(2017, 10, 6))["geonames:99131"]["controller"] == PMF


def test_fold_control_in_a_pipeline_splits_states_and_changes():
    events = MOSUL_EVENTS + [event(HAJEEN, "HOLD", D(2018, 6, 17), IS)]
    with TestPipeline() as p:
        folded = p | beam.Create(events) | FoldControl()
        assert_that(folded["control"] | "States" >> beam.Map(lambda s: (s["place"]["name"], s["window_date"])),
                    equal_to([("Mosul", D(2014, 6, 1)), ("Mosul", D(2017, 5, 27)), ("Mosul", D(2017, 5, 28)),
                              ("Mosul", D(2017, 6, 1)), ("Hajeen", D(2018, 6, 17))]), label="CheckStates")
        assert_that(folded["changes"] | "Changes" >> beam.Map(lambda c: c["to_controller"]),
                    equal_to([IS, GOV]), label="CheckChanges")


def test_the_fold_reads_only_the_folded_view_of_an_event():
    places = [MOSUL_EVENTS, [event(HAWIJA, "HOLD", D(2016, 1, 10), IS, allies=[PMF]),
                             event(HAWIJA, "SIEGE", D(2016, 3, 1), PMF, IS, certainty="claimed"),
                             event(HAWIJA, "WITHDRAWAL", D(2016, 3, 9), losing=IS, precision="week")]]
    for events in places:
        assert fold_control([folded_view(e) for e in events]) == fold_control(events)


def test_folded_views_survive_their_coder():
    coder = FoldedViewCoder()
    reported = dict(MOSUL_EVENTS[4], first_reported=dt.datetime(2017, 6, 2, 9, 30, 15, 250000, tzinfo=dt.timezone.utc))
    for view in map(folded_view, [*MOSUL_EVENTS, reported, event(MOSUL, "HOLD", None, IS, precision="unknown")]):
        assert coder.decode(coder.encode(view)) == view


def test_a_coarse_capture_is_never_placed_after_the_day_it_was_first_reported():
    """'Captured this month', published on the 22nd beside a report of the 22nd that still shows the place
    as before: the 22nd (a same-day dispute), not the 23rd, a day the report had not seen."""
    capture = dict(event(MOSUL, "CAPTURE", D(2017, 5, 1), GOV, IS, precision="month"),
                   first_reported=dt.datetime(2017, 5, 22, 8, tzinfo=dt.timezone.utc))
    states, changes = fold_control([event(MOSUL, "HOLD", D(2017, 5, 22), IS), capture])
    assert changes == [] and [s["window_date"] for s in states] == [D(2017, 5, 22)]
    assert states[0]["status"] == "contested"
    _, changes = fold_control([event(MOSUL, "HOLD", D(2017, 5, 20), IS), capture])
    assert hand_overs(changes) == [(D(2017, 5, 21), IS, GOV, "month")]


def test_only_a_later_revision_that_changes_what_the_fold_reads_is_news():
    first = folded_view(MOSUL_EVENTS[4])
    resent = known_as(dict(first, revision=1))
    assert is_news(known_as(first), None) == (True, True)
    assert is_news(resent, known_as(first)) == (True, False)  # the next accumulating pane sends it again
    assert is_news(known_as(dict(first, revision=2, confidence=0.9)), resent) == (True, True)
    assert is_news(known_as(dict(first, confidence=0.9)), resent) == (False, False)  # older, arriving late
    assert is_news(known_as(dict(first, revision=1, confidence=0.9)), resent) == (False, False)  # equal: first counts


class _Bag(list):
    def read(self):
        return iter(list(self))

    add = list.append


class _Value:
    def __init__(self):
        self.value = None

    def read(self):
        return self.value

    def write(self, value):
        self.value = value


def test_forwarding_keeps_one_small_entry_per_event_of_the_place():
    forward, known = _ForwardNews(), _Value()
    capture, hold = folded_view(MOSUL_EVENTS[4]), folded_view(MOSUL_EVENTS[2])
    waves = [[capture, hold], [dict(capture, revision=1), dict(hold, revision=1)],
             [dict(capture, revision=2, num_mentions=2)]]
    forwarded = [[view["revision"] for _, view in forward.process(("geonames:99072", view), known=known)]
                 for wave in waves for view in wave]
    assert forwarded == [[0], [0], [], [], [2]]
    assert known.read() == {capture["event_id"]: known_as(dict(capture, revision=2, num_mentions=2)),
                            hold["event_id"]: known_as(dict(hold, revision=1))}


def test_the_live_fold_keeps_at_most_two_revisions_per_event_and_folds_the_latest():
    fold, events, emitted = _FoldLive(), _Bag(), _Value()
    capture = folded_view(MOSUL_EVENTS[4])
    for view in [folded_view(e) for e in MOSUL_EVENTS[:4]] + [
            dict(capture, revision=revision, num_mentions=revision + 1) for revision in range(7)]:
        list(fold.process(("geonames:99072", view), events=events, emitted=emitted))
        assert len(events) <= 2 * len(latest_revisions(events))
    assert len(latest_revisions(events)) == 5
    assert {e["event_id"]: e["revision"] for e in latest_revisions(events)}[capture["event_id"]] == 6
    final = fold_control([*MOSUL_EVENTS[:4], dict(MOSUL_EVENTS[4], revision=6, num_mentions=7)])
    assert fold_control(events) == final


def test_the_live_fold_emits_revisions_for_news_only():
    recount = dict(MOSUL_EVENTS[4], confidence=0.9, revision=2)
    stale = dict(MOSUL_EVENTS[4], confidence=0.3, revision=1)
    stream = TestStream()
    for wave in [MOSUL_EVENTS, [dict(e, revision=1) for e in MOSUL_EVENTS], [recount], [stale]]:
        stream = stream.add_elements(wave).advance_processing_time(10)
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    final_states, _ = fold_control([*MOSUL_EVENTS, recount])
    with TestPipeline(options=options) as p:
        folded = p | stream.advance_watermark_to_infinity() | FoldControl(live=True)
        assert_that(folded["changes"] | "Changes" >> beam.Map(
            lambda c: (c["change_date"], c["to_controller"], c["confidence"], c["revision"])),
            equal_to([(D(2014, 6, 1), IS, 0.6, 0), (D(2017, 6, 1), GOV, 0.6, 0), (D(2017, 6, 1), GOV, 0.9, 1)]),
            label="CheckChanges")
        assert_that(folded["control"], lambda states: _assert_latest_states_are(states, final_states),
                    label="CheckStates")


def _assert_latest_states_are(states, expected):
    assert [dict(s, revision=0) for s in latest_revisions(states, lambda s: s["window_date"])] == expected
