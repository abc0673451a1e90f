"""Helpers for the compiler tests: the examples, and both targets turned into azure-ai-ml jobs."""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

import azpipe
from azpipe.model import Pipeline

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.glob("pipelines/*/pipeline.yaml"))
FIXTURES = sorted(ROOT.glob("tests/fixtures/compile/*/pipeline.yaml"))
RULE_EXAMPLES = sorted(ROOT.glob("tests/rules/*/good.yaml"))
# Pipelines other tests keep (drawing, submitting...): compiled too when they are clean.
OTHER_FIXTURES = sorted(
    path
    for pattern in ("tests/fixtures/*/*.yaml", "tests/fixtures/*/*/pipeline.yaml")
    for path in ROOT.glob(pattern)
    if "compile" not in path.relative_to(ROOT / "tests" / "fixtures").parts
)
GOLDEN = ROOT / "tests" / "golden" / "compile"
# The rule examples are minimal: most name no environment, which Azure ML requires.
TEST_ENVIRONMENT = "azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:1"
_modules = itertools.count()


def example_id(path: Path) -> str:
    """``image_classification`` for an example, ``rules/C901`` for a rule example, else ``FOLDER/STEM``."""
    if path.name == "good.yaml":
        return f"rules/{path.parent.name}"
    return path.parent.name if path.name == "pipeline.yaml" else f"{path.parent.name}/{path.stem}"


def azure() -> Any:
    """azure-ai-ml, imported once per test process with its console notes silenced."""
    from azpipe.emit.job import quiet_azure

    quiet_azure()
    import azure.ai.ml

    return azure.ai.ml


def copy_example(path: Path, tmp_path: Path) -> Path:
    """A copy of the example's folder in ``tmp_path``; returns the copied pipeline file."""
    folder = tmp_path / path.parent.name
    shutil.copytree(path.parent, folder, symlinks=True)
    return folder / path.name


def with_environment(path: Path) -> Path:
    """Give a copied rule example a default environment when its steps have none (in place)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "azpipe" not in document:  # a native Azure ML file names its environments itself
        return path
    defaults = document.setdefault("defaults", {})
    if "environment" not in defaults:
        defaults["environment"] = TEST_ENVIRONMENT
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def load_clean(path: Path) -> Pipeline:
    """Load a pipeline that must have no errors."""
    pipeline = azpipe.load(path)
    assert pipeline.ok, pipeline.check()
    return pipeline


def python_job(pipeline: Pipeline, folder: Path | None = None) -> Any:
    """Write the Python target into ``folder`` (default: the pipeline's), import it, build the job."""
    from azpipe.emit.python import emit_python

    folder = folder or Path(pipeline.base_dir)
    module_path = folder / "emitted_module.py"
    module_path.write_text(emit_python(pipeline, str(folder)), encoding="utf-8")
    return import_file(module_path).build_pipeline()


def import_file(path: Path) -> Any:
    """Import a module from a file under a fresh name."""
    spec = importlib.util.spec_from_file_location(f"azpipe_emitted_{next(_modules)}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def yaml_job(pipeline: Pipeline, folder: Path | None = None) -> Any:
    """Write the YAML target into ``folder`` (default: the pipeline's) and ``load_job`` it."""
    from azpipe.emit.subpipeline import component_files
    from azpipe.emit.yaml import emit_yaml, emit_yaml_files

    folder = folder or Path(pipeline.base_dir)
    job_path = folder / "emitted_job.yml"
    job_path.write_text(emit_yaml(pipeline, str(folder)), encoding="utf-8")
    for name, text in component_files(emit_yaml_files(pipeline, str(folder))).items():  # sub-pipelines
        (folder / name).write_text(text, encoding="utf-8")
    return azure().load_job(job_path)
