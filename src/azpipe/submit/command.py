"""The three commands, end to end: ``submit``, ``status`` and ``cancel``.

Every failure is one line on standard error prefixed ``azpipe COMMAND:``; exit
codes are 0 success, 1 the file has errors or Azure refused, 2 usage error or
an azpipe bug (still one line, redacted, no traceback).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from azpipe.extras import MissingExtra
from azpipe.submit.console import Console
from azpipe.submit.errors import AzureFailure, one_line
from azpipe.submit.overrides import OverrideError, apply_overrides, read_overrides
from azpipe.submit.workspace import Workspace, WorkspaceNotConfigured, resolve_workspace

LOGGER = logging.getLogger("azpipe.submit")


class Stop(Exception):
    """End the command with ``code`` after printing ``message`` (if any)."""

    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def submit_command(args: argparse.Namespace, console: Console) -> int:
    """``azpipe submit``."""
    return _guard("submit", console, args.verbose, lambda: _submit(args, console))


def status_command(args: argparse.Namespace, console: Console) -> int:
    """``azpipe status``."""
    return _guard("status", console, args.verbose, lambda: _status(args, console))


def cancel_command(args: argparse.Namespace, console: Console) -> int:
    """``azpipe cancel``."""
    return _guard("cancel", console, args.verbose, lambda: _cancel(args, console))


def _guard(command: str, console: Console, verbose: bool, body: Callable[[], int]) -> int:
    """Run ``body``; every way it can fail becomes one redacted line and an exit code."""
    with _verbose_log(console, verbose):
        try:
            return body()
        except Stop as stop:
            if stop.message:
                console.note(f"azpipe {command}: {stop.message}")
            return stop.code
        except AzureFailure as failure:
            console.note(f"azpipe {command}: {failure}")
            return 1
        except MissingExtra as missing:
            console.note(f"azpipe {command}: {missing}")
            return 2
        except KeyboardInterrupt:
            raise
        except Exception as error:  # an azpipe bug: one line, redacted, not a traceback
            console.note(f"azpipe {command}: internal error: {type(error).__name__}: {one_line(str(error))}")
            console.note("please report it with the command that caused it")
            return 2


@contextmanager
def _verbose_log(console: Console, verbose: bool) -> Iterator[None]:
    if not verbose:
        yield
        return
    from azpipe.submit.client import disable_verbose, enable_verbose

    handler = enable_verbose(console.err)
    try:
        yield
    finally:
        disable_verbose(handler)


# ----------------------------------------------------------------------------- submit


def _submit(args: argparse.Namespace, console: Console) -> int:
    from azpipe.submit.compiled import compile_pipeline

    pipeline = _load(args.file, console)
    try:
        overrides = read_overrides(pipeline, args.sets)
    except OverrideError as error:
        raise Stop(2, str(error)) from None
    apply_overrides(pipeline, overrides)
    workspace, problem = _workspace_or_problem(args)
    if args.dry_run:
        return int(
            _compiled(pipeline, console, lambda p: _dry_run(p, workspace, problem, overrides, console))
        )
    if problem or workspace is None:
        raise Stop(2, problem or "no workspace")
    return _send(args, _compiled(pipeline, console, compile_pipeline), workspace, console)


def _load(path: str, console: Console) -> Any:
    """The pipeline, or :class:`Stop` with its diagnostics printed."""
    from azpipe.loading import load

    if not os.path.isfile(path):
        raise Stop(2, f"no such file: {path}")
    pipeline = load(path)
    if not pipeline.ok:
        _print_diagnostics(console, pipeline.check(), pipeline.sources)
        raise Stop(1)
    return pipeline


def _compiled(pipeline: Any, console: Console, compile: Callable[[Any], Any]) -> Any:
    """``compile(pipeline)``, or :class:`Stop` with the reasons the pipeline cannot compile printed."""
    from azpipe.emit import CompileRefused

    try:
        return compile(pipeline)
    except CompileRefused as refused:
        _print_diagnostics(console, refused.diagnostics, pipeline.sources)
        raise Stop(1) from None


def _print_diagnostics(console: Console, diagnostics: list[Any], sources: dict[str, str]) -> None:
    """Diagnostics as ``azpipe check`` prints them, to standard error."""
    from azpipe.report.text import render

    print(render(diagnostics, sources, 1, console.color), file=console.err)


def _workspace_or_problem(args: argparse.Namespace) -> tuple[Workspace | None, str | None]:
    try:
        workspace = resolve_workspace(args)
    except WorkspaceNotConfigured as error:
        return None, str(error)
    LOGGER.debug("%s, from %s", workspace.describe(), workspace.origin())
    return workspace, None


def _dry_run(
    pipeline: Any, workspace: Workspace | None, problem: str | None, overrides: list[Any], console: Console
) -> int:
    """Print the plan and the job; no client is made and azure-ai-ml is not even imported."""
    from azpipe.emit.yaml import emit_yaml
    from azpipe.submit.plan import DryRun, default_experiment, provisioning, render, uploads

    dry = DryRun(
        pipeline.name,
        pipeline.experiment or f"unset (azure-ai-ml uses the current folder's name: {default_experiment()})",
        workspace,
        problem,
        provisioning(pipeline),
        uploads(pipeline),
        overrides,
        emit_yaml(pipeline),
    )
    console.out.write(render(dry))
    if problem:
        console.note("azpipe submit: warning: no workspace configured; a real submission would stop here")
    return 0


def _send(args: argparse.Namespace, compiled: Any, workspace: Workspace, console: Console) -> int:
    from azpipe.submit import jobs
    from azpipe.submit.client import connect
    from azpipe.submit.provision import provision

    ml_client = connect(workspace, verbose=args.verbose, show_progress=console.tty)
    jobs.check_workspace(ml_client, workspace)
    console.note(f"submitting to {workspace.describe()}")
    provision(ml_client, compiled, console, workspace)
    submitted = jobs.submit(ml_client, compiled.job, compiled.experiment, workspace, console)
    console.result(
        f"submitted job {submitted.name} (experiment {submitted.experiment or 'Default'}, status {submitted.status})"
    )
    console.result(f"Studio: {submitted.studio_url or 'not given by the service'}")
    if not args.stream:
        return 0
    return _stream(ml_client, submitted.name, workspace, console)


def _stream(ml_client: Any, name: str, workspace: Workspace, console: Console) -> int:
    from azpipe.submit import jobs

    try:
        return jobs.follow(ml_client, name, workspace, console)
    except KeyboardInterrupt:
        console.note(
            f"azpipe submit: stopped following job {name}; it keeps running (`azpipe cancel {name}`)"
        )
        return 130


# ----------------------------------------------------------------------------- status and cancel


def _connected(args: argparse.Namespace) -> tuple[Any, Workspace]:
    """A client for the workspace the arguments name, after reading the workspace once."""
    from azpipe.submit import jobs
    from azpipe.submit.client import connect
    from azpipe.submit.compiled import import_azure_ml

    workspace, problem = _workspace_or_problem(args)
    if problem or workspace is None:
        raise Stop(2, problem or "no workspace")
    import_azure_ml()
    ml_client = connect(workspace, verbose=args.verbose)
    jobs.check_workspace(ml_client, workspace)
    return ml_client, workspace


def _status(args: argparse.Namespace, console: Console) -> int:
    from azpipe.submit import jobs

    ml_client, workspace = _connected(args)
    found = jobs.status(ml_client, args.name, workspace)
    if args.format == "json":
        console.result(json.dumps(found.as_dict(), indent=2))
        return 0
    console.result(f"{'job':<13}{found.name}")
    console.result(f"{'status':<13}", found.status)
    rows = [
        ("display name", found.display_name or ""),
        ("experiment", found.experiment or ""),
        ("studio", found.studio_url or ""),
    ]
    for label, value in rows:
        console.result(f"{label:<13}{value}")
    if found.steps:
        console.result("steps")
        width = max(len(name) for name, _ in found.steps)
        for name, state in found.steps:
            console.result(f"  {name:<{width}}  ", state)
    return 0


def _cancel(args: argparse.Namespace, console: Console) -> int:
    from azpipe.submit import jobs

    ml_client, workspace = _connected(args)
    state = jobs.cancel(ml_client, args.name, workspace, console, wait=not args.no_wait)
    console.result(f"job {args.name}: ", state)
    return 0
