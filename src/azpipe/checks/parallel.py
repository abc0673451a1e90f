"""Parallel steps (rule family L1xx): what Azure ML's parallel node needs to run.

``input_data`` names a folder or table input of the step, ``append_row_to`` one
of its outputs; the entry script exists in the task's code and defines
``init()`` and ``run(mini_batch)`` (read with :mod:`ast`, never imported);
``mini_batch_size`` reads as Azure ML reads it; thresholds, concurrency and
retries are in range; ``program_arguments`` names only the step's own ports.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from dataclasses import replace

from azpipe.checks import ports as port_checks
from azpipe.checks import shell as shell_checks
from azpipe.checks import values
from azpipe.checks.component_files import used_files
from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import Component, Parallel, Pipeline, Step
from azpipe.readers.interface import is_local_path
from azpipe.readers.parallel_component import read_parallel_component
from azpipe.readers.reader import Reader
from azpipe.resolve import source_type
from azpipe.rules import rule
from azpipe.source.local_paths import check_path
from azpipe.suggest import Suggestions, did_you_mean

# The settings a node may set over its parallel component's.
OVERRIDABLE = (
    "input_data", "mini_batch_size", "partition_keys", "max_concurrency_per_instance", "error_threshold",
    "mini_batch_error_threshold", "logging_level",
)  # fmt: skip
SPLITTABLE = ("uri_folder", "mltable", "path")  # `path`: the older name of uri_folder
# azure-ai-ml's rule (entities/_builders/parallel.py), less what its conversion then refuses.
MINI_BATCH_SIZE = re.compile(r"^\d+([kKmMgG][bB])?$")
MAX_SCRIPT_BYTES = 2_000_000  # an entry script larger than this is not read
# (setting, lowest value, what it means): Azure ML's documented ranges.
RANGES = (
    ("error_threshold", -1, "-1 ignores every failed item"),
    ("mini_batch_error_threshold", -1, "-1 ignores every failed mini-batch"),
    ("max_concurrency_per_instance", 1, "the number of worker processes per node"),
    ("retry_settings.max_retries", 1, "the number of tries of a failed mini-batch"),
    ("retry_settings.timeout", 1, "the seconds one run() call may take"),
)


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Every parallel step's problems, and those of the parallel component files they use."""
    yield from component_file_problems(pipeline)
    for step in pipeline.steps.values():
        if step.parallel is not None and step.uses is not None:
            yield from _uses_step(pipeline, step, step.parallel)
        elif step.parallel is not None:
            yield from _step(pipeline, step, step.parallel)
        elif step.uses is not None and step.uses.parallel is not None:
            yield from _not_a_parallel_node(step)


def _step(pipeline: Pipeline, step: Step, parallel: Parallel) -> Iterator[Diagnostic]:
    yield from _input_data(pipeline, step, parallel)
    yield from _append_row_to(step, parallel)
    yield from _entry_script(step, parallel, step.code, pipeline.base_dir)
    yield from _mini_batch_size(step, parallel)
    yield from _ranges(step, parallel)
    yield from _arguments(step, parallel)


def _not_a_parallel_node(step: Step) -> Iterator[Diagnostic]:
    """A command node (``type: command``, or no type) whose component is a parallel component or flow."""
    yield rule("L108").at(
        step.uses_span or step.span,
        f"step `{step.name}` is a command step but its component is a parallel component",
        "write `type: parallel` on the job: azure-ai-ml loads a parallel component only into a parallel node",
    )


def effective(step: Step) -> Parallel | None:
    """The settings a node of a parallel component runs with: the component's, each overridden by
    the node's own where it sets one (spans follow: the node's, else the component file's)."""
    node, component = step.parallel, step.uses.parallel if step.uses is not None else None
    if node is None or component is None:
        return node
    merged = replace(component, spans=dict(component.spans), retry_settings=dict(component.retry_settings))
    for key in OVERRIDABLE:
        value = getattr(node, key)
        if value is not None:
            setattr(merged, key, value)
    merged.retry_settings.update(node.retry_settings)
    merged.spans.update(node.spans)
    return merged


def _uses_step(pipeline: Pipeline, step: Step, node: Parallel) -> Iterator[Diagnostic]:
    """A node of a parallel component: its own settings; with a known component, the settings it runs
    with (input_data must still name a folder or table input, and the entry script must exist)."""
    component = step.uses
    merged = effective(step) or node
    yield from _mini_batch_size(step, merged)
    yield from _ranges(step, merged)
    if component is None or not component.known or step.incomplete:
        return
    if node.input_data is not None or merged.flow is None:
        yield from _input_data(pipeline, step, merged)
    if merged.flow is None and component.code is not None and component.path is not None:
        code = os.path.join(os.path.dirname(component.path), component.code)
        yield from _entry_script(step, merged, code, pipeline.base_dir)


