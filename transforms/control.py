"""Control timeline: one place's ControlEvents, folded in date order, become a ControlState for every
day on which something is known and a ControlChange whenever the controller changes.

The fold is a small state machine over days, pure Python so that tests and the Beam wiring share it:

- CAPTURE and SIEGE_BROKEN give the place to the gaining actor ('changed' that day, 'held' after);
  WITHDRAWAL takes it from the withdrawing actor (the controller becomes unknown unless another report
  of the same day names who took it); HOLD reports who holds it: it sets an unknown controller, and a
  different holder than the known one is a change.
- SIEGE ('besieged') and OFFENSIVE ('contested') press the place without changing its controller (the
  defender keeps it). The pressure lasts until the control changes, the defender breaks the siege or
  retakes the place, or the attacker withdraws. A HOLD by the defender does not end it: 'still
  controls five square miles of the city' under attack is what a contested place is.
- Reports of one day that name different groups (not allied) as taking or holding the place are not
  resolved by whichever came last: the place is 'contested', its controller stays the last one known
  and the state's confidence is halved.
- Hypothetical events change nothing; claimed ones count with a lower weight.

Events are placed on the timeline by their date; a week-, month- or year-precise change ('captured in
May') whose period holds finer reports showing the place as it was before (the gaining side still
attacking it, another group still holding it) is placed the day after the last of them, since it can
only have happened then.
"""
import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.transforms.userstate import BagStateSpec, ReadModifyWriteStateSpec
from apache_beam.transforms.window import GlobalWindows

from transforms.assembly import PRECISION_ORDER, date_period, place_key, record_place_key
from transforms.normalize import stable_id
from transforms.records import WaitPacked, waited

#: Events whose gaining actor is the group holding the place after them.
CLAIMS = ("CAPTURE", "SIEGE_BROKEN", "HOLD")
#: Events that say control changed hands; with WITHDRAWAL, the ones a coarse date may hide the order of.
HAND_OVERS = ("CAPTURE", "SIEGE_BROKEN")
#: Events that press a place without changing its controller, and the status they give it.
PRESSURE = {"SIEGE": "besieged", "OFFENSIVE": "contested"}
#: How much of an event's confidence a state may rest on: a claim is one side's word about its own gain.
CERTAINTY_WEIGHT = {"reported": 1.0, "claimed": 0.6}
#: Same-day reports naming different holders: at best a coin toss which of them is right.
DISPUTE_FACTOR = 0.5
CHANGES = "changes"
#: What the live fold's stateful steps take: typed, their string keys (place) get a deterministic coder.
KEYED_EVENT = beam.typehints.Tuple[str, dict]


def fold_control(events: Iterable[dict]) -> tuple[list[dict], list[dict]]:
    """(ControlStates, ControlChanges) of ONE place from its ControlEvents, sorted by date.

    Undated and hypothetical events are left out; of an event given in several revisions, the latest
    counts. The same events in any order give the same records.
    """
    events = _countable(events)
    if not events:
        return [], []
    place = _representative_place(events)
    by_day, by_date = defaultdict(list), _ReportsByDate(events)
    for event in events:
        by_day[_timeline_day(event, by_date)].append(event)
    control, states, changes = _Control(), [], []
    for day in sorted(by_day):
        change = control.fold_day(day, sorted(by_day[day], key=lambda e: e["event_id"]))
        if change is not None:
            changes.append(dict(change, place=place, change_id=stable_id(place_key(place), day, change[
                "from_controller"], change["to_controller"])))
        if control.knows_anything() or change is not None:
            states.append(control.state(place, day, changed=change is not None))
    return states, changes


def control_as_of(states: Iterable[dict], day: dt.date) -> dict[str, dict]:
    """Place key -> its latest state on or before `day` (highest revision), carried forward to `day`.

    A state carried past its own day loses the 'changed' status: the place changed hands then and has
    been held since.
    """
    latest: dict[str, dict] = {}
    for state in states:
        if state["window_date"] > day:
            continue
        key = place_key(state["place"])
        current = latest.get(key)
        if current is None or (state["window_date"], state["revision"]) > (current["window_date"],
                                                                           current["revision"]):
            latest[key] = state
    return {key: _carried_to(state, day) for key, state in sorted(latest.items())}


