"""``azpipe status``: the state of a job in the workspace (and of each step of a pipeline)."""

from __future__ import annotations

import argparse
import sys

from azpipe.submit.workspace import add_workspace_arguments

NAME = "status"
HELP = "show the status of an Azure ML job and of each of its steps"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe status``."""
    parser.add_argument("name", metavar="JOB", help="the job name `azpipe submit` printed")
    parser.add_argument("--json", action="store_true", help="print JSON: name, status, studio_url, steps")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log each request (never a token or key)"
    )
    add_workspace_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print the job's status; 0 when found, 1 when Azure refused, 2 on a usage error."""
    from azpipe.submit.command import status_command
    from azpipe.submit.console import Console

    return status_command(args, Console(sys.stdout, sys.stderr))
