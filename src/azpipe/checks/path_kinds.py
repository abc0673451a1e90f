"""A ``uri_file`` given a folder, or a ``uri_folder`` given a file (F805 file-folder-mismatch).

Azure ML uploads a local path as it is and mounts it as the type says: a step
that expects a file and gets a folder (or the reverse) fails only once it runs
in the cloud, with ``IsADirectoryError`` or ``NotADirectoryError``. The paths
checked are the local ones written in the pipeline file — pipeline input
defaults, data asset paths and literal step inputs — relative to the file; a
path that does not exist is F801's business. ``mltable`` and model types are
folders Azure ML reads in its own way, and are not checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import Pipeline
from azpipe.readers.interface import is_local_path
from azpipe.rules import rule

KINDS = ("uri_file", "uri_folder")


def kind_problem(kind: str | None, path: str) -> tuple[str, str] | None:
    """What is wrong with local ``path`` (absolute, or relative to the current folder) for an
    input of type ``kind`` — what, and a hint — or ``None`` (also when it does not exist)."""
    if kind == "uri_file" and os.path.isdir(path):
        return "is a folder, not a file", "give a file, or declare the input `type: uri_folder`"
    if kind == "uri_folder" and os.path.isfile(path):  # a FIFO or device is refused elsewhere
        return (
            "is a file, not a folder",
            "give the folder that holds it, or declare the input `type: uri_file`",
        )
    return None


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Report every local path whose kind does not match its declared type."""
    for kind, path, span, what in _typed_paths(pipeline):
        if os.path.isabs(path) or path.startswith("~"):
            continue  # F803 reports it; it means nothing on another machine
        found = kind_problem(kind, os.path.join(pipeline.base_dir, path))
        if found is not None:
            yield rule("F805").at(span, f"{what} is a `{kind}`, but `{path}` {found[0]}", found[1])


def _typed_paths(pipeline: Pipeline) -> Iterator[tuple[str, str, Span, str]]:
    """(type, local path as written, span, what) for each path whose type is a file or folder."""
    for item in pipeline.inputs.values():
        if item.type in KINDS and isinstance(item.default, str) and _local(item.default):
            yield item.type, item.default, item.span, f"pipeline input `{item.name}`"
    for asset in pipeline.data.values():
        if asset.type in KINDS and _local(asset.path):
            yield asset.type, asset.path, asset.span, f"data asset `{asset.name}`"
    for step in pipeline.steps.values():
        for port in step.inputs.values():
            value = port.binding.value if port.binding is not None and port.binding.ref is None else None
            if port.type in KINDS and isinstance(value, str) and _local(value):
                what = f"input `{port.name}` of step `{step.name}`"
                yield port.type or "", value, port.binding.span if port.binding else port.span, what


def _local(path: str) -> bool:
    return bool(path) and is_local_path(path) and "${{" not in path
