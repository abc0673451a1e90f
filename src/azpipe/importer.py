"""``azpipe import``: a native Azure ML pipeline job file rewritten in the azpipe language.

The native file is read into the model (see :mod:`azpipe.readers.native`) and
written back out in the shorter form: short references (``${{prep.data}}``),
implicit ports in commands where a job's input is used once under the same name,
local component files kept as ``uses:``, inline components moved to
``components:``, settings and paths preserved as written.

Every key and value goes through the compiler's own YAML filter
(:func:`azpipe.emit.values.yaml_key` and :func:`~azpipe.emit.values.yq`): names
are data too, and a key holding a newline and YAML must stay one key.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from azpipe.emit.parallel import language_fields as parallel_fields
from azpipe.emit.sweep import yaml_fields as sweep_fields
from azpipe.emit.values import yaml_block, yaml_key, yaml_str, yq
from azpipe.expr.ast import Form, Placeholder, Ref, RefKind, Segment, Template, Text
from azpipe.model import (
    ASSET_TYPES,
    Component,
    EnvRef,
    Pipeline,
    PipelineInput,
    PipelineOutput,
    Port,
    Settings,
    Step,
)
from azpipe.readers.interface import infer_type
from azpipe.resolve import inline_automl_type


class ImportRefused(Exception):
    """The native file has errors, or uses something the language cannot say."""


def to_azpipe(pipeline: Pipeline, name: str) -> str:
    """The azpipe-language text for a loaded native ``pipeline`` (named ``name``)."""
    if pipeline.source_format != "native":
        raise ImportRefused(f"{pipeline.path} is not an Azure ML pipeline job file")
    if not pipeline.ok:
        raise ImportRefused(f"{pipeline.path} has errors; fix them first (azpipe check)")
    source = yaml_str(os.path.basename(pipeline.path))  # a file name may hold a line break
    lines = [f"# Imported by azpipe from {source}", _line(0, "azpipe", 1), _line(0, "name", name)]
    lines += _header(pipeline)
    lines += _section("components", _components(pipeline))
    lines += _section("inputs", _inputs(pipeline))
    lines += _section("outputs", _outputs(pipeline))
    lines += [_line(0, "steps")] + [
        line for step in pipeline.steps.values() for line in _step(pipeline, step)
    ]
    return "\n".join(lines) + "\n"


_BLOCK = object()  # a key whose value is the block of lines that follows


def _line(indent: int, key: str, value: Any = _BLOCK) -> str:
    """``key: value`` indented by ``indent`` spaces, or ``key:`` opening a block."""
    head = " " * indent + yaml_key(key, indent, plain=True)
    return head if value is _BLOCK else f"{head} {yq(value)}"


def _section(title: str, lines: list[str]) -> list[str]:
    return [_line(0, title), *lines] if lines else []


def _header(pipeline: Pipeline) -> list[str]:
    lines = [_line(0, key, value) for key, value in (
        ("job_name", pipeline.job_name), ("display_name", pipeline.display_name),
        ("description", pipeline.description), ("experiment", pipeline.experiment)) if value is not None]  # fmt: skip
    lines += _block({"tags": pipeline.tags, "properties": pipeline.properties}, 0)
    lines += _block({"identity": pipeline.identity, "services": pipeline.services}, 0)
    defaults = {"compute": pipeline.default_compute, "datastore": pipeline.default_datastore}
    lines += _block({"defaults": _set(defaults)}, 0)
    settings = {
        "continue_on_step_failure": pipeline.continue_on_step_failure,
        "force_rerun": pipeline.force_rerun,
        "on_init": pipeline.on_init,
        "on_finalize": pipeline.on_finalize,
        **pipeline.extra_settings,
    }
    lines += _block({"settings": _set(settings)}, 0)
    return lines


USER_KEYED = ("tags", "environment_variables", "properties", "services")


def _block(values: dict[str, Any], indent: int) -> list[str]:
    """Settings as block YAML lines (nested mappings and lists too); unset ones left out."""
    present = {
        key: value for key, value in values.items() if value is not None and value != {} and value != []
    }
    return yaml_block(present, indent, USER_KEYED).splitlines()


def _set(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without its unset entries."""
    return {key: value for key, value in values.items() if value is not None}


def _inputs(pipeline: Pipeline) -> list[str]:
    return [line for item in pipeline.inputs.values() for line in _input(item)]


