"""``azpipe status``: the state of a job in the workspace (and of each step of a pipeline)."""

from __future__ import annotations

import argparse
import sys

from azpipe.cli.common import add_color_argument, add_format_argument, use_color
from azpipe.submit.workspace import add_workspace_arguments

NAME = "status"
HELP = "show the status of an Azure ML job and of each of its steps"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe status``."""
    parser.add_argument("name", metavar="JOB", help="the job name `azpipe submit` printed")
    add_format_argument(
        parser,
        ("text", "json"),
        "text (default) or json: name, status, display_name, experiment, studio_url, steps",
    )
    # `--json` was the first spelling; kept working, hidden from --help and completion.
    parser.add_argument("--json", dest="format", action="store_const", const="json", help=argparse.SUPPRESS)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log each request (never a token or key)"
    )
    add_workspace_arguments(parser)
    add_color_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Print the job's status; 0 when found, 1 when Azure refused, 2 on a usage error."""
    from azpipe.submit.command import status_command
    from azpipe.submit.console import Console

    return status_command(args, Console(sys.stdout, sys.stderr, color=use_color(args.color)))
