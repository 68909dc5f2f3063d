"""Event assembly: the mentions of one real-world event, across sentences and articles, become one
ControlEvent with its evidence, corroboration counts and a confidence.

Mentions merge when they name the same place, a compatible type (a capture and the breaking of a
siege are both a change of control; a hypothetical never merges with a report), the same gaining group
(or one of them names none), and dates whose periods overlap given their precisions. The logic is
plain functions over one place's mentions, so the Beam transform only groups by place: in batch over
the whole input, in streaming per window.
"""
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.gazetteer import name_keys
from transforms.normalize import stable_id
from transforms.records import WaitPacked, waited

#: Types that merge with each other: both say control changed hands.
TYPE_CLASS = {"CAPTURE": "CHANGE", "SIEGE_BROKEN": "CHANGE"}
#: How much one source's report of an event is worth, by its certainty.
SOURCE_WEIGHT = {"reported": 0.6, "claimed": 0.35, "hypothetical": 0.1}
CERTAINTY_ORDER = ("reported", "claimed", "hypothetical")
PRECISION_ORDER = ("day", "week", "month", "year", "unknown")
#: A day-precise report may be a day off (datelines, 'yesterday' across time zones).
DAY_TOLERANCE = dt.timedelta(days=1)


def record_place_key(record: dict) -> str:
    """The place key of a mention or an event."""
    return place_key(record["place"])


def place_key(place: dict) -> str:
    """The place's identity: its canonical id, or a spelling key of its name when unresolved."""
    if place.get("canonical_id"):
        return place["canonical_id"]
    return "name:" + name_keys(place["name"])[1]


def date_period(day: dt.date | None, precision: str) -> tuple[dt.date, dt.date]:
    """The days a date at a precision may mean: [first, last], widened by a day for day precision."""
    if day is None or precision == "unknown":
        return dt.date.min, dt.date.max
    if precision == "day":
        return max(dt.date.min, day - DAY_TOLERANCE), day + DAY_TOLERANCE
    if precision == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    if precision == "month":
        following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return day.replace(day=1), following - dt.timedelta(days=1)
    return day.replace(month=1, day=1), day.replace(month=12, day=31)


def merge_class(mention: dict) -> tuple[str, bool]:
    return TYPE_CLASS.get(mention["event_type"], mention["event_type"]), mention["certainty"] == "hypothetical"


@dataclass
class _Cluster:
    key: tuple[str, bool]
    gaining: str | None
    period: tuple[dt.date, dt.date]
    mentions: list = field(default_factory=list)

    def accepts(self, mention: dict, period: tuple[dt.date, dt.date]) -> bool:
        gaining = mention["gaining_actor"]
        return (merge_class(mention) == self.key
                and (gaining is None or self.gaining is None or gaining == self.gaining)
                and period[0] <= self.period[1] and self.period[0] <= period[1])

    def add(self, mention: dict, period: tuple[dt.date, dt.date]) -> None:
        self.mentions.append(mention)
        self.gaining = self.gaining or mention["gaining_actor"]
        self.period = max(self.period[0], period[0]), min(self.period[1], period[1])


def _mention_order(mention: dict) -> tuple:
    evidence = mention["evidence"]
    return (PRECISION_ORDER.index(mention["date_precision"]), mention["event_date"] or dt.date.max,
            evidence["article_id"], evidence["start"], mention["event_type"], mention["place"]["name"])


def _most_common(values):
    """The commonest non-null value; ties go to the first in sort order, so the answer is stable."""
    counts = Counter(value for value in values if value is not None)
    return min(counts, key=lambda value: (-counts[value], value)) if counts else None


def confidence_of(mentions: list[dict]) -> float:
    """1 - Π(1 - w) over distinct sources, each weighted by its most certain report."""
    best_by_source: dict[str, float] = {}
    for mention in mentions:
        source = source_of(mention["evidence"])
        best_by_source[source] = max(best_by_source.get(source, 0.0), SOURCE_WEIGHT[mention["certainty"]])
    doubt = 1.0
    for weight in best_by_source.values():
        doubt *= 1.0 - weight
    return round(1.0 - doubt, 4)


def source_of(evidence: dict) -> str:
    """The publisher of a report; an article with none counts as a source of its own."""
    return (evidence.get("source") or "").casefold().strip() or f"article:{evidence['article_id']}"


def _evidence_order(evidence: dict) -> tuple:
    return (evidence["published_at"] or dt.datetime.max.replace(tzinfo=dt.timezone.utc), evidence["article_id"],
            evidence["start"])


def evidence_fields(evidence: list[dict]) -> dict:
    """The fields of a ControlEvent that follow from its evidence alone (sorted by `_evidence_order`)."""
    reported = [e["published_at"] for e in evidence if e["published_at"] is not None]
    return {
        "evidence": evidence,
        "num_mentions": len(evidence),
        "num_articles": len({e["article_id"] for e in evidence}),
        "num_sources": len({source_of(e) for e in evidence}),
        "first_reported": min(reported) if reported else None,
        "last_reported": max(reported) if reported else None,
    }