def _input(item: PipelineInput) -> list[str]:
    plain = not item.optional and item.description is None and item.mode is None and item.datastore is None
    # Written bare only when the language reads the bare value as the same type: a string that
    # looks like a path (`azureml:cpu-cluster`) or a number written `1` needs its `type:`.
    same = item.default is not None and infer_type(item.default, ".") == item.type
    if plain and item.type not in ASSET_TYPES and same:
        return [_line(2, item.name, item.default)]
    fields = {"type": item.type, "optional": item.optional or None, "description": item.description,
              "mode": item.mode, "datastore": item.datastore}  # fmt: skip
    fields["path" if item.type in ASSET_TYPES else "default"] = item.default
    return [_line(2, item.name)] + [_line(4, k, v) for k, v in fields.items() if v is not None]


def _outputs(pipeline: Pipeline) -> list[str]:
    lines: list[str] = []
    for output in pipeline.outputs.values():
        if output.binding is None or output.binding.ref is None:
            continue  # nothing produces it: the language cannot say it, and it holds no data
        value = _short(output.binding.ref)
        extra = {"type": _output_type(pipeline, output), "mode": output.mode, "description": output.description,
                 "path": output.path, "name": output.asset_name, "version": output.asset_version}  # fmt: skip
        extra = {k: v for k, v in extra.items() if v is not None}
        if not extra:
            lines.append(_line(2, output.name, value))
        else:
            lines += [_line(2, output.name), _line(4, "value", value)]
            lines += [_line(4, k, v) for k, v in extra.items()]
    return lines


def _output_type(pipeline: Pipeline, output: PipelineOutput) -> str | None:
    """The type to write: a native output without one is a folder (azure-ai-ml's default), where
    the language gives it the type of the output it exposes; stated only where the two differ."""
    assert output.binding is not None and output.binding.ref is not None
    ref = output.binding.ref
    step = pipeline.steps.get(ref.step or "")
    exposed = step.outputs.get(ref.name) if step is not None else None
    native = output.type or "uri_folder"
    return native if exposed is None or exposed.type != native else None


def _short(ref: Ref) -> str:
    """The shortest way to write a reference."""
    if ref.kind is RefKind.STEP_OUTPUT:
        return "${{" + f"{ref.step}.{ref.name}" + "}}"
    return "${{" + str(ref) + "}}"


def _components(pipeline: Pipeline) -> list[str]:
    lines: list[str] = []
    for step in pipeline.steps.values():
        if step.uses is not None and step.uses.source == "inline" and step.uses.spark is None:
            lines += _component(step.name, step.uses)
    return lines


def _component(name: str, component: Component) -> list[str]:
    lines = [_line(2, name)]
    if component.code is not None:
        lines.append(_line(4, "code", component.code))
    lines += _environment(component.environment, 4)
    if component.command is not None:
        lines.append(_line(4, "command", component.command.unparse()))
    lines += _ports("inputs", component.inputs, 4)
    lines += _ports("outputs", component.outputs, 4)
    lines += _details(component.details, 4)
    return lines


def _ports(key: str, ports: dict[str, Port], indent: int) -> list[str]:
    lines = [_line(indent, key)] if ports else []
    for port in ports.values():
        fields = {"type": port.type, "optional": port.optional or None, "default": port.default,
                  "mode": port.mode, "description": port.description, "min": port.min, "max": port.max,
                  "enum": port.enum}  # fmt: skip
        fields = {k: v for k, v in fields.items() if v is not None}
        if list(fields) == ["type"]:
            lines.append(_line(indent + 2, port.name, port.type))
        else:
            lines += [_line(indent + 2, port.name), *_block(fields, indent + 4)]
    return lines


def _environment(env: EnvRef | None, indent: int) -> list[str]:
    if env is None:
        return []
    if env.kind == "inline" and env.inline is not None:
        inline = env.inline
        fields = {"image": inline.image, "conda_file": inline.conda_file, "build": inline.build,
                  "os_type": inline.os_type, "description": inline.description, "tags": inline.tags}  # fmt: skip
        return [_line(indent, "environment"), *_block(fields, indent + 2)]
    value = (
        env.value if env.kind != "registered" or env.value.startswith("azureml:") else f"azureml:{env.value}"
    )
    return [_line(indent, "environment", value)]


DETAILS = (
    "display_name", "description", "is_deterministic", "tags", "environment_variables", "resources",
    "distribution", "limits", "identity", "queue_settings", "services", "properties", "comment",
    "additional_includes",
)  # fmt: skip


def _details(details: Settings, indent: int) -> list[str]:
    return _block({key: getattr(details, key) for key in DETAILS}, indent)


