"""``azpipe run`` with real subprocesses: order, parallelism, cache, failures, quoting, Azure-only inputs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.fixtures.localrun.support import azpipe, last_run, make_pipeline, plan, statuses

CHAIN = """
inputs:
  seed: ./data
outputs:
  result: ${{c.outputs.out}}
steps:
  a:
    code: src/a
    command: python tool.py --name a --input ${{parent.inputs.seed}} --out ${{outputs.out}}
  b:
    code: src/b
    command: python tool.py --name b --input ${{a.outputs.out}} --out ${{outputs.out}}
  c:
    code: src/c
    command: python tool.py --name c --input ${{b.outputs.out}} --out ${{outputs.out}}
  d:
    code: src/d
    command: python tool.py --name d --out ${{outputs.out}}
"""


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    """a → b → c, and d on its own; each step has its own code folder."""
    path = make_pipeline(tmp_path / "chain", CHAIN, {f"src/{s}": "tool.py" for s in "abcd"})
    (path.parent / "data").mkdir()
    (path.parent / "data" / "trace.txt").write_text("seed\n", encoding="utf-8")
    return path


def test_steps_run_in_topological_order_and_pass_data(
    chain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = azpipe(capsys, "run", chain, "-j", "4")
    assert code == 0, err
    record = last_run(chain)
    assert record["status"] == "succeeded"
    steps = record["steps"]
    for name, step in steps.items():
        for dep in step["deps"]:
            assert step["started"] >= steps[dep]["ended"], f"{name} started before {dep} ended"
    result = Path(record["outputs"]["result"]) / "trace.txt"
    assert result.read_text(encoding="utf-8") == "seed\na\nb\nc\n"
    assert "outputs:" in out and "succeeded" in out
    assert "not rebuilt locally" in err


def test_independent_steps_run_concurrently(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = """
steps:
  slow_a:
    code: src
    command: python tool.py --name a --sleep 1
  slow_b:
    code: src
    command: python tool.py --name b --sleep 1
"""
    path = make_pipeline(tmp_path / "p", body, {"src": "tool.py"})
    start = time.monotonic()
    code, _, err = azpipe(capsys, "run", path, "-j", "2")
    elapsed = time.monotonic() - start
    assert code == 0, err
    steps = last_run(path)["steps"]
    sequential = sum(step["duration"] for step in steps.values())
    assert sequential >= 2.0
    assert elapsed < 0.8 * sequential, f"took {elapsed:.2f} s for {sequential:.2f} s of steps"
    assert steps["slow_a"]["started"] < steps["slow_b"]["ended"]
    assert steps["slow_b"]["started"] < steps["slow_a"]["ended"]


def test_second_run_reuses_every_step(chain: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert azpipe(capsys, "run", chain)[0] == 0
    first = last_run(chain)
    code, out, _ = azpipe(capsys, "run", chain)
    assert code == 0
    second = last_run(chain)
    assert set(statuses(second).values()) == {"reused"}
    assert all(step["reused_from"] == first["run_id"] for step in second["steps"].values())
    assert second["outputs"] == first["outputs"]
    assert f"yes (run {first['run_id']})" in out


def test_editing_one_script_reruns_it_and_downstream_only(
    chain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert azpipe(capsys, "run", chain)[0] == 0
    script = chain.parent / "src" / "b" / "tool.py"
    script.write_text(script.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    steps = plan(capsys, chain)
    assert {name: step["action"] for name, step in steps.items()} == {
        "a": "reuse",
        "b": "run",
        "c": "run",
        "d": "reuse",
    }
    assert steps["b"]["reason"] == "script `tool.py` changed"
    assert steps["c"]["reason"] == "input `out` changed (`b` runs)"
    assert azpipe(capsys, "run", chain)[0] == 0
    assert statuses(last_run(chain)) == {"a": "reused", "b": "succeeded", "c": "succeeded", "d": "reused"}


def test_changed_input_data_reruns_its_consumers(chain: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert azpipe(capsys, "run", chain)[0] == 0
    (chain.parent / "data" / "trace.txt").write_text("other seed\n", encoding="utf-8")
    steps = plan(capsys, chain)
    assert steps["a"]["reason"] == "input `seed` changed"
    assert [n for n, s in steps.items() if s["action"] == "run"] == ["a", "b", "c"]


FAILING = """
steps:
  a:
    code: src
    command: python tool.py --name a --out ${{outputs.out}}
  b:
    code: src
    command: python tool.py --name b --input ${{a.outputs.out}} --fail --out ${{outputs.out}}
  c:
    code: src
    command: python tool.py --name c --input ${{b.outputs.out}}
  d:
    code: src
    command: python tool.py --name d --sleep 0.3
