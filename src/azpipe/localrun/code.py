"""Which folder a step runs from: its ``code``, or its component's.

A component declared under ``components:`` has ``code`` relative to the
pipeline file. A component file (``uses: ./components/train.yml``) has it
relative to that file, as Azure ML reads it.
"""

from __future__ import annotations

import os

from azpipe.localrun.tree import inside
from azpipe.model import Component, Pipeline, Step
from azpipe.readers.interface import is_local_path
from azpipe.source.local_paths import repository_root


def code_of(pipeline: Pipeline, step: Step) -> tuple[str, str] | None:
    """The code folder as written and the folder it is relative to; ``None`` without one."""
    if step.code is not None:
        return step.code, pipeline.base_dir
    component = step.uses
    if component is None:
        return None
    if component.code is None:
        return None
    return component.code, _component_dir(pipeline, component)


def _component_dir(pipeline: Pipeline, component: Component) -> str:
    if component.source == "file" and component.path:
        return os.path.dirname(os.path.join(pipeline.base_dir, component.path))
    return pipeline.base_dir


def code_problem(folder: str, written: str, base_dir: str) -> str | None:
    """Why a code folder cannot be used locally, or ``None``."""
    root = repository_root(base_dir)
    if not is_local_path(written):
        return "is not on this machine; azpipe runs only local code"
    if written.startswith("~") or os.path.isabs(written):
        return "is absolute; write it relative to the pipeline file"
    if not inside(folder, root) or not inside(os.path.realpath(folder), os.path.realpath(root)):
        return "leaves the repository"
    if not os.path.isdir(folder):
        return "is not a folder"
    return None
