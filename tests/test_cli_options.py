"""Options mean the same in every subcommand (issue 13 item 14): the rules are checked on the
argument parser itself, so a new subcommand or option that breaks one fails here."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from azpipe.cli.common import OUTPUT_HELP
from azpipe.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "pipelines" / "image_classification" / "pipeline.yaml"

# Subcommands whose standard output is not a report a format could change, and why.
NO_FORMAT = {
    "compile": "--target chooses what it writes (Python or YAML)",
    "import": "it writes the azpipe language, nothing else",
    "submit": "an action: it prints the job's name and link; `status -f json` reports the job",
    "cancel": "an action: it prints the job's new state",
    "lsp": "it speaks the language server protocol",
    "completion": "it prints a shell script",
    "schema": "it prints a JSON Schema",
}
NO_COLOR = {"lsp": "no output for people", "completion": "a shell script", "schema": "JSON for editors"}
# Hidden spellings kept for compatibility: (subcommand, option) → the option that replaced it.
DEPRECATED = {("status", "--json"): "-f json"}
# Every short option means one thing everywhere.
SHORT = {
    "-h": "--help",
    "-f": "--format",
    "-o": "--output",
    "-v": "--verbose",
    "-j": "--jobs",
    "-g": "--resource-group",
    "-w": "--workspace",
}


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser, _ = build_parser()
    [group] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(group.choices)


def options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {string: action for action in parser._actions for string in action.option_strings}


COMMANDS = subcommands()


def test_every_subcommand_is_covered() -> None:
    assert set(NO_FORMAT) | set(NO_COLOR) <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_has_help(name: str) -> None:
    for action in COMMANDS[name]._actions:
        strings = tuple(action.option_strings) or (action.dest,)
        hidden = action.help == argparse.SUPPRESS
        assert action.help and (not hidden or (name, strings[0]) in DEPRECATED), (name, strings)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_short_options_mean_one_thing(name: str) -> None:
    for string, action in options(COMMANDS[name]).items():
        if len(string) == 2:
            assert SHORT.get(string) in action.option_strings, (name, string, action.option_strings)


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - set(NO_FORMAT)))
def test_commands_that_report_take_format(name: str) -> None:
    found = options(COMMANDS[name])
    assert "-f" in found and found["-f"] is found["--format"], name
    action = found["--format"]
    assert action.dest == "format" and action.choices and "text" in action.choices
    assert action.option_strings[:2] == ["-f", "--format"]
    assert action.default in (*action.choices, None)  # None: graph takes it from the -o suffix


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - set(NO_COLOR)))
def test_commands_with_output_take_color(name: str) -> None:
    action = options(COMMANDS[name]).get("--color")
    assert action is not None, name
    assert tuple(action.choices or ()) == ("auto", "always", "never") and action.default == "auto"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_output_is_spelled_and_explained_the_same(name: str) -> None:
    action = options(COMMANDS[name]).get("--output")
    if action is None:
        return
    assert action.option_strings == ["-o", "--output"] and action.metavar == "PATH"
    assert action.help and "folder" in action.help and "standard output" in action.help
    if name != "compile":  # compile (owned elsewhere) says the same in its own words
        assert action.help.startswith(OUTPUT_HELP.split(",")[0])


def test_workspace_options_are_the_same_wherever_azure_is_reached() -> None:
    shapes = {
        name: sorted((tuple(a.option_strings), a.dest) for a in COMMANDS[name]._actions if a.dest in (
            "subscription_id", "resource_group", "workspace_name", "config"))
        for name in ("submit", "status", "cancel")
    }  # fmt: skip
    assert shapes["submit"] == shapes["status"] == shapes["cancel"] and len(shapes["submit"]) == 4


def test_status_json_keeps_working_hidden(capsys: pytest.CaptureFixture[str]) -> None:
    parser, _ = build_parser()
    assert parser.parse_args(["status", "job", "--json"]).format == "json"
    assert parser.parse_args(["status", "job", "-f", "json"]).format == "json"
    main(["status", "--help"])
    assert "--json" not in capsys.readouterr().out


def test_plan_and_run_and_runs_print_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.fixtures.localrun.support import make_pipeline

    path = make_pipeline(
        tmp_path, "steps:\n  a:\n    code: src\n    command: python tool.py --name a\n", {"src": "tool.py"}
    )
    assert main(["plan", str(path), "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["steps"][0]["name"] == "a"
    assert main(["run", str(path), "-f", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["status"] == "succeeded" and record["steps"]["a"]["status"] == "succeeded"
    assert main(["runs", str(path), "-f", "json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["run_id"] == record["run_id"]


def test_runs_colours_the_status_only_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.fixtures.localrun.support import make_pipeline

    path = make_pipeline(
        tmp_path, "steps:\n  a:\n    code: src\n    command: python tool.py --name a\n", {"src": "tool.py"}
    )
    main(["run", str(path)])
    capsys.readouterr()
    main(["runs", str(path), "--color", "always"])
    coloured = capsys.readouterr().out
    main(["runs", str(path), "--color", "never"])
    plain = capsys.readouterr().out
    assert "\x1b[32msucceeded" in coloured and "\x1b" not in plain
    assert coloured.replace("\x1b[32m", "").replace("\x1b[0m", "") == plain
