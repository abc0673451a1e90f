"""Command-line options shared by ``azpipe plan`` and ``azpipe run``.

This module stays light (argparse only): subcommand modules import it at start-up.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import field

from azpipe.records import record


@record(frozen=True)
class RunOptions:
    """What the user asked for on the command line."""

    sets: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    force: bool = False
    force_steps: tuple[str, ...] = ()
    jobs: int = 1
    continue_on_failure: bool | None = None
    pass_env: tuple[str, ...] = ()
    allow_outside: bool = False
    trials: int = 3  # trials of each sweep step a local run runs


def assignment(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` split at the first ``=`` (an argparse ``type``)."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got `{text}`")
    return name.strip(), value


def positive(text: str) -> int:
    """A positive integer (an argparse ``type``)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got `{text}`")
    return int(text)


def add_plan_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments that decide what would run: the file, values, mappings, forcing."""
    parser.add_argument("file", metavar="FILE", help="the pipeline file")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        type=assignment,
        default=[],
        metavar="NAME=VALUE",
        help="give pipeline input NAME this value (read as the input's type)",
    )
    parser.add_argument(
        "--input",
        dest="inputs",
        action="append",
        type=assignment,
        default=[],
        metavar="NAME=PATH",
        help="use local PATH for asset input NAME (needed for inputs only in Azure)",
    )
    parser.add_argument("--force", action="store_true", help="run every step, reusing nothing")
    parser.add_argument(
        "--allow-outside",
        action="store_true",
        help="follow symbolic links in input data that lead out of their folder (or the repository), "
        "hashing what they reach",
    )
    parser.add_argument(
        "--trials",
        type=positive,
        default=3,
        metavar="N",
        help="run N trials of each sweep step (default 3, at most its max_total_trials)",
    )
    parser.add_argument(
        "--force-step",
        dest="force_steps",
        action="append",
        default=[],
        metavar="STEP",
        help="run STEP (and so everything downstream of it) even if it could be reused",
    )


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments that only ``azpipe run`` takes."""
    parser.add_argument(
        "-j",
        "--jobs",
        type=positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="run up to N steps at once (default: the number of CPU cores)",
    )
    parser.add_argument(
        "--continue-on-step-failure",
        dest="continue_on_failure",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="after a step fails, still start steps that do not depend on it "
        "(default: the pipeline's setting, else yes)",
    )
    parser.add_argument(
        "--pass-env",
        dest="pass_env",
        action="append",
        default=[],
        metavar="NAME",
        help="pass environment variable NAME to the steps (not passed by default)",
    )


def options_from(args: argparse.Namespace) -> RunOptions:
    """The options of a parsed command line (``run`` options default when absent)."""
    return RunOptions(
        sets=dict(args.sets),
        inputs=dict(args.inputs),
        force=args.force,
        force_steps=tuple(args.force_steps),
        jobs=getattr(args, "jobs", os.cpu_count() or 1),  # plan: what run does by default
        continue_on_failure=getattr(args, "continue_on_failure", None),
        pass_env=tuple(getattr(args, "pass_env", ())),
        allow_outside=args.allow_outside,
        trials=getattr(args, "trials", 3),
    )