def parallel_component_problems(component: Component, base_dir: str) -> list[Diagnostic]:
    """A parallel component file checked on its own (``base_dir``: its folder): its settings'
    ranges and mini-batch size, its task's code folder and entry script."""
    parallel = component.parallel
    if parallel is None or parallel.flow is not None:
        return []
    owner = Step(component.name, component.span)
    found = [*_mini_batch_size(owner, parallel), *_ranges(owner, parallel)]
    if component.code is not None and is_local_path(component.code):
        what = f"`task.code` of component `{component.name}`"
        found += check_path(base_dir, component.code, _span(owner, parallel, "task.code"), what)
    found += _environment_files(component, base_dir)
    if component.code is not None:
        found += _entry_script(owner, parallel, component.code, base_dir)
    return found


def _environment_files(component: Component, base_dir: str) -> list[Diagnostic]:
    """The local files an inline task environment names (azure-ai-ml reads them on load)."""
    environment = component.environment.inline if component.environment is not None else None
    if environment is None:
        return []
    found: list[Diagnostic] = []
    for key, value in (("conda_file", environment.conda_file), ("build.path", environment.build.get("path"))):
        span = environment.value_spans.get(key)
        if value and span is not None and is_local_path(value):
            found += check_path(
                base_dir, value, span, f"`task.environment.{key}` of component `{component.name}`"
            )
    return found


