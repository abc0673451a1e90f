"""``azpipe run``: run a pipeline on this machine, reusing unchanged steps."""

from __future__ import annotations

import argparse
import sys

from azpipe.cli.common import add_color_argument, add_format_argument, use_color
from azpipe.localrun.options import add_plan_arguments, add_run_arguments, options_from

NAME = "run"
HELP = "run a pipeline on this machine (parallel, cached, with Azure ML's semantics)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe run``."""
    add_plan_arguments(parser)
    add_run_arguments(parser)
    add_format_argument(
        parser, ("text", "json"), "text (default): the summary table; json: the run's record (run.json)"
    )
    add_color_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Run the pipeline; exit 0, 1 (a step failed), 2 (refused before starting) or 130 (interrupted)."""
    import os

    from azpipe.localrun.runner import Console, run_command

    if os.name != "posix":
        print("azpipe run: local runs need a POSIX system (/bin/sh and process groups)", file=sys.stderr)
        return 2
    console = Console(sys.stdout, sys.stderr, use_color(args.color), use_color(args.color, sys.stderr))
    return run_command(args.file, options_from(args), console, as_json=args.format == "json")
