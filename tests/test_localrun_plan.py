"""``azpipe plan``: order, exact commands, run-or-reuse reasons, and refusals (exit 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fixtures.localrun.support import azpipe, last_run, make_pipeline, plan

BODY = """
inputs:
  seed: ./data
  epochs: 10
  rate: {type: number, default: 0.5, optional: true}
steps:
  prep:
    code: src
    command: python tool.py --name prep --input ${{parent.inputs.seed}} --out ${{outputs.out}}
  train:
    code: src
    environment_variables: {MODE: fast}
    command: >-
      python tool.py --name train-${{parent.inputs.epochs}} $[[--sleep ${{parent.inputs.rate}}]]
      --input ${{prep.outputs.out}} --out ${{outputs.model}}
"""


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    path = make_pipeline(tmp_path / "p", BODY, {"src": "tool.py"})
    (path.parent / "data").mkdir()
    (path.parent / "data" / "trace.txt").write_text("seed\n", encoding="utf-8")
    return path


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_plan_shows_order_exact_commands_and_never_run(
    pipeline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = azpipe(capsys, "plan", pipeline, "--set", "epochs=3", "--set", "rate=0.01")
    assert code == 0, err
    assert out.index("1. prep  run: never run") < out.index("2. train  run: never run")
    data = pipeline.parent / "data"
    assert f"$ python tool.py --name prep --input {data} --out '" in out
    assert "python tool.py --name train-3 --sleep 0.01 --input '" in out
    assert "/prep/outputs/out' --out '" in out and "/train/outputs.partial/model'" in out
    assert not (pipeline.parent / ".azpipe").exists(), "plan wrote something"


def test_unset_optional_input_drops_its_segment(pipeline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rewrite(pipeline, "default: 0.5, ", "")
    steps = plan(capsys, pipeline)
    assert "--sleep" not in steps["train"]["command"]


def test_reasons(pipeline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert azpipe(capsys, "run", pipeline)[0] == 0
    assert {s["reason"] for s in plan(capsys, pipeline).values()} == {
        f"unchanged since run {last_run(pipeline)['run_id']}"
    }
    assert plan(capsys, pipeline, "--set", "epochs=3")["train"]["reason"] == "input `epochs` changed"
    assert (
        plan(capsys, pipeline, "--force-step", "prep")["train"]["reason"]
        == "input `out` changed (`prep` runs)"
    )
    assert {s["reason"] for s in plan(capsys, pipeline, "--force").values()} == {"forced"}
    rewrite(pipeline, "MODE: fast", "MODE: slow")
    assert plan(capsys, pipeline)["train"]["reason"] == "environment variables changed"
    rewrite(pipeline, "--name prep", "--name prep2")
    assert plan(capsys, pipeline)["prep"]["reason"] == "command changed"


def test_new_file_in_code_folder_is_named(pipeline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert azpipe(capsys, "run", pipeline)[0] == 0
    (pipeline.parent / "src" / "helper.py").write_text("X = 1\n", encoding="utf-8")
    assert plan(capsys, pipeline)["prep"]["reason"] == "script `helper.py` added"
    (pipeline.parent / "src" / "__pycache__").mkdir()
    (pipeline.parent / "src" / "__pycache__" / "tool.cpython-311.pyc").write_bytes(b"x")
    assert plan(capsys, pipeline)["prep"]["reason"] == "script `helper.py` added"


def test_deleted_outputs_are_not_reused(pipeline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert azpipe(capsys, "run", pipeline)[0] == 0
    shutil.rmtree(pipeline.parent / ".azpipe" / "runs")
    steps = plan(capsys, pipeline)
    assert steps["prep"]["reason"] == "earlier outputs are gone"
    assert steps["train"]["action"] == "run"


def test_non_deterministic_steps_always_run(pipeline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rewrite(pipeline, "    environment_variables", "    is_deterministic: false\n    environment_variables")
    assert azpipe(capsys, "run", pipeline)[0] == 0
    steps = plan(capsys, pipeline)
    assert steps["prep"]["action"] == "reuse"
    assert steps["train"]["reason"] == "not deterministic (`is_deterministic: false`)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--set", "epochs=ten"],
            "--set epochs='ten': the value is not an integer (`epochs` is an integer input)",
        ),
        (["--set", "epoch=3"], "--set epoch: the pipeline has no input `epoch`; did you mean `epochs`?"),
        (["--set", "seed=x"], "--set seed=x: `x` does not exist"),
        (["--input", "epochs=."], "`epochs` is an integer input; give it with --set epochs=VALUE"),
        (
            ["--input", "seed=/does/not/exist"],
            "--input seed=/does/not/exist: `/does/not/exist` does not exist",
        ),
        (["--force-step", "trian"], "--force-step trian: no step `trian`; did you mean `train`?"),
    ],
)
def test_bad_options_are_refused_with_one_clear_line(
    pipeline: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    for command in ("plan", "run"):
        code, out, err = azpipe(capsys, command, pipeline, *args)
        assert code == 2 and out == ""
        assert message in err and "Traceback" not in err
    assert not (pipeline.parent / ".azpipe").exists()


def test_malformed_assignment_is_a_usage_error(pipeline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = azpipe(capsys, "plan", pipeline, "--set", "novalue")
    assert code == 2 and "expected NAME=VALUE" in err


def test_unsafe_placeholder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_pipeline(
        tmp_path / "p", "inputs:\n  x: hi\nsteps:\n  a:\n    command: echo `echo ${{parent.inputs.x}}`\n"
    )
    code, _, err = azpipe(capsys, "plan", path)
    assert code == 2 and "step `a`: `${{inputs.x}}` is inside backquotes" in err


def test_registered_component_cannot_run_locally(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_pipeline(tmp_path / "p", "steps:\n  a:\n    uses: azureml:train:3\n")
    code, _, err = azpipe(capsys, "plan", path)
    assert code == 2 and "step `a` uses `azureml:train:3`" in err


def test_required_input_without_value_asks_for_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "inputs:\n  n: {type: integer}\nsteps:\n  a:\n    command: echo ${{parent.inputs.n}}\n"
    path = make_pipeline(tmp_path / "p", body)
    code, _, err = azpipe(capsys, "plan", path)
    assert code == 2 and "pipeline input `n` has no value; give one with --set n=VALUE" in err
    assert azpipe(capsys, "plan", path, "--set", "n=4")[0] == 0
