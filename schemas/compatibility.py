"""Schema evolution check: every record's schema against each version of it released before.

    python -m schemas.compatibility             # one line per problem, exit 1 when there is any
    python -m schemas.compatibility --release   # after a version bump: freeze the new versions

Files written by any released version must stay readable, and readers built on a released version must
read what the current one writes, so a change is checked in both directions:

- a schema that differs from its frozen copy (docs aside) must carry a new `version`, and a new version
  is frozen into `schemas/released/conflict.<Record>.v<N>.avsc` (self-contained: named types inlined)
  in the same change, by `--release`;
- fastavro decides whether records resolve: generated records written with the old schema are read
  with the new one, and the other way round (a field added or removed without a default, a type that
  does not promote, a renamed record all fail there);
- what resolution lets through but a downstream table would notice is checked on the schemas: a logical
  type that changed (a date that became an int) and a field renamed without an alias (old values would
  silently read as the new field's default).
"""
import argparse
import io
import json
import random
import sys
from pathlib import Path

import fastavro
from fastavro.read import SchemaResolutionError
from fastavro.schema import SchemaParseException
from fastavro.utils import generate_many

import schemas

RELEASED_DIR = schemas.SCHEMA_DIR / "released"
#: Records generated per check: enough that every branch of every union is written (fastavro draws
#: branches at random), with a fixed seed so that the check gives the same answer on every run.
SAMPLES = 64
SAMPLE_SEED = 9
MAX_REASON_CHARS = 200
_COMPLEX = ("record", "array", "map", "enum", "fixed")
#: Avro's promotions: a writer's type -> the reader types that read it.
_PROMOTIONS = {"int": ("long", "float", "double"), "long": ("float", "double"), "float": ("double",),
               "string": ("bytes",), "bytes": ("string",)}


def released_path(record: str, version: int) -> Path:
    return RELEASED_DIR / f"{schemas.NAMESPACE}.{record}.v{version}.avsc"


def released_versions(record: str) -> dict[int, dict]:
    """Version -> frozen schema, for every released version of `record`."""
    prefix = f"{schemas.NAMESPACE}.{record}.v"
    versions = {}
    for path in RELEASED_DIR.glob(f"{prefix}*.avsc"):
        try:
            versions[int(path.name[len(prefix):-len(".avsc")])] = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise ValueError(f"{path}: not a released schema ({error})") from None
    return versions


def resolution_error(writer: dict, reader: dict) -> str | None:
    """Why records written with `writer` cannot be read with `reader` (fastavro's schema resolution,
    tried on generated records), or None when they can."""
    saved = random.getstate()
    random.seed(SAMPLE_SEED)
    try:
        samples = list(generate_many(writer, SAMPLES))
    finally:
        random.setstate(saved)
    buffer = io.BytesIO()
    fastavro.writer(buffer, fastavro.parse_schema(writer), samples)
    buffer.seek(0)
    try:
        for _ in fastavro.reader(buffer, reader_schema=fastavro.parse_schema(reader)):
            pass
    except (SchemaResolutionError, ValueError) as error:
        reason = " ".join(str(error).split())
        return reason if len(reason) <= MAX_REASON_CHARS else reason[:MAX_REASON_CHARS - 1] + "…"
    return None


def unnoticed_changes(old: dict, new: dict, path: str = "") -> list[str]:
    """Changes from `old` to `new` that schema resolution accepts but a reader would notice."""
    found = []
    new_branches = _branches(new)
    for old_branch in _branches(old):
        kind = _kind(old_branch)
        new_branch = _reading_branch(kind, new_branches)
        if new_branch is None:
            continue  # a branch that went away is for resolution to judge
        if _logical_type(old_branch) != _logical_type(new_branch):
            found.append(f"{path or 'the record'}: logical type {_logical_type(old_branch) or 'none'} became "
                         f"{_logical_type(new_branch) or 'none'}")
        elif kind.startswith("record:"):
            found += _field_changes(old_branch, new_branch, path)
        elif kind == "array":
            found += unnoticed_changes(old_branch["items"], new_branch["items"], f"{path}[]")
        elif kind == "map":
            found += unnoticed_changes(old_branch["values"], new_branch["values"], f"{path}{{}}")
    return found


def _field_changes(old: dict, new: dict, path: str) -> list[str]:
    """Per field kept (by name or alias), its type's changes; per field gone, whether a new field of the
    same type took its place without naming it as an alias (a rename)."""
    found = []
    new_fields = {field["name"]: field for field in new["fields"]}
    new_fields.update({alias: field for field in new["fields"] for alias in field.get("aliases", ())})
    old_names = {field["name"] for field in old["fields"]}
    for position, old_field in enumerate(old["fields"]):
        name = old_field["name"]
        field_path = f"{path}.{name}" if path else name
        if name in new_fields:
            found += unnoticed_changes(old_field["type"], new_fields[name]["type"], field_path)
        elif position < len(new["fields"]):
            successor = new["fields"][position]
            same_type = without_docs(successor["type"]) == without_docs(old_field["type"])
            if successor["name"] not in old_names and same_type:
                found.append(f"{field_path}: renamed to {successor['name']} without an alias; add "
                             f"\"aliases\": [\"{name}\"] to it, or old records read as its default")
    return found