def _carried_to(state: dict, day: dt.date) -> dict:
    if state["status"] == "changed" and state["window_date"] < day:
        return dict(state, status="held")
    return state


def latest_revisions(records: Iterable[dict], identity=lambda record: record["event_id"]) -> list[dict]:
    """Each record once, at its highest revision (a later firing supersedes an earlier one), ordered by
    identity (event id by default)."""
    latest: dict = {}
    for record in records:
        key = identity(record)
        if key not in latest or record["revision"] > latest[key]["revision"]:
            latest[key] = record
    return [latest[key] for key in sorted(latest)]


def _countable(events: Iterable[dict]) -> list[dict]:
    """The latest revision of every dated event that may change control, in a stable order."""
    return [event for event in latest_revisions(events)
            if event["certainty"] != "hypothetical" and event["event_date"] is not None
            and event["date_precision"] != "unknown"]


def _representative_place(events: list[dict]) -> dict:
    """The place record every output carries: a resolved one, from the most reported event."""
    return min(events, key=lambda e: (not e["place"].get("resolved"), -e["num_mentions"], e["event_id"]))["place"]


def _withdrawer(event: dict) -> str | None:
    """The group that leaves: a WITHDRAWAL names it as the losing actor, and no gainer."""
    return event["losing_actor"]


def _shows_place_before(report: dict, change: dict) -> bool:
    """Whether `report` shows the place as it was before `change`, so that the change came after it."""
    actor, kind = report["gaining_actor"], report["event_type"]
    if actor is None:
        return False
    if kind == "SIEGE":
        return change["event_type"] == "SIEGE_BROKEN" or actor == change["gaining_actor"]
    if kind == "OFFENSIVE":
        return actor == change["gaining_actor"]
    if kind == "HOLD":
        if change["event_type"] == "WITHDRAWAL":
            return actor == _withdrawer(change)
        return actor != change["gaining_actor"]
    return False


class _ReportsByDate:
    """A place's events in date order, to find those of a period without scanning them all: the live
    fold runs over a place's whole history whenever one of its events changes."""

    def __init__(self, events: list[dict]):
        self.events = sorted(events, key=lambda e: e["event_date"])
        self.days = [e["event_date"] for e in self.events]

    def between(self, first: dt.date, last: dt.date) -> list[dict]:
        return self.events[bisect_left(self.days, first):bisect_right(self.days, last)]


def _timeline_day(event: dict, by_date: _ReportsByDate) -> dt.date:
    """The day an event takes effect: its date, or for a coarse change the first day it can have been,
    and never after the day it was first reported ('captured this month', reported on the 22nd, with a
    report of the 22nd still showing the place as before, happened on the 22nd, not the 23rd)."""
    precision = PRECISION_ORDER.index(event["date_precision"])
    if precision == 0 or event["event_type"] not in (*HAND_OVERS, "WITHDRAWAL"):
        return event["event_date"]
    first, last = date_period(event["event_date"], event["date_precision"])
    before = [report["event_date"] for report in by_date.between(first, last)
              if PRECISION_ORDER.index(report["date_precision"]) < precision and _shows_place_before(report, event)]
    reported = event["first_reported"]
    if reported is not None:
        last = max(event["event_date"], min(last, reported.astimezone(dt.timezone.utc).date()))
    return min(last, max([event["event_date"], *(day + dt.timedelta(days=1) for day in before)]))


def _weight(event: dict) -> float:
    return event["confidence"] * CERTAINTY_WEIGHT[event["certainty"]]


def _either(weights: Iterable[float]) -> float:
    """1 - Π(1 - w): the chance that at least one of independent reports is right."""
    doubt = 1.0
    for weight in weights:
        doubt *= 1.0 - weight
    return round(1.0 - doubt, 4)


def _leading_actors(claims: list[dict]) -> list[str]:
    """The distinct groups the day's claims name as holder; an ally of another claim's leader is its side."""
    named = {e["gaining_actor"] for e in claims} - {None}
    allied = {ally for e in claims for ally in e["allies"]}
    return sorted(named - allied or named)


