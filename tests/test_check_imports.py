"""What ``azpipe check`` imports (issue 12, speed): the start-up of a fresh process is
most of the time of checking a small pipeline, so check imports its own subcommand
only, never lark for a clean file, and none of the heavy libraries."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from azpipe.cli.main import SUBCOMMANDS, HelpFormatter, build_parser, main

ROOT = Path(__file__).resolve().parent.parent


def imported_by(argv: list[str]) -> set[str]:
    """The modules a fresh interpreter holds after ``azpipe ARGV``."""
    code = (
        "import sys; from azpipe.cli.main import main; "
        f"main({argv!r}); print(' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return set(result.stderr.split())


def test_check_imports_only_its_own_subcommand() -> None:
    modules = imported_by(["check", str(ROOT / "pipelines")])
    assert "azpipe.cli.check" in modules and "azpipe.loading" in modules
    assert {m for m in modules if m.startswith("azpipe.cli.")} <= {
        "azpipe.cli.check",
        "azpipe.cli.common",
        "azpipe.cli.main",
    }
    heavy = {"lark", "azure.ai.ml", "jinja2", "networkx", "azpipe.localrun", "azpipe.submit", "azpipe.emit"}
    assert not heavy & modules
    assert "shutil" not in modules  # argparse's own width look-up imports it (cli.main.HelpFormatter)


@pytest.mark.parametrize("columns", ["60", "120", "", "zero"])
def test_help_takes_the_width_argparse_would(columns: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    assert HelpFormatter("azpipe")._width == argparse.HelpFormatter("azpipe")._width
    parser, _ = build_parser("check")
    assert _subparser(parser, "check")._get_formatter()._width == argparse.HelpFormatter("azpipe")._width


def test_a_syntax_error_still_gets_lark_s_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "pipeline.yaml"
    bad.write_text(
        "azpipe: 1\nname: x\nsteps:\n  a:\n    environment: python:3.11\n    command: echo ${{inputs.x\n",
        encoding="utf-8",
    )
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "pipeline.yaml:6:19: error[E201]" in out and "`${{inputs.x` is missing `}}`" in out


@pytest.mark.parametrize("name", [name.rstrip("_") for name in SUBCOMMANDS])
def test_each_subcommand_alone_is_the_one_of_the_full_parser(name: str) -> None:
    full, modules = build_parser()
    alone, only = build_parser(name)
    assert list(only) == [name] if name in modules else not only  # lsp's module is optional
    if name in modules:
        assert _subparser(alone, name).format_help() == _subparser(full, name).format_help()


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    found = commands.choices[name]
    assert isinstance(found, argparse.ArgumentParser)
    return found


def test_top_level_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    _, modules = build_parser()
    assert all(name in out for name in modules)
