import json

import fastavro
import pytest

import schemas

RECORDS = schemas.records()


@pytest.mark.parametrize("record", RECORDS)
def test_every_schema_is_versioned_and_documented(record):
    raw = json.loads(schemas.schema_path(record).read_text(encoding="utf-8"))
    assert raw["namespace"] == schemas.NAMESPACE and raw["name"] == record
    assert isinstance(raw["version"], int) and raw["doc"]
    undocumented = [field["name"] for field in raw["fields"] if not field.get("doc")]
    assert undocumented == []


@pytest.mark.parametrize("record", sorted(set(schemas.OUTPUT_RECORDS.values())))
def test_output_schemas_load_with_named_types_resolved(record):
    parsed = schemas.load_schema(record)
    assert parsed["name"] == f"conflict.{record}"


def test_dates_use_avro_logical_types():
    article = {f["name"]: f["type"] for f in json.loads(schemas.schema_path("Article").read_text())["fields"]}
    assert {"type": "long", "logicalType": "timestamp-millis"} in article["published_at"]
    assert {"type": "int", "logicalType": "date"} in article["published_date"]


def test_optional_fields_have_defaults_so_readers_can_evolve():
    for record in RECORDS:
        for field in json.loads(schemas.schema_path(record).read_text())["fields"]:
            if isinstance(field["type"], list) and "null" in field["type"]:
                assert "default" in field and field["default"] is None, (record, field["name"])


def test_a_control_event_round_trips(tmp_path):
    import datetime as dt
    place = {"name": "Hawija", "canonical_id": "geonames:1", "geonames_id": 1, "lat": 35.3, "lon": 43.8,
             "country": "IQ", "admin1": "Kirkuk", "feature": "city", "resolved": True}
    event = {"event_id": "e1", "event_type": "CAPTURE", "place": place, "gaining_actor": "IRAQI_GOVERNMENT",
             "losing_actor": "ISLAMIC_STATE", "allies": ["PMF"], "event_date": dt.date(2017, 10, 5),
             "date_precision": "day", "certainty": "reported", "evidence": [], "num_mentions": 1,
             "num_articles": 1, "num_sources": 1, "first_reported": None, "last_reported": None,
             "confidence": 0.6, "revision": 0}
    path = tmp_path / "e.avro"
    with path.open("wb") as handle:
        fastavro.writer(handle, schemas.load_schema("ControlEvent"), [event])
    with path.open("rb") as handle:
        assert list(fastavro.reader(handle)) == [event]
