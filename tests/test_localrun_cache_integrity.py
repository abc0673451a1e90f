"""The local cache cannot be fooled (issue 14, items 4, 5, 7 and 9).

- Stale reuse: input data is hashed by the content its symbolic links reach; a
  link leaving its folder is refused unless ``--allow-outside``; loops never hang.
- Poisoned reuse: a cache entry is reused only when its outputs are where its
  run put them (no link on the way) and that run's ``run.json`` records the step
  succeeding with the same key; anything else runs the step, with a warning.
- Corrupt, over-deep or non-regular JSON files in ``.azpipe`` are ignored with
  a warning, never a traceback; an empty ``--input NAME=`` is refused.
- Published outputs are read-only, so a later step cannot edit them in place.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azpipe.localrun.seal import seal
from azpipe.localrun.tree import InputHasher, make_read_only, resolve_link
from tests.fixtures.localrun.support import azpipe, make_pipeline, plan, statuses

LONG = os.environ.get("AZPIPE_LONG") == "1"
HANG_SECONDS = 1200 if LONG else 60
NOBODY = 65534
SYSTEM_PYTHON = "/usr/bin/python3"
DEEP = 1200  # folders, more than the interpreter's recursion limit

BODY = """
inputs:
  seed: ./data
outputs:
  model: ${{train.outputs.model}}
steps:
  prep:
    code: src
    command: python tool.py --name prep --input ${{parent.inputs.seed}} --out ${{outputs.out}}
  train:
    code: src
    command: python tool.py --name train --input ${{prep.outputs.out}} --out ${{outputs.model}}
