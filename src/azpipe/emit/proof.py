"""Proof that written artifacts are what Azure ML runs: azure-ai-ml loads, validates and compares them.

:func:`prove` takes the files ``azpipe compile`` wrote (or is about to move into
place): it loads the CLI v2 YAML with ``load_job`` as ``az ml job create``
would, runs the Python module's ``build_pipeline()``, validates both jobs and
each node's component with azure-ai-ml, and compares the two jobs field by
field (:func:`~azpipe.emit.jobgraph.job_graph` and
:func:`~azpipe.emit.jobgraph.job_dict`). Each problem is one line naming what
failed. Imports azure-ai-ml.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import itertools
import os
from typing import Any

from azpipe.emit.job import quiet_azure, validation_errors
from azpipe.emit.jobgraph import diff, job_dict, job_graph

_modules = itertools.count()


def prove(yaml_path: str | None, module_path: str | None) -> list[str]:
    """Problems with the YAML job file and the Python module (either may be ``None``: not written).

    Empty when each loads, passes azure-ai-ml's validation, and (both given) they
    describe the same job in every field.
    """
    quiet_azure()
    jobs: dict[str, Any] = {}
    problems: list[str] = []
    for target, path, build in (("YAML", yaml_path, _load_yaml), ("Python", module_path, _run_module)):
        if path is None:
            continue
        try:
            jobs[target] = build(path)
        except Exception as error:  # azure-ai-ml refused it: report, do not crash
            problems.append(f"the {target} job does not load: {type(error).__name__}: {_one_line(error)}")
    for target, job in jobs.items():
        try:
            found = validation_errors(job)
        except Exception as error:  # validation itself failed on this job
            found = {"_validate()": f"{type(error).__name__}: {_one_line(error)}"}
        problems += [
            f"the {target} job fails validation: {where}: {message}"
            for where, message in sorted(found.items())
        ]
    if len(jobs) == 2:
        python, native = jobs["Python"], jobs["YAML"]
        differences = diff(job_graph(python), job_graph(native)) or diff(job_dict(python), job_dict(native))
        problems += [f"the Python (left) and YAML (right) jobs differ: {line}" for line in differences]
    return problems


def _load_yaml(path: str) -> Any:
    from azure.ai.ml import load_job

    return load_job(path)


def _run_module(path: str) -> Any:
    """``build_pipeline()`` of the module file at ``path`` (whatever its suffix), imported afresh."""
    name = f"azpipe_proof_{next(_modules)}"
    loader = importlib.machinery.SourceFileLoader(name, os.path.abspath(path))
    spec = importlib.util.spec_from_file_location(name, os.path.abspath(path), loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module.build_pipeline()


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:500]
