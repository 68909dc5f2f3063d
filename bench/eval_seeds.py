"""The seed articles through the whole pipeline, checked against ../shared/eval.

    python -m bench.eval_seeds [--output DIR]

Runs `conflict-control run` on ../shared/seeds (with their metadata.jsonl) and reads the Avro it wrote:
every boilerplate line of seeds_boilerplate.json must be gone from the article text and every
must-keep line present, and the control timeline must read like the history the issue states (Mosul,
Amerli, Hawija, Dashisha, Hajeen, al-Qaim), checked on the pipeline's output, not on functions alone;
and the two reports of Amerli's relief (Reuters and AP) must be one event with two sources.
"""
import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from bench.shared_data import EVAL, SEEDS, require
from pipeline.main import EXIT_OK, main as run_pipeline
from pipeline.query import matching_places, read_records as read_output
from transforms.assembly import place_key
from transforms.control import control_as_of, latest_revisions
from tests.avro_files import read_records
from transforms.normalize import normalize_text

BOILERPLATE_GOLD = EVAL / "seeds_boilerplate.json"


def check_boilerplate(articles: dict[str, dict]) -> int:
    """Print per seed what was missed or lost; return the number of errors."""
    gold = json.loads(BOILERPLATE_GOLD.read_text(encoding="utf-8"))
    errors = 0
    for name, expected in sorted(gold.items()):
        article = articles[name]
        lines = {line.strip() for line in article["text"].split("\n")}
        missed = [b for b in expected["boilerplate"] if normalize_text(b) in lines]
        lost = [k for k in expected["must_keep"]
                if not any(normalize_text(k).rstrip(". ") in line for line in lines)]
        errors += len(missed) + len(lost)
        print(f"{name}: {article['boilerplate_lines_removed']} lines / {article['boilerplate_chars_removed']} chars "
              f"removed, must-go left {len(missed)}/{len(expected['boilerplate'])}, must-keep lost "
              f"{len(lost)}/{len(expected['must_keep'])}, title={article['title']!r}")
        for line in missed:
            print(f"    LEFT {line[:100]}")
        for line in lost:
            print(f"    LOST {line[:100]}")
    return errors


#: (place, day, expected controller, expected status or None for any): the seeds' history.
HISTORY = [
    ("Mosul", dt.date(2014, 6, 30), "ISLAMIC_STATE", None),
    ("Mosul", dt.date(2017, 5, 27), "ISLAMIC_STATE", "contested"),
    ("Mosul", dt.date(2017, 6, 30), "IRAQI_GOVERNMENT", None),
    ("Amerli", dt.date(2014, 8, 30), None, "besieged"),
    ("Amerli", dt.date(2014, 8, 31), "IRAQI_GOVERNMENT", None),
    ("Hawija", dt.date(2017, 10, 5), "IRAQI_GOVERNMENT", None),
    ("Dashisha", dt.date(2018, 6, 17), "SDF", None),
    ("Hajeen", dt.date(2018, 6, 17), "ISLAMIC_STATE", None),
    ("al-Qaim", dt.date(2017, 10, 5), "ISLAMIC_STATE", None),
]


def check_history(output: Path) -> int:
    """Print each expected fact of the timeline against the output; return the number wrong."""
    states = latest_revisions(read_output(str(output), "control"),
                              lambda state: (place_key(state["place"]), state["window_date"]))
    errors = 0
    for name, day, controller, status in HISTORY:
        keys = matching_places(name, states)
        found = [state for key, state in control_as_of(states, day).items() if key in keys]
        got = (found[0]["controller"], found[0]["status"]) if found else (None, None)
        right = bool(found) and (controller is None or got[0] == controller) and (status is None or got[1] == status)
        errors += not right
        print(f"{'ok   ' if right else 'WRONG'} {name:<9} {day}  expected {controller or 'any'}/{status or 'any'}, "
              f"got {got[0]}/{got[1]}")
    return errors


def check_corroboration(output: Path) -> int:
    """The Reuters and AP reports of Amerli's relief as one change of control with two sources; returns
    1 if they are not."""
    events = latest_revisions(read_output(str(output), "events"))
    keys = matching_places("Amerli", events)
    relief = [event for event in events if place_key(event["place"]) in keys
              and event["event_type"] in ("CAPTURE", "SIEGE_BROKEN") and event["certainty"] != "hypothetical"]
    right = len(relief) == 1 and relief[0]["num_sources"] == 2
    print(f"{'ok   ' if right else 'WRONG'} Amerli's relief: {len(relief)} event(s), sources "
          f"{[event['num_sources'] for event in relief]} (expected 1 event, 2 sources)")
    return 0 if right else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", help="where the pipeline writes (default: a temporary folder)")
    args = parser.parse_args()
    require(SEEDS, BOILERPLATE_GOLD)
    output = Path(args.output or tempfile.mkdtemp(prefix="seeds-"))
    if run_pipeline(["run", "--input", str(SEEDS), "--output", str(output)]) != EXIT_OK:
        return 1
    articles = {Path(a["origin"]).name: a for a in read_records(output / "articles")}
    print(f"\n== boilerplate on {len(articles)} seed articles ({output})")
    errors = check_boilerplate(articles)
    print(f"boilerplate errors: {errors}")
    print("\n== control timeline")
    wrong = check_history(output) + check_corroboration(output)
    print(f"timeline facts wrong: {wrong} of {len(HISTORY) + 1}")
    return 0 if errors == 0 and wrong == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