@dataclass
class _Control:
    """What is known of one place after the days folded so far."""
    controller: str | None = None
    since: dt.date | None = None
    previous: str | None = None
    pressure: str | None = None  # 'besieged' or 'contested' while a siege, an offensive or a dispute lasts
    attackers: set = field(default_factory=set)
    disputed: bool = False
    held_by: dict = field(default_factory=dict)  # event id -> weight: what the controller rests on
    pressed_by: dict = field(default_factory=dict)  # event id -> weight: what the pressure rests on

    def knows_anything(self) -> bool:
        return self.controller is not None or self.pressure is not None

    def fold_day(self, day: dt.date, events: list[dict]) -> dict | None:
        """Apply one day's events; returns the change they make, if any (without place and id)."""
        claims = [e for e in events if e["event_type"] in CLAIMS and e["gaining_actor"] is not None]
        withdrawals = [e for e in events if e["event_type"] == "WITHDRAWAL" and _withdrawer(e) is not None]
        leaders = _leading_actors(claims)
        change = None
        if len(leaders) > 1:
            self._dispute(claims)
        elif leaders:
            change = self._claimed_by(day, leaders[0], claims, withdrawals)
        elif withdrawals:
            change = self._left_by(day, withdrawals)
        for event in events:
            if event["event_type"] in PRESSURE:
                self._pressed(event)
        return change

    def _claimed_by(self, day, leader: str, claims: list[dict], withdrawals: list[dict]) -> dict | None:
        """The day's claims all name `leader` or its allies as the holder."""
        if leader == self.controller:
            self.held_by.update((e["event_id"], _weight(e)) for e in claims)
            if any(e["event_type"] in HAND_OVERS for e in claims):
                self._lift()  # the defender broke the siege or retook the place
            return None
        if self.controller is None and not withdrawals and all(e["event_type"] == "HOLD" for e in claims):
            self.controller, self.since = leader, None  # learning who holds it is not a change of hands
            self.held_by.update((e["event_id"], _weight(e)) for e in claims)
            return None
        named_before = [e["losing_actor"] for e in claims if e["event_type"] == "CAPTURE"]
        return self._hand_over(day, leader, claims + withdrawals,
                               named_before + [_withdrawer(e) for e in withdrawals])

    def _left_by(self, day, withdrawals: list[dict]) -> dict | None:
        leaving = {_withdrawer(e) for e in withdrawals}
        if self.controller in leaving or (self.controller is None and self.previous not in leaving):
            return self._hand_over(day, None, withdrawals, sorted(leaving))
        if leaving & self.attackers:
            self._lift()  # the attacker gave up
        return None

    def _hand_over(self, day, to: str | None, support: list[dict], named_before: list) -> dict:
        """Give the place to `to` (None: unknown) on `day`; `named_before` may name an unknown holder."""
        before = self.controller or next((actor for actor in named_before if actor and actor != to), None)
        self._lift()
        self.controller, self.since = to, day
        self.previous = before or self.previous
        self.held_by = {e["event_id"]: _weight(e) for e in support}
        precision = min((e["date_precision"] for e in support), key=PRECISION_ORDER.index)
        return {"from_controller": before, "to_controller": to, "change_date": day, "date_precision": precision,
                "supporting_event_ids": sorted(self.held_by), "confidence": _either(self.held_by.values()),
                "revision": 0}

    def _pressed(self, event: dict) -> None:
        attacker = event["gaining_actor"]
        if attacker is not None and attacker == self.controller:
            return  # a group does not besiege or attack what it holds: nothing to add
        if self.controller is None and event["losing_actor"] not in (None, attacker):
            self.controller, self.since = event["losing_actor"], None  # the defender holds it until it falls
            self.held_by[event["event_id"]] = _weight(event)
        status = PRESSURE[event["event_type"]]
        self.pressure = "besieged" if "besieged" in (self.pressure, status) else status
        self.attackers.add(attacker)
        self.pressed_by[event["event_id"]] = _weight(event)

    def _dispute(self, claims: list[dict]) -> None:
        self.pressure = self.pressure or "contested"
        self.disputed = True
        self.pressed_by.update((e["event_id"], _weight(e)) for e in claims)

    def _lift(self) -> None:
        self.pressure, self.attackers, self.disputed, self.pressed_by = None, set(), False, {}

    def state(self, place: dict, day: dt.date, changed: bool) -> dict:
        support = {**self.held_by, **self.pressed_by}
        confidence = _either(support.values()) * (DISPUTE_FACTOR if self.disputed else 1.0)
        return {
            "place": place,
            "window_date": day,
            "controller": self.controller,
            "status": self.pressure or ("changed" if changed else "held"),
            "since": self.since if self.controller is not None else None,
            "previous_controller": self.previous,
            "supporting_event_ids": sorted(support),
            "confidence": round(confidence, 4),
            "revision": 0,
        }


