"""``azpipe`` entry point: builds the argument parser from the subcommand modules.

Each subcommand module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; modules import heavy dependencies (azure-ai-ml, Jinja2)
only inside ``run``. Exit codes: 0 ok, 1 problems found, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from azpipe.source.printable import share_with_pyyaml
from azpipe.version import __version__

# Order is the order of ``azpipe --help``.
SUBCOMMANDS = (
    "check", "compile", "graph", "diff", "plan", "run", "runs", "submit", "status", "cancel", "import_", "lsp",
    "schema", "completion",
)  # fmt: skip
_NAMES = frozenset(name.rstrip("_") for name in SUBCOMMANDS)


def _modules(names: Sequence[str] = SUBCOMMANDS) -> list[ModuleType]:
    found = []
    for name in names:
        try:
            found.append(importlib.import_module(f"azpipe.cli.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"azpipe.cli.{name}":
                raise
    return found


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, given the terminal's width as ``shutil.get_terminal_size``
    measures it: left to itself, argparse imports shutil (and its compression modules)
    when a parser is built, which costs `azpipe check` of an example 2 % of its time."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:  # fmt: skip
        super().__init__(
            prog, indent_increment, max_help_position, terminal_width() - 2 if width is None else width
        )


def terminal_width() -> int:
    """``$COLUMNS``, else the width of the terminal on stdout, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def build_parser(command: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The top-level parser and the module behind each subcommand (only ``command``'s
    when one is named: importing every subcommand costs more than checking a file)."""
    parser = argparse.ArgumentParser(
        prog="azpipe",
        description="Check, compile, draw, run and submit Azure ML pipelines.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"azpipe {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, ModuleType] = {}
    names = [name for name in SUBCOMMANDS if command in (None, name.rstrip("_"))]
    for module in _modules(names):
        sub = commands.add_parser(
            module.NAME, help=module.HELP, description=module.HELP, formatter_class=HelpFormatter
        )
        module.add_arguments(sub)
        modules[module.NAME] = module
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Run azpipe; returns the exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    named = words[0] if words and words[0] in _NAMES and "_ARGCOMPLETE" not in os.environ else None
    parser, modules = build_parser(named)
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (azpipe completion SHELL)
        import argcomplete

        argcomplete.autocomplete(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(modules[args.command].run(args))
    except KeyboardInterrupt:
        print("azpipe: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:
        return _failed(error)


# What only writing can fail with: a redirect to a full disk or past a quota or size limit.
_OUTPUT_LOST = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _failed(error: Exception) -> int:
    """Exit code 2, and one line that says why: the output could not be written, or an azpipe
    bug (not a traceback)."""
    if isinstance(error, OSError) and error.errno in _OUTPUT_LOST:
        _say(f"azpipe: cannot write the output: {error.strerror}")
    else:
        _say(f"azpipe: internal error: {type(error).__name__}: {error}")
        _say("please report it with the file that caused it")
    return 2


def _say(line: str) -> None:
    """``line`` on stderr, if there is one to write to."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            print(line, file=sys.stderr)


def entry() -> None:
    """Console-script entry point."""
    share_with_pyyaml()  # PyYAML's import then skips its costliest regular expression
    if sys.argv[1:2] != ["check"]:
        code = main()
        flushed = _flush()
        if flushed != "ok":  # the interpreter would try again on its way out, and say so
            _leave(2 if flushed == "lost" else code)
        sys.exit(code)
    # The process ends when the check does, and the front end makes no garbage cycles:
    # the cyclic collector would only walk every module and node again (15 % of an
    # example's check, with the imports; 6 % at 10,000 steps). Freeing the modules and
    # every node one by one on the way out is another 14 % of an example's time and 7 %
    # of 1,000 steps' (benchmarks/check_instructions.py; more in seconds, as freeing
    # touches memory everywhere): check writes nothing but its two streams, so it
    # flushes them and leaves without tearing down.
    gc.disable()
    code = main()
    _leave(2 if _flush() == "lost" else code)


def _flush() -> str:
    """Flush stdout and stderr: ``"ok"``; ``"lost"`` when stdout could not be written to a full
    disk (said on stderr: exit code 2); ``"gone"`` when a stream could not be flushed for
    another reason (a reader that stopped reading, which is no failure)."""
    flushed = "ok"
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with it closed
            continue
        try:
            stream.flush()
        except OSError as error:
            if stream is sys.stdout and error.errno in _OUTPUT_LOST:
                _failed(error)
                flushed = "lost"
            else:
                flushed = "gone" if flushed == "ok" else flushed
        except ValueError:  # closed
            pass
    return flushed


def _leave(code: int) -> NoReturn:
    """End the process with ``code`` at once (no teardown), its streams flushed or given up."""
    os._exit(code)
