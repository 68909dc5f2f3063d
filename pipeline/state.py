"""Where a batch run writes, what it carries to the next run, and how both become visible at once.

A batch run writes its files into `<output>/_staging/<batch>/`, and an incremental run (`--state DIR`)
writes the state it carries (SeenArticles, open mentions, closed events) into a new snapshot folder of
DIR. Nothing is visible until the pipeline has finished; then the driver commits:

1. it writes the commit's plan (files to move, files the run replaces, the new state pointer) as
   `_COMMIT.json` into the staging folder, atomically;
2. it moves every staged file into place and deletes the files the run replaces;
3. it points DIR/LATEST at the new snapshot and drops snapshots no longer needed.

Each step can be repeated, so a commit cut short (a killed driver) is finished by the next run before it
starts; a run that failed before step 1 left only a staging folder without a plan, which the next run
discards. Either way outputs and state are those of the last good run, never a mix.

What a run replaces: without --state a run owns its whole output folder (re-running it replaces every
file). With --state the per-article outputs (articles, duplicates, filtered, dead_letter) of each batch
sit beside the other batches' files, named after the batch, and a re-run of a batch replaces only its
own; events, control and changes are rebuilt whole by every run from the carried state, so they replace
the folders' contents.
"""
import hashlib
import json
import re
import uuid
from dataclasses import dataclass

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from pipeline.graph import DERIVED_OUTPUTS, OUTCOMES
from transforms.read import article_files
from transforms.write import PARTITION_PREFIX, write_atomically

STAGING = "_staging"
COMMIT_FILE = "_COMMIT.json"
SUMMARY_FILE = "_SUMMARY.json"
LATEST = "LATEST"
BATCH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.=-]{0,63}")