def control_event(key: str, mentions: list[dict]) -> dict:
    """One ControlEvent from the mentions of one event at one place."""
    best = min(mentions, key=_mention_order)  # the most precise date, then the earliest report
    event_type = _most_common(m["event_type"] for m in mentions)
    gaining = _most_common(m["gaining_actor"] for m in mentions)
    evidence = sorted((m["evidence"] for m in mentions), key=_evidence_order)
    return {
        "event_id": stable_id(merge_class(best), key, gaining, best["event_date"], best["date_precision"]),
        "event_type": event_type,
        "place": best["place"],
        "gaining_actor": gaining,
        "losing_actor": _most_common(m["losing_actor"] for m in mentions),
        "allies": sorted({ally for m in mentions for ally in m["allies"]} - {gaining}),
        "event_date": best["event_date"],
        "date_precision": best["date_precision"],
        "certainty": min((m["certainty"] for m in mentions), key=CERTAINTY_ORDER.index),
        **evidence_fields(evidence),
        "confidence": confidence_of(mentions),
        "revision": 0,
    }


def join_late_reports(events: list[dict]) -> dict:
    """One event from the records that share an event id across incremental runs: the event an earlier
    run closed and the one that reports of it, arriving after it closed, formed of their own.

    Their evidence is joined and the result is the next revision, so readers taking the highest
    revision see one event. The mentions behind a closed event are not kept, so its confidence combines
    the records': as independent corroboration when they share no source, else the higher one. The
    result depends only on the set of records, never on the order they arrive in."""
    if len(events) == 1:
        return events[0]
    events = sorted(events, key=lambda event: (-event["num_mentions"], event["revision"],
                                               [_evidence_order(e) for e in event["evidence"]]))
    primary = events[0]
    evidence = sorted({(e["article_id"], e["start"]): e for event in events for e in event["evidence"]}.values(),
                      key=_evidence_order)
    source_sets = [{source_of(e) for e in event["evidence"]} for event in events]
    if sum(map(len, source_sets)) == len(set().union(*source_sets)):
        doubt = 1.0
        for event in events:
            doubt *= 1.0 - event["confidence"]
        confidence = round(1.0 - doubt, 4)
    else:
        confidence = max(event["confidence"] for event in events)
    return {
        **primary,
        "allies": sorted({ally for event in events for ally in event["allies"]} - {primary["gaining_actor"]}),
        "certainty": min((event["certainty"] for event in events), key=CERTAINTY_ORDER.index),
        **evidence_fields(evidence),
        "confidence": confidence,
        "revision": max(event["revision"] for event in events) + 1,
    }


def event_clusters(mentions) -> list[list[dict]]:
    """The mentions of one place grouped by the event they report; the same whatever order they come in."""
    clusters: list[_Cluster] = []
    for mention in sorted(mentions, key=_mention_order):
        period = date_period(mention["event_date"], mention["date_precision"])
        cluster = next((c for c in clusters if c.accepts(mention, period)), None)
        if cluster is None:
            cluster = _Cluster(merge_class(mention), mention["gaining_actor"], period)
            clusters.append(cluster)
        cluster.add(mention, period)
    return [cluster.mentions for cluster in clusters]


def assemble_events(key: str, mentions) -> list[dict]:
    """Cluster the mentions of one place into events, ordered by event id."""
    return sorted((control_event(key, cluster) for cluster in event_clusters(mentions)), key=lambda e: e["event_id"])


def is_open(event: dict, boundary: dt.date) -> bool:
    """Whether reports that arrive later may still join `event`: its date period reaches `boundary` (the
    newest publication day less the allowed lateness). An undated event stays as its run made it."""
    if event["event_date"] is None or event["date_precision"] == "unknown":
        return False
    return date_period(event["event_date"], event["date_precision"])[1] >= boundary


#: Side output of AssembleEvents when it carries state: the mentions of the events still open.
OPEN_MENTIONS = "open_mentions"


class _MergeMentions(beam.DoFn):
    """One place's mentions (of one window, in streaming) -> its events; the pane index is the revision,
    so each later firing of a window is visibly a revision of the earlier one. Given the boundary of
    an incremental run, the mentions of events still open go to OPEN_MENTIONS for the next run."""

    def __init__(self):
        super().__init__()
        self.events = Metrics.counter("assembly", "events")
        self.carried = Metrics.counter("assembly", "mentions_carried")

    def process(self, keyed_mentions, pane=beam.DoFn.PaneInfoParam, boundary=None):
        key = keyed_mentions[0]
        revision = pane.index if pane is not None else 0
        for cluster in event_clusters(waited(keyed_mentions)):
            event = control_event(key, cluster)
            self.events.inc()
            yield {**event, "revision": revision}
            if boundary is not None and is_open(event, boundary):
                self.carried.inc(len(cluster))
                for mention in cluster:
                    yield beam.pvalue.TaggedOutput(OPEN_MENTIONS, mention)


class AssembleEvents(beam.PTransform):
    """Event mentions -> ControlEvents, grouped by place (and by the mentions' windows, when windowed).

    `boundary` (incremental runs: a singleton PCollection of the date before which events are closed)
    adds the OPEN_MENTIONS output beside the events ('events').
    """

    def __init__(self, boundary=None):
        super().__init__()
        self.boundary = boundary

    def expand(self, mentions):
        grouped = mentions | "GroupByPlace" >> WaitPacked(record_place_key)
        if self.boundary is None:
            return grouped | "MergeMentions" >> beam.ParDo(_MergeMentions()).with_output_types(dict)
        return grouped | "MergeMentions" >> beam.ParDo(
            _MergeMentions(), boundary=beam.pvalue.AsSingleton(self.boundary)).with_output_types(dict).with_outputs(
            OPEN_MENTIONS, main="events")
