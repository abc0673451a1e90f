"""``azpipe diff``: what changed between two versions of a pipeline, like ``diff``."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from typing import TYPE_CHECKING

from azpipe.cli.common import add_color_argument, add_format_argument

if TYPE_CHECKING:
    from azpipe.model import Pipeline

NAME = "diff"
HELP = "show the steps and edges added, removed and changed between two versions of a pipeline"
FORMATS = ("text", "mermaid", "markdown")


class UsageError(Exception):
    """A mistake in the command line or its files: one line on stderr, exit 2."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe diff``."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="OLD NEW, or one FILE with --rev")
    parser.add_argument(
        "--rev",
        metavar="REV",
        help="compare FILE as it is in git revision REV (e.g. main, HEAD~1) with the working copy",
    )
    add_format_argument(
        parser, FORMATS, "text (default), mermaid (changes coloured) or markdown (for a pull-request comment)"
    )
    parser.add_argument(
        "--direction",
        type=str.upper,
        choices=("TB", "LR"),
        default="TB",
        help="direction of the mermaid drawing",
    )
    add_color_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Compare; exit 0 when the same, 1 when different, 2 on usage errors."""
    try:
        (old, old_label), (new, new_label) = _sides(args)
    except UsageError as error:
        print(f"azpipe diff: {error}", file=sys.stderr)
        return 2
    from azpipe.diffing import diff_pipelines

    for pipeline, label in ((old, old_label), (new, new_label)):
        _warn_errors(pipeline, label)
    difference = diff_pipelines(old, new)
    if not difference.same:
        sys.stdout.write(_render(args, difference, old_label, new_label))
    return 0 if difference.same else 1


def _render(args: argparse.Namespace, difference: object, old_label: str, new_label: str) -> str:
    from azpipe.cli.common import use_color
    from azpipe.diffing import PipelineDiff
    from azpipe.render import diff as render_diff

    assert isinstance(difference, PipelineDiff)
    if args.format == "mermaid":
        return render_diff.mermaid_text(difference, args.direction)
    if args.format == "markdown":
        return render_diff.markdown(difference, old_label, new_label, args.direction)
    return render_diff.text(difference, old_label, new_label, use_color(args.color))


def _sides(args: argparse.Namespace) -> tuple[tuple[Pipeline, str], tuple[Pipeline, str]]:
    if args.rev is not None:
        if len(args.files) != 1:
            raise UsageError("with --rev, give exactly one FILE")
        path = args.files[0]
        return _from_git(path, args.rev), (_load(path), path)
    if len(args.files) != 2:
        raise UsageError("give two files (OLD NEW), or one FILE with --rev REV")
    return (_load(args.files[0]), args.files[0]), (_load(args.files[1]), args.files[1])


def _load(path: str) -> Pipeline:
    from azpipe.loading import load

    if not os.path.isfile(path):
        raise UsageError(f"no such file: {path}")
    return load(path)


def _from_git(path: str, rev: str) -> tuple[Pipeline, str]:
    """``path`` as it is in git revision ``rev`` (``git show REV:./FILE``, no shell)."""
    from azpipe.loading import loads

    if not rev or rev.startswith("-") or "\n" in rev:
        raise UsageError(f"not a git revision: {rev!r}")
    if not os.path.isfile(path):
        raise UsageError(f"no such file: {path}")
    folder, name = os.path.split(os.path.abspath(path))
    command = ["git", "-C", folder, "show", f"{rev}:./{name}"]
    try:
        result = subprocess.run(command, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise UsageError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError("git show timed out") from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"cannot read {path} at {rev}: {detail[-1] if detail else 'git show failed'}")
    try:
        text = result.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} at {rev} is not UTF-8") from None
    label = f"{path}@{rev}"
    return loads(text, path=label, base_dir=folder), label


def _warn_errors(pipeline: Pipeline, label: str) -> None:
    from azpipe.diagnostics import Severity

    count = sum(1 for d in pipeline.diagnostics if d.severity >= Severity.ERROR)
    if count:
        noun = "error" if count == 1 else "errors"
        print(f"azpipe diff: warning: {label} has {count} {noun}; comparing what could be read "
              f"(run `azpipe check`)", file=sys.stderr)  # fmt: skip
