"""``azpipe submit``: provision what a pipeline declares and submit it to an Azure ML workspace.

Order: check the file, apply ``--set``, compile (the ``@dsl.pipeline`` module
``azpipe compile`` writes), then read the workspace, create or skip
environments, data assets and compute, submit the job and print its name and
Studio URL. ``--dry-run`` stops before the workspace: no client, no request.
Exit codes: 0 submitted (with ``--stream``: the job completed), 1 the file has
errors, Azure refused or the streamed job did not complete, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys

from azpipe.cli.common import add_color_argument, use_color
from azpipe.localrun.options import assignment
from azpipe.submit.workspace import add_workspace_arguments

NAME = "submit"
HELP = "provision environments, data and compute, then submit the pipeline to Azure ML"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe submit``."""
    parser.add_argument("file", metavar="FILE", help="the pipeline file")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        type=assignment,
        default=[],
        metavar="NAME=VALUE",
        help="give pipeline input NAME this value (read as the input's type; asset inputs take a "
        "path, URI or azureml: reference)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would be provisioned and the job as YAML; send nothing to Azure",
    )
    parser.add_argument(
        "--stream",
        action="store_true",
        help="follow the job's logs until it ends; exit 0 only if it completed",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log each decision and request (never a token or key)"
    )
    add_workspace_arguments(parser)
    add_color_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Submit ``args.file``; see the module docstring for exit codes."""
    from azpipe.submit.command import submit_command
    from azpipe.submit.console import Console

    return submit_command(args, Console(sys.stdout, sys.stderr, color=use_color(args.color, sys.stderr)))