def _reading_branch(kind: str, branches: list):
    """The branch of a reader's type that reads a writer's `kind`: the same kind, else a promotion."""
    same = [branch for branch in branches if _kind(branch) == kind]
    promoted = [branch for branch in branches if _kind(branch) in _PROMOTIONS.get(kind, ())]
    return (same or promoted or [None])[0]


def _branches(schema) -> list:
    return schema if isinstance(schema, list) else [schema]


def _kind(schema) -> str:
    """What a type is, for pairing old and new union branches: 'record:<name>', 'array', 'int', …"""
    if isinstance(schema, str):
        return schema
    if schema["type"] == "record":
        return f"record:{schema['name']}"
    return schema["type"] if schema["type"] in _COMPLEX else _kind(schema["type"])


def _logical_type(schema) -> str | None:
    return schema.get("logicalType") if isinstance(schema, dict) else None


def without_docs(schema):
    """The schema with every `doc` left out: a documentation edit is not a change of version."""
    if isinstance(schema, dict):
        return {key: without_docs(value) for key, value in schema.items() if key != "doc"}
    if isinstance(schema, list):
        return [without_docs(item) for item in schema]
    return schema


def incompatibilities(old: dict, new: dict) -> list[str]:
    """Why a schema going from `old` to `new` would surprise a reader, one reason per problem."""
    found = []
    if reason := resolution_error(old, new):
        found.append(f"new readers cannot read old records: {reason}")
    if reason := resolution_error(new, old):
        found.append(f"old readers cannot read new records: {reason}")
    return found + unnoticed_changes(old, new)


def problems(record: str, current: dict, released: dict[int, dict], releasing: bool = False) -> list[str]:
    """Every problem of `record`'s current schema against its released versions, one line each.
    `releasing`: a version not frozen yet is what is being released, not a problem."""
    version = current.get("version")
    if not isinstance(version, int):
        return [f"{record}: the schema has no integer 'version'"]
    newest = max(released, default=0)
    found = []
    if version < newest:
        found.append(f"{record}: version {version} is older than the released v{newest}")
    elif version in released and without_docs(released[version]) != without_docs(current):
        found.append(f"{record}: changed since the released v{version} ({_what_changed(released[version], current)}) "
                     f"but its version is still {version}: make it {newest + 1}, then run "
                     f"`python -m schemas.compatibility --release`")
    elif version not in released and not releasing:
        found.append(f"{record}: v{version} is not released: check and freeze it with "
                     f"`python -m schemas.compatibility --release`")
    for old_version in sorted(v for v in released if v < version):
        found += [f"{record} v{old_version} -> v{version}: {reason}"
                  for reason in incompatibilities(released[old_version], current)]
    return found


def _what_changed(old: dict, new: dict) -> str:
    old_fields = {field["name"]: without_docs(field) for field in old.get("fields", ())}
    new_fields = {field["name"]: without_docs(field) for field in new.get("fields", ())}
    parts = [f"{label} {', '.join(names)}" for label, names in (
        ("added", [name for name in new_fields if name not in old_fields]),
        ("removed", [name for name in old_fields if name not in new_fields]),
        ("changed", [name for name in new_fields if name in old_fields and new_fields[name] != old_fields[name]]),
    ) if names]
    return "; ".join(parts) or "record attributes"


def check(releasing: bool = False) -> list[str]:
    """Problems of every record in schemas/ against its released versions."""
    return [problem for record in schemas.records()
            for problem in problems(record, schemas.expanded_schema(record), released_versions(record), releasing)]


def release() -> list[str]:
    """Freeze the current version of every record not released yet; the records released, as 'Name vN'."""
    done = []
    for record in schemas.records():
        current = schemas.expanded_schema(record)
        path = released_path(record, current["version"])
        if not path.exists():
            RELEASED_DIR.mkdir(exist_ok=True)
            path.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            done.append(f"{record} v{current['version']}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schemas.compatibility", description=__doc__.split("\n")[0])
    parser.add_argument("--release", action="store_true",
                        help="freeze the current version of every record not released yet (after the check)")
    args = parser.parse_args(argv)
    try:
        found = check(releasing=args.release)
    except (ValueError, SchemaParseException) as error:
        print(f"schemas: error: {error}", file=sys.stderr)
        return 1
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"schemas: {len(found)} compatibility problem{'s' if len(found) > 1 else ''}", file=sys.stderr)
        return 1
    if args.release:
        done = release()
        print(f"schemas: released {', '.join(done)}" if done else "schemas: every version is already released")
    else:
        print(f"schemas: {len(schemas.records())} records, each compatible with its released versions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
