"""Parallel steps run locally: Azure ML's parallel run emulated by :mod:`azpipe.localrun.parallel_driver`.

The planner plans a parallel step like a command step whose command is the task's
``program_arguments`` (so they reach the entry script as Azure ML passes them, each
placeholder value one intact argument), behind a marker that stands for the
parallel settings in the cache key. :func:`parallel_command` then makes the script
start the driver with this interpreter, in the step's code snapshot, with the
settings in ``$AZPIPE_PARALLEL_SPEC``; the driver runs ``-j`` workers (at most one
per mini-batch). What the plan shows: the split of a local ``input_data`` folder
into mini-batches (an upstream output is split when the run gets there), the
workers, retries and thresholds, then the entry script and its arguments.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from azpipe.checks.parallel import effective
from azpipe.expr.ast import Part, Template, Text
from azpipe.localrun import parallel_driver
from azpipe.localrun.render_command import RenderedCommand
from azpipe.model import LEGACY_TYPES, Parallel, Pipeline, Step
from azpipe.resolve import source_type

if TYPE_CHECKING:
    from azpipe.localrun.inputs import InputValue
    from azpipe.localrun.planner import Planner

MARKER = "azpipe-parallel:"  # the command's head: the settings' digest (in the cache key, never run)
SHOWN_BATCHES = 5  # mini-batches the plan lists


def settings_of(parallel: Parallel) -> dict[str, Any]:
    """The settings the driver needs from the model (paths and workers are added when planned)."""
    return {
        "entry_script": parallel.entry_script,
        "mini_batch_size": parallel.mini_batch_size,
        "partition_keys": parallel.partition_keys,
        "error_threshold": parallel.error_threshold,
        "mini_batch_error_threshold": parallel.mini_batch_error_threshold,
        "max_retries": parallel.retry_settings.get("max_retries"),
        "timeout": parallel.retry_settings.get("timeout"),
        "logging_level": parallel.logging_level,
    }


def local_parallel(step: Step) -> Step:
    """``step`` with a command the planner can plan: the marker, then the program arguments.

    A node of a parallel component file runs with the component's settings and task, each
    overridden by the node's; a registered component's task is only known to the workspace
    (left without a command, which the planner refuses with why).
    """
    if step.uses is not None and not step.uses.known:
        return replace(step, command=None)
    parallel = effective(step)
    assert parallel is not None
    step = replace(step, parallel=parallel)
    settings = dict(
        settings_of(parallel), input_data=parallel.input_data, append_row_to=parallel.append_row_to
    )
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    parts: tuple[Part, ...] = (Text(f"{MARKER}{digest} "),)
    if parallel.program_arguments is not None:
        parts += parallel.program_arguments.parts
    return replace(step, command=Template(parts), command_node=parallel.program_arguments_node)


def parallel_command(
    step: Step,
    rendered: RenderedCommand,
    inputs: dict[str, tuple[str | None, str | None]],
    outputs: dict[str, tuple[str, str]],
    workers: int,
) -> RenderedCommand:
    """The script that starts the driver, and what the plan shows.

    ``inputs`` map each input to (text, type); ``outputs`` each output to (type, path).
    """
    parallel = step.parallel
    assert parallel is not None and parallel.input_data is not None
    head = rendered.script.split(" ", 1)
    arguments = head[1] if len(head) > 1 else ""
    source, kind = inputs.get(parallel.input_data, (None, None))
    spec = dict(settings_of(parallel), input_data=source, input_type=kind or "uri_folder", workers=workers)
    if parallel.append_row_to is not None and parallel.append_row_to in outputs:
        spec["append_row_type"], spec["append_row_to"] = outputs[parallel.append_row_to]
    values = {
        **rendered.values,
        "AZPIPE_PARALLEL_PYTHON": sys.executable,
        "AZPIPE_PARALLEL_DRIVER": parallel_driver.__file__,
        "AZPIPE_PARALLEL_SPEC": json.dumps(spec),
    }
    script = '"$AZPIPE_PARALLEL_PYTHON" "$AZPIPE_PARALLEL_DRIVER" ' + arguments
    shown_arguments = rendered.display.split(" ", 1)[1] if " " in rendered.display else ""
    display = [*split_note(spec, workers), f"{parallel.entry_script} {shown_arguments}".rstrip()]
    return RenderedCommand(script, values, "\n".join(display))


def split_note(spec: dict[str, Any], workers: int) -> list[str]:
    """The plan's lines for a parallel step: the mini-batches, the workers, retries and thresholds."""
    retries = spec.get("max_retries") or parallel_driver.DEFAULT_RETRIES
    timeout = spec.get("timeout") or parallel_driver.DEFAULT_TIMEOUT
    limits = (
        f"up to {workers} worker{'s' if workers != 1 else ''}, init() once each; {retries} tries of "
        f"{timeout:g} s per mini-batch; error thresholds: {_limit(spec.get('mini_batch_error_threshold'))} "
        f"mini-batches, {_limit(spec.get('error_threshold'))} items"
    )
    target = spec.get("append_row_to")
    if target:
        file = (
            target
            if spec.get("append_row_type") == "uri_file"
            else os.path.join(target, parallel_driver.ROW_FILE)
        )
        limits += f"; rows appended to {file}"
    return [f"parallel: {_split(spec)}", f"  {limits}"]


