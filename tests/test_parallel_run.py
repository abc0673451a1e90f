"""``azpipe run`` of parallel steps: Azure ML's parallel run contract emulated on this machine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from azpipe.localrun import parallel_driver
from azpipe.localrun.parallel_driver import SplitError, folder_files, mltable_source, split_files
from tests.fidelity_support import write
from tests.fixtures.localrun.support import azpipe, last_run, plan

PIPELINE = """\
azpipe: 1
name: batch
defaults: {{compute: cpu-cluster, environment: azureml:env:1}}
inputs:
  images: ./data
outputs:
  scores: ${{{{score.outputs.scores}}}}
  log: ${{{{score.outputs.log}}}}
steps:
  score:
    inputs:
      data: ${{{{parent.inputs.images}}}}
    outputs:
      scores: {output_type}
      log: uri_folder
    parallel:
      input_data: ${{{{inputs.data}}}}
      mini_batch_size: "{size}"
{settings}      task:
        code: src
        entry_script: score.py
        program_arguments: --log ${{{{outputs.log}}}} --factor "two words"
        append_row_to: ${{{{outputs.scores}}}}
"""
# init() and run() leave a trace per worker process in the log output; a file whose content is
# `fail` always fails, `once` fails on its first try, `sleep` sleeps, `skip` returns no row.
SCRIPT = """\
import argparse, os, time

def init():
    global args
    parser = argparse.ArgumentParser()
    parser.add_argument("--log")
    parser.add_argument("--factor")
    args, _ = parser.parse_known_args()
    open(os.path.join(args.log, f"init-{os.getpid()}"), "w").close()

def run(mini_batch):
    rows = []
    for path in mini_batch:
        text = open(path).read().strip()
        open(os.path.join(args.log, f"run-{os.getpid()}-{os.path.basename(path)}"), "w").close()
        if text == "fail":
            raise ValueError(f"cannot score {os.path.basename(path)}")
        if text == "once" and not os.path.exists(os.path.join(args.log, "failed-once")):
            open(os.path.join(args.log, "failed-once"), "w").close()
            raise ValueError("first try fails")
        if text == "sleep":
            time.sleep(30)
        if text == "skip":
            continue
        rows.append(f"{os.path.basename(path)},{text},{args.factor}")
    return rows
