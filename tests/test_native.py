"""Native Azure ML pipeline YAML: the public corpus, seeded defects, and ``azpipe import``.

Each seeded defect is a mistake azure-ai-ml's own offline validation accepts
(the test records that), and azpipe reports on its own line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

import azpipe
from azpipe.cli.main import main
from azpipe.diagnostics import Severity
from tests.native_corpus import PIPELINES, ROOT, pipeline_files, prepared_copy

FILES = pipeline_files()
needs_corpus = pytest.mark.skipif(not FILES, reason="the Azure ML examples corpus is not on this machine")
# Seeded defects start from a small pipeline in Azure ML's own format (shaped like
# the corpus's 3b_pipeline_with_data), kept in the repository so they always run.
BASE = ROOT / "tests" / "fixtures" / "native" / "three_steps"


def base_copy(tmp_path: Path) -> Path:
    """A copy of the seeded-defect pipeline; returns its pipeline file."""
    import shutil

    shutil.copytree(BASE, tmp_path / "three_steps")
    return tmp_path / "three_steps" / "pipeline.yml"


# Corpus files where azpipe reports a mistake azure-ai-ml does not: the code it reports.
# (None now: a native binding of an input the component does not declare, which azure-ai-ml
# drops without a word, is an R302 warning and dropped alike.)
STRICTER: dict[str, str] = {}


def aml_validate(path: Path, component: bool = False) -> str:
    """``pass``, or the first problem azure-ai-ml finds loading and validating ``path``
    (a pipeline component file when ``component``)."""
    from azure.ai.ml import load_component, load_job

    logging.getLogger("azure.ai.ml").setLevel(logging.CRITICAL)
    try:
        result = (load_component if component else load_job)(path)._validate()
    except Exception as error:  # azure-ai-ml raises on schema errors while loading
        return "load error: " + str(error).strip().splitlines()[0]
    if result.passed:
        return "pass"
    return "fail: " + "; ".join(f"{k}: {v}" for k, v in list(result.error_messages.items())[:2])


def errors(pipeline: azpipe.Pipeline) -> list[str]:
    return [d.code for d in pipeline.diagnostics if d.severity is Severity.ERROR]


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(PIPELINES)) for p in FILES])
def test_corpus_file(path: Path, tmp_path: Path) -> None:
    copy = prepared_copy(path, tmp_path)
    pipeline = azpipe.load(copy)
    assert pipeline.source_format in ("native", "native-component")
    unsupported = [d for d in pipeline.diagnostics if d.code == "S107"]
    stricter = STRICTER.get(str(path.relative_to(PIPELINES)))
    if stricter:  # azpipe reports a mistake azure-ai-ml lets through
        assert set(errors(pipeline)) == {stricter}
    elif not unsupported:
        assert errors(pipeline) == [], pipeline.diagnostics
        assert aml_validate(copy, pipeline.source_format == "native-component") == "pass"
    else:
        # One clear diagnostic per unsupported node; nothing else breaks.
        assert all(d.span.line >= 1 for d in unsupported)
        assert set(errors(pipeline)) == {"S107"}


def compile_matches_original(original: Path, imported: azpipe.Pipeline, warned: set[str]) -> list[str]:
    """Differences between the job azpipe compiles from the import and the job
    azure-ai-ml loads from the original, after normalising what is only naming."""
    import os

    from azpipe.emit.jobgraph import diff, job_graph

    ours = job_graph(azpipe.to_job(imported))
    here = os.getcwd()
    os.chdir(original.parent)  # azure-ai-ml resolves some node input paths against the cwd
    try:
        from azure.ai.ml import load_job

        theirs = job_graph(load_job(original))
    finally:
        os.chdir(here)
    assert warned <= set(ours.get("settings", {})), "settings azpipe warned about are still passed on"
    for name, output in theirs.get("outputs", {}).items():
        if output.get("type") is None and name in ours.get("outputs", {}):
            output["type"] = ours["outputs"][name].get("type")  # unset: the bound output's type
    return diff(ours, theirs)


def _import(copy: Path) -> azpipe.Pipeline:
    out = copy.with_name(copy.stem + ".azpipe.yaml")
    assert main(["import", str(copy), "-o", str(out)]) == 0
    return azpipe.load(out)


def _warned_settings(pipeline: azpipe.Pipeline) -> set[str]:
    import re

    return {
        m.group(1)
        for d in pipeline.diagnostics
        if d.code == "S101" and (m := re.search(r"`(\w+)` in `settings`", d.message))
    }


SUPPORTED = [
    p
    for p in FILES
    if ("pipeline_with_" not in str(p) and "spark" not in str(p)) or "flow_as_component" in str(p)
]


@needs_corpus
@pytest.mark.parametrize("path", SUPPORTED, ids=[str(p.relative_to(PIPELINES)) for p in SUPPORTED])
def test_import_then_compile_equals_the_original(path: Path, tmp_path: Path) -> None:
    copy = prepared_copy(path, tmp_path)
    original = azpipe.load(copy)
    assert not any(d.code == "S107" for d in original.diagnostics)
    imported = _import(copy)
    assert errors(imported) == [], imported.diagnostics
    assert compile_matches_original(copy, imported, _warned_settings(original)) == []


# docs/corpus.md, the strict comparison of every corpus file: tests/test_fidelity_corpus.py


SEEDS: dict[str, tuple[str, Callable[[Path], None]]] = {}


def seed(name: str, code: str) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    def register(function: Callable[[Path], None]) -> Callable[[Path], None]:
        SEEDS[name] = (code, function)
        return function

    return register


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@seed("misspelt job", "R301")
def _job(folder: Path) -> None:
    _edit(folder / "pipeline.yml", "parent.jobs.component_a.outputs", "parent.jobs.component_aa.outputs")


@seed("misspelt port", "R302")
def _port(folder: Path) -> None:
    _edit(
        folder / "pipeline.yml",
        "component_a.outputs.component_a_output",
        "component_a.outputs.component_a_outptu",
    )


@seed("misspelt placeholder", "P405")
def _placeholder(folder: Path) -> None:
    _edit(folder / "componentB.yml", "${{inputs.component_b_input}}", "${{inputs.component_b_inptu}}")


@seed("cycle", "G501")
def _cycle(folder: Path) -> None:
    _edit(
        folder / "pipeline.yml",
        "      component_a_input: \n        type: uri_folder\n        path: ./data",
        "      component_a_input: ${{parent.jobs.component_c.outputs.component_c_output}}",
    )


@seed("duplicate job", "Y002")
def _duplicate(folder: Path) -> None:
    # A second `component_b` that silently replaces the first (PyYAML keeps the last one).
    block = (
        "  component_b:\n    type: command\n    component: ./componentB.yml\n    inputs:\n"
        "      component_b_input: ${{parent.jobs.component_a.outputs.component_a_output}}\n"
    )
    _edit(folder / "pipeline.yml", "  component_c:\n", block + "  component_c:\n")


@seed("unknown key", "S101")
def _unknown(folder: Path) -> None:
    _edit(
        folder / "pipeline.yml",
        "    component: ./componentB.yml\n",
        "    component: ./componentB.yml\n    comput: azureml:cpu-cluster\n",
    )


@seed("uri_file output into uri_folder input", "T601")
def _types(folder: Path) -> None:
    _edit(
        folder / "componentA.yml",
        "  component_a_output:\n    type: uri_folder",
        "  component_a_output:\n    type: uri_file",
    )


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seeded_defect_is_reported_where_azure_ml_accepts_it(name: str, tmp_path: Path) -> None:
    code, plant = SEEDS[name]
    copy = base_copy(tmp_path)
    assert aml_validate(copy) == "pass" and azpipe.load(copy).ok
    plant(copy.parent)
    found = [d for d in azpipe.load(copy).diagnostics if d.code == code]
    assert len(found) == 1, azpipe.load(copy).diagnostics
    # A misspelt key on a node with a component: Azure ML ignores it, so it is a warning with
    # "did you mean" (tests/test_unknown_keys_azure.py); the job would run without the setting.
    severity = Severity.WARNING if name == "unknown key" else Severity.ERROR
    assert found[0].span.line >= 1 and found[0].severity is severity
    # The value over Azure ML's own offline validation: it accepts every one of these.
    assert aml_validate(copy) == "pass"


def test_import_keeps_uses_and_short_references(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = base_copy(tmp_path)
    assert main(["import", str(copy)]) == 0
    text = capsys.readouterr().out
    assert 'uses: "./componentA.yml"' in text
    assert '"${{component_a.component_a_output}}"' in text
    assert "parent.jobs" not in text


def test_import_then_compile_equals_the_original_fixture(tmp_path: Path) -> None:
    copy = base_copy(tmp_path)
    imported = _import(copy)
    assert errors(imported) == []
    assert compile_matches_original(copy, imported, set()) == []


def test_import_refuses_an_azpipe_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(ROOT / "pipelines" / "image_classification" / "pipeline.yaml")]) == 1
    assert "not an Azure ML pipeline job file" in capsys.readouterr().err


def test_native_file_positions(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "pipeline.yml").write_text(
        "type: pipeline\nsettings: {default_compute: azureml:cpu}\njobs:\n"
        "  a:\n    type: command\n    code: ./src\n    environment: azureml:env:1\n"
        "    command: echo ${{outputs.out}}\n    outputs: {out: {type: uri_folder}}\n"
        "  b:\n    type: command\n    code: ./src\n    environment: azureml:env:1\n"
        "    command: cat ${{inputs.x}}\n    inputs:\n      x: ${{parent.jobs.a.outputs.ot}}\n"
    )
    [diagnostic] = [d for d in azpipe.load(tmp_path / "pipeline.yml").diagnostics if d.code == "R302"]
    assert (diagnostic.span.line, diagnostic.span.column) == (16, 10)
    assert diagnostic.hint == "did you mean `out`?"


def test_unsupported_nodes_do_not_stop_the_rest(tmp_path: Path) -> None:
    (tmp_path / "pipeline.yml").write_text(
        "type: pipeline\nsettings: {default_compute: azureml:cpu}\njobs:\n"
        "  s:\n    type: flow\n    component: ./x.yml\n"
        "  b:\n    type: command\n    environment: azureml:env:1\n"
        "    command: cat ${{inputs.x}} ${{inputs.y}}\n    inputs:\n      x: ${{parent.jobs.s.outputs.best}}\n"
    )
    codes = [d.code for d in azpipe.load(tmp_path / "pipeline.yml").diagnostics]
    assert codes.count("S106") == 1 and "P405" in codes  # azure-ai-ml has no `type: flow` node


NATIVE_RUNNABLE = {
    "src/hello.py": (
        "import argparse, pathlib\n"
        "p = argparse.ArgumentParser(); p.add_argument('--msg'); p.add_argument('--out'); p.add_argument('--inp')\n"
        "a = p.parse_args()\n"
        "text = a.msg if a.inp is None else (pathlib.Path(a.inp) / 'm.txt').read_text() + '+' + a.msg\n"
        "pathlib.Path(a.out, 'm.txt').write_text(text)\n"
    ),
    "comp.yml": (
        "type: command\nname: shout\ncode: ./src\nenvironment: azureml:env:1\n"
        "inputs:\n  inp: {type: uri_folder}\n  msg: {type: string}\noutputs:\n  out: {type: uri_folder}\n"
        "command: python hello.py --inp ${{inputs.inp}} --msg ${{inputs.msg}} --out ${{outputs.out}}\n"
    ),
    "hello-pipeline.yml": (
        "type: pipeline\nsettings:\n  default_compute: azureml:cpu-cluster\ninputs:\n  greeting: hello\n"
        "outputs:\n  final:\n    mode: upload\njobs:\n"
        "  first:\n    type: command\n    code: ./src\n    environment: azureml:env:1\n"
        "    command: python hello.py --msg ${{inputs.msg}} --out ${{outputs.out}}\n"
        "    inputs:\n      msg: ${{parent.inputs.greeting}}\n    outputs:\n      out:\n        type: uri_folder\n"
        "  second:\n    type: command\n    component: ./comp.yml\n"
        "    inputs:\n      inp: ${{parent.jobs.first.outputs.out}}\n      msg: world\n"
        "    outputs:\n      out: ${{parent.outputs.final}}\n"
    ),
}


def test_native_file_checks_draws_runs_and_compiles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, text in NATIVE_RUNNABLE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = str(tmp_path / "hello-pipeline.yml")
    pipeline = azpipe.load(path)
    assert pipeline.ok and pipeline.name == "hello_pipeline"
    assert main(["check", path]) == 0
    assert main(["graph", path, "--format", "mermaid"]) == 0
    assert main(["run", path]) == 0
    capsys.readouterr()
    [result] = (tmp_path / ".azpipe" / "runs").glob("*/second/outputs/out/m.txt")
    assert result.read_text() == "hello+world"
    assert main(["compile", path, "--target", "yaml"]) == 0
    assert "hello.py" in capsys.readouterr().out
