"""A native ``type: sweep`` node's own fields are described in the schema (issue 12): the walker checks
``search_space``, ``objective``, ``sampling_algorithm``, ``limits`` and ``early_termination``
(``schema.node_kinds.NATIVE_SWEEP_FIELDS``, in ``schema.pipeline_job.SWEEP_NODE``) and the reader
reads the checked nodes. Each case is judged by azure-ai-ml 1.35 (``load_job(...)._validate()``):
a mistake it rejects is an error on the mistake's line, once, with "did you mean" where it helps;
a key it ignores is a warning; a node it accepts stays clean, in any case it reads, except for a
``${{ }}`` binding, which azure-ai-ml takes for a value but azpipe does not carry yet (W106, once).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import azpipe
from azpipe.diagnostics import Diagnostic, Severity
from azpipe.schema import node_kinds, pipeline_job
from tests.compile_support import azure
from tests.fidelity_support import working_directory

FIXTURE = Path(__file__).parent / "fixtures" / "native" / "sweep_nodes"
BINDING = "${{parent.inputs.rows}}"
E, W = Severity.ERROR, Severity.WARNING


def _mutant(tmp_path: Path, old: str, new: str, marker: str = "") -> tuple[Path, int]:
    """A copy of the fixture with ``old`` (found once) replaced by ``new``, and the line of the
    first ``marker`` in what replaced it."""
    folder = tmp_path / "sweep_nodes"
    shutil.copytree(FIXTURE, folder)
    path = folder / "pipeline.yml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    mutant = text.replace(old, new)
    path.write_text(mutant, encoding="utf-8")
    return path, mutant.count("\n", 0, mutant.index(marker, text.index(old))) + 1


def _azure_accepts(path: Path) -> bool:
    with working_directory(path.parent):
        try:
            return bool(azure().load_job(path)._validate().passed)
        except Exception:  # azure-ai-ml raises on schema errors
            return False


def _at(diagnostics: list[Diagnostic], line: int) -> list[tuple[str, Severity]]:
    return [(d.code, d.severity) for d in diagnostics if d.span.line == line]


def _errors(diagnostics: list[Diagnostic]) -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in diagnostics if d.severity is Severity.ERROR]


def test_the_fixture_is_clean_and_azure_ml_accepts_it(tmp_path: Path) -> None:
    path, _ = _mutant(tmp_path, "type: pipeline", "type: pipeline")
    assert _azure_accepts(path)
    pipeline = azpipe.load(path)
    assert pipeline.diagnostics == []
    sweep = pipeline.steps["tune"].sweep
    assert sweep is not None
    # Read as azure-ai-ml reads them: any case, camel_to_snake for the goal and a policy's type.
    assert (sweep.goal, sweep.search_space["momentum"].type) == ("maximize", "uniform")
    assert sweep.sampling == {"seed": 7, "rule": "sobol"}
    assert sweep.limits == {
        "max_total_trials": 8,
        "max_concurrent_trials": 2,
        "timeout": 7200,
        "trial_timeout": 1800,
    }
    retune = pipeline.steps["retune"].sweep
    assert retune is not None
    assert retune.early_termination == {
        "type": "truncation_selection",
        "truncation_percentage": 20,
        "evaluation_interval": 2,
    }
    assert retune.sampling_algorithm == "random"


# (old, new, the mistake's text, what azpipe reports on its line, a word of its hint); azure-ai-ml
# is asked each time whether it rejects the node (then every finding must be an error) or not.
MISTAKES: list[tuple[str, str, str, list[tuple[str, Severity]], str | None]] = [
    # unknown and misspelt keys: ignored at the node's top (BaseNodeSchema, unknown=INCLUDE) unless it
    # looks like a missing required key, rejected in every sweep field (RAISE)
    ("    trial: ./train.yml\n", "    trial: ./train.yml\n    extra: 1\n", "extra", [("S101", W)], None),
    ("    early_termination:\n      type: bandit", "    early_terminaton:\n      type: bandit",
     "early_terminaton", [("S101", W)], "`early_termination`"),
    ("    objective:\n      goal: Maximize", "    objectiv:\n      goal: Maximize", "objectiv",
     [("S101", E)], "`objective`"),
    ("      primary_metric: accuracy\n", "      primary_metric: accuracy\n      extra: 1\n", "extra",
     [("S101", E)], None),
    ("primary_metric: accuracy", "primary_metirc: accuracy", "primary_metirc", [("S101", E)], "`primary_metric`"),
    ("      trial_timeout: 1800\n", "      trial_timeout: 1800\n      extra: 1\n", "extra", [("S101", E)], None),
    ("max_concurrent_trials: 2", "max_concurent_trials: 2", "max_concurent", [("S101", E)],
     "`max_concurrent_trials`"),
    ("      rule: sobol\n", "      rule: sobol\n      extra: 1\n", "extra", [("S101", E)], None),
    ("      seed: 7", "      sed: 7", "sed", [("S101", E)], "`seed`"),
    ("      delay_evaluation: 2\n", "      delay_evaluation: 2\n      extra: 1\n", "extra", [("S101", E)], None),
    ("slack_factor: 0.1", "slack_factr: 0.1", "slack_factr", [("S101", E)], "`slack_factor`"),
    ("        max_value: 0.99\n", "        max_value: 0.99\n        extra: 1\n", "extra", [("S101", E)], None),
    ("      truncation_percentage: 20\n", "      truncation_percentage: 20\n      extra: 1\n", "extra",
     [("S101", E)], None),
    # a key of another kind: azure-ai-ml rejects grid sampling with a seed (the reader says why)
    ("      type: random\n      seed: 7\n      rule: sobol\n", "      type: grid\n      seed: 7\n", "seed", [("S105", E)], "random"),
    # wrong types and shapes
    ("max_total_trials: 8", "max_total_trials: eight", "eight", [("V001", E)], None),
    ("timeout: 7200", "timeout: 2h", "2h", [("V001", E)], "7200"),
    ("seed: 7", "seed: [7]", "[7]", [("S102", E)], None),
    ("upper: 10", "upper: ten", "ten", [("V001", E)], None),
    ("primary_metric: accuracy", "primary_metric: [accuracy]", "[accuracy]", [("S102", E)], None),
    ("values: [2, 4, 8]", "values: 2", "2", [("S102", E)], None),
    ("values: [2, 4, 8]", "values: [2, true, 8]", "true", [("V001", E)], None),  # ChoiceSchema: no booleans
    ("min_value: 0.5", "min_value: low", "low", [("V001", E)], None),
    ("slack_factor: 0.1", "slack_factor: [0.1]", "[0.1]", [("S102", E)], None),
    # misspelt kinds, with "did you mean" (azure-ai-ml's own folding: `Median_Stopping` is no policy)
    ("goal: Maximize", "goal: maximise", "maximise", [("V002", E)], "`maximize`"),
    ("type: Uniform", "type: unifrom", "unifrom", [("V002", E)], "`uniform`"),
    ("type: bandit", "type: bandt", "bandt", [("V002", E)], "`bandit`"),
    ("rule: sobol", "rule: sobl", "sobl", [("V002", E)], "`sobol`"),
    ("sampling_algorithm: Random", "sampling_algorithm: randm", "randm", [("V002", E)], "`random`"),
    ("type: TruncationSelection", "type: Truncation_Selection", "Truncation_", [("V002", E)],
     "`truncation_selection`"),
    # empty values azure-ai-ml refuses ("Field may not be null"), each reported once
    ("sampling_algorithm: Random", "sampling_algorithm:", "sampling_algorithm", [("S102", E)], None),
    ("primary_metric: loss", "primary_metric:", "primary_metric", [("S103", E)], None),
    ("max_concurrent_trials: 2", "max_concurrent_trials:", "max_concurrent", [("V001", E)], None),
    ("    limits:\n      max_total_trials: 4\n", "    limits:\n", "limits", [("S103", E)], None),
    # bindings: azure-ai-ml takes one for a value but a `type` (azpipe: W106, not carried yet),
    # and refuses one for a mapping, a `choice`'s list or the algorithm's name
    ("max_total_trials: 8", f"max_total_trials: {BINDING}", "$", [("W106", E)], "write the value"),
    ("goal: minimize", f"goal: {BINDING}", "$", [("W106", E)], None),
    ("primary_metric: loss", f"primary_metric: {BINDING}", "$", [("W106", E)], None),
    ("min_value: 0.5", f"min_value: {BINDING}", "$", [("W106", E)], None),
    ("values: [2, 4, 8]", f'values: [2, "{BINDING}"]', "$", [("W106", E)], None),
    ("seed: 7", f"seed: {BINDING}", "$", [("W106", E)], None),
    ("slack_factor: 0.1", f"slack_factor: {BINDING}", "$", [("W106", E)], None),
    ("truncation_percentage: 20", f"truncation_percentage: {BINDING}", "$", [("W106", E)], None),
    ("      depth:\n        type: randint\n        upper: 10\n", f"      depth: {BINDING}\n", "$",
     [("W106", E)], None),
    ("type: bandit", f"type: {BINDING}", "$", [("V002", E)], None),
    ("type: Uniform", f"type: {BINDING}", "$", [("V002", E)], None),
    ("values: [2, 4, 8]", f"values: {BINDING}", "$", [("S102", E)], None),
    ("sampling_algorithm: Random", f"sampling_algorithm: {BINDING}", "$", [("V002", E)], None),
    ("    limits:\n      max_total_trials: 4\n", f"    limits: {BINDING}\n", "$", [("S102", E)], None),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "marker", "expected", "hint"), MISTAKES, ids=lambda v: str(v)[:40])
def test_a_mistake_is_reported_once_on_its_line_as_azure_ml_judges_it(
    tmp_path: Path, old: str, new: str, marker: str, expected: list[tuple[str, Severity]], hint: str | None
) -> None:
    path, line = _mutant(tmp_path, old, new, marker)
    diagnostics = azpipe.load(path).diagnostics
    found = _at(diagnostics, line)
    assert found == expected, diagnostics
    accepted = _azure_accepts(path)
    assert accepted is (expected[0][1] is W or expected[0][0] == "W106"), "azure-ai-ml disagrees"
    if accepted and expected[0][1] is W:
        assert _errors(diagnostics) == [], diagnostics
    if not accepted:  # nothing else is reported but a required key misspelt (S103, where it is needed)
        others = [d for d in diagnostics if d.span.line != line and d.code != "S103"]
        # grid sampling takes only `choice` (W103): another rule, true of every grid mutant here
        assert [d.code for d in others if "grid" not in new or d.code != "W103"] == [], diagnostics
    if hint is not None:
        assert any(hint in (d.hint or "") for d in diagnostics if d.span.line == line), diagnostics


# Values azure-ai-ml accepts, in any case it reads them and as marshmallow reads numbers: clean.
CLEAN = [
    ("goal: Maximize", "goal: MAXIMIZE"),
    ("goal: minimize", "goal: Minimize"),
    ("type: Uniform", "type: UNIFORM"),
    ("type: bandit", "type: Bandit"),
    ("rule: sobol", "rule: Sobol"),
    ("type: TruncationSelection", "type: truncation_selection"),
    ("sampling_algorithm: Random", "sampling_algorithm: RANDOM"),
    ("      type: random\n      seed: 7", "      type: Random\n      seed: 7"),
    ("max_total_trials: 8", 'max_total_trials: "8"'),
    ("min_value: 0.5", 'min_value: "0.5"'),
    ("evaluation_interval: 1", "evaluation_interval:"),  # EarlyTerminationPolicySchema: allow_none
    ("    display_name: Retune written inline", "    display_name:"),  # Sweep takes it through INCLUDE
    ("      rule: sobol\n", "      rule: sobol\n      logbase: e\n"),
]


@pytest.mark.parametrize(("old", "new"), CLEAN, ids=lambda v: str(v)[:40])
def test_what_azure_ml_accepts_stays_clean(tmp_path: Path, old: str, new: str) -> None:
    path, _ = _mutant(tmp_path, old, new)
    assert _azure_accepts(path)
    assert _errors(azpipe.load(path).diagnostics) == []


def test_a_kind_in_another_case_compiles_as_azure_ml_sends_it(tmp_path: Path) -> None:
    """`MedianStopping` is azure-ai-ml's `median_stopping`: the compiled node says so, and passes."""
    from azpipe.emit.yaml import emit_yaml

    path, _ = _mutant(tmp_path, "      slack_factor: 0.1\n", "")
    path.write_text(path.read_text(encoding="utf-8").replace("type: bandit", "type: MedianStopping"))
    pipeline = azpipe.load(path)
    assert pipeline.ok, pipeline.diagnostics
    emitted = tmp_path / "emitted.yml"
    emitted.write_text(emit_yaml(pipeline, str(tmp_path)), encoding="utf-8")
    node = yaml.safe_load(emitted.read_text(encoding="utf-8"))["jobs"]["tune"]
    assert node["early_termination"]["type"] == "median_stopping"
    assert node["objective"]["goal"] == "maximize"
    assert node["search_space"]["momentum"]["type"] == "uniform"
    assert _azure_accepts(emitted)