"""


def _pipeline(
    tmp_path: Path,
    files: dict[str, str],
    size: str = "2",
    settings: str = "",
    output_type: str = "uri_file",
    script: str = SCRIPT,
) -> Path:
    text = PIPELINE.format(size=size, settings=settings, output_type=output_type)
    data = {f"data/{name}": content for name, content in files.items()}
    return write(tmp_path, {"pipeline.yaml": text, "src/score.py": script, **data})


def _run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, dict, Path, str]:
    code, _, err = azpipe(capsys, "run", path, *args)
    record = last_run(path)
    step = Path(record["steps"]["score"]["logs"]["stderr"]).parent
    return code, record, step, err


def _outputs(record: dict) -> tuple[Path, Path]:
    return Path(record["steps"]["score"]["outputs"]["scores"]), Path(
        record["steps"]["score"]["outputs"]["log"]
    )


def test_mini_batches_run_in_workers_and_rows_are_appended(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {f"f{n}.txt": str(n) for n in range(1, 8)}
    path = _pipeline(tmp_path, files, size="2")
    code, record, step, err = _run(capsys, path, "-j", "3")
    assert code == 0, (err, (step / "stderr.log").read_text())
    scores, log = _outputs(record)
    # rows in mini-batch order, each file once, the program arguments intact
    assert scores.read_text().splitlines() == [f"f{n}.txt,{n},two words" for n in range(1, 8)]
    inits = {name.split("-")[1] for name in (p.name for p in log.iterdir()) if name.startswith("init-")}
    runs = {name.split("-")[1] for name in (p.name for p in log.iterdir()) if name.startswith("run-")}
    assert runs <= inits and 1 <= len(inits) <= 3  # init() once in each worker, at most -j of them
    assert "4 mini-batches" in (step / "stdout.log").read_text()


def test_a_folder_output_gets_azure_ml_s_row_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _pipeline(tmp_path, {"a.txt": "1"}, output_type="uri_folder")
    code, record, _, err = _run(capsys, path)
    assert code == 0, err
    scores, _ = _outputs(record)
    assert (scores / "parallel_run_step.txt").read_text() == "a.txt,1,two words\n"


def test_a_failed_try_is_retried(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _pipeline(tmp_path, {"a.txt": "1", "b.txt": "once"}, size="1")
    code, record, step, err = _run(capsys, path)
    assert code == 0, err
    assert "try 1 failed; trying again" in (step / "stderr.log").read_text()
    scores, _ = _outputs(record)
    assert scores.read_text().splitlines() == ["a.txt,1,two words", "b.txt,once,two words"]


@pytest.mark.parametrize(
    ("settings", "succeeds"),
    [
        ("", True),  # Azure ML's defaults: -1, any number of failures
        ("      mini_batch_error_threshold: 1\n", True),
        ("      mini_batch_error_threshold: 0\n", False),
        ("      error_threshold: 1\n", True),  # one file failed
        ("      error_threshold: 0\n", False),
    ],
)
def test_error_thresholds_decide_the_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: str, succeeds: bool
) -> None:
    retries = "      retry_settings: {max_retries: 2, timeout: 60}\n"
    path = _pipeline(
        tmp_path, {"a.txt": "1", "b.txt": "fail", "c.txt": "3"}, size="1", settings=settings + retries
    )
    code, record, step, _ = _run(capsys, path)
    stderr = (step / "stderr.log").read_text()
    assert "cannot score b.txt" in stderr and "failed after 2 tries" in stderr
    assert (code == 0) is succeeds, stderr
    if succeeds:
        scores, _ = _outputs(record)
        assert scores.read_text().splitlines() == ["a.txt,1,two words", "c.txt,3,two words"]
    else:
        assert "the step fails" in stderr


def test_items_run_returns_no_row_for_count_as_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _pipeline(tmp_path, {"a.txt": "1", "b.txt": "skip"}, settings="      error_threshold: 0\n")
    code, _, step, _ = _run(capsys, path)
    assert code == 1
    assert "1 items failed, more than error_threshold (0)" in (step / "stderr.log").read_text()


def test_a_run_past_its_timeout_is_stopped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = "      mini_batch_error_threshold: 0\n      retry_settings: {max_retries: 1, timeout: 1}\n"
    path = _pipeline(tmp_path, {"a.txt": "sleep"}, settings=settings)
    code, _, step, _ = _run(capsys, path)
    assert code == 1
    assert "timed out after 1 s" in (step / "stderr.log").read_text()


def test_init_failing_fails_the_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = (
        "def init():\n    raise RuntimeError('no model')\n\n\ndef run(mini_batch):\n    return mini_batch\n"
    )
    path = _pipeline(tmp_path, {"a.txt": "1"}, script=script)
    code, _, step, _ = _run(capsys, path)
    assert code == 1
    stderr = (step / "stderr.log").read_text()
    assert "init() failed" in stderr and "no model" in stderr


def test_the_step_is_cached_and_settings_are_in_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _pipeline(tmp_path, {"a.txt": "1", "b.txt": "2"})
    assert _run(capsys, path)[0] == 0
    assert plan(capsys, path)["score"]["action"] == "reuse"
    path.write_text(path.read_text().replace('mini_batch_size: "2"', 'mini_batch_size: "1"'))
    assert plan(capsys, path)["score"]["action"] == "run"


def test_plan_shows_the_mini_batch_split(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _pipeline(tmp_path, {f"f{n}.txt": str(n) for n in range(1, 6)}, size="2")
    code, out, _ = azpipe(capsys, "plan", path)
    assert code == 0
    assert "parallel: 5 files in 3 mini-batches" in out
    assert "mini-batch 1: f1.txt, f2.txt" in out and "mini-batch 3: f5.txt" in out
    workers = os.cpu_count() or 1  # what `run` uses without -j
    assert f"up to {workers} worker" in out and "score.py --log" in out


def test_files_split_by_count_and_by_size(tmp_path: Path) -> None:
    for name, size in (("a", 10), ("b", 10), ("c", 30), ("d", 5)):
        (tmp_path / name).write_bytes(b"x" * size * 1024)
    files = folder_files(str(tmp_path))
    names = lambda batches: [[Path(p).name for p in batch] for batch in batches]  # noqa: E731
    assert names(split_files(files, "3")) == [["a", "b", "c"], ["d"]]  # a plain number counts files
    assert names(split_files(files, None)) == [["a", "b", "c", "d"]]  # Azure ML's default: 10 files
    # 20kb: a+b, then c alone (a file larger than a mini-batch is one), then d
    assert names(split_files(files, "20kb")) == [["a", "b"], ["c"], ["d"]]
    assert names(split_files(files, "1mb")) == [["a", "b", "c", "d"]]


@pytest.mark.parametrize(
    ("mltable", "message"),
    [
        ("paths:\n  - file: ./a.csv\ntransformations:\n  - read_parquet: {}\n", "one `read_delimited`"),
        ("paths:\n  - file: https://x/a.csv\ntransformations:\n  - read_delimited: {}\n", "local `file`"),
        (
            "paths:\n  - file: ./a.csv\ntransformations:\n  - read_delimited: {delimiter: ','}\n  - take: 5\n",
            "one `read_delimited`",
        ),
        ("type: mltable\n", "no `paths:` list"),
        (
            "paths:\n  - file: ./a.csv\ntransformations:\n  - read_delimited: {header: weird}\n",
            "header `weird`",
        ),
    ],
)
def test_an_mltable_azpipe_cannot_read_is_named(tmp_path: Path, mltable: str, message: str) -> None:
    (tmp_path / "MLTable").write_text(mltable, encoding="utf-8")
    with pytest.raises(SplitError) as raised:
        mltable_source(str(tmp_path))
    assert message in str(raised.value)


def test_a_simple_mltable_is_read(tmp_path: Path) -> None:
    (tmp_path / "MLTable").write_text(
        "paths:\n  - file: ./a.csv\n  - pattern: ./more/*.csv\ntransformations:\n"
        "  - read_delimited: {delimiter: ';', header: all_files_same_headers}\n",
        encoding="utf-8",
    )
    (tmp_path / "more").mkdir()
    for name in ("a.csv", "more/b.csv", "more/c.csv"):
        (tmp_path / name).write_text("x;y\n1;2\n", encoding="utf-8")
    files, options = mltable_source(str(tmp_path))
    assert [Path(f).name for f in files] == ["a.csv", "b.csv", "c.csv"] and options["delimiter"] == ";"


def test_an_mltable_input_without_pandas_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "MLTable").write_text("paths:\n  - file: ./a.csv\ntransformations:\n  - read_delimited: {}\n")
    (tmp_path / "a.csv").write_text("x\n1\n")
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)
    with pytest.raises(SplitError, match="install pandas"):
        parallel_driver.read_table(str(tmp_path))


def test_an_input_data_without_a_value_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = {"entry_script": "score.py", "input_data": None, "input_type": "uri_folder", "workers": 1}
    monkeypatch.setenv("AZPIPE_PARALLEL_SPEC", __import__("json").dumps(spec))
    monkeypatch.setattr("sys.path", list(__import__("sys").path))
    assert parallel_driver.main([]) == 1
    assert "input_data has no value" in capsys.readouterr().err
