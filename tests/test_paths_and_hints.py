"""Local paths (links, `..`, absolute, `~`) and "did you mean" hints."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import azpipe
from azpipe.suggest import closest, edit_distance

HEAD = "azpipe: 1\nname: p\ndefaults: {compute: c, environment: sklearn-env@latest}\nsteps:\n  train:\n    command: echo hi\n"


def codes_for(tmp_path: Path, code: str) -> list[str]:
    (tmp_path / ".git").mkdir(exist_ok=True)  # the repository root for F802
    (tmp_path / "pipeline.yaml").write_text(HEAD + f"    code: {code}\n")
    return [d.code for d in azpipe.load(tmp_path / "pipeline.yaml").diagnostics]


def test_existing_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    assert codes_for(tmp_path, "src") == []


def test_missing_folder(tmp_path: Path) -> None:
    assert codes_for(tmp_path, "src") == ["F801"]


@pytest.mark.parametrize("path", ["/etc", "~/project", '"~"'])
def test_absolute_and_home_paths(tmp_path: Path, path: str) -> None:
    assert codes_for(tmp_path, path) == ["F803"]


def test_bare_tilde_is_yaml_null(tmp_path: Path) -> None:
    [diagnostic] = azpipe.loads(HEAD + "    code: ~\n").diagnostics
    assert diagnostic.code == "S102" and diagnostic.hint == 'YAML reads `~` as null; quote it: "~"'


def test_dotdot_leaving_the_repository_warns(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "outside").mkdir()
    assert codes_for(repo, "../outside") == ["F802"]


def test_symlink_leaving_the_repository_warns(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "secrets").mkdir()
    os.symlink(tmp_path / "secrets", repo / "src")
    assert codes_for(repo, "src") == ["F802"]


def test_edit_distance() -> None:
    assert edit_distance("training_data", "trainig_data") == 1
    assert edit_distance("ab", "ba") == 1  # a transposition is one edit
    assert edit_distance("abc", "xyz") == 3


def test_closest_respects_short_names() -> None:
    assert closest("trainig_data", ["training_data", "test_data"]) == "training_data"
    assert closest("x", ["y", "z"]) is not None  # one edit is allowed even for one letter
    assert closest("ab", ["xyz"]) is None
    assert closest("cpu-clustr", ["cpu-cluster", "gpu"], max_edits=2) == "cpu-cluster"


def test_unknown_key_lists_allowed_keys_without_close_match(tmp_path: Path) -> None:
    text = HEAD + "    zzzzzz: 1\n"
    [diagnostic] = [d for d in azpipe.loads(text).diagnostics if d.code == "S101"]
    assert diagnostic.hint is not None and diagnostic.hint.startswith("allowed keys: command")
