"""Spark component files checked as azure-ai-ml reads them: every unknown or misspelt key is
flagged on its line, an error where azure-ai-ml 1.35 rejects the file and a warning where it
ignores the key, and a file azure-ai-ml rejects for a value is an error near that value.

``azpipe check`` passes over a spark component file on its own (see ``azpipe.source.kinds``), so
each fixture in ``tests/fixtures/spark_components`` is checked through the pipeline job that uses
it (``component: ./component.yml``), and judged by azure-ai-ml the same way: ``load_job`` of that
pipeline + ``_validate()``, which reads the file with ``AnonymousSparkComponentSchema`` and
``unknown=INCLUDE``. The focused tests below pin what azure-ai-ml was found to do: unknown keys at
the top (and in ``conf``, a mapping of any names) are ignored; ``entry``, the ports, an inline
environment and ``auto_delete_setting`` reject one.
"""

from __future__ import annotations

import copy
import logging
import os
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

FIXTURES = Path(__file__).parent / "fixtures" / "spark_components"
NAMES = ("word_count", "titanic", "sessionize")
SEED = 7
MUTATIONS_PER_FILE = 16

Path_ = tuple[Any, ...]


def _azure_rejects(pipeline: Path) -> bool:
    """True when azure-ai-ml 1.35 refuses the pipeline job using the component (at load or
    validation)."""
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml import load_job

    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return not load_job(str(pipeline))._validate().passed
    except Exception:  # any refusal (ValidationError, ValueError, TypeError...) is one
        return True
    finally:
        logging.disable(logging.NOTSET)


def _copy(tmp_path: Path, name: str, document: Any | None = None) -> Path:
    """The fixture's folder copied to ``tmp_path``, its component file replaced by ``document``;
    the copied component file's path (its pipeline is ``pipeline.yml`` next to it)."""
    folder = tmp_path / name
    shutil.copytree(FIXTURES / name, folder)
    path = folder / "component.yml"
    if document is not None:
        path.write_text(yaml.safe_dump(document, sort_keys=False, width=1000))
    return path


def _found(component: Path) -> list[Diagnostic]:
    """What ``azpipe check`` finds in the component file, checking the pipeline using it."""
    found = check_file(str(component.parent / "pipeline.yml")).diagnostics
    return [d for d in found if os.path.basename(d.span.file) == "component.yml"]


def _all(component: Path) -> list[Diagnostic]:
    return check_file(str(component.parent / "pipeline.yml")).diagnostics


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