# ---------------------------------------------------------------- the schema against azure-ai-ml's


def _marshmallow(cls: Any) -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(context={"base_path": "."})


def _theirs() -> dict[str, Any]:
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml._schema._sweep import search_space, sweep_objective, sweep_sampling_algorithm
    from azure.ai.ml._schema._sweep import sweep_termination as termination
    from azure.ai.ml._schema.job import job_limits

    return {
        "objective": sweep_objective.SweepObjectiveSchema,
        "limits": job_limits.SweepJobLimitsSchema,
        "sampling_algorithm": sweep_sampling_algorithm.RandomSamplingAlgorithmSchema,
        "bandit": termination.BanditPolicySchema,
        "median_stopping": termination.MedianStoppingPolicySchema,
        "truncation_selection": termination.TruncationSelectionPolicySchema,
        "choice": search_space.ChoiceSchema,
        "randint": search_space.RandintSchema,
        "uniform": search_space.UniformSchema,
        "quniform": search_space.QUniformSchema,
        "normal": search_space.NormalSchema,
        "qnormal": search_space.QNormalSchema,
    }


def _ours(name: str) -> dict[str, Any]:
    fields = node_kinds.NATIVE_SWEEP_FIELDS
    if name in ("objective", "limits"):
        return fields[name]
    if name == "sampling_algorithm":
        return fields[name]["anyOf"][1]
    holder = fields["early_termination"] if name in node_kinds.POLICIES else node_kinds.NATIVE_DISTRIBUTION
    return next(branch for branch in holder["oneOf"] if name in branch["x-when"])


