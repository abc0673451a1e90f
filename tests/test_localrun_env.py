"""What a step sees: its environment, its interpreter, its code snapshot (links never followed out)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from azpipe.localrun.env import step_environment
from azpipe.localrun.snapshot import check_code_folder, code_digests, copy_code
from azpipe.localrun.tree import content_hash
from tests.fixtures.localrun.support import azpipe, last_run, make_pipeline

ENV_BODY = """
steps:
  show:
    code: src
    environment_variables: {FROM_FILE: "yes"}
    command: python env_dump.py ${{outputs.out}}
"""


def test_step_environment_is_an_allow_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("MY_TOKEN", "passed on purpose")
    monkeypatch.setenv("LC_TIME", "C")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    path = make_pipeline(tmp_path / "p", ENV_BODY, {"src": "env_dump.py"})
    code, _, err = azpipe(capsys, "run", path, "--pass-env", "MY_TOKEN", "--pass-env", "SET_HERE=1")
    assert code == 0, err
    record = last_run(path)
    seen = json.loads((Path(record["steps"]["show"]["outputs"]["out"]) / "env.json").read_text())
    env = seen["env"]
    assert "AZURE_CLIENT_SECRET" not in env
    assert "s3cret" not in json.dumps(seen)
    assert env["MY_TOKEN"] == "passed on purpose" and env["SET_HERE"] == "1"
    assert env["FROM_FILE"] == "yes" and env["LC_TIME"] == "C"
    assert env["PATH"].split(os.pathsep)[0] == os.path.dirname(os.path.abspath(sys.executable))
    assert os.path.dirname(seen["executable"]) == os.path.dirname(os.path.abspath(sys.executable))
    run_dir = Path(path.parent / ".azpipe" / "runs" / record["run_id"])
    assert env["MLFLOW_TRACKING_URI"] == (run_dir / "mlruns").as_uri()


def test_environment_function_keeps_secrets_out() -> None:
    source = {
        "PATH": "/bin",
        "HOME": "/h",
        "AZURE_CLIENT_SECRET": "x",
        "AWS_SECRET_ACCESS_KEY": "y",
        "LANG": "C",
    }
    env = step_environment({"A": "1"}, "/runs/r", (), source)
    assert set(env) == {"PATH", "HOME", "LANG", "A", "MLFLOW_TRACKING_URI", "PYTHONUNBUFFERED"}


def test_snapshot_copies_inner_links_as_links(tmp_path: Path) -> None:
    code = tmp_path / "code"
    (code / "pkg").mkdir(parents=True)
    (code / "pkg" / "mod.py").write_text("X = 1\n")
    (code / "alias.py").symlink_to("pkg/mod.py")
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "junk.pyc").write_bytes(b"x")
    assert check_code_folder(str(code), "code") == []
    copy_code(str(code), str(tmp_path / "copy"))
    copied = tmp_path / "copy" / "alias.py"
    assert copied.is_symlink() and os.readlink(copied) == os.path.join("pkg", "mod.py")
    assert copied.read_text() == "X = 1\n"
    assert not (tmp_path / "copy" / "__pycache__").exists()
    assert set(code_digests(str(code))) == {"alias.py", "pkg", "pkg/mod.py"}


def test_link_leaving_the_code_folder_refuses_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text("do not copy me")
    body = "steps:\n  a:\n    code: src\n    command: python tool.py --name a\n"
    path = make_pipeline(tmp_path / "p", body, {"src": "tool.py"})
    (path.parent / "src" / "leak.txt").symlink_to(secret)
    code, _, err = azpipe(capsys, "run", path)
    assert code == 2
    assert "`leak.txt` is a symbolic link to a place outside the folder" in err
    assert not (path.parent / ".azpipe").exists()


def test_content_hash_sees_content_not_times(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.txt").write_text("1")
    first = content_hash(str(folder))
    os.utime(folder / "a.txt", (1, 1))
    assert content_hash(str(folder)) == first
    (folder / "a.txt").write_text("2")
    assert content_hash(str(folder)) != first
    (folder / ".azpipe").mkdir()
    (folder / "a.txt").write_text("1")
    assert content_hash(str(folder)) == first
