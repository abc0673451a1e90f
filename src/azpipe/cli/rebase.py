"""Local paths of a loaded pipeline, rewritten for a file written in another folder.

Paths in a pipeline file are relative to that file. ``azpipe import -o
other/dir/x.yaml`` writes the same pipeline elsewhere, so every local path it
carries over — ``code:`` folders, component files (``uses:``), conda files,
local data given to inputs and data assets — must be made relative to the new
file's folder, as ``azpipe compile -o`` does for what it emits. References
(``azureml:``), URIs, absolute paths and a component file's own paths (relative
to the component file, which does not move) are left as they are.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from typing import overload

from azpipe.model import ASSET_TYPES, Component, EnvRef, Pipeline
from azpipe.readers.interface import is_local_path


def rebased(pipeline: Pipeline, folder: str) -> Pipeline:
    """A copy of ``pipeline`` whose local paths are relative to ``folder`` instead of its own folder."""
    clone = copy.deepcopy(dataclasses.replace(pipeline, derived={}))
    move = _Mover(os.path.abspath(pipeline.base_dir), os.path.abspath(folder))
    if move.origin == move.target:
        return clone
    for item in clone.inputs.values():
        if item.type in ASSET_TYPES and isinstance(item.default, str):
            item.default = move(item.default)
    for asset in clone.data.values():
        asset.path = move(asset.path)
    for env in clone.environments.values():
        env.conda_file = move(env.conda_file)
        _build(env.build, move)
    components = {id(c): c for c in clone.components.values()}
    for step in clone.steps.values():
        step.code = move(step.code)
        step.details.additional_includes = [move(item) for item in step.details.additional_includes]
        _environment(step.environment, move)
        for port in step.inputs.values():
            binding = port.binding
            literal = binding is not None and binding.ref is None and isinstance(binding.value, str)
            if literal and binding is not None and port.type in ASSET_TYPES:
                binding.value = move(binding.value)
        if step.uses is not None:
            components.setdefault(id(step.uses), step.uses)
    for component in components.values():  # shared by several steps: moved once
        _component(component, move)
    clone.base_dir = folder
    return clone


def _component(component: Component, move: _Mover) -> None:
    if component.source in ("file", "pipeline"):  # a component file, or a sub-pipeline's file
        component.path = move(component.path)
    elif component.source == "inline":
        component.code = move(component.code)
        component.details.additional_includes = [move(item) for item in component.details.additional_includes]
        _environment(component.environment, move)


def _environment(ref: EnvRef | None, move: _Mover) -> None:
    if ref is not None and ref.kind == "inline" and ref.inline is not None:
        ref.inline.conda_file = move(ref.inline.conda_file)
        _build(ref.inline.build, move)


def _build(build: dict[str, str], move: _Mover) -> None:
    """An environment's Docker build context (its Dockerfile path is relative to the context)."""
    if "path" in build:
        build["path"] = move(build["path"])


class _Mover:
    """Rewrites one path written relative to ``origin`` so that it is relative to ``target``."""

    def __init__(self, origin: str, target: str) -> None:
        self.origin = origin
        self.target = target

    @overload
    def __call__(self, written: str) -> str: ...
    @overload
    def __call__(self, written: str | None) -> str | None: ...
    def __call__(self, written: str | None) -> str | None:
        if written is None or not _movable(written):
            return written
        full = os.path.normpath(os.path.join(self.origin, written))
        moved = os.path.relpath(full, self.target).replace(os.sep, "/")
        if written.startswith("./") and not moved.startswith("../"):
            moved = "./" + moved  # `./x` marks a path where a bare word would be a string
        return moved + ("/" if written.endswith("/") and not moved.endswith("/") else "")


def _movable(written: str) -> bool:
    return (
        bool(written)
        and is_local_path(written)
        and not os.path.isabs(written)
        and not written.startswith("~")
    )
