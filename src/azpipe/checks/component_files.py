"""The command component files a pipeline uses, against azure-ai-ml's schema.

A file a node uses (``component: ./train.yml``, a step's ``uses: ./train.yml``) is
read by azure-ai-ml when the pipeline is loaded, and a value it refuses there
(``environment: sklearn:1`` without ``azureml:``) refuses the whole pipeline: so
checking the pipeline walks each such file with the command component schema, as
checking the file on its own does (:mod:`azpipe.checks.values`). The name is not
checked: azure-ai-ml reads a used file anonymously. Parallel and spark component
files have their own walks (:mod:`azpipe.checks.parallel`, :mod:`azpipe.checks.spark`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from azpipe.checks import values
from azpipe.diagnostics import Diagnostic
from azpipe.model import Component, Pipeline
from azpipe.readers.component_file import read_component_mapping
from azpipe.readers.reader import Reader
from azpipe.source.loader import load_file
from azpipe.source.nodes import Map


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Each command component file the steps use, walked once. The file is read again with a
    reader of its own, so that what its reader reported (with the pipeline) is not reported twice."""
    for component, root, found in used_files(pipeline, _command):
        reader = Reader()
        read_component_mapping(reader, root, component.path or "", f"component file `{component.path}`")
        yield from values.check(root, "used-component", found + reader.diagnostics)


def used_files(
    pipeline: Pipeline, selected: Callable[[Component], bool]
) -> Iterator[tuple[Component, Map, list[Diagnostic]]]:
    """Each local component file the steps use that ``selected`` takes, loaded once (however
    many steps use it): its component, its root mapping and what loading it found."""
    seen: set[str] = set()
    for step in pipeline.steps.values():
        component = step.uses
        if component is None or component.source != "file" or component.path is None:
            continue
        if component.span.file in seen or not selected(component):
            continue
        seen.add(component.span.file)
        loaded = load_file(
            os.path.normpath(os.path.join(pipeline.base_dir, component.path)), component.span.file
        )
        if isinstance(loaded.root, Map):
            yield component, loaded.root, loaded.diagnostics


def _command(component: Component) -> bool:
    return component.parallel is None and component.spark is None