"""


def test_failure_stops_downstream_others_finish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_pipeline(tmp_path / "p", FAILING, {"src": "tool.py"})
    code, out, _ = azpipe(capsys, "run", path, "-j", "2")
    assert code == 1
    record = last_run(path)
    assert record["status"] == "failed"
    assert statuses(record) == {"a": "succeeded", "b": "failed", "c": "skipped", "d": "succeeded"}
    assert record["steps"]["b"]["exit_code"] == 1
    stderr_log = Path(record["steps"]["b"]["logs"]["stderr"])
    assert "b: boom, failing on purpose" in stderr_log.read_text(encoding="utf-8")
    assert "step `b` failed (exit code 1); log: " in out
    assert "  | b: boom, failing on purpose" in out
    assert not (stderr_log.parent / "outputs").exists(), "a failed step's outputs were published"
    assert plan(capsys, path)["b"]["action"] == "run"


@pytest.mark.parametrize("how", ["flag", "setting"])
def test_no_continue_on_failure_starts_nothing_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    setting = "settings: {continue_on_step_failure: false}\n" if how == "setting" else ""
    path = make_pipeline(tmp_path / "p", setting + FAILING, {"src": "tool.py"})
    flag = ["--no-continue-on-step-failure"] if how == "flag" else []
    code, _, _ = azpipe(capsys, "run", path, "-j", "1", *flag)
    assert code == 1
    assert statuses(last_run(path)) == {"a": "succeeded", "b": "failed", "c": "skipped", "d": "skipped"}


QUOTING = """
inputs:
  message: {type: string, default: "from the file"}
  data: "./my data"
steps:
  echo:
    code: src code
    command: >-
      python echo_args.py --plain ${{parent.inputs.message}}
      --double "${{parent.inputs.message}}" --single '${{parent.inputs.message}}'
      --data ${{parent.inputs.data}} ${{outputs.out}}
"""
NASTY = "a; touch PWNED1 $(touch PWNED2) `touch PWNED3` 'single' \"double\" \\ $HOME\nsecond line"


def test_paths_with_spaces_and_hostile_strings_arrive_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_pipeline(tmp_path / "dir with spaces", QUOTING, {"src code": "echo_args.py"})
    (path.parent / "my data").mkdir()
    (path.parent / "my data" / "file one.txt").write_text("x", encoding="utf-8")
    code, _, err = azpipe(capsys, "run", path, "--set", f"message={NASTY}")
    assert code == 0, err
    record = last_run(path)
    out_dir = Path(record["steps"]["echo"]["outputs"]["out"])
    seen = json.loads((out_dir / "args.json").read_text(encoding="utf-8"))
    data = str(path.parent / "my data")
    assert seen["argv"] == ["--plain", NASTY, "--double", NASTY, "--single", NASTY, "--data", data]
    assert seen["data_listing"] == ["file one.txt"]
    assert " " in str(out_dir)
    assert not list(tmp_path.rglob("PWNED*")), "a value ran a command"


AZURE_ONLY = """
data:
  remote:
    type: uri_folder
    path: https://example.blob.core.windows.net/container/folder
inputs:
  images: azureml:images:1
  remote_input: ${{data.remote}}
steps:
  first:
    code: src
    command: python tool.py --name first --out ${{outputs.out}}
  use:
    code: src
    command: >-
      python tool.py --name use --input ${{parent.inputs.images}}
      --input ${{parent.inputs.remote_input}} --input ${{first.outputs.out}} --out ${{outputs.out}}
