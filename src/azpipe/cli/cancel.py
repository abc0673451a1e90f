"""``azpipe cancel``: ask Azure ML to cancel a job."""

from __future__ import annotations

import argparse
import sys

from azpipe.cli.common import add_color_argument, use_color
from azpipe.submit.workspace import add_workspace_arguments

NAME = "cancel"
HELP = "cancel an Azure ML job"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe cancel``."""
    parser.add_argument("name", metavar="JOB", help="the job name `azpipe submit` printed")
    parser.add_argument(
        "--no-wait", action="store_true", help="return once the request is sent, without waiting for Azure"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log each request (never a token or key)"
    )
    add_workspace_arguments(parser)
    add_color_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Cancel the job; 0 when Azure accepted, 1 when it refused, 2 on a usage error."""
    from azpipe.submit.command import cancel_command
    from azpipe.submit.console import Console

    return cancel_command(args, Console(sys.stdout, sys.stderr, color=use_color(args.color)))
