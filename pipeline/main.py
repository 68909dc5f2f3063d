"""Command-line entry point: `conflict-control run --input … --output …` (or `python -m pipeline.main`).

Exit codes: 0 success; 1 the run failed; 2 bad command line (a flag, a missing input); 3 the run finished
but its counts do not add up (a record was lost: a bug to report).
"""
import argparse
import logging
import sys
import threading
import time

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from pipeline import publish, query
from pipeline.graph import build_pipeline
from pipeline.options import ControlPipelineOptions
from pipeline.summary import RunSummary, counter_totals
from transforms.read import article_files

log = logging.getLogger("conflict_control")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNBALANCED = 0, 1, 2, 3
SUMMARY_FILE = "_SUMMARY.json"


class UsageError(Exception):
    """A problem with the command line, reported as one line and exit code 2."""


def beam_option_names() -> set[str]:
    """Every flag Beam and this project accept, to reject a misspelt one instead of ignoring it."""
    return set(PipelineOptions([]).get_all_options(add_extra_args_fn=None).keys())


def check_unknown_flags(args: list[str]) -> None:
    known = beam_option_names()
    for arg in args:
        if arg.startswith("--"):
            name = arg[2:].split("=", 1)[0].replace("-", "_")
            if name not in known:
                raise UsageError(f"unknown option {arg.split('=', 1)[0]}: see 'conflict-control run --help'")


def check_inputs(inputs: list[str] | None) -> None:
    if not inputs:
        raise UsageError("no input: give --input PATH (a file, folder or glob of articles)")
    for path in inputs:
        if not article_files(path):
            raise UsageError(f"--input {path}: no article file found there; check the path, or quote the glob "
                             f"so that the shell does not expand it")


def write_summary(output: str, summary: RunSummary) -> str:
    """Write _SUMMARY.json atomically (hidden temporary file, then rename)."""
    path = FileSystems.join(output, SUMMARY_FILE)
    temporary = FileSystems.join(output, f".{SUMMARY_FILE}.inprogress")
    with FileSystems.create(temporary, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        handle.write(summary.to_json().encode("utf-8"))
    FileSystems.rename([temporary], [path])
    return path


def check_sources(args: argparse.Namespace) -> bool:
    """Exactly one kind of input; returns whether it is the live (Pub/Sub) one."""
    live = bool(args.input_subscription or args.input_topic)
    if live and (args.input or (args.input_subscription and args.input_topic)):
        raise UsageError("give either --input (files) or one of --input_subscription / --input_topic, not both")
    if not live:
        check_inputs(args.input)
    if not args.output:
        raise UsageError("no output: give --output DIR")
    return live


def run_until_stopped(result, max_seconds: int | None) -> None:
    """A live run goes on until Ctrl-C, or for `max_seconds`; then it is cancelled.

    The wait happens on a helper thread because the DirectRunner's wait does not return once the run
    is cancelled; a failure of the run is raised here.
    """
    failure = []

    def wait():
        try:
            result.wait_until_finish()
        except Exception as error:  # noqa: BLE001 - handed to the main thread
            failure.append(error)

    waiter = threading.Thread(target=wait, name="wait-for-pipeline", daemon=True)
    waiter.start()
    deadline = time.monotonic() + max_seconds if max_seconds else None
    try:
        while waiter.is_alive() and (deadline is None or time.monotonic() < deadline):
            waiter.join(timeout=1.0)
    except KeyboardInterrupt:
        pass
    if waiter.is_alive():
        result.cancel()
    if failure:
        raise failure[0]


def run_command(args: argparse.Namespace, beam_args: list[str]) -> int:
    check_unknown_flags(beam_args)
    live = check_sources(args)
    own = {name: value for name, value in vars(args).items() if name not in ("command", "handler", "input")}
    argv = beam_args + [f"--input={path}" for path in args.input or ()] + [
        f"--{name}={value}" for name, value in own.items() if value is not None]
    options = PipelineOptions(argv)
    options.view_as(StandardOptions).streaming = live or options.view_as(StandardOptions).streaming
    try:
        pipeline = beam.Pipeline(options=options)
    except ValueError as error:  # an unknown --runner, for one
        raise UsageError(str(error).split("\n")[0]) from None
    build_pipeline(pipeline, options.view_as(ControlPipelineOptions))
    started = time.monotonic()
    result = pipeline.run()
    if live:
        print(f"running live into {args.output}: Ctrl-C to stop", file=sys.stderr)
        run_until_stopped(result, args.max_run_seconds)
    else:
        result.wait_until_finish()
    seconds = time.monotonic() - started
    summary = RunSummary.from_counters(counter_totals(result.metrics()))
    path = write_summary(args.output, summary)
    print(summary.render(live))
    print(f"wrote {args.output} ({path}) in {seconds:.1f} s")
    # Live, records still in flight when the run is stopped are not yet written: no balance to check.
    return EXIT_OK if live or summary.balanced else EXIT_UNBALANCED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conflict-control",
        description="Turn conflict news into a date-windowed record of who controls which place.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run", help="run the pipeline over article files, or live from Pub/Sub",
        description="Read articles (files, or a Pub/Sub subscription live), clean and de-duplicate them, "
                    "find entities and territorial-control events, and write date-partitioned Avro of "
                    "articles, events and who controls which place.",
        epilog="Any Apache Beam option is accepted too, for example --runner=DirectRunner (the default), "
               "--direct_running_mode=multi_processing --direct_num_workers=2, or --runner=FlinkRunner.")
    ControlPipelineOptions._add_argparse_args(run)
    run.set_defaults(handler=run_command)

    feed = commands.add_parser(
        "publish", help="publish article files to a Pub/Sub topic (to try the live mode)",
        description="Publish articles (the inputs `run` reads) as JSON messages to a Pub/Sub topic, with "
                    "published_at and origin attributes. Set PUBSUB_EMULATOR_HOST to use a local server.")
    publish.add_arguments(feed)
    feed.set_defaults(handler=without_beam_args(publish.publish_command))

    control = commands.add_parser(
        "control", help="who controls which place: as of a date, or one place's timeline",
        description="Read the control/ and changes/ Avro of an output folder and print a table.")
    query.add_arguments(control)
    control.set_defaults(handler=without_beam_args(query.control_command))
    return parser


def without_beam_args(command):
    """A handler for a command that takes no Beam options: anything left over is a usage error."""
    def handler(args, leftover):
        if leftover:
            raise UsageError(f"unrecognised arguments: {' '.join(leftover)}")
        return command(args)
    return handler


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    parser = build_parser()
    args, beam_args = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args, beam_args)
    except UsageError as error:
        print(f"conflict-control: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # noqa: BLE001 - one line for the user; the log keeps the traceback
        log.debug("run failed", exc_info=True)
        print(f"conflict-control: error: the run failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