def component_file_problems(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """The keys and values of each parallel component file ``pipeline``'s steps use, against
    azure-ai-ml's schema (:mod:`azpipe.schema.parallel_component`), as when the file is checked
    on its own: its reader leaves those to the schema. Each file is read again (with a reader
    of its own, so what that reader reports is not reported twice) and walked once."""
    for component, root, found in used_files(pipeline, _parallel_file):
        reader = Reader()
        read_parallel_component(reader, root, component.path or "", f"component file `{component.path}`")
        yield from values.check(root, "used-parallel-component", found + reader.diagnostics)


def _parallel_file(component: Component) -> bool:
    return component.parallel is not None and component.parallel.flow is None


def _span(step: Step, parallel: Parallel, key: str) -> Span:
    return parallel.spans.get(key) or parallel.span or step.span


def _input_data(pipeline: Pipeline, step: Step, parallel: Parallel) -> Iterator[Diagnostic]:
    name = parallel.input_data
    if name is None:
        return
    span = _span(step, parallel, "input_data")
    port = step.inputs.get(name)
    if port is None:
        hint = did_you_mean(name, step.inputs) or _ports_hint(step, "inputs")
        yield rule("L101").at(span, f"`input_data` of step `{step.name}` names no input `{name}`", hint)
        return
    kind = port.type or source_type(pipeline, port)
    if kind is not None and kind not in SPLITTABLE:
        literal = port.binding is not None and port.binding.ref is None
        yield rule("L102").at(
            port.binding.span if literal and port.binding else span,  # a value given for data: at it
            f"`input_data` of step `{step.name}` is input `{name}` of type `{kind}`",
            "Azure ML splits a `uri_folder` (files) or an `mltable` (rows) into mini-batches",
        )


def _append_row_to(step: Step, parallel: Parallel) -> Iterator[Diagnostic]:
    name = parallel.append_row_to
    if name is None or name in step.outputs:
        return
    hint = did_you_mean(name, step.outputs) or _ports_hint(step, "outputs")
    span = _span(step, parallel, "task.append_row_to")
    yield rule("L101").at(span, f"`task.append_row_to` of step `{step.name}` names no output `{name}`", hint)


def _ports_hint(step: Step, what: str) -> str:
    names = list(step.inputs if what == "inputs" else step.outputs)
    return f"its {what}: " + ", ".join(names[:8]) if names else f"declare it under `{what}:`"


def _entry_script(step: Step, parallel: Parallel, code: str | None, base_dir: str) -> Iterator[Diagnostic]:
    """The entry script is in ``code`` (relative to ``base_dir``) and keeps Azure ML's contract."""
    script = parallel.entry_script
    if script is None:
        return
    span = _span(step, parallel, "task.entry_script")
    if code is None:
        yield rule("L103").at(
            span,
            f"step `{step.name}` runs `{script}` but its task has no `code`",
            "set `task.code` to the folder that holds the entry script",
        )
        return
    if code.startswith("azureml:") or "://" in code:  # a registered code asset: not here
        return
    if os.path.isabs(script) or ".." in re.split(r"[\\/]", script):
        yield rule("L103").at(
            span, f"entry script `{script}` of step `{step.name}` is not inside its code folder",
            "name it relative to `task.code`",
        )  # fmt: skip
        return
    code_dir = os.path.join(base_dir, code)
    if not os.path.isdir(code_dir):  # F801 reports the folder itself
        return
    path = os.path.join(code_dir, script)
    if not os.path.isfile(path):
        yield rule("L103").at(
            span,
            f"entry script `{script}` of step `{step.name}` is not in `{code}`",
            did_you_mean(script, _python_files(code_dir)) or "the path is relative to `task.code`",
        )
        return
    problem = entry_script_problem(path)
    if problem is not None:
        yield rule("L104").at(span, f"entry script `{script}` of step `{step.name}` {problem[0]}", problem[1])


def _python_files(folder: str) -> list[str]:
    try:
        return sorted(name for name in os.listdir(folder) if name.endswith(".py"))[:1000]
    except OSError:
        return []


def entry_script_problem(path: str) -> tuple[str, str] | None:
    """Why the script at ``path`` breaks Azure ML's contract (message, hint), or None.

    The script is parsed, never imported: ``init()`` and ``run(mini_batch)`` must be
    module-level functions (``run`` takes the mini-batch, and may take the mini-batch
    context Azure ML passes as a second argument).
    """
    try:
        if os.path.getsize(path) > MAX_SCRIPT_BYTES:
            return "is too large to read", f"azpipe reads entry scripts up to {MAX_SCRIPT_BYTES} bytes"
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
    except SyntaxError as error:
        return f"does not parse: {error.msg} (line {error.lineno})", "Azure ML imports it; fix the syntax"
    except (OSError, ValueError, RecursionError, MemoryError) as error:
        return f"cannot be read: {type(error).__name__}", "make it a readable Python file"
    functions = {
        node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    missing = [name for name in ("init", "run") if name not in functions]
    if missing:
        names = " and ".join(f"`{name}()`" for name in missing)
        return f"defines no {names}", "Azure ML calls `init()` once per worker, then `run(mini_batch)`"
    run = functions["run"].args
    positional = run.posonlyargs + run.args
    required = len(positional) - len(run.defaults)
    # With partition_keys Azure ML also passes a mini-batch context: `run(mini_batch, context)`.
    if (not positional and run.vararg is None) or required > 2:
        return "defines `run` without one `mini_batch` argument", "define `def run(mini_batch):`"
    return None


def _mini_batch_size(step: Step, parallel: Parallel) -> Iterator[Diagnostic]:
    size = parallel.mini_batch_size
    if size is None or "${{" in size or MINI_BATCH_SIZE.match(size):
        return
    yield rule("L105").at(
        _span(step, parallel, "mini_batch_size"),
        f"`mini_batch_size` of step `{step.name}` cannot be `{size}`",
        'a count of files or rows (`"10"`) or a size in kb, mb or gb (`"100mb"`)',
    )


def _ranges(step: Step, parallel: Parallel) -> Iterator[Diagnostic]:
    for key, lowest, meaning in RANGES:
        if key.startswith("retry_settings."):
            value = parallel.retry_settings.get(key.split(".", 1)[1])
        else:
            value = getattr(parallel, key)
        if value is not None and value < lowest:
            yield rule("L106").at(
                _span(step, parallel, key),
                f"`{key}` of step `{step.name}` is {value}; it must be at least {lowest}",
                meaning,
            )


def _arguments(step: Step, parallel: Parallel) -> Iterator[Diagnostic]:
    """``program_arguments`` names the step's own ports, as a command does (P40x); the ports
    ``input_data`` and ``append_row_to`` name are used even when no argument names them."""
    template, node = parallel.program_arguments, parallel.program_arguments_node
    used = {
        span
        for span in (
            step.inputs[parallel.input_data].span if parallel.input_data in step.inputs else None,
            step.outputs[parallel.append_row_to].span if parallel.append_row_to in step.outputs else None,
        )
        if span is not None
    }
    if template is None or node is None:
        return
    # `azpipe run` hands the arguments to a shell as a command's: what it refuses there is P406 here.
    yield from shell_checks._command(template, node)
    suggestions = Suggestions.for_names(len(step.inputs) + len(step.outputs))
    owner = f"step `{step.name}`"
    for found in port_checks._command(template, node, step.inputs, step.outputs, owner, True, suggestions):
        if found.code in ("P401", "P402") and found.span in used:
            continue
        yield found
