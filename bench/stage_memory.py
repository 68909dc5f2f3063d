"""Which stage of a batch run makes its processes grow: the DirectRunner's stages, one line each.

    python -m bench.stage_memory --log stages.jsonl -- run --input FILE --output DIR \
        --direct_running_mode=multi_processing --direct_num_workers=2

Runs `conflict-control run` in this process with the FnApiRunner's bundle execution wrapped, and writes
to `--log` (JSON Lines) one record per bundle (the fused stage's name, its input bytes, the resident
MiB of the runner and of each worker before and after it, the bytes then held in the runner's
buffers) and one sample of every process's resident MiB per second, tagged with the running stage.
At the end it prints each stage that moved a process by 10 MiB or more, and the peak.

It reads private parts of apache_beam's FnApiRunner (`_execute_bundle`, `pcoll_buffers`, the buffers'
contents), written against apache-beam 2.77: a diagnostic, not part of the pipeline.
"""
import argparse
import json
import sys
import threading
import time

import psutil
from apache_beam.runners.portability.fn_api_runner import execution, fn_runner

from bench.throughput import process_tree

SAMPLE_SECONDS = 1.0
REPORTED_MIB = 10


def resident_mib(root: psutil.Process) -> list[int]:
    """Resident MiB of `root` (the runner) and each process below it (the workers, and their shells)."""
    return [rss >> 20 for _, _, rss, _, _ in process_tree(root)]


def buffered_bytes(buffer) -> int:
    """Bytes an FnApiRunner buffer holds encoded (a grouping buffer not yet read holds decoded values:
    counted as 0)."""
    if isinstance(buffer, execution.ListBuffer):
        return sum(len(chunk) for chunk in buffer._inputs)
    if isinstance(buffer, execution.GroupingBuffer) and buffer._grouped_output:
        return sum(len(chunk) for part in buffer._grouped_output for chunk in part)
    return 0


def held_bytes(context) -> int:
    """Bytes in the runner's PCollection buffers and in the inputs queued for stages still to run."""
    held = sum(buffered_bytes(buffer) for buffer in context.pcoll_buffers.values())
    for queue in (context.queues.ready_inputs, context.queues.watermark_pending_inputs):
        held += sum(buffered_bytes(buffer) for _, data_input in list(queue._q) for buffer in data_input.data.values())
    return held


class StageLog:
    """Wraps FnApiRunner._execute_bundle to log each bundle, and samples every process each second."""

    def __init__(self, path: str):
        self.out = open(path, "w", encoding="utf-8")
        self.runner = psutil.Process()
        self.started = time.monotonic()
        self.stage = "-"
        self.lock = threading.Lock()

    def write(self, record: dict) -> None:
        with self.lock:
            self.out.write(json.dumps(record) + "\n")
            self.out.flush()

    def install(self) -> None:
        run_bundle = fn_runner.FnApiRunner._execute_bundle
        log = self

        def logged(runner, context, bundle_context, bundle_input):
            log.stage = bundle_context.stage.name
            began, before = time.monotonic(), resident_mib(log.runner)
            result = run_bundle(runner, context, bundle_context, bundle_input)
            log.write({"t": round(began - log.started, 1), "seconds": round(time.monotonic() - began, 1),
                       "stage": log.stage, "input_mib": round(sum(map(buffered_bytes, bundle_input.data.values()))
                                                              / 2**20, 1),
                       "mib_before": before, "mib_after": resident_mib(log.runner),
                       "held_mib": round(held_bytes(context) / 2**20, 1)})
            return result

        fn_runner.FnApiRunner._execute_bundle = logged
        threading.Thread(target=self.sample, daemon=True).start()

    def sample(self) -> None:
        while True:
            tree = process_tree(self.runner)
            self.write({"t": round(time.monotonic() - self.started, 1),
                        "sample": [rss >> 20 for _, _, rss, _, _ in tree],
                        "pss_mib": sum(pss for *_, pss in tree) >> 20, "stage": self.stage})
            time.sleep(SAMPLE_SECONDS)


def summary(path: str) -> str:
    """The stages that moved a process by REPORTED_MIB or more, and the peak of all processes."""
    records = [json.loads(line) for line in open(path, encoding="utf-8")]
    lines = []
    for record in records:
        if "sample" in record:
            continue
        before, after = record["mib_before"], record["mib_after"]
        if any(abs(a - b) >= REPORTED_MIB for a, b in zip(before, after)) or len(before) != len(after):
            lines.append(f"{record['t']:>7.1f}s {record['seconds']:>6.1f}s in {record['input_mib']:>6.1f} MiB, "
                         f"held {record['held_mib']:>6.1f} MiB: {before} -> {after}  {record['stage'][:100]}")
    samples = [record for record in records if "sample" in record]
    if samples:
        peak = max(samples, key=lambda record: sum(record["sample"]))
        lines.append(f"peak {sum(peak['sample'])} MiB at {peak['t']} s {peak['sample']} in {peak['stage'][:100]}")
        proportional = max(samples, key=lambda record: record.get("pss_mib", 0))
        lines.append(f"peak PSS {proportional.get('pss_mib', 0)} MiB at {proportional['t']} s in "
                     f"{proportional['stage'][:100]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", required=True, help="JSON Lines file the bundles and samples are written to")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- and the conflict-control command line")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    StageLog(args.log).install()
    from pipeline.main import main as conflict_control

    code = conflict_control(command)
    print(summary(args.log))
    return code


if __name__ == "__main__":
    sys.exit(main())
