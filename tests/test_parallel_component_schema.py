"""Parallel component files checked as azure-ai-ml reads them (issue 12): every unknown or misspelt
key is flagged on its line, an error where azure-ai-ml 1.35 rejects the file and a warning where it
ignores the key, and a file azure-ai-ml rejects for a value is an error at that value.

Seeded mutations of the realistic files in ``tests/fixtures/parallel_components`` are loaded by
azure-ai-ml (``load_component`` + ``_validate()``) and checked by ``azpipe check``; the focused tests
below pin what azure-ai-ml was found to do (ParallelComponentSchema reads the top, ``task``,
``retry_settings`` and ``resources`` with ``unknown=INCLUDE``; ports and an inline environment reject
an unknown key).
"""

from __future__ import annotations

import copy
import logging
import random
import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import azpipe
from azpipe.diagnostics import Diagnostic, Severity
from azpipe.loading import check_file
from azpipe.source.loader import load_bytes
from azpipe.source.nodes import Map, Node, Seq

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations

FIXTURES = Path(__file__).parent / "fixtures" / "parallel_components"
NAMES = ("batch_score", "tabular", "summarize")
SEED = 12
MUTATIONS_PER_FILE = 20

Path_ = tuple[Any, ...]


def _azure_rejects(path: Path) -> bool:
    """True when azure-ai-ml 1.35 refuses the component file (at load or validation)."""
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml import load_component

    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return not load_component(str(path))._validate().passed
    except Exception:  # any refusal (ValidationError, ValueError, TypeError...) is one
        return True
    finally:
        logging.disable(logging.NOTSET)


def _copy(tmp_path: Path, name: str, document: Any | None = None) -> Path:
    """The fixture's folder copied to ``tmp_path``, its component file replaced by ``document``."""
    folder = tmp_path / name
    shutil.copytree(FIXTURES / name, folder)
    path = folder / "component.yml"
    if document is not None:
        path.write_text(yaml.safe_dump(document, sort_keys=False, width=1000))
    return path


def _document(name: str) -> Any:
    return yaml.safe_load((FIXTURES / name / "component.yml").read_text())


def _errors(found: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in found if d.severity is Severity.ERROR]


def _node(text: str, path: Path_) -> tuple[Node, Node | None]:
    """The node at ``path`` in ``text`` and the key naming it, as azpipe's loader reads them."""
    node = load_bytes(text.encode(), "x.yml").root
    key = None
    for part in path:
        if isinstance(node, Map):
            key, node = node.key_node(part), node.get(part)
        else:
            assert isinstance(node, Seq)
            key, node = None, node.items[part]
        assert node is not None, path
    assert node is not None
    return node, key


# ------------------------------------------------------------------ seeded mutations


@dataclass
class Mutation:
    """One change to a component file: a key added at ``path`` (``key``), or the value there replaced."""

    name: str
    document: Any
    path: Path_
    key: bool

    def __str__(self) -> str:
        what = "unknown key" if self.key else "value"
        return f"{self.name}: {what} at {'.'.join(map(str, self.path))}"


NAMED = ("inputs", "outputs", "tags", "properties")  # mappings of names: any key is a name


