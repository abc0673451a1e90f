"""Corpus, strict (issue 10 item 5): every pipeline of Azure's ``azureml-examples`` corpus.

For each pipeline job file under ``cli/jobs/`` of the corpus (``AZPIPE_CORPUS``):
azure-ai-ml loads and validates it; azpipe reports no error azure-ai-ml would not
justify (only S107 for the node kinds azpipe does not model yet); and for every
file azpipe supports, ``azpipe import`` then ``compile`` — and ``compile``
directly — give, in both targets, the job azure-ai-ml loads from the original,
in every field of its job dict (:func:`azpipe.emit.jobgraph.job_dict`), unknown
keys under ``settings:`` included (azpipe warns about them and passes them on, as
azure-ai-ml does).

``docs/corpus.md`` is generated here (``pytest --update-golden``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import azpipe
from azpipe.diagnostics import Severity
from tests.fidelity_support import differences
from tests.golden import assert_golden
from tests.native_corpus import CORPUS, ROOT, _create_local_paths

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations
JOBS = CORPUS / "cli" / "jobs"


def corpus_files() -> list[Path]:
    """Every pipeline document (`type: pipeline`) under the corpus's ``cli/jobs``, sorted."""
    if not JOBS.is_dir():
        return []
    pattern = re.compile(r"^type:\s*pipeline\b", re.MULTILINE)
    return sorted(path for path in JOBS.rglob("*.yml") if pattern.search(path.read_text(encoding="utf-8")))


FILES = corpus_files()
needs_corpus = pytest.mark.skipif(not FILES, reason="the Azure ML examples corpus is not on this machine")


def prepared(path: Path, destination: Path) -> Path:
    """A copy of the example's folder (two levels under ``cli/jobs``) with what its YAML points at."""
    relative = path.relative_to(JOBS)
    top = relative.parts[: min(2, len(relative.parts) - 1)]
    shutil.copytree(JOBS.joinpath(*top), destination.joinpath(*top), dirs_exist_ok=True)
    for yml in destination.joinpath(*top).rglob("*.y*ml"):
        _create_local_paths(yml)
        _fill_in_compute(yml)
    return destination / relative


_COMPUTE_PLACEHOLDER = re.compile(r"^(\s*compute:\s*)<([A-Z_]+)>\s*$", re.MULTILINE)


def _fill_in_compute(yml: Path) -> None:
    """``compute: <ATTACHED_SPARK_POOL_NAME>``: a name the examples' README asks the reader to fill in
    (azpipe refuses it as a compute name, N701, as Azure ML does when submitting)."""
    text = yml.read_text(encoding="utf-8")
    filled = _COMPUTE_PLACEHOLDER.sub(lambda m: m.group(1) + m.group(2).lower().replace("_", "-"), text)
    if filled != text:
        yml.write_text(filled, encoding="utf-8")


# Files where azpipe reports a mistake azure-ai-ml does not: the code it reports. (None now:
# a native binding of an input the component does not declare, which azure-ai-ml drops without
# a word, is an R302 warning and dropped alike.)
STRICTER: dict[str, str] = {}


def aml_verdict(path: Path, component: bool = False) -> str:
    """``pass``, ``fail`` or ``load error``: azure-ai-ml's ``load_job(...)._validate()`` (for a pipeline
    component file, ``load_component``)."""
    from tests.fidelity_support import azure, load_original, validation_errors, working_directory

    try:
        if component:
            with working_directory(path.parent):
                found = azure().load_component(path)
            return "pass" if validation_errors(found) == {} else "fail"
        load_original(path)
    except AssertionError:
        return "fail"
    except Exception:  # azure-ai-ml raises on schema errors while loading
        return "load error"
    return "pass"


def _id(path: Path) -> str:
    return str(path.relative_to(JOBS))


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=_id)
def test_corpus_file_strict(path: Path, tmp_path: Path) -> None:
    copy = prepared(path, tmp_path)
    pipeline = azpipe.load(copy)
    errors = {d.code for d in pipeline.diagnostics if d.severity is Severity.ERROR}
    if _id(path) in STRICTER:  # azpipe reports a mistake azure-ai-ml lets through
        assert errors == {STRICTER[_id(path)]}, pipeline.check()
        return
    if errors:  # only the node kinds azpipe does not model yet
        assert errors == {"S107"}, pipeline.check()
        return
    if pipeline.source_format == "native-component":  # compiled with the pipeline job that uses it
        assert aml_verdict(copy, component=True) == "pass"
        return
    assert aml_verdict(copy) == "pass"
    assert differences(copy) == []


@needs_corpus
def test_corpus_table_is_current(tmp_path: Path, update_golden: bool) -> None:
    rows = [_row(path, tmp_path / str(number)) for number, path in enumerate(FILES)]
    supported = sum(row[2] == "supported" for row in rows)
    same = sum(row[-1].startswith("same job") for row in rows)
    lines = [
        "# The Azure ML examples corpus",
        "",
        "Every pipeline job file under `cli/jobs/` of Azure's public `azureml-examples`",
        "repository in the corpus, read by azure-ai-ml 1.35 (`load_job(...)._validate()`) and",
        "by azpipe. Generated by `tests/test_fidelity_corpus.py` (`pytest --update-golden`).",
        "",
        f"{len(rows)} files: {supported} fully supported, and for all {same} of them `azpipe import`",
        "then `compile` (and `compile` directly), in both targets, gives the job azure-ai-ml",
        "loads from the original in every field of its job dict (`job_dict`; unknown settings",
        "included: azpipe warns about them and passes them on). A node kind azpipe does not",
        "model would be reported as S107 on each such node (none is left in the corpus), the",
        "rest of its file still checked. azpipe reports no other error on any file: the columns",
        "side by side show none that azure-ai-ml would not justify.",
        "",
        "The whole public repository, measured the same way: [corpus-public.md](corpus-public.md).",
        "",
        "| file | kind | azpipe | azure-ai-ml | azpipe errors | warnings | unsupported nodes | import → compile, both targets |",
        "|---|---|---|---|---|---|---|---|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    assert_golden(ROOT / "docs" / "corpus.md", "\n".join(lines) + "\n", update_golden)


def _row(path: Path, folder: Path) -> list[str]:
    copy = prepared(path, folder)
    pipeline = azpipe.load(copy)
    unsupported = [d for d in pipeline.diagnostics if d.code == "S107"]
    errors = sorted({d.code for d in pipeline.diagnostics if d.severity is Severity.ERROR})
    warnings = sorted({d.code for d in pipeline.diagnostics if d.severity is Severity.WARNING})
    kind = "pipeline component" if pipeline.source_format == "native-component" else "pipeline job"
    result = "—"
    component = pipeline.source_format == "native-component"
    if component and not errors:
        result = "compiled with the job that uses it"
    elif not errors:
        found = differences(copy)
        result = "same job, every field" if not found else f"differs in {len(found)} fields"
    return [
        f"`{_id(path)}`", kind, "partly" if unsupported else "supported", aml_verdict(copy, component),
        ", ".join(errors) or "none", ", ".join(warnings) or "—", str(len(unsupported)), result,
    ]  # fmt: skip
