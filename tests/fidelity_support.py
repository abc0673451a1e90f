"""Helpers for the fidelity tests: a pipeline as azure-ai-ml loads it, and as azpipe compiles it.

``differences(original)`` is the heart of them: it loads a native Azure ML file
with ``load_job``, compiles it with azpipe to both targets (directly, and after
``azpipe import``), and lists every field of azure-ai-ml's job dict
(:func:`azpipe.emit.jobgraph.job_dict`) where a compiled job differs from the
original, after checking that each compiled job passes azure-ai-ml's validation.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import azpipe
from azpipe.cli.main import main
from azpipe.diagnostics import Severity
from azpipe.emit.job import validation_errors
from azpipe.emit.jobgraph import diff, job_dict, job_graph
from azpipe.model import Pipeline
from tests.compile_support import azure, import_file


def write(folder: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path → text) under ``folder``; returns the first file's path."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.write_text(text, encoding="utf-8")
    return folder / next(iter(files))


def errors(pipeline: Pipeline) -> list[str]:
    """The codes of the pipeline's errors."""
    return [d.code for d in pipeline.diagnostics if d.severity is Severity.ERROR]


@contextlib.contextmanager
def working_directory(folder: Path) -> Iterator[None]:
    """Run in ``folder`` (azure-ai-ml resolves some paths against the working directory)."""
    here = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(here)


def load_original(path: Path) -> Any:
    """azure-ai-ml's own job for a native file (it must load and validate)."""
    with working_directory(path.parent):
        job = azure().load_job(path)
    assert validation_errors(job) == {}, validation_errors(job)
    return job


def compiled_jobs(pipeline: Pipeline, folder: Path, stem: str = "compiled") -> dict[str, Any]:
    """Both targets written into ``folder`` and loaded: ``{"yaml": job, "python": job}``, each valid."""
    from azpipe.emit.python import emit_python
    from azpipe.emit.subpipeline import component_files
    from azpipe.emit.yaml import emit_yaml, emit_yaml_files

    folder.mkdir(parents=True, exist_ok=True)
    yaml_path = folder / f"{stem}.yml"
    yaml_path.write_text(emit_yaml(pipeline, str(folder)), encoding="utf-8")
    for name, text in component_files(emit_yaml_files(pipeline, str(folder))).items():  # sub-pipelines
        (folder / name).write_text(text, encoding="utf-8")
    module_path = folder / f"{stem}_module.py"
    module_path.write_text(emit_python(pipeline, str(folder)), encoding="utf-8")
    jobs = {"yaml": azure().load_job(yaml_path), "python": import_file(module_path).build_pipeline()}
    for target, job in jobs.items():
        assert validation_errors(job) == {}, (target, validation_errors(job))
    return jobs


def imported(path: Path, out: Path | None = None) -> Pipeline:
    """``azpipe import`` of a native file, loaded; it must import and check clean."""
    out = out or path.with_name(path.stem + ".azpipe.yaml")
    with contextlib.redirect_stderr(io.StringIO()) as stderr:
        assert main(["import", str(path), "-o", str(out)]) == 0, stderr.getvalue()
    pipeline = azpipe.load(out)
    assert errors(pipeline) == [], pipeline.check()
    return pipeline


def differences(
    original: Path, ignore: tuple[str, ...] = (), routes: tuple[str, ...] = ("direct", "import")
) -> list[str]:
    """Every difference between azure-ai-ml's job for ``original`` and the jobs azpipe compiles
    from it (``routes``: directly and after import; both targets), as ``ROUTE TARGET: difference``.

    ``ignore`` names job-dict paths (``.settings.x``) that may differ.
    """
    expected = job_dict(load_original(original))
    native = azpipe.load(original)
    assert errors(native) == [], native.check()
    found = []
    built = {"direct": lambda: native, "import": lambda: imported(original)}
    routes_ = {route: built[route]() for route in routes}
    for route, pipeline in routes_.items():
        folder = original.parent / f"azpipe_{route}"
        for target, job in compiled_jobs(pipeline, folder).items():
            found += [f"{route} {target}: {line}" for line in diff(job_dict(job), expected)]
    return [line for line in found if not any(f" {path}" in line for path in ignore)]


def same_graph(pipeline: Pipeline, folder: Path) -> list[str]:
    """Differences between the two targets' job graphs and job dicts."""
    jobs = compiled_jobs(pipeline, folder)
    found = diff(job_graph(jobs["python"]), job_graph(jobs["yaml"]))
    return found + diff(job_dict(jobs["python"]), job_dict(jobs["yaml"]))