def _mappings(document: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(document, dict):
        if not path or path[-1] not in NAMED:
            yield path
        for key, value in document.items():
            yield from _mappings(value, (*path, key))


def _scalars(document: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _scalars(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _scalars(value, (*path, index))
    elif path and path[-1] not in ("$schema",):
        yield path


def _get(document: Any, path: Path_) -> Any:
    for part in path:
        document = document[part]
    return document


def _misspelt(word: str, rng: random.Random) -> str:
    """``word`` one edit away (a letter dropped, doubled or swapped), or a word of its own."""
    if len(word) < 4 or rng.random() < 0.2:
        return rng.choice(["colour", "extra_setting", "notes"])
    i = rng.randrange(1, len(word) - 1)
    edits = [
        word[:i] + word[i + 1 :],
        word[:i] + word[i] + word[i:],
        word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :],
    ]
    return rng.choice(edits)


def _wrong(value: Any, path: Path_, rng: random.Random) -> Any:
    """A value of another type or spelling than ``value``, or none (marshmallow refuses an empty
    field; not yet checked inside an inline environment, whose schema is shared with pipelines)."""
    if rng.random() < 0.15 and path[:2] != ("task", "environment"):
        return None
    if isinstance(value, bool):
        return rng.choice(["maybe", [True]])
    if isinstance(value, (int, float)):
        return rng.choice(["two", [value], {"value": value}])
    if isinstance(value, str) and value.isupper():  # an enum value: logging_level
        return rng.choice([value.lower(), value + "X"])
    return rng.choice([3, [value], {"a": value}, value[:-1] + "_x" if value else "x"])


def _mutations() -> list[Mutation]:
    rng = random.Random(SEED)
    found = []
    for name in NAMES:
        document = _document(name)
        mappings, scalars = list(_mappings(document)), list(_scalars(document))
        for _ in range(MUTATIONS_PER_FILE):
            changed = copy.deepcopy(document)
            if rng.random() < 0.5:
                path = rng.choice(mappings)
                target = _get(changed, path)
                key = _misspelt(rng.choice(list(target) or ["x"]), rng)
                if key in target:
                    continue
                target[key] = rng.choice(["1", 2, "red"])
                found.append(Mutation(name, changed, (*path, key), True))
            else:
                path = rng.choice(scalars)
                parent = _get(changed, path[:-1])
                parent[path[-1]] = _wrong(parent[path[-1]], path, rng)
                found.append(Mutation(name, changed, path, False))
    return found


MUTATIONS = _mutations()


@pytest.mark.parametrize("name", NAMES)
def test_the_clean_files_pass_both(tmp_path: Path, name: str) -> None:
    path = _copy(tmp_path, name)
    assert not _azure_rejects(path)
    assert check_file(str(path)).diagnostics == []


@pytest.mark.parametrize("mutation", MUTATIONS, ids=str)
def test_a_mutation_is_flagged_as_azure_ml_judges_it(tmp_path: Path, mutation: Mutation) -> None:
    path = _copy(tmp_path, mutation.name, mutation.document)
    rejected = _azure_rejects(path)
    found = check_file(str(path)).diagnostics
    text = path.read_text()
    node, key = _node(text, mutation.path)
    if mutation.key:
        assert key is not None
        flagged = [d for d in found if d.code == "S101" and d.span.line == key.span.line]
        assert flagged, (str(mutation), text, found)
        wanted = Severity.ERROR if rejected else Severity.WARNING
        assert {d.severity for d in flagged} == {wanted}, (str(mutation), rejected, flagged)
    elif rejected:
        line = node.span.line
        near = [d for d in _errors(found) if abs(d.span.line - line) <= 1]
        assert near, (str(mutation), text, found)


def test_the_mutations_cover_both_verdicts() -> None:
    """The seeded set holds keys Azure ML ignores and keys it rejects, and wrong values."""
    keyed = [m for m in MUTATIONS if m.key]
    assert len(keyed) >= 10 and len(MUTATIONS) - len(keyed) >= 10
    assert any(m.path[0] in ("inputs", "outputs") for m in keyed)
    assert any(len(m.path) == 1 for m in keyed)
    assert any(not m.key and _get(m.document, m.path) is None for m in MUTATIONS)


# ------------------------------------------------------------------ what azure-ai-ml was found to do


def _checked(tmp_path: Path, old: str, new: str, name: str = "batch_score") -> tuple[Path, list[Diagnostic]]:
    """The fixture ``name`` with ``old`` replaced by ``new``, and what ``azpipe check`` finds in it."""
    path = _copy(tmp_path, name)
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return path, check_file(str(path)).diagnostics


def _line(path: Path, marker: str) -> int:
    """The line of ``path`` that ``marker`` is first on."""
    return next(n for n, text in enumerate(path.read_text().splitlines(), 1) if marker in text)


def _codes(found: list[Diagnostic]) -> list[tuple[str, str, int]]:
    return [(d.code, d.severity.name, d.span.line) for d in found]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        (
            'mini_batch_size: "10"',
            'mini_batch_sise: 10mb\nmini_batch_size: "10"',
            "mini_batch_sise",
        ),  # the top
        ("  timeout: 300", "  timeout: 300\n  colour: red", "colour"),  # retry_settings
        ("  entry_script: score.py", "  entry_script: score.py\n  entry: x.py", "entry:"),  # task
        ("  instance_count: 2", "  instance_count: 2\n  gpus: 1", "gpus"),  # resources
        (
            "is_deterministic: true",
            "is_deterministic: true\nenvironment_variables: {A: '1'}",
            "environment_v",
        ),
    ],
)
def test_keys_azure_ml_ignores_are_warnings(tmp_path: Path, old: str, new: str, key: str) -> None:
    path, found = _checked(tmp_path, old, new)
    assert not _azure_rejects(path)
    assert _codes(found) == [("S101", "WARNING", _line(path, key))]
    assert "Azure ML ignores it" in (found[0].hint or "")


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("    mode: ro_mount", "    mode: ro_mount\n    colour: red", "colour"),  # an input
        ("    mode: rw_mount", "    mode: rw_mount\n    colour: red", "colour"),  # an output
        (
            "    conda_file: ./src/conda.yml",
            "    conda_file: ./src/conda.yml\n    imag: x",
            "imag:",
        ),  # inline env
    ],
)
def test_keys_azure_ml_rejects_are_errors(tmp_path: Path, old: str, new: str, key: str) -> None:
    path, found = _checked(tmp_path, old, new)
    assert _azure_rejects(path)
    assert _codes(found) == [("S101", "ERROR", _line(path, key))]


