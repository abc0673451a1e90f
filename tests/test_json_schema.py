"""``azpipe schema``: the JSON Schema editors use agrees with ``azpipe check`` (issue 12 item 4).

- Both schemas (the language's, and ``--native`` for Azure ML pipeline jobs) are valid
  draft 2020-12 schemas.
- ``jsonschema`` accepts every example under ``pipelines/``, every ``good.yaml`` of
  ``tests/rules`` (azpipe and native files), and generated valid pipelines.
- Schema-level mutants (an unknown key, a value of the wrong type) of those files:
  when ``azpipe check`` rejects one with a shape or value rule, ``jsonschema``
  rejects it too; when ``azpipe check`` finds no error, ``jsonschema`` accepts it (an
  editor shows no error ``check`` would not). Mutants per run: 60 generated pipelines
  (``AZPIPE_LONG=1``: 1,000), and every mapping and leaf of the examples.
- The readers' key lists are the language schema's (derived with ``keys_of``); the few that
  are built otherwise have exactly the keys the schema describes.
- The key tables of ``docs/language.md`` are the ones generated from the schema.
"""

from __future__ import annotations

import copy
import json
import os
import random
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import azpipe
from azpipe.cli.main import main
from azpipe.diagnostics import Severity
from azpipe.model import INPUT_MODES, OUTPUT_MODES, TYPES
from azpipe.readers import (
    automl,
    component_file,
    data_transfer,
    entities,
    interface,
    parallel,
    pipeline,
    ports,
    spark,
    steps,
    sweep,
)
from azpipe.schema import language as schema
from azpipe.schema.json_schema import DRAFT, language_schema, native_schema
from azpipe.source.kinds import kind_of
from azpipe.source.loader import load_file
from tests.fidelity_strategies import Generated, azpipe_pipelines
from tests.fidelity_support import write
from tests.schema_tables import TABLES, generated_doc
from tests.test_docs_examples import EXAMPLES as DOC_EXAMPLES
from tests.test_docs_examples import Example

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = 1_000 if os.environ.get("AZPIPE_LONG") == "1" else 60
LANGUAGE = jsonschema.Draft202012Validator(language_schema())
NATIVE = jsonschema.Draft202012Validator(native_schema())
# What azpipe reports about a file's shape and values: what a JSON Schema can say too.
SCHEMA_RULES = ("S101", "S102", "V001", "V002", "V003", "V004", "T602")
UNKNOWN_KEY = "colour"
# The node kinds' blocks (issue 11: a step's `parallel:`, `sweep:`, `spark:`...) are described as
# open mappings: their readers own their keys, and report what is wrong inside them.
OPEN_BLOCKS = frozenset({"parallel", "sweep", "spark", "automl", "data_transfer"})
WRONG = {bool: "maybe", int: "two", float: "half", str: ["a", "list"], dict: "text", list: {"a": 1}}


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return LANGUAGE if kind == "azpipe" else NATIVE


def files() -> list[tuple[Path, str]]:
    """The examples and the rules' good files that are azpipe or native pipelines, with their kind."""
    found = sorted(ROOT.glob("pipelines/*/pipeline.yaml")) + sorted(ROOT.glob("tests/rules/*/good.yaml"))
    kinds = [(path, kind_of(load_file(str(path)).root).builder) for path in found]
    return [(path, kind) for path, kind in kinds if kind in ("azpipe", "native")]


FILES = files()


def test_both_schemas_are_valid_draft_2020_12() -> None:
    for made in (language_schema(), native_schema()):
        assert made["$schema"] == DRAFT
        jsonschema.Draft202012Validator.check_schema(made)


@pytest.mark.parametrize(
    ("path", "kind"), FILES, ids=lambda p: str(p.relative_to(ROOT).parent) if isinstance(p, Path) else p
)
def test_every_example_is_accepted(path: Path, kind: str) -> None:
    errors = [error.message for error in validator(kind).iter_errors(yaml.safe_load(path.read_text()))]
    assert errors == []


