"""The project's Avro schemas: one `.avsc` file per record, loaded with their named types resolved."""
import functools
import json
from pathlib import Path

import fastavro.schema

SCHEMA_DIR = Path(__file__).resolve().parent
NAMESPACE = "conflict"

#: Records written as pipeline outputs, by output folder.
OUTPUT_RECORDS = {
    "articles": "Article",
    "duplicates": "Article",
    "filtered": "Article",
    "events": "ControlEvent",
    "control": "ControlState",
    "changes": "ControlChange",
    "dead_letter": "DeadLetter",
}

#: Records an incremental run carries to the next one in its --state folder, by state folder.
STATE_RECORDS = {
    "seen": "SeenArticle",
    "mentions": "EventMention",
    "events": "ControlEvent",
}


def schema_path(record: str) -> Path:
    return SCHEMA_DIR / f"{NAMESPACE}.{record}.avsc"


def records() -> list[str]:
    """Every record that has an `.avsc` file here, by name."""
    return sorted(path.name.split(".")[1] for path in SCHEMA_DIR.glob(f"{NAMESPACE}.*.avsc"))


def _sorted_keys(value):
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


@functools.lru_cache(maxsize=None)
def load_schema(record: str) -> dict:
    """The parsed schema of `record` (e.g. 'Article'), with the named types it uses inlined.

    Keys are sorted because fastavro's parsed dicts follow set order, which changes with each process's
    hash seed, and the schema is written into every file's header: sorted, equal data gives equal bytes.
    """
    return _sorted_keys(fastavro.schema.load_schema(str(schema_path(record))))


def expanded_schema(record: str) -> dict:
    """The schema of `record` as one self-contained document, named types inlined and keys sorted: what
    a released version freezes (an edit to a nested record's file later does not change it)."""
    expanded = fastavro.schema.expand_schema(load_schema(record))
    # fastavro keeps its parsing bookkeeping ('__fastavro_parsed', '__named_schemas') at the top level.
    return _sorted_keys({key: value for key, value in expanded.items() if not key.startswith("__")})


def schema_version(record: str) -> int:
    """The `version` attribute of a record's `.avsc` file; bumped on every schema change."""
    return json.loads(schema_path(record).read_text(encoding="utf-8"))["version"]