NAMES = ("objective", "limits", "sampling_algorithm", "bandit", "median_stopping", "truncation_selection",
         "choice", "randint", "uniform", "quniform", "normal", "qnormal")  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_keys_types_and_unknown_key_policy_match_azure_ml(name: str) -> None:
    from marshmallow import RAISE, fields

    theirs, ours = _marshmallow(_theirs()[name]), _ours(name)
    assert set(ours["properties"]) == {field.data_key or key for key, field in theirs.fields.items()}
    assert theirs.unknown == RAISE and ours["additionalProperties"] is False and "x-unknown" not in ours
    assert set(ours.get("required", ())) | {"type"} >= {
        key for key, field in theirs.fields.items() if field.required
    }
    for key, field in theirs.fields.items():
        if isinstance(field, fields.Integer):
            assert ours["properties"][key]["type"] == "integer", key
        # every value but a `type` may be a binding (BaseNodeSchema skips `type` at every depth), a
        # list's items but not the list (`values`)
        declared = ours["properties"][key]
        declared = declared.get("items", declared) if key == "values" else declared
        assert bool(declared.get("x-bindings")) is (key != "type"), key


def test_the_node_s_own_keys_cover_azure_ml_s() -> None:
    from azure.ai.ml._schema.pipeline.component_job import SweepSchema

    theirs = {field.data_key or key for key, field in _marshmallow(SweepSchema).fields.items()}
    ours = set(pipeline_job.SWEEP_NODE["properties"])
    assert theirs - {"$schema"} <= ours
    assert set(pipeline_job.SWEEP_NODE["required"]) == {
        field.data_key or key for key, field in _marshmallow(SweepSchema).fields.items() if field.required
    }
    # unknown=INCLUDE: ignored at the top (a warning), the fields below reject one
    assert pipeline_job.SWEEP_NODE["x-unknown"] == "warning"