@pytest.mark.parametrize("example", [e for e in DOC_EXAMPLES if not e.expected], ids=str)
def test_every_clean_pipeline_in_the_docs_is_accepted(example: Example) -> None:
    document = yaml.safe_load(example.text)
    kind = "azpipe" if "azpipe" in document else "native"
    assert [error.message for error in validator(kind).iter_errors(document)] == []


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated=azpipe_pipelines(), seed=st.integers(0, 2**32 - 1))
def test_generated_pipelines_and_their_mutants(
    generated: Generated, seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("generated")
    write(folder, {"pipeline.yaml": generated.text(), **generated.files})
    assert [e.message for e in LANGUAGE.iter_errors(generated.document)] == [], generated.text()
    rng = random.Random(seed)
    for mutant, what in (unknown_key(generated.document, rng), wrong_type(generated.document, rng)):
        assert_agree(mutant, folder, "azpipe", what)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize(
    ("path", "kind"), FILES[:3] + [f for f in FILES if "rules" in str(f[0])][::7], ids=str
)
def test_every_mapping_and_leaf_of_examples_mutated(path: Path, kind: str, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(path.parent, folder)
    document = yaml.safe_load(path.read_text())
    for where in _paths(document):
        for mutant, what in _mutants_at(document, where):
            assert_agree(mutant, folder, kind, what)


def assert_agree(document: Any, folder: Path, kind: str, what: str) -> None:
    """azpipe and the JSON Schema agree on ``document`` (written as ``folder/pipeline.yaml``)."""
    path = folder / ("mutant.yaml")
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    errors = [d for d in azpipe.load(path).diagnostics if d.severity is Severity.ERROR]
    rejected = [e.message for e in validator(kind).iter_errors(document)]
    if any(d.code in SCHEMA_RULES for d in errors):
        assert rejected, f"{what}: azpipe says {[(d.code, d.message) for d in errors]}, the schema accepts it"
    if not errors:
        assert rejected == [], f"{what}: azpipe accepts it, the schema says {rejected}"


# ---------------------------------------------------------------- mutations


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a mapping or a leaf below ``document`` (not inside the node kinds' blocks)."""
    found = [prefix] if prefix else []
    if len(prefix) == 3 and prefix[0] == "steps" and prefix[2] in OPEN_BLOCKS:
        return []
    if isinstance(document, dict):
        for key, value in document.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += _paths(value, (*prefix, index))
    return found


def _at(document: Any, where: tuple[Any, ...]) -> Any:
    for key in where:
        document = document[key]
    return document


def _mutants_at(document: Any, where: tuple[Any, ...]) -> list[tuple[Any, str]]:
    value = _at(document, where)
    found = []
    if isinstance(value, dict):
        mutant = copy.deepcopy(document)
        _at(mutant, where)[UNKNOWN_KEY] = 1
        found.append((mutant, f"unknown key under {where}"))
    wrong = WRONG.get(type(value))
    if wrong is not None and not isinstance(where[-1], int):
        mutant = copy.deepcopy(document)
        _at(mutant, where[:-1])[where[-1]] = copy.deepcopy(wrong)
        found.append((mutant, f"{wrong!r} at {where}"))
    return found


def unknown_key(document: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    mappings = [where for where in _paths(document) if isinstance(_at(document, where), dict)]
    where = rng.choice([(), *mappings])
    mutant = copy.deepcopy(document)
    _at(mutant, where)[UNKNOWN_KEY] = 1
    return mutant, f"unknown key under {where}"


def wrong_type(document: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    leaves = [w for w in _paths(document) if not isinstance(w[-1], int) and type(_at(document, w)) in WRONG]
    where = rng.choice(leaves)
    wrong = WRONG[type(_at(document, where))]
    mutant = copy.deepcopy(document)
    _at(mutant, where[:-1])[where[-1]] = copy.deepcopy(wrong)
    return mutant, f"{wrong!r} at {where}"


# ---------------------------------------------------------------- one source: the readers' keys, the docs


def _keys(found: dict[str, Any], *path: str) -> set[str]:
    for key in path:
        found = found[key]
    return set(found["properties"])


def _object(found: dict[str, Any]) -> dict[str, Any]:
    """The mapping branch of an ``anyOf`` (a value or its settings)."""
    branches = [b for b in found.get("anyOf", [found]) if b.get("type") == "object"]
    return branches[0]


def _block(name: str, *path: str) -> set[str]:
    return (
        _keys(schema.STEP_PROPERTIES[name], *path)
        if path
        else set(schema.STEP_PROPERTIES[name]["properties"])
    )


# The readers take most key lists from the schema (``keys_of``); these are the ones that
# are not only key lists (built from the task fields a reader uses one by one, or read from
# the values of a reader's own table) and so are kept equal here.
SAME_KEYS = {
    "automl block": (_block("automl"), automl.BLOCK_KEYS),
    "sweep objective": (_block("sweep", "properties", "objective"), {"goal", "primary_metric"}),
    "sweep early termination": (
        {
            key
            for branch in schema.STEP_PROPERTIES["sweep"]["properties"]["early_termination"]["oneOf"]
            for key in branch["properties"]
        },
        {"type", *(key for keys in sweep.POLICIES.values() for key in keys)},
    ),
    "component file input": (
        set(_object(schema.COMPONENT_PORT_INPUT)["properties"]),
        component_file.INPUT_KEYS,
    ),
}


@pytest.mark.parametrize("what", SAME_KEYS)
def test_each_mapping_has_the_keys_its_reader_accepts(what: str) -> None:
    described, read = SAME_KEYS[what]
    missing = sorted(set(read) - described)
    assert described == set(read), (
        f"{what}: describe {missing} in src/azpipe/schema/language.py, then regenerate "
        "docs/language.md's tables (pytest tests/test_json_schema.py --update-golden)"
    )


DERIVED = [
    (pipeline.TOP_KEYS, schema.LANGUAGE),
    (steps.STEP_KEYS, schema.STEP_DECLARATION),
    (steps.COMPONENT_KEYS, schema.COMPONENT_DECLARATION),
    (steps.STEP_INPUT_KEYS, schema.STEP_INPUT),
    (ports.PORT_INPUT_KEYS, schema.COMPONENT_PORT_INPUT),
    (ports.OUTPUT_KEYS, schema.STEP_OUTPUT),
    (interface.INPUT_KEYS, schema.PIPELINE_INPUT),
    (interface.OUTPUT_KEYS, schema.PIPELINE_OUTPUT),
    (entities.ENVIRONMENT_KEYS, schema.ENVIRONMENT_DECLARATION),
    (entities.COMPUTE_KEYS, schema.COMPUTE_DECLARATION),
    (entities.DATA_KEYS, schema.DATA_DECLARATION),
    (sweep.SWEEP_KEYS, schema.SWEEP_BLOCK),
    (spark.BLOCK_KEYS, schema.SPARK_BLOCK),
    (data_transfer.BLOCK_KEYS, schema.DATA_TRANSFER_BLOCK),
    (parallel.PARALLEL_KEYS, schema.PARALLEL_BLOCK),
    (automl.BLOCK_KEYS, schema.AUTOML_BLOCK),
]


@pytest.mark.parametrize(("keys", "described"), DERIVED, ids=lambda x: str(x)[:30])
def test_readers_take_their_key_lists_from_the_schema(
    keys: tuple[str, ...], described: dict[str, Any]
) -> None:
    """The readers read their key lists from the schema when they load: a key added to the
    schema is a key they accept (no second list to keep equal)."""
    assert keys == schema.keys_of(described)


def _undescribed(found: Any, path: str) -> list[str]:
    """The keys under the schema ``found`` (through ``oneOf``, ``anyOf``, values of mappings)
    without a ``description``."""
    if isinstance(found, list):
        return [miss for item in found for miss in _undescribed(item, path)]
    if not isinstance(found, dict):
        return []
    missing = [
        f"{path}.{key}" for key, value in found.get("properties", {}).items() if not value.get("description")
    ]
    inner = [*found.get("properties", {}).values(), *found.get("oneOf", []), *found.get("anyOf", [])]
    inner += [found.get("additionalProperties"), found.get("items")]
    return missing + _undescribed(inner, path)


# The node-kind blocks the schema walker checks (closed, typed); the others are still their readers'.
WALKED_BLOCKS = ("sweep", "parallel", "spark", "data_transfer", "automl")


def test_the_node_kind_blocks_are_described_key_by_key() -> None:
    for kind in WALKED_BLOCKS:
        block = schema.STEP_PROPERTIES[kind]
        assert block["properties"], kind
        # Closed: at the top, or in each alternative of a oneOf (automl, by its task).
        for closed in block.get("oneOf", [block]):
            assert closed["additionalProperties"] is False, kind
        assert not _undescribed(block, kind), kind


def test_type_and_mode_names_are_the_models() -> None:
    assert set(schema.TYPE_NAMES) == set(TYPES)
    assert set(schema.INPUT_MODE_NAMES) == set(INPUT_MODES)
    assert set(schema.OUTPUT_MODE_NAMES) == set(OUTPUT_MODES)


def test_every_key_has_a_description() -> None:
    for table in TABLES.values():
        for key, value in table.schema["properties"].items():
            assert value.get("description"), (table.title, key)


def test_language_md_tables_are_generated_from_the_schema(update_golden: bool) -> None:
    path = ROOT / "docs" / "language.md"
    text = path.read_text(encoding="utf-8")
    wanted = generated_doc(text)
    if update_golden:
        path.write_text(wanted, encoding="utf-8")
    assert text == wanted, "docs/language.md's key tables differ from the schema: run pytest --update-golden"


# ---------------------------------------------------------------- the command


def test_schema_command_prints_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == language_schema()
    assert main(["schema", "--native", "-o", str(tmp_path) + "/"]) == 0
    assert json.loads((tmp_path / "azure-ml-pipeline.schema.json").read_text()) == native_schema()
    assert main(["schema", "-o", str(tmp_path / "deeper" / "s.json")]) == 0
    assert json.loads((tmp_path / "deeper" / "s.json").read_text()) == language_schema()


def test_schema_command_says_why_it_cannot_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["schema", "-o", str(blocker / "s.json")]) == 2
    assert capsys.readouterr().err.startswith("azpipe schema: cannot write")


def test_native_schema_takes_unknown_keys_only_where_azure_ml_ignores_them() -> None:
    """A command job with a component ignores an unknown key (check: a warning), one with its own
    command rejects it (check: an error): the editor schema says the same."""
    job = {
        "type": "pipeline",
        "jobs": {"train": {"type": "command", "component": "./train.yml", "colour": "blue"}},
    }
    assert list(NATIVE.iter_errors(job)) == []
    own = {"type": "command", "command": "echo", "environment": "azureml:env:1", "colour": "blue"}
    errors = list(NATIVE.iter_errors({"type": "pipeline", "jobs": {"train": own}}))
    assert errors and any("colour" in str(error.message) for error in errors)
    del own["colour"]
    assert list(NATIVE.iter_errors({"type": "pipeline", "jobs": {"train": own}})) == []
