import logging

import pytest
from apache_beam.options.pipeline_options import DirectOptions, PipelineOptions

from pipeline import logs, main
from pipeline.options import ControlPipelineOptions
from transforms import progress

COMMANDS = ["run", "publish", "control", "report"]


@pytest.fixture(autouse=True)
def restore_logging(monkeypatch):
    """main() configures the process's logging and progress interval: put them back after each test."""
    root, project = logging.getLogger(), logging.getLogger(logs.PROJECT_LOGGER)
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setattr(project, "level", project.level)
    monkeypatch.setattr(progress, "_configured_seconds", progress.configured_seconds())


@pytest.mark.parametrize("argv", [["--help"], *([command, "--help"] for command in COMMANDS)])
def test_every_command_has_help_with_examples_and_exit_codes(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        main.main(argv)
    out = capsys.readouterr().out
    assert stopped.value.code == 0
    examples = out.split("examples:\n")[1].split("\n\n")[0].splitlines()
    assert examples and all("conflict-control " in example for example in examples)
    assert "exit codes:\n  0  " in out
    assert "--log-format {text,json}" in out
    if argv[0] in COMMANDS:
        codes = [int(line.split()[0]) for line in out.split("exit codes:\n")[1].splitlines() if line.strip()]
        assert codes == [code for code, _ in main.EXIT_CODES[argv[0]]]


def test_no_command_prints_the_help_and_exits_2(capsys):
    assert main.main([]) == main.EXIT_USAGE
    assert "COMMAND" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--log-format", "xml", "control"], "conflict-control: error: argument --log-format: invalid choice: 'xml'"),
    (["control", "--log-level", "LOUD"], "conflict-control control: error: argument --log-level: invalid choice"),
    (["report", "--output"], "conflict-control report: error: argument --output: expected one argument"),
    (["launch"], "conflict-control: error: argument COMMAND: invalid choice: 'launch'"),
])
def test_a_bad_command_line_is_one_line_and_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main.main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == main.EXIT_USAGE
    assert err.splitlines() == [err.strip()] and err.startswith(message)


@pytest.mark.parametrize("argv", [["--log-format", "json", "--log-level", "WARNING", "control"],
                                  ["control", "--log-format", "json", "--log-level", "WARNING"]])
def test_logging_options_go_before_or_after_the_command(argv, tmp_path, capsys):
    assert main.main([*argv, "--output", str(tmp_path), "--as-of", "2017-01-01"]) == main.EXIT_USAGE
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logs.ConsoleHandler)]
    assert len(handlers) == 1 and isinstance(handlers[0].formatter, logs.JsonFormatter)
    assert logging.getLogger(logs.PROJECT_LOGGER).level == logging.WARNING


@pytest.mark.parametrize("switch", [[], ["--high_accuracy_short_texts"]])
def test_the_run_commands_flags_reach_the_pipeline_options(switch):
    args, beam_args = main.build_parser().parse_known_args(
        ["run", "--input", "in.jsonl", "--output", "out", "--repeated_line_min_articles", "0", *switch,
         "--direct_num_workers", "2"])
    options = PipelineOptions(main.pipeline_argv(args, beam_args)).view_as(ControlPipelineOptions)
    assert options.input == ["in.jsonl"] and options.output == "out"
    assert options.repeated_line_min_articles == 0
    assert options.high_accuracy_short_texts is bool(switch)
    assert options.view_as(DirectOptions).direct_num_workers == 2
