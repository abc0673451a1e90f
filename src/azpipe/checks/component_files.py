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
from collections.abc import Iterator

from azpipe.checks import values
from azpipe.diagnostics import Diagnostic
from azpipe.model import Pipeline
from azpipe.readers.component_file import read_component_mapping
from azpipe.readers.reader import Reader
from azpipe.source.loader import load_file
from azpipe.source.nodes import Map


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Each command component file the steps use, walked once. The file is read again with a
    reader of its own, so that what its reader reported (with the pipeline) is not reported twice."""
    seen: set[str] = set()
    for step in pipeline.steps.values():
        component = step.uses
        if component is None or component.source != "file" or component.path is None:
            continue
        if component.parallel is not None or component.spark is not None or component.span.file in seen:
            continue
        seen.add(component.span.file)
        loaded = load_file(
            os.path.normpath(os.path.join(pipeline.base_dir, component.path)), component.span.file
        )
        if not isinstance(loaded.root, Map):
            continue
        reader = Reader()
        read_component_mapping(reader, loaded.root, component.path, f"component file `{component.path}`")
        yield from values.check(loaded.root, "used-component", loaded.diagnostics + reader.diagnostics)
