"""`conflict-control control`: who controlled which place, read back from a run's Avro output.

    conflict-control control --output OUT --as-of 2017-10-06   # every place on that day
    conflict-control control --output OUT --place Mosul         # one place's timeline

It reads `<output>/control/` (ControlState) and `<output>/changes/` (ControlChange) with fastavro,
skipping hidden and underscore files (in-progress writes, summaries). Of a record written in several
revisions (late data), the highest revision counts.
"""
import argparse
import datetime as dt
import sys

import fastavro
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.assembly import place_key
from transforms.control import CHANGES, control_as_of, latest_revisions
from transforms.gazetteer import name_keys
from transforms.read import is_ignored

EXIT_OK, EXIT_USAGE = 0, 2
CONTROL = "control"
MISSING = "-"
STATE_COLUMNS = ("controller", "status", "since", "previous", "confidence", "events")


class QueryError(Exception):
    """A problem with the command line or the output folder, reported as one line and exit code 2."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", help="output folder of a pipeline run (holding control/ and changes/)")
    parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                        help="show who controlled every place (or the --place) on this day")
    parser.add_argument("--place", help="show this place's timeline: a name in any spelling, or a canonical id")


def control_command(args: argparse.Namespace) -> int:
    """Print the as-of table or a place's timeline; 0 when done, 2 with one line on a usage error."""
    try:
        print(control_report(args.output, args.place, parse_day(args.as_of)))
    except QueryError as error:
        print(f"conflict-control: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def parse_day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise QueryError(f"--as-of {text}: not a date; give YYYY-MM-DD") from None


def control_report(output: str | None, place: str | None, day: dt.date | None) -> str:
    if day is None and place is None:
        raise QueryError("nothing to show: give --as-of YYYY-MM-DD, --place NAME or both")
    states = read_states(output)
    if place is not None:
        keys = places_named([place], states, output)
        states = [s for s in states if place_key(s["place"]) in keys]
    if day is not None:
        return as_of_table(states, day)
    changes = read_changes(output)
    return "\n\n".join(place_timeline(key, [s for s in states if place_key(s["place"]) == key],
                                      [c for c in changes if place_key(c["place"]) == key])
                       for key in sorted(keys))


def read_states(output: str | None) -> list[dict]:
    """The ControlStates of an output folder, each place-day at its highest revision; QueryError (one line)
    when there is no such folder or it holds none."""
    if not output:
        raise QueryError("no output: give --output DIR (the folder a pipeline run wrote)")
    if not FileSystems.exists(output):
        raise QueryError(f"--output {output}: no such folder")
    states = latest_revisions(read_records(output, CONTROL), lambda s: (place_key(s["place"]), s["window_date"]))
    if not states:
        raise QueryError(f"--output {output}: no control states in {CONTROL}/; was it written by a full run?")
    return states


def read_changes(output: str) -> list[dict]:
    """The ControlChanges of an output folder, each at its highest revision."""
    return latest_revisions(read_records(output, CHANGES), lambda c: c["change_id"])


def places_named(queries: list[str], states: list[dict], output: str) -> set[str]:
    """Place keys matching any of `queries` (see matching_places); QueryError for a query matching none."""
    keys = set()
    for query in queries:
        found = matching_places(query, states)
        if not found:
            raise QueryError(f"--place {query}: no place of that name or id in {output}")
        keys |= found
    return keys


def read_records(output: str, kind: str) -> list[dict]:
    """Every record below `<output>/<kind>/`, in any date partition."""
    pattern = FileSystems.join(output, kind, "**")
    paths = sorted(m.path for r in FileSystems.match([pattern]) for m in r.metadata_list
                   if m.path.endswith(".avro") and not is_ignored(m.path))
    records = []
    for path in paths:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            records.extend(fastavro.reader(handle))
    return records


def matching_places(query: str, states: list[dict]) -> set[str]:
    """Place keys whose canonical id is `query`, or else whose name matches it at the closest spelling
    tier (folded, then spelling key, then consonant skeleton: 'Al Mawsil' finds 'Mosul')."""
    names = {place_key(s["place"]): name_keys(s["place"]["name"]) for s in states}
    by_id = {key for key in names if key.casefold() == query.casefold()}
    if by_id:
        return by_id
    for tier, wanted in enumerate(name_keys(query)):
        found = {key for key, keys in names.items() if keys[tier] == wanted}
        if found:
            return found
    return set()


def as_of_table(states: list[dict], day: dt.date) -> str:
    latest = control_as_of(states, day)  # sorted by place key: the label order below is stable
    rows = sorted((place_label(s["place"]), *_state_cells(s)) for s in latest.values())
    title = f"Control as of {day.isoformat()}: {len(rows)} place{'' if len(rows) == 1 else 's'}"
    if not rows:
        return f"{title} (nothing known on or before that day)"
    return title + "\n" + render_table(("place", *STATE_COLUMNS), rows)


def place_timeline(key: str, states: list[dict], changes: list[dict]) -> str:
    """States and changes of one place in date order (a change before the state of its day)."""
    rows = [((c["change_date"], 0, c["change_id"]),
             (_day(c["change_date"]), "change", _text(c["to_controller"]), f"change ({c['date_precision']})",
              MISSING, _text(c["from_controller"]), f"{c['confidence']:.2f}", str(len(c["supporting_event_ids"]))))
            for c in changes]
    rows += [((s["window_date"], 1, ""), (_day(s["window_date"]), "state", *_state_cells(s))) for s in states]
    latest = max(states, key=lambda s: s["window_date"])
    title = f"{place_label(latest['place'])} [{key}]: {len(states)} states, {len(changes)} changes"
    return title + "\n" + render_table(("date", "record", *STATE_COLUMNS), [cells for _, cells in sorted(rows)])


def _state_cells(state: dict) -> tuple[str, ...]:
    return (_text(state["controller"]), state["status"], _day(state["since"]), _text(state["previous_controller"]),
            f"{state['confidence']:.2f}", str(len(state["supporting_event_ids"])))


def place_label(place: dict) -> str:
    return f"{place['name']} ({place['country']})" if place.get("country") else place["name"]


def _text(value: str | None) -> str:
    return MISSING if value is None else value


def _day(value: dt.date | None) -> str:
    return MISSING if value is None else value.isoformat()


def render_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Left-aligned columns as wide as their widest cell, two spaces apart."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]
    lines = [headers, *rows]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines)