def _step(pipeline: Pipeline, step: Step) -> list[str]:
    lines = [_line(2, step.name)]
    if step.kind == "parallel":  # its task and settings in `parallel:` (emit/parallel.py)
        return lines + _parallel_step(step)
    if step.kind == "spark":
        return _spark_step(step)
    if step.kind == "automl":
        return _automl_step(step)
    if step.kind == "data_transfer":
        return _transfer_step(step)
    if step.uses is not None:
        uses = step.name if step.uses.source == "inline" else (step.uses.path or step.uses.name)
        lines.append(_line(4, "uses", uses))
    elif step.code is not None:
        lines.append(_line(4, "code", step.code))
    if step.compute:
        lines.append(_line(4, "compute", step.compute))
    lines += _environment(step.environment, 4)
    # azure-ai-ml types a job's own input fed by AutoML `mltable`; the language says so in `type:`
    typed = {
        n: "mltable" for n, p in step.inputs.items() if step.uses is None and inline_automl_type(pipeline, p)
    }
    implicit = _implicit_inputs(step) - set(typed) if step.uses is None else set()
    lines += _bindings(step, implicit, typed)
    lines += _step_outputs(step)
    if step.uses is None and step.command is not None:
        lines.append(_line(4, "command", _command(step.command, step, implicit)))
    lines += _details(step.details, 4)
    if step.sweep is not None:  # a sweep node: its trial is the step's component
        lines += [_line(4, "sweep"), *yaml_block(sweep_fields(step.sweep), 6, ("search_space",)).splitlines()]
    return lines


def _parallel_step(step: Step) -> list[str]:
    """A parallel job: its ports and settings as a step's, the rest under ``parallel:`` (a node of a
    parallel component or flow: ``uses:`` it, with the settings the node overrides under ``parallel:``)."""
    if step.uses is not None:
        lines = [_line(4, "uses", step.uses.path or step.uses.name)]
        lines += [_line(4, "compute", step.compute)] if step.compute else []
        lines += _bindings(step, set()) + _step_outputs(step, restated_modes=True) + _details(step.details, 4)
        overrides = parallel_fields(step)
        if not overrides and step.uses.known:  # a known parallel component makes the step parallel
            return lines
        if not overrides:  # a registered component: `parallel: {}` says the node is a parallel node
            return [*lines, _line(4, "parallel") + " {}"]
        return [*lines, _line(4, "parallel"), *yaml_block(overrides, 6).splitlines()]
    lines = [_line(4, "compute", step.compute)] if step.compute else []
    lines += _environment(step.environment, 4)
    lines += _bindings(step, set()) + _step_outputs(step) + _details(step.details, 4)
    return [*lines, _line(4, "parallel"), *yaml_block(parallel_fields(step), 6).splitlines()]


def _implicit_inputs(step: Step) -> set[str]:
    """Inputs that can be written in the command itself: bound to a reference whose
    port has the input's own name, used once, with nothing else declared on them."""
    assert step.command is not None
    uses = Counter(ref.name for ref in step.command.refs() if ref.kind is RefKind.INPUT)
    found = set()
    for name, port in step.inputs.items():
        ref = port.binding.ref if port.binding else None
        plain = port.mode is None and uses[name] == 1 and not port.optional
        plain = plain and port.written_type is None and port.datastore is None
        if (
            ref is not None
            and ref.name == name
            and plain
            and ref.kind in (RefKind.STEP_OUTPUT, RefKind.PARENT_INPUT)
        ):
            found.add(name)
    return found


# An input a job's own command never uses: Azure ML accepts it (and the native reader warns),
# where the language refuses it (P401); the imported file keeps it, and says why.
UNUSED = "  # azpipe: ignore[P401] (unused by the command, as in the original)"


def _bindings(step: Step, implicit: set[str], typed: dict[str, str] | None = None) -> list[str]:
    """A step's ``inputs:``; ``typed`` gives the ``type:`` to write of inputs bound to a reference."""
    lines: list[str] = []
    used = {ref.name for ref in step.command.refs()} if step.uses is None and step.command else None
    for port in step.inputs.values():
        if port.name in implicit or port.binding is None:
            continue
        binding = port.binding
        value = _short(binding.ref) if binding.ref else binding.value
        # A literal asset path keeps its declared type: it is not inferred from the path.
        literal_type = binding.type or port.type
        explicit_type = literal_type if binding.ref is None and literal_type in ASSET_TYPES else None
        if binding.ref is not None:  # a step's own interface; with a component azure-ai-ml drops it
            explicit_type = (port.written_type or (typed or {}).get(port.name)) if step.uses is None else None
        note = UNUSED if used is not None and port.name not in used else ""
        if port.mode is None and explicit_type is None and port.datastore is None:
            lines.append(_line(6, port.name, value) + note)
        else:
            fields = {"value": value, "type": explicit_type, "mode": port.mode, "datastore": port.datastore}
            lines += [_line(6, port.name) + note] + [
                _line(8, k, v) for k, v in fields.items() if v is not None
            ]
    return [_line(4, "inputs"), *lines] if lines else []