def test_the_editor_schema_takes_the_fixture_and_refuses_a_misspelt_field() -> None:
    import jsonschema

    from azpipe.schema.json_schema import native_schema

    validator = jsonschema.Draft202012Validator(native_schema())
    document = yaml.safe_load((FIXTURE / "pipeline.yml").read_text(encoding="utf-8"))
    assert [error.message for error in validator.iter_errors(document)] == []
    document["jobs"]["tune"]["limits"]["max_total_trials"] = BINDING  # a binding: a value may be one
    assert [error.message for error in validator.iter_errors(document)] == []
    document["jobs"]["tune"]["objective"]["gaol"] = "maximize"
    assert list(validator.iter_errors(document))


# ---------------------------------------------------------------- the language's `sweep:` compiles to it

BOOLEAN_SWEEP = """\
azpipe: 1
name: example
defaults: {compute: cpu-cluster, environment: azureml:sklearn-env:1}
outputs:
  model: ${{train.outputs.model}}
components:
  trainer:
    code: src
    command: python train.py --flag ${{inputs.flag}} --model ${{outputs.model}}
    inputs:
      flag: {type: boolean}
    outputs:
      model: {type: uri_folder}
steps:
  train:
    uses: trainer
    sweep:
      search_space:
        flag: {type: choice, values: VALUES}
      objective: {goal: maximize, primary_metric: accuracy}
      limits: {max_total_trials: 2}
"""


@pytest.mark.parametrize(
    ("values", "expected"),
    [("[true, false]", ["V001", "V001"]), ('["true", "False"]', []), ('["yes", "no"]', ["W102"])],
)
def test_a_boolean_input_is_swept_with_words(tmp_path: Path, values: str, expected: list[str]) -> None:
    """azure-ai-ml's ChoiceSchema takes no YAML boolean, so a `sweep:` block's booleans would compile to
    a job it refuses: V001 at each; a boolean input takes `"true"` and `"false"`, and that compiles to
    a job it accepts."""
    from azpipe.emit.yaml import emit_yaml

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("print(1)\n", encoding="utf-8")
    path = tmp_path / "pipeline.yaml"
    path.write_text(BOOLEAN_SWEEP.replace("VALUES", values), encoding="utf-8")
    pipeline = azpipe.load(path)
    assert [d.code for d in pipeline.diagnostics if d.severity is Severity.ERROR] == expected
    if not expected:
        emitted = tmp_path / "emitted.yml"
        emitted.write_text(emit_yaml(pipeline, str(tmp_path)), encoding="utf-8")
        assert _azure_accepts(emitted)