@pytest.mark.parametrize(
    ("old", "new", "code", "marker"),
    [
        ("  type: run_function", "  type: run_fn", "V002", "run_fn"),
        ("  type: run_function\n", "", "S103", "task:"),  # task.type is required
        ("    image: mcr", "    imag: mcr", "S101", "imag:"),  # an inline environment needs its keys
        ('mini_batch_size: "10"', "mini_batch_size: 10", "V001", "mini_batch_size"),  # a number is no string
        ("logging_level: INFO", "logging_level: info", "V002", "logging_level"),  # case-sensitive
        ("max_retries: 3", "max_retries: three", "V004", "max_retries"),
        ("error_threshold: 5", "error_threshold: five", "V001", "error_threshold"),
        ("name: batch_score", "name: Batch-Score", "N701", "name:"),
        ("    type: uri_file", "    type: string", "V002", "type: string"),  # no primitive outputs
        ("  code: ./src", "  code: ./source", "F801", "code:"),
        ("conda_file: ./src/conda.yml", "conda_file: ./src/conda.yaml", "F801", "conda_file"),
        ("display_name: Batch score images", "display_name: 3", "V001", "display_name"),
    ],
)
def test_values_azure_ml_rejects_are_errors_at_the_value(
    tmp_path: Path, old: str, new: str, code: str, marker: str
) -> None:
    path, found = _checked(tmp_path, old, new)
    assert _azure_rejects(path)
    line = _line(path, marker)
    assert [d for d in _errors(found) if d.code == code and line <= d.span.line <= line + 1], found


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("logging_level: INFO", "logging_level:"),
        ("  max_retries: 3", "  max_retries:"),
        ("  entry_script: score.py", "  entry_script:"),
        ('mini_batch_size: "10"', "mini_batch_size:"),
        ("  instance_count: 2", "  instance_count:"),
    ],
)
def test_an_empty_value_is_an_error_as_marshmallow_refuses_it(tmp_path: Path, old: str, new: str) -> None:
    path, found = _checked(tmp_path, old, new)
    assert _azure_rejects(path)
    line = _line(path, new.strip())
    assert [d.code for d in _errors(found) if d.span.line == line] == ["V001"], found


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  type: run_function", "  type: Run_Function"),  # lower-cased by azure-ai-ml
        ("max_retries: 3", "max_retries: '${{inputs.threshold}}'"),  # a data binding
        ("max_retries: 3", 'max_retries: "3"'),  # marshmallow reads "3" as 3
        ("error_threshold: 5", 'error_threshold: "5"'),
        ("  type: run_function", "  type: function"),
    ],
)
def test_values_azure_ml_accepts_pass(tmp_path: Path, old: str, new: str) -> None:
    path, found = _checked(tmp_path, old, new)
    assert not _azure_rejects(path)
    assert _errors(found) == []


PIPELINE = """\
type: pipeline
settings: {default_compute: azureml:cpu-cluster}
inputs:
  images: {type: uri_folder, path: azureml://datastores/workspaceblobstore/paths/images}
outputs:
  scores: {type: uri_file}
jobs:
  score:
    type: parallel
    component: ./batch_score/component.yml
    inputs:
      images: ${{parent.inputs.images}}
    outputs:
      scores: ${{parent.outputs.scores}}
  again:
    type: parallel
    component: ./batch_score/component.yml
    inputs:
      images: ${{parent.inputs.images}}
"""


def test_a_pipeline_flags_the_keys_of_the_component_files_it_uses_once(tmp_path: Path) -> None:
    """Used by a pipeline, the file is walked with the same schema: the same warnings, each once."""
    path = _copy(tmp_path, "batch_score")
    path.write_text(path.read_text().replace("  timeout: 300", "  timeout: 300\n  colour: red", 1))
    (tmp_path / "pipeline.yml").write_text(PIPELINE)
    found = [
        d for d in azpipe.load(tmp_path / "pipeline.yml").diagnostics if d.span.file.endswith("component.yml")
    ]
    assert _codes([d for d in found if d.code.startswith("S")]) == [
        ("S101", "WARNING", _line(path, "colour"))
    ]
    assert _errors(found) == []


def test_a_pipeline_takes_a_component_file_without_a_valid_name(tmp_path: Path) -> None:
    """azure-ai-ml registers a parallel component a node uses anonymously: its name is not checked."""
    path = _copy(tmp_path, "batch_score")
    path.write_text(path.read_text().replace("name: batch_score\n", "name: Batch-Score\n", 1))
    (tmp_path / "pipeline.yml").write_text(PIPELINE)
    assert _errors(azpipe.load(tmp_path / "pipeline.yml").diagnostics) == []
    assert [d.code for d in _errors(check_file(str(path)).diagnostics)] == ["N701"]
