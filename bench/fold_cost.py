"""CPU cost of the live control fold per arriving event, fed as the accumulating daily panes feed it.

    python -m bench.fold_cost [--events 1000 10000] [--places 5] [--per_day 10] [--panes 20]

Runs the live stages of FoldControl (transforms/control.py) on the DirectRunner's own user-state classes
(each pane one bundle, its state encoded on write and decoded on read as the runner does), without the
rest of the runner: `--events` distinct ControlEvents over `--places` places and `--per_day` events per
place-day, every place-day firing `--panes` times, each pane carrying all its events so far (the
ACCUMULATING daily windows of transforms/windows.py) at the pane index as revision, after one new
mention: a new event or one more report of an earlier one. Reports the CPU time per arriving event and
per distinct event, the folds run and the state kept at the end. Timings depend on the machine and its
load.
"""
import argparse
import datetime as dt
import inspect
import random
import time
from collections import defaultdict

from apache_beam.runners.direct.direct_userstate import DirectRuntimeState
from apache_beam.transforms import userstate

from transforms.assembly import place_key
from transforms.control import _FoldLive, _ForwardNews

ACTORS = ("ISLAMIC_STATE", "IRAQI_GOVERNMENT", "SDF", "PMF", "SYRIAN_GOVERNMENT")
KINDS = ("CAPTURE", "HOLD", "OFFENSIVE", "SIEGE", "WITHDRAWAL", "SIEGE_BROKEN")
SENTENCE = "Fighters of the group took control of the town on Tuesday after days of heavy clashes, a monitor said. "


class StatefulStage:
    """One stateful DoFn over keyed elements, its user state kept as the DirectRunner keeps it."""

    def __init__(self, dofn):
        self.dofn = dofn
        self.params = {name: parameter.default.state_spec
                       for name, parameter in inspect.signature(dofn.process).parameters.items()
                       if hasattr(parameter.default, "state_spec")}
        self.committed = {}  # (key, state name) -> encoded values

    def bundle(self, keyed_elements) -> list:
        """Process one bundle, commit its state, and return its outputs."""
        runtime, outputs = {}, []
        for key, value in keyed_elements:
            states = {}
            for name, spec in self.params.items():
                if (key, name) not in runtime:
                    runtime[key, name] = DirectRuntimeState.for_spec(
                        spec, None, lambda key=key, name=name: self.committed.get((key, name), []))
                states[name] = runtime[key, name]
            outputs.extend(self.dofn.process((key, value), **states) or ())
        for (key, name), state in runtime.items():
            if isinstance(self.params[name], userstate.BagStateSpec):
                values = [] if state._cleared else list(self.committed.get((key, name), []))
                self.committed[key, name] = values + state._new_values
            elif state.is_cleared() or state.is_modified():
                self.committed[key, name] = state._value
        return outputs

    def state_bytes(self) -> int:
        return sum(len(value) for values in self.committed.values() for value in values)


def _event(place: int, day: dt.date, index: int, rng: random.Random) -> dict:
    kind = KINDS[rng.randrange(len(KINDS))]
    gaining = None if kind == "WITHDRAWAL" else ACTORS[rng.randrange(len(ACTORS))]
    return {
        "event_id": f"p{place}:{day}:{index}", "event_type": kind,
        "place": {"name": f"Town {place}", "canonical_id": f"geonames:{1000 + place}", "geonames_id": 1000 + place,
                  "lat": 36.0, "lon": 43.0, "country": "IQ", "admin1": None, "feature": "city", "resolved": True},
        "gaining_actor": gaining, "losing_actor": ACTORS[rng.randrange(len(ACTORS))], "allies": [],
        "event_date": day, "date_precision": "month" if rng.random() < 0.1 else "day",
        "certainty": "claimed" if rng.random() < 0.2 else "reported", "evidence": [],
        "num_mentions": 0, "num_articles": 0, "num_sources": 0, "first_reported": None, "last_reported": None,
        "confidence": 0.0, "revision": 0}


