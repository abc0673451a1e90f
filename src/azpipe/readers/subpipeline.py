"""Sub-pipelines: a step's ``uses:`` (or a native node's ``component:``) naming a pipeline file.

A file named by ``uses: ./features/pipeline.yaml`` is read for what it is: an
azpipe pipeline (a top-level ``azpipe:`` key) or an Azure ML pipeline component
(``type: pipeline`` with ``jobs:``) becomes a component of source ``pipeline``
whose interface is the inner pipeline's ``inputs:`` and ``outputs:``, with the
inner :class:`~azpipe.model.Pipeline` attached; any other file is read as a
command component, as before. The inner file's own diagnostics carry its path
and positions (the checks run on it in :mod:`azpipe.checks.subpipeline`).

Files using each other in a cycle are reported once, at the ``uses:`` that closes
it, with the chain of files (U101). One file used by several steps is read once
per top-level load and shared.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import field, replace

from azpipe.diagnostics import Diagnostic
from azpipe.model import Component, Pipeline, Port, Step
from azpipe.readers.component_file import read_component_mapping
from azpipe.readers.reader import Reader
from azpipe.records import record
from azpipe.source.loader import load_file
from azpipe.source.local_paths import check_path
from azpipe.source.nodes import Map, Node, Scalar

# The keys a sub-pipeline step takes (azure-ai-ml's pipeline node: a component, its
# bindings, and the node's own names); anything that belongs to a command is refused (U102).
STEP_KEYS = ("uses", "inputs", "outputs", "display_name", "description", "tags", "comment")
NODE_KEYS = ("type", "component", "inputs", "outputs", "display_name", "description", "tags", "comment")
REGISTRY_PREFIX = "azureml://registries/"


@record
class _Session:
    """One top-level load: the files being read (outermost first) and those already read."""

    stack: list[tuple[str, str]] = field(default_factory=list)  # (absolute path, display name)
    read: dict[str, Component | None] = field(default_factory=dict)
    paths: dict[tuple[str, str], list[Diagnostic]] = field(default_factory=dict)  # (folder, value) → problems


_SESSION: ContextVar[_Session | None] = ContextVar("azpipe_subpipeline_session", default=None)
# A top-level reader's session: the outer file's steps are read by one reader, which may
# name the same sub-pipeline twice (read once) after the first one's session has ended.
_BY_READER: weakref.WeakKeyDictionary[Reader, _Session] = weakref.WeakKeyDictionary()


def is_pipeline_root(root: Node | None) -> bool:
    """True for an azpipe pipeline or an Azure ML pipeline component's document."""
    if not isinstance(root, Map):
        return False
    if "azpipe" in root:
        return True
    kind = root.get("type")
    return isinstance(kind, Scalar) and kind.value == "pipeline" and "jobs" in root


def read_uses_file(reader: Reader, value: str, uses: Scalar, base_dir: str) -> Component | None:
    """The component in file ``value`` (relative to ``base_dir``): a sub-pipeline or a command
    component; ``None`` after reporting why not (path problems at ``uses``, the rest in the file)."""
    where = f"component file `{value}`"
    session = _session_of(reader, uses)
    if (base_dir, value) not in session.paths:  # a file used by many steps is looked at once
        session.paths[(base_dir, value)] = list(check_path(base_dir, value, uses.span, where))
    problems = [replace(d, span=uses.span) for d in session.paths[(base_dir, value)]]
    reader.diagnostics.extend(problems)
    if any(d.code in ("F801", "F803") for d in problems):
        return None
    full = os.path.normpath(os.path.join(base_dir, value))
    if full not in session.read and os.path.isdir(full):
        reader.report("F801", uses.span, f"{where} is a folder", "name the component's YAML file")
        return None
    chain = [display for path, display in session.stack]
    if any(path == full for path, _ in session.stack):
        start = next(i for i, (path, _) in enumerate(session.stack) if path == full)
        cycle = " → ".join([*chain[start:], chain[start]])
        reader.report("U101", uses.span, f"sub-pipelines use each other in a cycle: {cycle}",
                      "a pipeline cannot contain itself; remove one `uses:` of the cycle")  # fmt: skip
        return None
    if full in session.read:
        return session.read[full]
    display = os.path.normpath(os.path.join(os.path.dirname(uses.span.file), value))
    loaded = load_file(full, display)
    reader.diagnostics.extend(loaded.diagnostics)
    if loaded.root is None:
        return None
    if not is_pipeline_root(loaded.root):
        return read_component_mapping(reader, loaded.root, value, where)
    with _inside(session, full, display):
        inner = _build(loaded.root, display, os.path.dirname(full))
    inner.source_text = loaded.source.text
    inner.derived["document"] = loaded.root  # the value-level checks walk it
    component = pipeline_component(inner, value, uses)
    session.read[full] = component
    return component


def _session_of(reader: Reader, uses: Scalar) -> _Session:
    """The session of this load: the one being read into, else the top-level reader's own
    (seeded with the outer file, so that a file using itself closes the cycle there)."""
    active = _SESSION.get()
    if active is not None:
        return active
    session = _BY_READER.get(reader)
    if session is None:
        session = _BY_READER[reader] = _Session()
        outer = uses.span.file
        if os.path.isfile(outer):
            session.stack.append((os.path.normpath(os.path.abspath(outer)), os.path.normpath(outer)))
    return session


@contextmanager
def _inside(session: _Session, full: str, display: str) -> Iterator[None]:
    session.stack.append((full, display))
    token = _SESSION.set(session)
    try:
        yield
    finally:
        _SESSION.reset(token)
        session.stack.pop()