def revised(records: Iterable[dict], identity, emitted: dict) -> Iterable[dict]:
    """The records that are new or differ from what was emitted before under their identity, each with
    its revision (0 the first time, then one more per change); `emitted` is updated in place."""
    for record in records:
        key = identity(record)
        fingerprint = stable_id({name: value for name, value in record.items() if name != "revision"})
        previous = emitted.get(key)
        if previous is not None and previous[0] == fingerprint:
            continue
        revision = 0 if previous is None else previous[1] + 1
        emitted[key] = (fingerprint, revision)
        yield {**record, "revision": revision}


def _state_identity(state: dict) -> str:
    return f"state:{state['window_date'].isoformat()}"


def _change_identity(change: dict) -> str:
    return f"change:{change['change_id']}"


#: What the fold reads of a ControlEvent. The live fold keeps only these: the evidence (sentences and
#: all) is most of an event and grows with every mention.
FOLDED_FIELDS = ("event_id", "event_type", "place", "gaining_actor", "losing_actor", "allies", "event_date",
                 "date_precision", "certainty", "num_mentions", "confidence", "first_reported", "revision")


def folded_view(event: dict) -> dict:
    """The part of an event that the fold reads."""
    return {name: event[name] for name in FOLDED_FIELDS}


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MICROSECOND = dt.timedelta(microseconds=1)


class FoldedViewCoder(beam.coders.Coder):
    """A folded view as the tuple of its fields, the date as a day number and the first report as
    microseconds: half the bytes of the generic coder's dict (which pickles dates) and three quarters of
    its time. The live fold decodes a place's whole bag on every fold."""

    _fields = beam.coders.FastPrimitivesCoder()
    _date_at = FOLDED_FIELDS.index("event_date")
    _reported_at = FOLDED_FIELDS.index("first_reported")

    def encode(self, view: dict) -> bytes:
        values = [view[name] for name in FOLDED_FIELDS]
        day, reported = values[self._date_at], values[self._reported_at]
        values[self._date_at] = None if day is None else day.toordinal()
        values[self._reported_at] = None if reported is None else (reported - _EPOCH) // _MICROSECOND
        return self._fields.encode(tuple(values))

    def decode(self, encoded: bytes) -> dict:
        view = dict(zip(FOLDED_FIELDS, self._fields.decode(encoded)))
        day, reported = view["event_date"], view["first_reported"]
        view["event_date"] = None if day is None else dt.date.fromordinal(day)
        view["first_reported"] = None if reported is None else _EPOCH + reported * _MICROSECOND
        return view


def known_as(view: dict) -> tuple[int, str]:
    """What the forwarding step keeps of an event view: its revision and a fingerprint of what the fold
    reads, so that telling news from a resend needs neither the view nor the fold's bag."""
    return view["revision"], stable_id({name: view[name] for name in FOLDED_FIELDS if name != "revision"})


def is_news(arriving: tuple[int, str], known: tuple[int, str] | None) -> tuple[bool, bool]:
    """(supersedes, changes the fold): whether an arriving event (`known_as`) is a later revision than the
    latest one kept (`latest_revisions` keeps the first of equal revisions), and whether it also differs
    in something the fold reads. A pane that only sends an event again supersedes without changing."""
    if known is None:
        return True, True
    if arriving[0] <= known[0]:
        return False, False
    return True, arriving[1] != known[1]