"""


def test_unmapped_azure_inputs_are_refused_before_anything_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_pipeline(tmp_path / "p", AZURE_ONLY, {"src": "tool.py"})
    code, out, err = azpipe(capsys, "run", path)
    assert code == 2
    assert "`images` (azureml:images:1)" in err
    assert "`remote_input` (https://example.blob.core.windows.net/container/folder)" in err
    assert "--input NAME=PATH" in err
    assert out == ""
    assert not (path.parent / ".azpipe").exists(), "something started"


def test_mapped_azure_inputs_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_pipeline(tmp_path / "p", AZURE_ONLY, {"src": "tool.py"})
    for name in ("images", "remote"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "trace.txt").write_text(f"{name}\n", encoding="utf-8")
    code, _, err = azpipe(
        capsys,
        "run",
        path,
        "--input",
        f"images={tmp_path / 'images'}",
        "--input",
        f"remote={tmp_path / 'remote'}",
    )
    assert code == 0, err
    out = Path(last_run(path)["steps"]["use"]["outputs"]["out"]) / "trace.txt"
    assert out.read_text(encoding="utf-8") == "images\nremote\nfirst\nuse\n"


def test_uri_file_outputs_are_files_inside_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = """
steps:
  make:
    code: src
    command: python -c "import sys; open(sys.argv[1], 'w').write('hello')" ${{outputs.report}}
    outputs:
      report: uri_file
  show:
    code: src
    command: python tool.py --name show --input ${{make.outputs.report}} --out ${{outputs.out}}
  forget:
    code: src
    command: python tool.py --name forget --out ${{outputs.report}}
    outputs:
      report: uri_file
"""
    path = make_pipeline(tmp_path / "p", body, {"src": "tool.py"})
    code, out, _ = azpipe(capsys, "run", path)
    record = last_run(path)
    assert code == 1
    assert statuses(record) == {"make": "succeeded", "show": "succeeded", "forget": "failed"}
    report = Path(record["steps"]["make"]["outputs"]["report"])
    assert report.name == "report" and report.parent.name == "report" and report.read_text() == "hello"
    assert "did not write its uri_file output `report`" in out


def test_timeout_stops_a_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = """
steps:
  slow:
    code: src
    command: python tool.py --name slow --sleep 30
    limits: {timeout: 1}
"""
    path = make_pipeline(tmp_path / "p", body, {"src": "tool.py"})
    start = time.monotonic()
    code, out, _ = azpipe(capsys, "run", path)
    assert code == 1 and time.monotonic() - start < 10
    assert "timed out after 1 s" in out


def test_failing_pipeline_file_is_not_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_pipeline(tmp_path / "p", "steps:\n  a:\n    command: echo ${{nope.outputs.x}}\n")
    code, _, err = azpipe(capsys, "run", path)
    assert code == 1
    assert "R301" in err and "fix the errors above first" in err
    assert not (path.parent / ".azpipe").exists()


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = azpipe(capsys, "run", tmp_path / "nope.yaml")
    assert code == 2 and "no such file" in err


COMPONENT_FILE = """\
name: tool
type: command
code: ./src
environment: azureml:py:1
command: python tool.py --name ${{inputs.who}} --out ${{outputs.out}}
inputs:
  who: {type: string, default: component}
outputs:
  out: {type: uri_folder}
"""


def test_component_file_code_is_relative_to_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "steps:\n  a:\n    uses: ./components/tool.yml\n    inputs:\n      who: file\n"
    path = make_pipeline(tmp_path / "p", body, {"components/src": "tool.py"})
    (path.parent / "components" / "tool.yml").write_text(COMPONENT_FILE, encoding="utf-8")
    code, _, err = azpipe(capsys, "run", path)
    assert code == 0, err
    out = Path(last_run(path)["steps"]["a"]["outputs"]["out"]) / "trace.txt"
    assert out.read_text(encoding="utf-8") == "file\n"