def _step_outputs(step: Step, restated_modes: bool = False) -> list[str]:
    """A step's outputs; ``restated_modes`` keeps a mode equal to its component's (a spark node's)."""
    lines: list[str] = []
    declared = step.uses.outputs if step.uses is not None else {}
    for port in step.outputs.values():
        base = declared.get(port.name)
        fields = {"type": None if base else port.type, "mode": port.mode, "path": port.path,
                  "name": port.asset_name, "version": port.asset_version}  # fmt: skip
        if base and base.mode == port.mode and not restated_modes:
            fields["mode"] = None
        fields = {k: v for k, v in fields.items() if v is not None}
        if base and not fields:
            continue
        if list(fields) == ["type"]:
            lines.append(_line(6, port.name, port.type))
        else:
            lines += [_line(6, port.name)] + [_line(8, k, v) for k, v in fields.items()]
    if step.uses is None and not lines and step.outputs:
        return [_line(4, "outputs")] + [_line(6, p.name, p.type) for p in step.outputs.values()]
    return [_line(4, "outputs"), *lines] if lines else []


def _command(template: Template, step: Step, implicit: set[str]) -> str:
    return "".join(_part(part, step, implicit) for part in template.parts)


def _part(part: Text | Placeholder | Segment, step: Step, implicit: set[str]) -> str:
    if isinstance(part, Text):
        return part.text
    if isinstance(part, Segment):
        return "$[[" + "".join(_part(p, step, implicit) for p in part.parts) + "]]"
    ref = part.ref
    if ref.kind is RefKind.INPUT and ref.name in implicit:
        binding = step.inputs[ref.name].binding
        assert binding is not None and binding.ref is not None
        return _short(binding.ref)
    return "${{" + str(Ref(ref.kind, ref.name, ref.step, Form.PLAIN)) + "}}"


SPARK_LISTS = ("py_files", "jars", "files", "archives")


def _spark_step(step: Step) -> list[str]:
    """A spark node: ``uses:`` its component file (the node's ``resources`` in ``spark:``), or a
    spark job of its own (its entry, files, conf and args in ``spark:``)."""
    if step.uses is not None and step.uses.source != "file":
        what = "an inline spark component" if step.uses.source == "inline" else "a registered spark component"
        raise ImportRefused(f"step `{step.name}` uses {what}, which the language cannot say yet; "
                            "put it in a component file")  # fmt: skip
    assert step.spark is not None
    spark = step.spark
    lines = [_line(2, step.name)]
    if step.uses is not None:
        lines.append(_line(4, "uses", step.uses.path or step.uses.name))
    elif step.code is not None:
        lines.append(_line(4, "code", step.code))
    if step.compute:
        lines.append(_line(4, "compute", step.compute))
    lines += _environment(step.environment, 4)
    lines += _bindings(step, set())
    lines += _step_outputs(step, restated_modes=True)
    block: dict[str, Any] = {"resources": spark.resources}
    if step.uses is None:
        entry = spark.entry if spark.entry_kind == "file" else {"class_name": spark.entry}
        args = _command(step.command, step, set()) if step.command is not None else None
        block = {"entry": entry, **{key: getattr(spark, key) for key in SPARK_LISTS}, "conf": spark.conf,
                 "args": args, **block}  # fmt: skip
    values = {key: value for key, value in block.items() if value is not None and value != {} and value != []}
    if values:
        lines += [_line(4, "spark"), *_block(values, 6)]
    return lines + _details(step.details, 4)


def _automl_step(step: Step) -> list[str]:
    """An AutoML node: its task, data and settings in an ``automl:`` block."""
    assert step.automl is not None
    lines = [_line(2, step.name)]
    if step.compute:
        lines.append(_line(4, "compute", step.compute))
    lines += _step_outputs(step)
    block: dict[str, Any] = {"task": step.automl.task}
    for name in ("training_data", "validation_data", "test_data"):
        port = step.inputs.get(name)
        binding = port.binding if port is not None else None
        if binding is not None:
            block[name] = _short(binding.ref) if binding.ref else binding.value
    block.update(step.automl.settings)
    lines += [_line(4, "automl"), *_block(block, 6)]
    return lines + _details(step.details, 4)


def _transfer_step(step: Step) -> list[str]:
    """A data transfer node: its ports, and its task, copy mode, source and sink in ``data_transfer:``."""
    transfer = step.data_transfer
    assert transfer is not None
    lines = [_line(2, step.name)]
    if step.compute:
        lines.append(_line(4, "compute", step.compute))
    lines += _bindings(step, set())
    lines += _step_outputs(step)
    block = {"task": transfer.task, "data_copy_mode": transfer.data_copy_mode, "source": transfer.source,
             "sink": transfer.sink}  # fmt: skip
    lines += [_line(4, "data_transfer"), *_block(block, 6)]
    return lines + _details(step.details, 4)