class _ForwardNews(beam.DoFn):
    """Keyed by place, in the global window: keeps, per event of the place, its latest revision and a
    fingerprint of what the fold reads, and passes an arriving event on to the fold only when the fold
    would see something new. Accumulating daily panes send every event of a place-day again at each
    firing; here such a resend costs one small state read and write instead of a fold.

    Keyed by place, not by event: the DirectRunner keeps every key it has seen and looks at each of them
    for timers after every bundle (13.6 ms per 10,000 keys), so keys that grow with every event make a
    long live run slower as it goes. One entry per event, never expired (as the fold's own)."""

    KNOWN = ReadModifyWriteStateSpec("known", beam.coders.FastPrimitivesCoder())

    def __init__(self):
        super().__init__()
        self.already_known = Metrics.counter("control", "events_already_known")

    def process(self, keyed_event, known=beam.DoFn.StateParam(KNOWN)):
        place, event = keyed_event
        view = folded_view(event)
        arriving = known_as(view)
        events = known.read() or {}
        supersedes, changes_fold = is_news(arriving, events.get(view["event_id"]))
        if supersedes:
            events[view["event_id"]] = arriving
            known.write(events)
        if changes_fold:
            yield place, view
        else:
            self.already_known.inc()


class _FoldLive(beam.DoFn):
    """Keyed by place, in the global window: keeps the place's events and, whenever one arrives with
    something new, folds them again and emits the states and changes that are new or revised.

    Arriving revisions are added to the bag, not rewritten into it (`latest_revisions` picks the latest
    of each event on reading); once superseded revisions outnumber the latest ones the bag is rewritten,
    so it holds at most twice the place's events. They are never expired, since control of a place is
    history that later reports still revise."""

    EVENTS = BagStateSpec("events", FoldedViewCoder())
    EMITTED = ReadModifyWriteStateSpec("emitted", beam.coders.FastPrimitivesCoder())

    def __init__(self):
        super().__init__()
        self.changes = Metrics.counter("control", "changes")

    def process(self, keyed_event, events=beam.DoFn.StateParam(EVENTS), emitted=beam.DoFn.StateParam(EMITTED)):
        _, event = keyed_event
        kept = [*events.read(), event]
        current = latest_revisions(kept)
        if len(kept) > 2 * len(current):
            events.clear()
            for latest in current:
                events.add(latest)
        else:
            events.add(event)
        seen = emitted.read() or {}
        states, changes = fold_control(current)
        yield from revised(states, _state_identity, seen)
        for change in revised(changes, _change_identity, seen):
            self.changes.inc()
            yield beam.pvalue.TaggedOutput(CHANGES, change)
        emitted.write(seen)


class FoldControl(beam.PTransform):
    """ControlEvents -> {'control': ControlStates, 'changes': ControlChanges}, folded per place.

    Batch: every event of a place in one group, folded once. Live: a stateful fold per place that
    emits revised states and changes as events arrive and windows fire again, fed only the events
    that bring it something new.
    """

    def __init__(self, live: bool = False):
        super().__init__()
        self.live = live

    def expand(self, events):
        if self.live:
            outputs = (events
                       | "KeyByPlace" >> beam.Map(lambda event: (record_place_key(event), event)).with_output_types(
                           KEYED_EVENT)
                       | "GlobalWindow" >> beam.WindowInto(GlobalWindows())
                       | "ForwardNews" >> beam.ParDo(_ForwardNews()).with_output_types(KEYED_EVENT)
                       | "FoldAsEventsArrive" >> beam.ParDo(_FoldLive()).with_outputs(CHANGES, main="control"))
            return {"control": outputs.control, CHANGES: outputs[CHANGES]}
        changes = Metrics.counter("control", "changes")

        def folded(group):
            states, place_changes = fold_control(waited(group))
            changes.inc(len(place_changes))
            yield from states
            for change in place_changes:
                yield beam.pvalue.TaggedOutput(CHANGES, change)

        outputs = (
            events
            | "GroupByPlace" >> WaitPacked(record_place_key)
            | "Fold" >> beam.FlatMap(folded).with_outputs(CHANGES, main="control"))
        return {"control": outputs.control, CHANGES: outputs[CHANGES]}
