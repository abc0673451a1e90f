"""Spark steps in ``azpipe run``/``plan``: ``spark-submit --master local[*]`` when one is on PATH,
otherwise a clear refusal naming the ``--input STEP.outputs.NAME=PATH`` that lets the rest run."""

from __future__ import annotations

import contextlib
import io
import os
import stat
from pathlib import Path

import pytest

from azpipe.cli.main import main
from tests.fidelity_support import write

PIPELINE = """\
azpipe: 1
name: sparkrun
defaults: {environment: azureml:env:1, compute: cpu}
inputs:
  label: "a b; $(touch pwned)"
outputs:
  n: ${{count.outputs.n}}
steps:
  wrangle:
    code: ./src
    spark:
      entry: job.py
      py_files: [helpers.zip]
      conf: {spark.driver.cores: 1, spark.driver.memory: 2g, spark.executor.cores: 2, spark.executor.memory: 2g, spark.executor.instances: 2, spark.dynamicAllocation.enabled: false}
      args: --out ${{outputs.wrangled}} --label ${{parent.inputs.label}}
      resources: {instance_type: standard_e4s_v3, runtime_version: "3.4"}
  count:
    code: ./counter
    command: python count.py ${{wrangle.outputs.wrangled}} ${{outputs.n}}
"""
JOB = """\
import os, sys
out = sys.argv[sys.argv.index("--out") + 1]
os.makedirs(out, exist_ok=True)
for name in ("x", "y", "z"):
    open(os.path.join(out, name), "w").write(name)
open(os.path.join(out, "argv"), "w").write(repr(sys.argv[1:]))
"""
COUNT = """\
import os, sys
os.makedirs(sys.argv[2], exist_ok=True)
open(os.path.join(sys.argv[2], "count"), "w").write(str(len(os.listdir(sys.argv[1]))))
"""
# A stand-in for spark-submit: records its options, then runs the Python entry with the arguments.
FAKE_SUBMIT = """\
#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in
    --master|--conf|--py-files|--jars|--files|--archives) printf '%s %s\\n' "$1" "$2" >> "$(dirname "$0")/submit.log"; shift 2;;
    *) break;;
  esac
done
entry="$1"; shift
exec python "$entry" "$@"
"""


def _project(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        {"pipeline.yaml": PIPELINE, "src/job.py": JOB, "src/helpers.zip": "", "counter/count.py": COUNT,
         ".git/": ""},
    )  # fmt: skip


def _run(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    return code, err.getvalue()


@pytest.fixture
def no_spark(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A PATH with python but without spark-submit."""
    empty = tmp_path / "bin-empty"
    empty.mkdir()
    monkeypatch.setenv(
        "PATH", os.pathsep.join([str(empty), os.path.dirname(os.__file__), "/usr/bin", "/bin"])
    )
    import shutil

    assert shutil.which("spark-submit") is None


def _fake_spark(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "fakebin"
    folder.mkdir()
    submit = folder / "spark-submit"
    submit.write_text(FAKE_SUBMIT, encoding="utf-8")
    submit.chmod(submit.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(folder) + os.pathsep + os.environ["PATH"])
    return folder / "submit.log"  # the stand-in writes next to itself: a step's environment is its own


def test_without_spark_submit_the_run_names_the_input_to_give(tmp_path: Path, no_spark: None) -> None:
    path = _project(tmp_path / "p")
    code, err = _run(["run", str(path)])
    assert code != 0
    assert "step `wrangle` cannot run here" in err and "spark-submit" in err
    assert "--input wrangle.outputs.wrangled=PATH" in err


def test_given_outputs_let_the_rest_run(
    tmp_path: Path, no_spark: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _project(tmp_path / "p")
    given = write(tmp_path / "given", {"a": "", "b": ""}).parent
    monkeypatch.chdir(tmp_path / "p")
    code, err = _run(["run", str(path), "--input", f"wrangle.outputs.wrangled={given}"])
    assert code == 0, err
    assert "step `wrangle` not run" in err
    counts = list((tmp_path / "p" / ".azpipe").rglob("count/outputs/n/count"))
    assert [item.read_text() for item in counts] == ["2"]


def test_a_given_output_of_the_wrong_kind_is_refused(tmp_path: Path, no_spark: None) -> None:
    path = _project(tmp_path / "p")
    file = write(tmp_path / "given", {"a.txt": "x"})
    code, err = _run(["run", str(path), "--input", f"wrangle.outputs.wrangled={file}"])
    assert code != 0 and "uri_folder" in err


def test_spark_submit_runs_the_step_locally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _fake_spark(monkeypatch, tmp_path)
    path = _project(tmp_path / "p")
    code, err = _run(["run", str(path)])
    assert code == 0, err
    options = log.read_text().splitlines()
    assert options[0] == "--master local[*]" and "--py-files helpers.zip" in options
    assert "--conf spark.executor.instances=2" in options
    assert "--conf spark.dynamicAllocation.enabled=false" in options
    argv = next((tmp_path / "p" / ".azpipe").rglob("wrangle/outputs/wrangled/argv")).read_text()
    assert "'a b; $(touch pwned)'" in argv  # a value: one argument, never run by the shell
    assert not (tmp_path / "p" / "src" / "pwned").exists()
    counts = list((tmp_path / "p" / ".azpipe").rglob("count/outputs/n/count"))
    assert [item.read_text() for item in counts] == ["4"]  # x, y, z and argv


def test_plan_shows_the_spark_submit_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_spark(monkeypatch, tmp_path)
    path = _project(tmp_path / "p")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["plan", str(path)]) == 0
    assert "$ spark-submit --master 'local[*]' --py-files helpers.zip" in out.getvalue()