NAMED = ("inputs", "outputs", "tags", "properties", "conf")  # mappings of names: any key is a name


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
    field but `environment`; not checked inside an inline environment, whose schema is shared
    with pipelines)."""
    if rng.random() < 0.15 and path[:1] != ("environment",):
        return None
    if isinstance(value, bool):
        return rng.choice(["maybe", [True]])
    if isinstance(value, (int, float)):
        return rng.choice(["two", [value], {"value": value}])
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
    assert not _azure_rejects(path.parent / "pipeline.yml")
    assert _all(path) == []


@pytest.mark.parametrize("mutation", MUTATIONS, ids=str)
def test_a_mutation_is_flagged_as_azure_ml_judges_it(tmp_path: Path, mutation: Mutation) -> None:
    path = _copy(tmp_path, mutation.name, mutation.document)
    rejected = _azure_rejects(path.parent / "pipeline.yml")
    found = _found(path)
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
    assert any(m.path[0] in ("inputs", "outputs", "entry") for m in keyed)
    assert any(len(m.path) == 1 for m in keyed)
    assert any(not m.key and _get(m.document, m.path) is None for m in MUTATIONS)


# ------------------------------------------------------------------ what azure-ai-ml was found to do


def _checked(tmp_path: Path, old: str, new: str, name: str = "titanic") -> tuple[Path, list[Diagnostic]]:
    """The fixture ``name`` with ``old`` replaced by ``new``, and what ``azpipe check`` finds in
    its pipeline (all of it in the component file)."""
    path = _copy(tmp_path, name)
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    found = _all(path)
    assert found == _found(path)
    return path, found


def _line(path: Path, marker: str) -> int:
    """The line of ``path`` that ``marker`` is first on."""
    return next(n for n, text in enumerate(path.read_text().splitlines(), 1) if marker in text)


def _codes(found: list[Diagnostic]) -> list[tuple[str, str, int]]:
    return [(d.code, d.severity.name, d.span.line) for d in found]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("code: ./src", "code: ./src\nresources:\n  instance_type: standard_e4s_v3", "resources"),
        ("py_files:", "jar:\n  - a.jar\npy_files:", "jar:"),  # misspelt: `jars`
        ("is_deterministic: true", "is_deterministic: true\ncompute: azureml:spark", "compute"),
    ],
)
def test_keys_azure_ml_ignores_are_warnings(tmp_path: Path, old: str, new: str, key: str) -> None:
    path, found = _checked(tmp_path, old, new)
    assert not _azure_rejects(path.parent / "pipeline.yml")
    assert _codes(found) == [("S101", "WARNING", _line(path, key))]
    assert "Azure ML ignores it" in (found[0].hint or "")


def test_conf_takes_any_name(tmp_path: Path) -> None:
    path, found = _checked(tmp_path, "  spark.driver.cores: 1", "  spark.driver.cores: 1\n  my.setting: 3")
    assert not _azure_rejects(path.parent / "pipeline.yml")
    assert found == []


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("  file: titanic.py", "  file: titanic.py\n  colour: red", "colour"),  # entry
        ("    default: 0.5", "    default: 0.5\n    colour: red", "colour"),  # an input
        ("    type: uri_folder", "    type: uri_folder\n    colour: red", "colour"),  # an output
        ("  conda_file: ./src/conda.yml", "  conda_file: ./src/conda.yml\n  imag: x", "imag:"),  # inline env
        (
            "is_deterministic: true",
            "is_deterministic: true\nauto_delete_setting: {condition: created_greater_than, valu: 30d}",
            "auto_delete_setting",
        ),
    ],
)
def test_keys_azure_ml_rejects_are_errors(tmp_path: Path, old: str, new: str, key: str) -> None:
    path, found = _checked(tmp_path, old, new)
    assert _azure_rejects(path.parent / "pipeline.yml")
    assert _codes(found) == [("S101", "ERROR", _line(path, key))]


@pytest.mark.parametrize(
    ("old", "new", "code", "marker"),
    [
        (
            "entry:\n  file: titanic.py",
            "entry: titanic.py",
            "S102",
            "entry:",
        ),  # the short form is the language's
        ("  file: titanic.py", "  file: titanic.py\n  class_name: Main", "S105", "entry:"),
        ("  file: titanic.py", '  file: ""', "V004", "file:"),
        ("py_files:\n  - utils.zip", "py_files: utils.zip", "S102", "py_files"),
        ("  - utils.zip", "  - utils.zip\n  - utils.zip", "K105", "  - utils.zip"),
        ("    type: uri_folder", "    type: string", "V002", "type: string"),  # no primitive outputs
        ("is_deterministic: true", "is_deterministic: maybe", "V001", "is_deterministic"),
        ("display_name: Titanic data wrangling", "display_name:", "V001", "display_name"),
        ("  spark.driver.cores: 1", "  spark.driver.cores:", "S102", "spark.driver.cores"),
        ("maxExecutors: 4", "maxExecutors: four", "K102", "maxExecutors"),
        ("enabled: True", "enabled: maybe", "K102", "enabled"),  # off, with min and max executors
        ("  image: mcr", "  imag: mcr", "S101", "imag:"),
        ("code: ./src", "code: ./source", "F801", "code:"),
    ],
)
def test_values_azure_ml_rejects_are_errors_at_the_value(
    tmp_path: Path, old: str, new: str, code: str, marker: str
) -> None:
    path, found = _checked(tmp_path, old, new)
    assert _azure_rejects(path.parent / "pipeline.yml")
    line = _line(path, marker)
    assert [d for d in _errors(found) if d.code == code and line <= d.span.line <= line + 1], found


ENVIRONMENT = "environment: azureml://registries/azureml/environments/synapse-spark-3.4/versions/1"


@pytest.mark.parametrize("new", ["environment: synapse:1", "environment: AzureML:synapse:1"])
def test_a_registered_environment_needs_the_azureml_prefix(tmp_path: Path, new: str) -> None:
    path, found = _checked(tmp_path, ENVIRONMENT, new, "sessionize")
    assert _azure_rejects(path.parent / "pipeline.yml")
    assert _codes(found) == [("V004", "ERROR", _line(path, "environment:"))]


@pytest.mark.parametrize(
    ("old", "new", "name"),
    [
        ("type: spark", "type: SPARK", "titanic"),  # lower-cased by azure-ai-ml
        ("type: spark", "type: Spark", "word_count"),
        ("version: 2", "version: [2]", "titanic"),  # dump-only in AnonymousAssetSchema: passed through
        ("name: titanic_spark_component", "name: Titanic-Spark", "titanic"),  # registered anonymously
        ("  spark.driver.cores: 1", "  spark.driver.cores: two", "titanic"),  # conf values are Spark's
        (ENVIRONMENT, "environment:", "sessionize"),  # EnvironmentField(allow_none=True)
        (ENVIRONMENT, "environment: azureml:synapse@latest", "sessionize"),
        ("  owner: analytics", "  owner: [analytics]", "sessionize"),  # properties: any values
        ("archives:\n  - geo.zip#geo", "archives: []", "sessionize"),
        ("enabled: True", "enabled: TRUE\n  spark.executor.instances: 2", "titanic"),  # off, and fine so
    ],
)
def test_values_azure_ml_accepts_pass(tmp_path: Path, old: str, new: str, name: str) -> None:
    path, found = _checked(tmp_path, old, new, name)
    assert not _azure_rejects(path.parent / "pipeline.yml")
    assert _errors(found) == []


LANGUAGE_PIPELINE = """\
azpipe: 1
name: count_twice
inputs:
  text: {type: uri_file, path: azureml://datastores/workspaceblobstore/paths/shakespeare.txt, mode: direct}
steps:
  first:
    uses: ./word_count/component.yml
    inputs:
      file_input: ${{parent.inputs.text}}
    spark: {resources: {instance_type: standard_e4s_v3, runtime_version: "3.4"}}
  second:
    uses: ./word_count/component.yml
    inputs:
      file_input: ${{parent.inputs.text}}
    spark: {resources: {instance_type: standard_e4s_v3, runtime_version: "3.4"}}
outputs:
  first_counts: ${{first.outputs.counts}}
  second_counts: ${{second.outputs.counts}}
"""


def test_a_language_pipeline_flags_the_keys_of_the_component_file_it_uses_once(tmp_path: Path) -> None:
    """Used by two steps, the file is walked once: each unknown key flagged once, at its line."""
    path = _copy(tmp_path, "word_count")
    path.write_text(path.read_text().replace("code: .", "code: .\nresources: {instance_type: x}", 1))
    (tmp_path / "pipeline.yml").write_text(LANGUAGE_PIPELINE)
    found = azpipe.load(tmp_path / "pipeline.yml").diagnostics
    in_file = [d for d in found if d.span.file.endswith("component.yml")]
    assert _codes(in_file) == [("S101", "WARNING", _line(path, "resources"))]
    assert _errors(found) == []


# ------------------------------------------------------------------ a component's type, in any case

PARALLEL = Path(__file__).parent / "fixtures" / "parallel_components" / "batch_score"


@pytest.mark.parametrize("kind", ["PARALLEL", "Parallel"])
def test_a_parallel_component_file_takes_its_type_in_any_case(tmp_path: Path, kind: str) -> None:
    """azure-ai-ml lower-cases a component's type (StringTransformedEnum): so does azpipe."""
    shutil.copytree(PARALLEL, tmp_path / "batch_score")
    path = tmp_path / "batch_score" / "component.yml"
    path.write_text(path.read_text().replace("type: parallel\n", f"type: {kind}\n", 1))
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml import load_component

    assert load_component(str(path))._validate().passed
    assert check_file(str(path)).diagnostics == []


COMMAND = """\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: {kind}
name: train
command: python train.py
environment: azureml:sklearn:1
"""


@pytest.mark.parametrize("kind", ["Command", "COMMAND"])
def test_a_command_component_file_takes_its_type_in_any_case(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "train.yml"
    path.write_text(COMMAND.format(kind=kind))
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml import load_component

    assert load_component(str(path))._validate().passed
    assert check_file(str(path)).diagnostics == []


# ------------------------------------------------------------------ an inline spark component

INLINE = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
jobs:
  wrangle:
    type: spark
    component:
      type: spark
      code: ./src
      entry: {file: main.py}
      conf:
        spark.driver.cores: 1
        spark.driver.memory: 2g
        spark.executor.cores: 2
        spark.executor.memory: 2g
        spark.executor.instances: 2
    resources: {instance_type: standard_e4s_v3, runtime_version: "3.4"}
"""


@pytest.mark.parametrize(
    ("old", "new", "marker", "severity"),
    [
        (
            "      code: ./src",
            "      code: ./src\n      resources: {instance_type: x}",
            "resources: {",
            "WARNING",
        ),
        ("entry: {file: main.py}", "entry: {file: main.py, colour: red}", "colour", "ERROR"),
        ("      code: ./src", "      code: ./src\n      args: 3", "args", "ERROR"),
        ("      code: ./src", "      code: ./src\n      environment: synapse:1", "environment", "ERROR"),
        ("      code: ./src", "      code: ./src\n      outputs: {o: {type: string}}", "outputs", "ERROR"),
    ],
)
def test_an_inline_spark_component_is_judged_as_a_file_is(
    tmp_path: Path, old: str, new: str, marker: str, severity: str
) -> None:
    """azure-ai-ml reads a node's inline spark component with the schema it reads a file with."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("print('wrangled')\n")
    path = tmp_path / "pipeline.yml"
    path.write_text(INLINE.replace(old, new, 1))
    rejected = _azure_rejects(path)
    assert rejected is (severity == "ERROR")
    found = [d for d in check_file(str(path)).diagnostics if d.code != "G502"]  # an output left unused
    assert [d.severity.name for d in found if d.span.line == _line(path, marker)] == [severity], found
    assert [d for d in found if d.span.line != _line(path, marker)] == []


def test_a_clean_inline_spark_component_passes_both(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("print('wrangled')\n")
    path = tmp_path / "pipeline.yml"
    path.write_text(INLINE)
    assert not _azure_rejects(path)
    assert check_file(str(path)).diagnostics == []
