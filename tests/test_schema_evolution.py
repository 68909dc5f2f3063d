"""Schema evolution: records of one schema version read with another, and the check that guards it in CI
(`python -m schemas.compatibility`)."""
import copy
import datetime as dt
import io
import json

import fastavro
import pytest

import schemas
from schemas import compatibility

PLACE = {"name": "Hawija", "canonical_id": "geonames:94787", "geonames_id": 94787, "lat": 35.3, "lon": 43.8,
         "country": "IQ", "admin1": "Kirkuk", "feature": "city", "resolved": True}
STATE = {"place": PLACE, "window_date": dt.date(2017, 10, 5), "controller": "IRAQI_GOVERNMENT", "status": "changed",
         "since": dt.date(2017, 10, 5), "previous_controller": "ISLAMIC_STATE", "supporting_event_ids": ["e1"],
         "confidence": 0.6, "revision": 0}
NUM_SOURCES = {"name": "num_sources", "type": ["null", "int"], "default": None,
               "doc": "Distinct publishers behind the state."}


def released_state() -> dict:
    """ControlState as released in v1 (the frozen file, as a later version would be compared with)."""
    return compatibility.released_versions("ControlState")[1]


def evolved(schema: dict, change, bump: bool = True) -> dict:
    """A copy of `schema` with `change(fields by name, field list)` applied and, unless told not to, its
    version bumped."""
    changed = copy.deepcopy(schema)
    changed["version"] += bump
    change({field["name"]: field for field in changed["fields"]}, changed["fields"])
    return changed


def add_num_sources(_, fields):
    fields.append(NUM_SOURCES)


def round_trip(writer: dict, reader: dict, records: list[dict]) -> list[dict]:
    buffer = io.BytesIO()
    fastavro.writer(buffer, fastavro.parse_schema(writer), records)
    buffer.seek(0)
    return list(fastavro.reader(buffer, reader_schema=fastavro.parse_schema(reader)))


def test_the_schemas_in_the_repository_are_compatible_with_every_released_version():
    assert compatibility.check() == []


def test_records_of_the_previous_version_read_with_the_current_reader_and_vice_versa():
    previous = released_state()
    current = evolved(previous, add_num_sources)
    assert round_trip(previous, current, [STATE]) == [dict(STATE, num_sources=None)]
    assert round_trip(current, previous, [dict(STATE, num_sources=3)]) == [STATE]
    assert compatibility.problems("ControlState", current, {1: previous}, releasing=True) == []


@pytest.mark.parametrize("change, expected", [
    (lambda fields, _: fields["status"].update(doc="Reworded."), []),
    (lambda fields, _: fields["place"]["type"]["fields"][6].update(name="province", aliases=["admin1"]), []),
    (lambda fields, field_list: field_list.remove(fields["status"]),
     ["old readers cannot read new records: No default value for field status in conflict.ControlState"]),
    (lambda fields, _: fields["confidence"].update(type="string"),
     ["new readers cannot read old records: Schema mismatch: double is not string",
      "old readers cannot read new records: Schema mismatch: string is not double"]),
    (lambda _, field_list: field_list.append({"name": "num_sources", "type": "int", "doc": "Required."}),
     ["new readers cannot read old records: No default value for field num_sources in conflict.ControlState"]),
    (lambda fields, _: fields["controller"].update(type=["null", "int"]),
     ["new readers cannot read old records: schema mismatch: ['null', 'string'] not found in ['null', 'int']",
      "old readers cannot read new records: schema mismatch: ['null', 'int'] not found in ['null', 'string']"]),
    (lambda fields, _: fields["revision"].update(type="long"),
     ["old readers cannot read new records: Schema mismatch: long is not int"]),
    (lambda fields, _: fields["window_date"].update(type="int"), ["window_date: logical type date became none"]),
    (lambda fields, _: fields["place"]["type"]["fields"][6].update(name="province"),
     ['place.admin1: renamed to province without an alias; add "aliases": ["admin1"] to it, or old records read '
      'as its default']),
], ids=["doc", "rename with alias", "removed required field", "type change", "required field added",
        "union branch change", "promotion old readers cannot follow", "logical type dropped", "rename"])
def test_the_check_reports_each_incompatible_change_in_one_line(change, expected):
    previous = released_state()
    found = compatibility.problems("ControlState", evolved(previous, change), {1: previous}, releasing=True)
    assert found == [f"ControlState v1 -> v2: {reason}" for reason in expected]


def test_a_date_that_becomes_a_timestamp_is_reported_though_an_int_promotes_to_a_long():
    previous = released_state()
    timestamp = {"type": "long", "logicalType": "timestamp-millis"}
    current = evolved(previous, lambda fields, _: fields["since"].update(type=["null", timestamp]))
    assert compatibility.resolution_error(previous, current) is None  # resolution alone would accept it
    assert "since: logical type date became timestamp-millis" in compatibility.incompatibilities(previous, current)


def test_a_change_without_a_new_version_is_reported():
    previous = released_state()
    [problem] = compatibility.problems("ControlState", evolved(previous, add_num_sources, bump=False), {1: previous})
    assert problem.startswith("ControlState: changed since the released v1 (added num_sources) but its version is "
                              "still 1: make it 2")


def test_a_new_version_must_be_released_and_never_go_back():
    previous = released_state()
    current = evolved(previous, add_num_sources)
    assert compatibility.problems("ControlState", current, {1: previous}) == [
        "ControlState: v2 is not released: check and freeze it with `python -m schemas.compatibility --release`"]
    assert compatibility.problems("ControlState", previous, {1: previous, 2: current}) == [
        "ControlState: version 1 is older than the released v2"]


def test_release_freezes_the_unreleased_versions_and_the_check_then_passes(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(compatibility, "RELEASED_DIR", tmp_path)
    assert compatibility.main([]) == 1
    assert "Article: v1 is not released" in capsys.readouterr().err
    assert compatibility.main(["--release"]) == 0
    assert compatibility.main([]) == 0
    frozen = json.loads(compatibility.released_path("ControlEvent", schemas.schema_version("ControlEvent")).read_text())
    assert frozen == schemas.expanded_schema("ControlEvent")
    assert fastavro.parse_schema(frozen)["fields"][2]["type"]["name"] == "conflict.Place"  # self-contained
