"""``azpipe plan``: what ``azpipe run`` would do, without running anything."""

from __future__ import annotations

import argparse
import sys

from azpipe.cli.common import add_color_argument, add_format_argument, use_color
from azpipe.localrun.options import add_plan_arguments, options_from

NAME = "plan"
HELP = "show the order, exact commands and run-or-reuse decision of each step of a local run"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe plan``."""
    add_plan_arguments(parser)
    add_format_argument(
        parser, ("text", "json"), "text (default) or json (the steps, their commands and decisions)"
    )
    add_color_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Print the plan; exit 1 if the file has errors, 2 if the run would be refused."""
    from azpipe.localrun.runner import Console, plan_command

    console = Console(sys.stdout, sys.stderr, use_color(args.color), use_color(args.color, sys.stderr))
    return plan_command(args.file, options_from(args), console, as_json=args.format == "json")
