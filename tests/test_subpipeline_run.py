"""Sub-pipelines run locally (issue 11 item 1): expanded recursively, each inner step planned,
run and cached on its own as `outer/inner`; `azpipe graph --depth` draws levels."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import azpipe as azpipe_api
from azpipe.localrun.expand import expanded
from tests.fixtures.localrun.support import azpipe, last_run, statuses
from tests.test_subpipeline_check import FEATURES, OUTER, write

ROOT = Path(__file__).resolve().parent.parent
INNER_STEPS = ["station_a/normalize", "station_a/smooth", "station_b/normalize", "station_b/smooth"]


def example(tmp_path: Path) -> Path:
    target = tmp_path / "sub_pipelines"
    shutil.copytree(ROOT / "pipelines" / "sub_pipelines", target, ignore=shutil.ignore_patterns(".azpipe"))
    return target / "pipeline.yaml"


def test_plan_shows_inner_steps_as_outer_slash_inner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = azpipe(capsys, "plan", example(tmp_path))
    assert code == 0, err
    order = [line.split()[1] for line in out.splitlines() if line[:1].isdigit()]
    assert order == [*INNER_STEPS, "merge", "summarize"]
    assert "--scale 0.5" in out and "--window 5" in out  # station_b's bindings reach its inner steps
    assert "--scale 1.0" in out and "--window 3" in out  # station_a's: the inner defaults


def test_each_inner_step_is_cached_on_its_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = example(tmp_path)
    assert azpipe(capsys, "run", path)[0] == 0
    assert set(statuses(last_run(path))) == {*INNER_STEPS, "merge", "summarize"}
    assert set(statuses(last_run(path)).values()) == {"succeeded"}
    script = path.parent / "station" / "src" / "smooth" / "smooth.py"
    script.write_text(script.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert azpipe(capsys, "run", path)[0] == 0
    found = statuses(last_run(path))
    assert {name for name, status in found.items() if status == "reused"} == {
        "station_a/normalize", "station_b/normalize"
    }  # fmt: skip


def test_expansion_follows_bindings_across_levels(tmp_path: Path) -> None:
    middle = (
        "azpipe: 1\nname: middle\ndefaults: {compute: cpu, environment: azureml:sklearn:1}\n"
        "inputs:\n  raw: {type: uri_folder, default: ../data}\noutputs:\n  table: ${{f.outputs.table}}\n"
        'steps:\n  f:\n    uses: ../features/pipeline.yaml\n    inputs: {raw: "${{parent.inputs.raw}}"}\n'
    )
    outer = OUTER.replace("./features/pipeline.yaml", "./middle/pipeline.yaml").replace(", ratio: 0.3", "")
    write(
        tmp_path, {"features/pipeline.yaml": FEATURES, "middle/pipeline.yaml": middle, "pipeline.yaml": outer}
    )
    pipeline = azpipe_api.load(tmp_path / "pipeline.yaml")
    flat = expanded(pipeline)
    assert list(flat.steps) == ["one/f/build", "two/f/build", "train"]
    bound = flat.steps["one/f/build"].inputs["raw"].binding
    assert bound is not None and bound.ref is not None and bound.ref.name == "data"  # the outer input
    train = flat.steps["train"].inputs
    assert {p.binding.ref.step for p in train.values() if p.binding and p.binding.ref} == {
        "one/f/build",
        "two/f/build",
    }
    assert list(expanded(pipeline, depth=1).steps) == ["one/f", "two/f", "train"]
    assert expanded(pipeline, depth=0) is pipeline
    assert list(pipeline.steps) == ["one", "two", "train"]  # the loaded model is unchanged