def _mentioned(event: dict, rng: random.Random) -> None:
    """One more report of `event`: its evidence, counts and confidence grow as assembly makes them."""
    published = dt.datetime.combine(event["event_date"], dt.time(8), tzinfo=dt.timezone.utc)
    article = f"{event['event_id']}:{len(event['evidence'])}"
    event["evidence"].append({"article_id": article, "url": f"https://news.example/{article}",
                              "source": f"source {rng.randrange(20)}", "published_at": published,
                              "sentence": SENTENCE * 2, "start": 0, "end": 200, "certainty": event["certainty"]})
    event["num_mentions"] += 1
    event["num_articles"] = event["num_sources"] = len(event["evidence"])
    event["first_reported"] = event["last_reported"] = published
    event["confidence"] = round(1 - 0.4 ** len(event["evidence"]), 4)


def accumulating_panes(events: int, places: int, per_day: int, panes: int, seed: int = 7):
    """The panes of the daily windows, in firing order: lists of ControlEvents of one place-day. A window
    fires early only after a new mention came in: each pane brings one, a new event while the day has
    fewer than its share of `per_day` so far, else another report of one of its events."""
    rng = random.Random(seed)
    first_day = dt.date(2017, 1, 1)
    for offset in range(events // (places * per_day)):
        day = first_day + dt.timedelta(days=offset)
        known = defaultdict(list)
        for pane in range(panes):
            for place in range(places):
                place_events = known[place]
                if len(place_events) < -(-per_day * (pane + 1) // panes):
                    place_events.append(_event(place, day, len(place_events), rng))
                    _mentioned(place_events[-1], rng)
                else:
                    _mentioned(rng.choice(place_events), rng)
                yield [{**event, "evidence": list(event["evidence"]), "revision": pane} for event in place_events]


def live_fold_stages():
    """FoldControl's live stages and the key of their input, as FoldControl(live=True) wires them."""
    return [_ForwardNews(), _FoldLive()], lambda event: place_key(event["place"])


def measure(stages_and_key, panes) -> dict:
    """Feed `panes` through the stages, one bundle per pane and stage; CPU time and what came out."""
    dofns, key_of = stages_and_key
    stages = [StatefulStage(dofn) for dofn in dofns]
    arrived = folds = 0
    outputs, seen_ids = [], set()
    started = time.process_time()
    for pane in panes:
        arrived += len(pane)
        seen_ids.update(event["event_id"] for event in pane)
        elements = [(key_of(event), event) for event in pane]
        for stage in stages[:-1]:
            elements = stage.bundle(elements)
        folds += len(elements)
        outputs.extend(stages[-1].bundle(elements))
    seconds = time.process_time() - started
    distinct = len(seen_ids)
    return {"arrived": arrived, "distinct": distinct, "folds": folds, "cpu_s": seconds,
            "ms_per_arrival": 1000 * seconds / arrived, "ms_per_event": 1000 * seconds / distinct,
            "records_out": len(outputs), "state_kib": sum(stage.state_bytes() for stage in stages) / 1024,
            "outputs": outputs}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--places", type=int, default=5)
    parser.add_argument("--per_day", type=int, default=10)
    parser.add_argument("--panes", type=int, default=20)
    args = parser.parse_args(argv)
    print(f"{'events':>7} {'arrivals':>8} {'folds':>6} {'CPU s':>7} {'ms/arrival':>10} {'ms/event':>9} "
          f"{'records':>7} {'state KiB':>9}")
    for events in args.events:
        result = measure(live_fold_stages(), accumulating_panes(events, args.places, args.per_day, args.panes))
        print(f"{result['distinct']:>7} {result['arrived']:>8} {result['folds']:>6} {result['cpu_s']:>7.2f} "
              f"{result['ms_per_arrival']:>10.3f} {result['ms_per_event']:>9.3f} {result['records_out']:>7} "
              f"{result['state_kib']:>9.0f}")


if __name__ == "__main__":
    main()