def _limit(value: int | None) -> str:
    return "any number of" if value is None or value == -1 else f"at most {value}"


def _split(spec: dict[str, Any]) -> str:
    """The mini-batches of a local folder, listed (a table's, or a folder not there yet, described)."""
    source, size = spec.get("input_data"), spec.get("mini_batch_size")
    if spec.get("input_type") == "mltable":
        amount = f"about {size}" if size else "about 1mb"
        keys = spec.get("partition_keys")
        how = f"one per value of {', '.join(keys)}" if keys else f"rows of {amount} each"
        return f"the MLTable's rows in mini-batches ({how}), read when the step runs"
    if not source or not os.path.isdir(source):
        return f"the files of `input_data` in mini-batches of {size or parallel_driver.DEFAULT_FILES}, split when the step runs"
    try:
        files = parallel_driver.folder_files(source)
        batches = parallel_driver.split_files(files, size)
    except (parallel_driver.SplitError, OSError) as error:
        return f"cannot split `input_data`: {error}"
    lines = [
        f"{len(files)} file{'s' if len(files) != 1 else ''} in {len(batches)} mini-batch{'es' if len(batches) != 1 else ''}"
    ]
    for number, batch in enumerate(batches[:SHOWN_BATCHES], start=1):
        names = [os.path.relpath(path, source) for path in batch]
        shown = ", ".join(names[:4]) + (f", … ({len(names)} files)" if len(names) > 4 else "")
        lines.append(f"  mini-batch {number}: {shown}")
    if len(batches) > SHOWN_BATCHES:
        lines.append(f"  … {len(batches) - SHOWN_BATCHES} more")
    return "\n".join(lines)


def planned_parallel(
    planner: Planner,
    step: Step,
    rendered: RenderedCommand,
    inputs: dict[str, InputValue],
    outputs: dict[str, Any],
) -> RenderedCommand:
    """The planner's hook: the driver's script for ``step``, with ``-j`` workers."""
    texts = {name: (value.text, _input_type(planner.pipeline, step, name)) for name, value in inputs.items()}
    slots = {name: (slot.type, slot.path) for name, slot in outputs.items()}
    return parallel_command(step, rendered, texts, slots, planner.jobs)


def _input_type(pipeline: Pipeline, step: Step, name: str) -> str | None:
    port = step.inputs[name]
    found = port.type or source_type(pipeline, port)
    return LEGACY_TYPES.get(found, found) if found else None