"""


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """Fail instead of hanging (a loop of links, a FIFO opened for reading)."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"no answer within {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    path = make_pipeline(tmp_path / "p", BODY, {"src": "tool.py"})
    (path.parent / "data").mkdir()
    return path


def output_trace(record: dict[str, Any], step: str, output: str) -> str:
    return (Path(record["steps"][step]["outputs"][output]) / "trace.txt").read_text(encoding="utf-8")


def newest_run(path: Path) -> dict[str, Any]:
    """The record of the newest run (run ids sort by start time; folders broken on purpose are skipped)."""
    runs = sorted(run for run in (path.parent / ".azpipe" / "runs").iterdir() if (run / "run.json").is_file())
    record: dict[str, Any] = json.loads((runs[-1] / "run.json").read_text(encoding="utf-8"))
    return record


def run_ok(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[dict[str, Any], str]:
    code, out, err = azpipe(capsys, "run", path, *args)
    assert code == 0, err
    record = newest_run(path)
    assert f"run {record['run_id']} succeeded" in out
    return record, err


# --- item 4: links in input data ---------------------------------------------------------------


def test_link_inside_the_folder_is_hashed_by_the_content_it_reaches(
    pipeline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = pipeline.parent / "data"
    (data / "real.txt").write_text("v1\n", encoding="utf-8")
    (data / "spare.txt").write_text("v2\n", encoding="utf-8")
    (data / "trace.txt").symlink_to("real.txt")
    record, _ = run_ok(capsys, pipeline)
    assert output_trace(record, "prep", "out") == "v1\nprep\n"

    (data / "real.txt").write_text("v2\n", encoding="utf-8")
    steps = plan(capsys, pipeline)
    assert (steps["prep"]["action"], steps["prep"]["reason"]) == ("run", "input `seed` changed")
    record, _ = run_ok(capsys, pipeline)
    assert statuses(record) == {"prep": "succeeded", "train": "succeeded"}
    assert output_trace(record, "prep", "out") == "v2\nprep\n"

    # The content counts, not the link's text: a link retargeted to the same bytes is unchanged.
    (data / "trace.txt").unlink()
    (data / "trace.txt").symlink_to("spare.txt")
    assert plan(capsys, pipeline)["prep"]["action"] == "reuse"


def test_link_leaving_the_folder_is_refused_unless_allowed(
    pipeline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = pipeline.parent / "shared"
    shared.mkdir()
    (shared / "real.txt").write_text("v1\n", encoding="utf-8")
    link = pipeline.parent / "data" / "trace.txt"
    link.symlink_to("../shared/real.txt")
    for command in ("plan", "run"):
        code, _, err = azpipe(capsys, command, pipeline)
        assert code == 2
        lines = err.strip().splitlines()
        assert len(lines) == 1 and f"`{link}` is a symbolic link to a place outside" in lines[0], err
        assert "--allow-outside" in lines[0]
    assert not (pipeline.parent / ".azpipe").exists(), "a refused run started"

    record, _ = run_ok(capsys, pipeline, "--allow-outside")
    assert output_trace(record, "prep", "out") == "v1\nprep\n"
    assert record["options"]["allow_outside"] is True
    assert plan(capsys, pipeline, "--allow-outside")["prep"]["action"] == "reuse"
    (shared / "real.txt").write_text("v2\n", encoding="utf-8")
    assert plan(capsys, pipeline, "--allow-outside")["prep"]["reason"] == "input `seed` changed"
    record, _ = run_ok(capsys, pipeline, "--allow-outside")
    assert output_trace(record, "train", "model") == "v2\nprep\ntrain\n"


def test_folder_reached_through_an_outside_link_is_hashed_whole(
    pipeline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = pipeline.parent / "shared" / "deep"
    shared.mkdir(parents=True)
    (shared / "x.txt").write_text("1", encoding="utf-8")
    data = pipeline.parent / "data"
    (data / "trace.txt").write_text("seed\n", encoding="utf-8")
    (data / "more").symlink_to(shared.parent)
    run_ok(capsys, pipeline, "--allow-outside")
    (shared / "x.txt").write_text("2", encoding="utf-8")
    assert plan(capsys, pipeline, "--allow-outside")["prep"]["reason"] == "input `seed` changed"


def test_pipeline_path_that_is_a_link_out_of_the_repository_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_pipeline(tmp_path / "p", BODY, {"src": "tool.py"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "trace.txt").write_text("far\n", encoding="utf-8")
    (path.parent / "data").symlink_to(elsewhere)
    code, _, err = azpipe(capsys, "plan", path)
    assert code == 2 and "`./data` is a symbolic link to a place outside the repository" in err, err
    assert plan(capsys, path, "--allow-outside")["prep"]["action"] == "run"


def test_loops_of_links_and_fifos_do_not_hang(pipeline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = pipeline.parent / "data"
    (data / "trace.txt").write_text("seed\n", encoding="utf-8")
    (data / "sub").mkdir()
    (data / "self").symlink_to(".")
    (data / "sub" / "up").symlink_to("..")
    (data / "a").symlink_to("b")
    (data / "b").symlink_to("a")
    (data / "me").symlink_to("me")
    os.mkfifo(data / "pipe")
    (data / "to-pipe").symlink_to("pipe")
    first = plan(capsys, pipeline)["prep"]["key"]
    run_ok(capsys, pipeline)
    assert plan(capsys, pipeline)["prep"]["action"] == "reuse"
    (data / "sub" / "new.txt").write_text("x", encoding="utf-8")
    assert plan(capsys, pipeline)["prep"]["key"] != first


def test_fifo_given_as_input_is_refused_without_blocking(
    pipeline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = pipeline.parent / "fifo"
    os.mkfifo(fifo)
    code, _, err = azpipe(capsys, "plan", pipeline, "--input", f"seed={fifo}")
    assert code == 2 and "is not a regular file or folder" in err, err


def test_many_links_leaving_are_named_a_few_then_counted(
    pipeline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for index in range(8):
        (pipeline.parent / "data" / f"l{index}").symlink_to("/etc/hostname")
    code, _, err = azpipe(capsys, "plan", pipeline)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 6 and "3 more symbolic links lead outside" in lines[-1], err


@st.composite
def link_trees(draw: st.DrawFn) -> tuple[list[str], list[tuple[str, str]]]:
    """Files and links under ``in`` and ``out`` (a place outside): links may loop or dangle."""
    folders = ["in", "in/a", "in/a/b", "out", "out/c"]
    files = draw(st.lists(st.sampled_from([f"{f}/f{i}" for f in folders for i in range(2)]), unique=True))
    names = [f"{f}/l{i}" for f in folders for i in range(2)]
    targets = st.sampled_from([*folders, *files, *names, "in/missing", "/nonexistent"])  # chains, loops
    links = draw(st.lists(st.tuples(st.sampled_from(names), targets), unique_by=lambda link: link[0]))
    return files, [(name, target) for name, target in links if name not in files]


def _build(root: Path, files: list[str], links: list[tuple[str, str]]) -> None:
    for folder in ("in/a/b", "out/c"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(files):
        (root / name).write_text(f"content {index}", encoding="utf-8")
    for name, target in links:
        source = root / name
        written = target if target.startswith("/") else os.path.relpath(root / target, source.parent)
        source.symlink_to(written)


def _reachable(root: Path) -> set[str]:
    """Reference: real paths of the files reachable from ``in``, following every link (naively)."""
    found: set[str] = set()
    seen: set[str] = set()
    pending = [os.path.realpath(root / "in")]
    while pending:
        folder = pending.pop()
        if folder in seen:
            continue
        seen.add(folder)
        for name in os.listdir(folder):
            full = os.path.realpath(os.path.join(folder, name))
            if os.path.isdir(full):
                pending.append(full)
            elif os.path.isfile(full):
                found.add(full)
    return found


@settings(  # examples: Hypothesis's default, or the ``long`` profile (AZPIPE_LONG=1, tests/conftest.py)
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tree=link_trees(), data=st.data())
def test_hash_changes_exactly_when_reachable_content_changes(
    tmp_path: Path, tree: tuple[list[str], list[tuple[str, str]]], data: st.DataObject
) -> None:
    files, links = tree
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    _build(root, files, links)
    before = InputHasher(str(root / "in"), allow_outside=True).digest()
    assert InputHasher(str(root / "in"), allow_outside=True).digest() == before
    if not files:
        return
    changed = data.draw(st.sampled_from(files))
    (root / changed).write_text("changed", encoding="utf-8")
    after = InputHasher(str(root / "in"), allow_outside=True).digest()
    assert (after != before) == (os.path.realpath(root / changed) in _reachable(root))
    for name, _target in links:  # resolving only the link's own text agrees with realpath
        folder = os.path.realpath((root / name).parent)
        if not _loops(root / name):
            assert resolve_link(folder, os.path.basename(name)) == os.path.realpath(root / name), name
    refusing = InputHasher(str(root / "in"), allow_outside=False)
    refusing.digest()
    real_in = os.path.realpath(root / "in") + os.sep
    leaving = [name for name, _ in links if name.startswith("in/") and not _resolves_in(root / name, real_in)]
    assert len(refusing.outside) == len(leaving), (refusing.outside, leaving)  # each link named once


def _loops(link: Path) -> bool:
    try:
        os.stat(link)
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def _resolves_in(link: Path, real_folder: str) -> bool:
    """Where a link leads is inside ``real_folder``; a loop of links by its text, since it leads nowhere."""
    if _loops(link):
        target = os.path.normpath(os.path.join(os.path.realpath(link.parent), os.readlink(link)))
    else:
        target = os.path.realpath(link)
    return (target + os.sep).startswith(real_folder)


# --- item 5: poisoned reuse ---------------------------------------------------------------------


FORGED_RUN = "20250101-000000.000-abcd"


def entry_path(pipeline: Path, key: str) -> Path:
    return pipeline.parent / ".azpipe" / "cache" / "entries" / f"{key}.json"


def forge_entry(
    pipeline: Path, key: str, outputs: dict[str, str], run_id: str = FORGED_RUN, sealed: bool = True
) -> None:
    """Write a cache entry; ``sealed``: with this user's seal, to test the checks behind the seal."""
    path = entry_path(pipeline, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry: dict[str, object] = {"format": 1, "run_id": run_id, "step": "prep", "command": "forged",
                                "outputs": outputs}  # fmt: skip
    if sealed:
        entry["seal"] = seal(key, entry)
    path.write_text(json.dumps(entry), encoding="utf-8")


def test_entry_without_this_users_seal_is_not_reused(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A committed `.azpipe` cannot vouch for itself: an entry azpipe did not seal here is never reused."""
    key = plan(capsys, seeded)["prep"]["key"]
    forge_entry(seeded, key, {"out": "runs/" + FORGED_RUN + "/prep/outputs/out"}, sealed=False)
    assert_runs_with_warning(seeded, capsys, "no valid seal")


def test_honest_cache_of_another_user_is_not_reused(
    seeded: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real run, copied with its `.azpipe` to someone else (another secret), runs again there."""
    monkeypatch.setenv("AZPIPE_STATE_DIR", str(tmp_path / "author"))
    run_ok(capsys, seeded)
    assert plan(capsys, seeded)["prep"]["action"] == "reuse"
    monkeypatch.setenv("AZPIPE_STATE_DIR", str(tmp_path / "someone-else"))
    assert_runs_with_warning(seeded, capsys, "no valid seal")


def assert_runs_with_warning(pipeline: Path, capsys: pytest.CaptureFixture[str], why: str) -> None:
    """``plan`` and ``run`` both warn, say why, and run ``prep`` afresh (and ``train`` after it)."""
    code, out, err = azpipe(capsys, "plan", pipeline, "--format", "json")
    assert code == 0, err
    steps = {step["name"]: step for step in json.loads(out)["steps"]}
    assert steps["prep"]["action"] == "run" and why in steps["prep"]["reason"], steps["prep"]
    assert "azpipe plan: warning: step `prep`: cache entry" in err and why in err, err
    record, err = run_ok(capsys, pipeline)
    assert "azpipe run: warning: step `prep`: cache entry" in err and why in err, err
    assert statuses(record) == {"prep": "succeeded", "train": "succeeded"}
    assert output_trace(record, "train", "model") == "seed\nprep\ntrain\n"
    assert plan(capsys, pipeline)["prep"]["action"] == "reuse", "the new run's entry is trusted"


@pytest.fixture
def seeded(pipeline: Path) -> Path:
    (pipeline.parent / "data" / "trace.txt").write_text("seed\n", encoding="utf-8")
    return pipeline


def test_pre_seeded_entry_pointing_at_etc_is_not_reused(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = plan(capsys, seeded)["prep"]["key"]
    forge_entry(seeded, key, {"out": "/etc"})
    assert_runs_with_warning(seeded, capsys, "its outputs are not those of step `prep`")


def test_pre_seeded_entry_pointing_at_another_folder_is_not_reused(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = seeded.parent / "evil"
    evil.mkdir()
    (evil / "trace.txt").write_text("EVIL\n", encoding="utf-8")
    key = plan(capsys, seeded)["prep"]["key"]
    forge_entry(seeded, key, {"out": "../evil"})
    assert_runs_with_warning(seeded, capsys, "its outputs are not those of step `prep`")


def test_entry_escaping_through_a_linked_run_folder_is_not_reused(
    seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record, _ = run_ok(capsys, seeded)
    real = seeded.parent / ".azpipe" / "runs" / str(record["run_id"])
    forged = tmp_path / "forged"
    shutil.copytree(real, forged, symlinks=True)
    remove(real)
    real.symlink_to(forged)
    assert_runs_with_warning(seeded, capsys, "is reached through a symbolic link")


def test_output_replaced_by_a_link_is_not_reused(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record, _ = run_ok(capsys, seeded)
    out = Path(record["steps"]["prep"]["outputs"]["out"])
    remove(out)
    out.symlink_to("/etc")
    assert_runs_with_warning(seeded, capsys, "output `out` of run")


def test_entry_whose_run_json_is_missing_is_not_reused(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record, _ = run_ok(capsys, seeded)
    (seeded.parent / ".azpipe" / "runs" / str(record["run_id"]) / "run.json").unlink()
    assert_runs_with_warning(seeded, capsys, "has no run.json")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"key": "0" * 64}, "with another cache key"),
        ({"status": "failed"}, "does not record step `prep` as succeeded"),
        ({"status": "running"}, "does not record step `prep` as succeeded"),
    ],
)
def test_entry_whose_run_records_another_key_or_a_failure_is_not_reused(
    seeded: Path, capsys: pytest.CaptureFixture[str], change: dict[str, str], why: str
) -> None:
    record, _ = run_ok(capsys, seeded)
    path = seeded.parent / ".azpipe" / "runs" / str(record["run_id"]) / "run.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["steps"]["prep"].update(change)
    path.write_text(json.dumps(data), encoding="utf-8")
    assert_runs_with_warning(seeded, capsys, why)


def test_forged_run_folder_with_a_run_json_of_another_run_is_not_reused(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record, _ = run_ok(capsys, seeded)
    key = record["steps"]["prep"]["key"]
    runs = seeded.parent / ".azpipe" / "runs"
    shutil.copytree(runs / str(record["run_id"]), runs / FORGED_RUN, symlinks=True)
    forge_entry(seeded, key, {"out": f"runs/{FORGED_RUN}/prep/outputs/out"})
    assert_runs_with_warning(
        seeded, capsys, f"the run.json in the folder of run {FORGED_RUN} is another run's"
    )


@pytest.mark.parametrize("text", ["[" * 100000, '{"a":' * 100000, "not json", "[1, 2]", '{"run_id": NaN}'])
def test_corrupt_entry_is_a_miss_with_a_warning(
    seeded: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    key = plan(capsys, seeded)["prep"]["key"]
    path = entry_path(seeded, key)
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    assert_runs_with_warning(seeded, capsys, "cannot be read")


def test_deleted_run_folder_is_a_plain_miss(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record, _ = run_ok(capsys, seeded)
    run = seeded.parent / ".azpipe" / "runs" / str(record["run_id"])
    remove(run)
    code, out, err = azpipe(capsys, "plan", seeded, "--format", "json")
    assert code == 0 and "warning" not in err, err
    assert json.loads(out)["steps"][0]["reason"] == "earlier outputs are gone"


# --- item 9: corrupt JSON in .azpipe, empty --input -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [b"[" * 100000, b'{"a":' * 100000, b"\xff", b'{"started": 1e300}', b'{"pid": 99999999999999999999}',
     b'{"steps": {"a": {"status": []}}}', b'{"started": Infinity}', b"[]", b'{"run_id": 1}'],
)  # fmt: skip
def test_runs_ignores_corrupt_records_with_a_warning(
    seeded: Path, capsys: pytest.CaptureFixture[str], text: bytes
) -> None:
    record, _ = run_ok(capsys, seeded)
    bad = seeded.parent / ".azpipe" / "runs" / "bad" / "run.json"
    bad.parent.mkdir()
    bad.write_bytes(text)
    for args in ([seeded.parent], [seeded], [seeded.parent, "--format", "json"]):
        code, out, err = azpipe(capsys, "runs", *args)
        assert code == 0, err
        assert str(record["run_id"]) in out
        assert "azpipe runs: warning: ignored `" in err and "bad/run.json" in err, err


def test_runs_does_not_block_on_a_fifo_or_follow_a_link(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_ok(capsys, seeded)
    runs = seeded.parent / ".azpipe" / "runs"
    (runs / "fifo").mkdir()
    os.mkfifo(runs / "fifo" / "run.json")
    (runs / "link").mkdir()
    (runs / "link" / "run.json").symlink_to("/etc/hostname")
    code, _, err = azpipe(capsys, "runs", seeded.parent)
    assert code == 0
    assert "fifo/run.json`: not a regular file" in err and "link/run.json`: a symbolic link" in err, err


def test_runs_walks_any_depth_and_skips_links(
    seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    record, _ = run_ok(capsys, seeded)
    (tmp_path / "again").symlink_to(seeded.parent)  # a link to a folder is not followed: listed once
    deep = tmp_path / "deep"
    deep.mkdir()
    monkeypatch.chdir(deep)  # relative paths keep each step short, whatever the depth
    depth = 0
    try:
        while depth < DEEP:
            os.mkdir("d")
            os.chdir("d")
            depth += 1
        code, out, err = azpipe(capsys, "runs", tmp_path)
    finally:  # removed bottom-up here: shutil.rmtree (pytest's cleanup) recurses
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    assert code == 0, err
    assert out.count(str(record["run_id"])) == 1


def test_corrupt_latest_fingerprint_is_ignored_with_a_warning(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_ok(capsys, seeded)
    latest = seeded.parent / ".azpipe" / "cache" / "latest" / "t"
    (latest / "prep.json").write_text("[" * 100000, encoding="utf-8")
    (latest / "train.json").write_text(json.dumps({"fingerprint": {"code": []}}), encoding="utf-8")
    shutil.rmtree(seeded.parent / ".azpipe" / "cache" / "entries")
    code, out, err = azpipe(capsys, "plan", seeded)
    assert code == 0, err
    assert "azpipe plan: warning: ignored `" in err and "prep.json`: nested too deeply" in err, err
    assert "train.json`: not a fingerprint azpipe writes" in err, err
    assert "1. prep  run: never run" in out and "2. train  run: never run" in out


def test_empty_input_path_is_refused(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("plan", "run"):
        code, _, err = azpipe(capsys, command, seeded, "--input", "seed=")
        assert code == 2
        assert err.strip() == (
            f"azpipe {command}: --input seed=: the path is empty; "
            "give a file or folder (`.` for the current folder)"
        )


# --- item 7: published outputs are read-only ----------------------------------------------------

# Shell only: run as an unprivileged user, a step cannot start the interpreter under /root.
TAMPER_BODY = """
inputs:
  seed: ./data
steps:
  prep:
    command: cp ${{parent.inputs.seed}}/trace.txt ${{outputs.out}}/trace.txt
  tamper:
    command: echo tampered >> ${{prep.outputs.out}}/trace.txt; echo added > ${{prep.outputs.out}}/new.txt
"""


def _tamper_pipeline(folder: Path) -> Path:
    path = make_pipeline(folder, TAMPER_BODY)
    (folder / "data").mkdir()
    (folder / "data" / "trace.txt").write_text("seed\n", encoding="utf-8")
    return path


def _writable(mode: int) -> bool:
    return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def remove(path: Path) -> None:
    """Delete an output or a run folder as a user would: ``chmod -R u+w`` first (outputs are read-only)."""
    os.chmod(path.parent, path.parent.stat().st_mode | stat.S_IWUSR)
    for folder, _folders, _files in os.walk(path):
        os.chmod(folder, 0o755)
    shutil.rmtree(path)


def test_published_outputs_have_no_write_bits(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record, _ = run_ok(capsys, seeded)
    for step, output in (("prep", "out"), ("train", "model")):
        outputs = Path(record["steps"][step]["outputs"][output]).parent
        assert outputs.name == "outputs"
        published = [outputs, *outputs.rglob("*")]
        assert len(published) == 3  # outputs/, outputs/NAME/, outputs/NAME/trace.txt
        assert not any(_writable(path.lstat().st_mode) for path in published), published
        assert (outputs.parent / "stdout.log").stat().st_mode & stat.S_IWUSR, "logs stay writable"
    record, _ = run_ok(capsys, seeded, "--force")  # a re-run writes a new run folder
    assert statuses(record) == {"prep": "succeeded", "train": "succeeded"}


def test_make_read_only_leaves_links_and_hard_linked_files_alone(tmp_path: Path) -> None:
    mine, theirs, target = tmp_path / "out", tmp_path / "theirs.txt", tmp_path / "target.txt"
    (mine / "sub").mkdir(parents=True)
    (mine / "sub" / "file.txt").write_text("x", encoding="utf-8")
    theirs.write_text("y", encoding="utf-8")
    target.write_text("z", encoding="utf-8")
    os.link(theirs, mine / "linked.txt")
    (mine / "sym").symlink_to(target)
    make_read_only(str(mine))
    assert not _writable(mine.stat().st_mode) and not _writable((mine / "sub").stat().st_mode)
    assert not _writable((mine / "sub" / "file.txt").stat().st_mode)
    assert _writable(theirs.stat().st_mode) and _writable(target.stat().st_mode)
    os.chmod(mine, 0o755)
    os.chmod(mine / "sub", 0o755)


def test_a_later_step_cannot_write_into_its_input(
    tmp_path: Path, shared_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if os.geteuid() == 0:  # root ignores permission bits: run azpipe as an unprivileged user instead
        path, code, err = _run_as_nobody(shared_folder)
    else:
        path = _tamper_pipeline(tmp_path / "p")
        code, _, err = azpipe(capsys, "run", path)
    record = newest_run(path)
    assert code == 1, err
    assert statuses(record) == {"prep": "succeeded", "tamper": "failed"}, (err, record)
    stderr = Path(record["steps"]["tamper"]["logs"]["stderr"]).read_text(encoding="utf-8")
    assert stderr.count("Permission denied") == 2, stderr
    out = Path(record["steps"]["prep"]["outputs"]["out"])
    assert sorted(os.listdir(out)) == ["trace.txt"]
    assert (out / "trace.txt").read_text(encoding="utf-8") == "seed\n"


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder every user may write to (pytest's own folders are root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="azpipe-nobody-"))
    os.chmod(folder, 0o777)
    yield folder
    shutil.rmtree(folder)


def _run_as_nobody(folder: Path) -> tuple[Path, int, str]:
    """``azpipe run`` in a child process that dropped to user ``nobody``; the path, exit code and stderr."""
    # ``nobody`` cannot read the interpreter's files under /root: one run as root first loads
    # every module a run needs, so the child never has to.
    from azpipe.cli.main import main

    if not os.path.exists(SYSTEM_PYTHON):
        pytest.skip(f"no {SYSTEM_PYTHON} to start steps with as an unprivileged user")
    warm_up = _tamper_pipeline(folder / "warm-up")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(["run", str(warm_up), "-j", "1"])
    path = _tamper_pipeline(folder / "p")
    os.chmod(path.parent, 0o777)
    log = folder / "azpipe.log"
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        code = 99
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            sys.executable = SYSTEM_PYTHON  # steps start under a Python launcher: ours is under /root
            with open(log, "w", encoding="utf-8") as stream:
                sys.stdout = sys.stderr = stream
                try:
                    code = main(["run", str(path), "-j", "1"])
                except BaseException as error:  # the parent reads it from the log
                    print(f"child failed: {error!r}", file=stream)
        finally:
            os._exit(code)
    try:
        _, status = os.waitpid(child, 0)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
    err = log.read_text(encoding="utf-8") if log.exists() else ""
    if not (path.parent / ".azpipe" / "runs").is_dir():
        pytest.skip(f"azpipe cannot run as an unprivileged user here: {err[-300:]}")
    return path, os.waitstatus_to_exitcode(status), err


def test_cache_secret_is_private_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from azpipe.localrun.seal import NoSecret, sealed, secret

    monkeypatch.setenv("AZPIPE_STATE_DIR", str(tmp_path / "state"))
    first = secret()
    path = tmp_path / "state" / "cache-secret"
    assert path.stat().st_mode & 0o777 == 0o600 and secret() == first and len(first) == 32
    entry = {"run_id": "r", "step": "s"}
    assert sealed("k", {**entry, "seal": seal("k", entry)})
    assert not sealed("other-key", {**entry, "seal": seal("k", entry)})
    assert not sealed("k", {**entry, "step": "t", "seal": seal("k", entry)})
    path.chmod(0o644)
    with pytest.raises(NoSecret, match="0600"):
        secret()