class StateError(Exception):
    """A --state folder or --batch_id that cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class RunPlan:
    """Where one batch run reads carried state from and writes to."""
    output: str
    staging: str
    batch_id: str | None = None
    state: str | None = None
    prior_snapshot: str | None = None  # folder of the state the run starts from (None: the first run)
    next_snapshot: str | None = None  # folder the run writes its state into
    next_latest: dict | None = None  # the state's LATEST pointer once the run is committed

    @property
    def incremental(self) -> bool:
        return self.state is not None


def batch_id_of(inputs: list[str]) -> str:
    """A batch's default id: a digest of its input files' paths and sizes, so that running the same
    files again is a re-run of the batch."""
    files = sorted({path for spec in inputs for path in article_files(spec)})
    sizes = {m.path: m.size_in_bytes for result in FileSystems.match(files) for m in result.metadata_list}
    digest = hashlib.sha256(json.dumps([[path, sizes.get(path)] for path in files]).encode("utf-8"))
    return "b" + digest.hexdigest()[:15]


def check_batch_id(batch_id: str) -> str:
    """A batch id goes into file names: letters, digits and `_.=-` only."""
    if not BATCH_ID.fullmatch(batch_id):
        raise StateError(f"--batch_id {batch_id!r}: use 1-64 letters, digits, '_', '.', '=' or '-', "
                         f"starting with a letter or digit (for example a date: 2017-10-05)")
    return batch_id


def _join(*parts: str) -> str:
    return FileSystems.join(*parts)


def _files_under(folder: str) -> list[str]:
    """Every file below `folder` (recursively), hidden ones included."""
    return sorted(m.path for result in FileSystems.match([_join(folder, "**")]) for m in result.metadata_list)


def _relative(path: str, folder: str) -> str:
    return path[len(folder.rstrip("/")) + 1:]


def _read_json(path: str) -> dict | None:
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return json.loads(handle.read().decode("utf-8"))


def write_json_atomically(path: str, value: dict) -> None:
    write_atomically(path, json.dumps(value, indent=1, sort_keys=True).encode("utf-8"))


def _delete(paths: list[str]) -> None:
    existing = [path for path in paths if FileSystems.exists(path)]
    if existing:
        FileSystems.delete(existing)


def _delete_emptied_partitions(deleted: list[str]) -> None:
    """The `date=` folders of `deleted` files that hold nothing now: a re-run whose input no longer has
    a day leaves no empty partition behind for readers and summaries to count (an object store has no
    folders to leave)."""
    folders = sorted({path.rsplit("/", 1)[0] for path in deleted})
    _delete([folder for folder in folders if folder.rsplit("/", 1)[-1].startswith(PARTITION_PREFIX)
             and FileSystems.exists(folder) and not _files_under(folder)])


def latest_state(state: str) -> dict:
    """The state's LATEST pointer: {'snapshot', 'batch_id', 'parent', 'history'} (all empty before the
    first run)."""
    return _read_json(_join(state, LATEST)) or {"snapshot": None, "batch_id": None, "parent": None, "history": []}


def recover(output: str) -> list[str]:
    """Finish every commit that was cut short and discard the staging of runs that failed; returns the
    batch ids whose commit was finished."""
    finished = []
    staging_root = _join(output, STAGING)
    batches = sorted({_relative(path, staging_root).split("/", 1)[0] for path in _files_under(staging_root)})
    for batch in batches:
        plan = _read_json(_join(staging_root, batch, COMMIT_FILE))
        if plan is not None:
            apply_commit(plan)
            finished.append(batch)
    _delete([staging_root])
    return finished


def plan_run(output: str, inputs: list[str], state: str | None = None, batch_id: str | None = None) -> RunPlan:
    """The plan of a batch run, after recovering from any run that stopped half-way.

    Incremental: a run of a new batch starts from the latest snapshot; a re-run of the latest batch
    starts from the snapshot before it, so that it counts its articles once; a re-run of an older batch
    is refused, since later batches were built on it.
    """
    if batch_id and not state:
        raise StateError("--batch_id names a batch of incremental runs: give --state DIR too")
    recover(output)
    batch_id = check_batch_id(batch_id) if batch_id else (batch_id_of(inputs) if state else None)
    staging = _join(output, STAGING, batch_id or "run")
    if state is None:
        return RunPlan(output=output, staging=staging, batch_id=batch_id)
    latest = latest_state(state)
    rerun = latest["batch_id"] == batch_id
    if not rerun and batch_id in latest["history"]:
        raise StateError(f"batch {batch_id} was followed by later runs in {state}: re-run from it by running "
                         f"those batches again in order with a fresh --state, or give this run a new --batch_id")
    prior = latest["parent"] if rerun else latest["snapshot"]
    history = (latest["history"][:-1] if rerun else latest["history"]) + [batch_id]
    next_snapshot = f"{len(history):06d}-{batch_id}-{uuid.uuid4().hex[:8]}"
    return RunPlan(output=output, staging=staging, batch_id=batch_id, state=state,
                   prior_snapshot=_join(state, prior) if prior else None,
                   next_snapshot=_join(state, next_snapshot),
                   next_latest={"snapshot": next_snapshot, "batch_id": batch_id, "parent": prior,
                                "history": history})


def _owned(plan: RunPlan, kind: str, name: str) -> bool:
    """Whether an existing output file of `kind` is one that this run replaces."""
    if not plan.incremental or kind in DERIVED_OUTPUTS:
        return True
    return name.startswith(f"part-{plan.batch_id}-")


def commit(plan: RunPlan, summary_json: str) -> str:
    """Make the run's staged files (and state) the visible ones; see the module docstring."""
    staged = [path for path in _files_under(plan.staging) if not path.rsplit("/", 1)[1].startswith(".")]
    moves = [[path, _join(plan.output, _relative(path, plan.staging))] for path in staged]
    incoming = {target for _, target in moves}
    replaced = []
    for kind in OUTCOMES + DERIVED_OUTPUTS:
        for path in _files_under(_join(plan.output, kind)):
            if path not in incoming and _owned(plan, kind, path.rsplit("/", 1)[1]):
                replaced.append(path)
    record = {"moves": moves, "deletes": replaced, "staging": plan.staging, "summary": summary_json,
              "summary_path": _join(plan.output, SUMMARY_FILE), "state": None}
    if plan.incremental:
        record["state"] = {"root": plan.state, "latest": plan.next_latest}
    write_json_atomically(_join(plan.staging, COMMIT_FILE), record)
    apply_commit(record)
    return record["summary_path"]


def apply_commit(record: dict) -> None:
    """Carry out a commit plan; every step may be repeated."""
    for source, target in record["moves"]:
        if FileSystems.exists(source):
            folder = target.rsplit("/", 1)[0]
            if not FileSystems.exists(folder):
                FileSystems.mkdirs(folder)
            FileSystems.rename([source], [target])
    _delete(record["deletes"])
    _delete_emptied_partitions(record["deletes"])
    write_atomically(record["summary_path"], record["summary"].encode("utf-8"))
    if record["state"]:
        root, latest = record["state"]["root"], record["state"]["latest"]
        write_json_atomically(_join(root, LATEST), latest)
        keep = {latest["snapshot"], latest["parent"], LATEST}
        stale = {_relative(path, root).split("/", 1)[0] for path in _files_under(root)} - keep
        _delete([_join(root, name) for name in sorted(stale)])
    _delete([record["staging"]])
    staging_root = record["staging"].rsplit("/", 1)[0]
    if not _files_under(staging_root):
        _delete([staging_root])