def _build(root: Node, display: str, base_dir: str) -> Pipeline:
    """The inner pipeline's model, with the readers' diagnostics on it (the checks add theirs)."""
    from azpipe.readers.native import build_native  # the readers use this module: read on demand
    from azpipe.readers.pipeline import build_pipeline

    assert isinstance(root, Map)
    builder = build_pipeline if "azpipe" in root else build_native
    inner, found = builder(root, display, base_dir)
    if inner.source_format == "native":  # a `type: pipeline` file used as a component is one
        inner.source_format = "native-component"
    inner.diagnostics = found
    return inner


def pipeline_component(inner: Pipeline, value: str, uses: Scalar) -> Component:
    """A component of source ``pipeline``: the inner pipeline's inputs and outputs as its ports."""
    component = Component(inner.name or value, uses.span, source="pipeline", path=value, pipeline=inner)
    component.details.display_name = inner.display_name
    component.details.description = inner.description
    for name, item in inner.inputs.items():
        # `${{data.X}}` stands for a default: only whether there is one matters (P404)
        default = item.default if item.data is None else f"${{{{data.{item.data}}}}}"
        component.inputs[name] = Port(name, item.span, type=item.type, optional=item.optional, default=default,
                                      description=item.description, mode=item.mode)  # fmt: skip
    for name, output in inner.outputs.items():
        component.outputs[name] = Port(name, output.span, type=output.type or _bound_type(inner, output.binding),
                                       mode=output.mode, description=output.description)  # fmt: skip
    return component


def _bound_type(inner: Pipeline, binding: object) -> str | None:
    """The type of the inner step output a pipeline output exposes (a folder when unknown)."""
    ref = getattr(binding, "ref", None)
    if ref is None or ref.step not in inner.steps:
        return "uri_folder"
    port = inner.steps[ref.step].outputs.get(ref.name)
    return (port.type if port else None) or "uri_folder"


def refuse_step_keys(
    reader: Reader,
    mapping: Map,
    where: str,
    allowed: tuple[str, ...] = STEP_KEYS,
    also: tuple[str, ...] = (),
    known: tuple[str, ...] | None = None,
) -> None:
    """U102 for each key of a sub-pipeline step that only a command takes (``also``: keys
    another rule reports; ``known``: the keys a step may have at all, where the schema walker
    reports the others as unknown, S101)."""
    for entry in mapping:
        key = entry.key.value
        if known is not None and key not in known:
            continue
        if isinstance(key, str) and key not in allowed + also and not entry.merged:
            reader.report("U102", entry.key.span, f"{where} uses a sub-pipeline: it cannot take `{key}`",
                          "its steps run with their own settings; set it inside the sub-pipeline "
                          "(a sub-pipeline step takes " + ", ".join(allowed) + ")")  # fmt: skip


# How the native reader reads a node's inputs and outputs against a component.
Bind = Callable[[Step, Node | None, str, Component | None], None]


def read_pipeline_node(
    reader: Reader, pipeline: Pipeline, step: Step, mapping: Map, where: str, bind: tuple[Bind, Bind]
) -> None:
    """A native ``type: pipeline`` node: ``component:`` a local pipeline component file, a registered
    one (``azureml:NAME:VERSION``, ``NAME@label``) or a registry's (its interface unknown offline,
    I001); ``bind`` reads the node's inputs, then its outputs, against the component."""
    step.kind = "pipeline"
    refuse_step_keys(reader, mapping, where, NODE_KEYS)
    node = mapping.get("component")
    if node is None:
        reader.report("S103", step.span, f"{where} needs `component`", "a pipeline component file or name")
        step.incomplete = True
        return
    if isinstance(node, Map):
        reader.report("U103", node.span, f"{where} defines its pipeline component inline",
                      "Azure ML takes a pipeline component from a file or by name")  # fmt: skip
        step.incomplete = True
        return
    value = reader.string(node, f"`component` of {where}", allow_numbers=False)
    if value is None or not isinstance(node, Scalar):
        step.incomplete = True
        return
    local = value.removeprefix("file:")
    component: Component | None
    # azure-ai-ml reads a value without `azureml:` as a file path only (PipelineComponentFileRefField).
    bare = not value.startswith("azureml:") and os.path.isfile(os.path.join(pipeline.base_dir, local))
    if local.startswith(("./", "../")) or local.endswith((".yml", ".yaml")) or bare:
        component = read_uses_file(reader, local, node, pipeline.base_dir)
        if component is not None and component.source != "pipeline":
            reader.report("U104", node.span, f"{where} names a command component, not a pipeline component",
                          "use `type: command` for it, or name a `type: pipeline` component file")  # fmt: skip
            component = None
    elif not value.startswith("azureml:"):
        reader.report("R307", node.span,
                      f"component `{value}` is not a file, and a registered component needs `azureml:`",
                      f"write `azureml:{value}` for a registered component, or the path of a component file")  # fmt: skip
        component = None
    else:
        component = Component(value, node.span, source="registered")
        if value.startswith(REGISTRY_PREFIX):
            reader.report("I001", node.span, f"the interface of `{value}` is unknown offline; its bindings "
                          "are passed as written", "use a local pipeline component file to have it checked")  # fmt: skip
    if component is None:
        step.incomplete = True
        return
    step.uses, step.uses_span = component, node.span
    bind[0](step, mapping.get("inputs"), where, component)
    bind[1](step, mapping.get("outputs"), where, component)


def sub_pipeline_files(pipeline: Pipeline) -> list[str]:
    """The files of the sub-pipelines ``pipeline`` uses, all the way down (each once)."""
    found: dict[str, None] = {}
    pending = [pipeline]
    while pending:
        current = pending.pop()
        for step in current.steps.values():
            inner = step.uses.pipeline if step.uses is not None else None
            if inner is not None and inner.path not in found:
                found[inner.path] = None
                pending.append(inner)
    return list(found)
