"""``azpipe import`` writes names as data: no key or value can add YAML structure.

The reproduction of issue 14: an environment-variable name holding a newline and
YAML became an extra step after ``import``. Now ``check`` refuses such a name
(N704), and, whatever reaches the importer, every key and value goes through the
compiler's YAML filter: import → re-load gives exactly the same mappings, with
azpipe's own loader and with ``yaml.safe_load``. The YAML compile target shares
the filter; keys longer than YAML's 1,024-character limit become ``? key`` entries.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import azpipe
from azpipe.cli.main import main
from azpipe.emit import CompileRefused
from azpipe.emit.values import MAX_IMPLICIT_KEY, yaml_key
from azpipe.importer import to_azpipe
from azpipe.model import Pipeline, PipelineInput
from azpipe.source.loader import load_bytes
from azpipe.source.nodes import plain

NATIVE = """\
type: pipeline
settings: {default_compute: azureml:cpu}
jobs:
  a:
    type: command
    code: ./src
    environment: azureml:env:1
    command: echo hi
"""
INJECTED_NAME = 'X: "1"\n  pwned:\n    command: "touch PWNED"\n    environment: "azureml:env:1"\nY'
HOSTILE = [
    "yes", "No", "on", "OFF", "y", "n", "null", "Null", "~", "true", "012", "0o755", "0x1F", "1e3", "1_000",
    "3.10", ".inf", "-.inf", ".nan", "12:30", "2001-01-01", "2001-12-14t21:59:43.10-05:00", "# c", "#", "a #b",
    " lead", "trail ", "  ", "", "- x", "-", "? x", "?", ": x", "a: b", "a:", "&a", "*a", "!tag", "!!python/name:os",
    "%YAML", "@x", "`x`", "|", ">", "'", '"', "''", '""', "\\", "\\n", "{", "}", "[", "]", "{a: 1}", "[1]", ",",
    "<<", "=", "---", "...", "${{parent.inputs.x}}", "$(touch PWNED)", "\t", "a\tb", "\0", "\x1b[31m", "\x7f",
    "\n", "a\nb", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\ufeff", "\u202e", "\u200b", "\xa0", "é", "日本",
    "😀", "\ue000", "\uffff", "key\n  pwned: 1", INJECTED_NAME, "x" * 1100, '"' * 600, "é" * 1030,
]  # fmt: skip
DETAIL_MAPS = ("tags", "environment_variables", "resources", "distribution", "limits", "identity")


def dq(text: str) -> str:
    """``text`` as a double-quoted YAML scalar, written by PyYAML (not by the filter under test)."""
    return str(yaml.safe_dump(text, default_style='"', width=10**9)).strip()


def native_pipeline(tmp_path: Path, text: str = NATIVE) -> Pipeline:
    """A clean native pipeline with one command job `a`."""
    (tmp_path / "src").mkdir(exist_ok=True)
    path = tmp_path / "pipeline.yml"
    path.write_text(text, encoding="utf-8")
    pipeline = azpipe.load(path)
    assert pipeline.ok, pipeline.diagnostics
    return pipeline


def reloaded(text: str) -> list[Any]:
    """``text`` as azpipe's loader and ``yaml.safe_load`` read it (azpipe's must load cleanly)."""
    loaded = load_bytes(text.encode("utf-8"), "imported.yaml")
    assert loaded.root is not None, loaded.diagnostics
    return [plain(loaded.root), yaml.safe_load(text)]


def _inject(
    pipeline: Pipeline, step_name: str, maps: dict[str, dict[str, Any]], tags: dict[str, str]
) -> None:
    """Put hostile names and values in the model, past ``check``: the importer must hold on its own."""
    step = pipeline.steps.pop("a")
    step.name = step_name
    pipeline.steps[step_name] = step
    for kind, mapping in maps.items():
        setattr(step.details, kind, mapping)
    pipeline.tags = tags


# --------------------------------------------------------------------------- the reproduction


def test_injected_env_name_is_refused_by_check_and_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    native = NATIVE + f"    environment_variables:\n      {dq(INJECTED_NAME)}: v\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "pipeline.yml").write_text(native)
    assert main(["check", str(tmp_path / "pipeline.yml")]) == 1
    assert 'error[N704]: environment variable \'X: "1"\\n  pwned:' in capsys.readouterr().out
    assert main(["import", str(tmp_path / "pipeline.yml"), "-o", str(tmp_path / "out.yaml")]) == 1
    assert not (tmp_path / "out.yaml").exists()


def test_injected_env_name_stays_one_key_in_the_importer(tmp_path: Path) -> None:
    pipeline = native_pipeline(tmp_path)
    _inject(pipeline, "a", {"environment_variables": {INJECTED_NAME: "v\u2028w"}}, {})
    text = to_azpipe(pipeline, "p")
    for root in reloaded(text):
        assert list(root["steps"]) == ["a"]
        assert root["steps"]["a"]["environment_variables"] == {INJECTED_NAME: "v\u2028w"}


@pytest.mark.parametrize("key", HOSTILE, ids=range(len(HOSTILE)))
def test_every_hostile_key_and_value_reads_back(tmp_path: Path, key: str) -> None:
    pipeline = native_pipeline(tmp_path)
    mapping = {key: key, "plain": key}
    step = key if key else "a"
    _inject(pipeline, step, {kind: mapping for kind in DETAIL_MAPS}, {key: key})
    pipeline.inputs[key] = PipelineInput(key, pipeline.span, "string", default=key)
    text = to_azpipe(pipeline, key)
    for root in reloaded(text):
        assert set(root) == {"azpipe", "name", "tags", "defaults", "inputs", "steps"}
        assert root["name"] == key and root["tags"] == {key: key} and root["inputs"] == {key: key}
        assert list(root["steps"]) == [step]
        for kind in DETAIL_MAPS:
            assert root["steps"][step][kind] == mapping, kind


def test_file_name_cannot_break_the_header_comment(tmp_path: Path) -> None:
    pipeline = native_pipeline(tmp_path)
    pipeline.path = str(tmp_path / "x.yml\nsteps: {}\u2028")
    text = to_azpipe(pipeline, "p")
    assert text.splitlines()[0] == '# Imported by azpipe from "x.yml\\nsteps: {}\\u2028"'
    assert all(list(root["steps"]) == ["a"] for root in reloaded(text))


def test_hostile_names_that_check_accepts_survive_the_cli(tmp_path: Path) -> None:
    """End to end: a native file with YAML-looking tag keys and control characters in values."""
    keys = ["yes", "012", "2001-01-01", "# c", "  lead", "on", "null", "t" * 1100]
    values = ["\t", "\0", "\x1b[0m", "\x85", "\u2028", "\u2029", "a\nb", "yes"]
    tags = dict(zip(keys, values, strict=True))
    env = {"OMP_NUM_THREADS": "\u2028x", "Y": "\x85", "N": "\0"}
    doc = yaml.safe_load(NATIVE)
    doc["jobs"]["a"] |= {"tags": tags, "environment_variables": env}
    pipeline = native_pipeline(tmp_path, yaml.safe_dump(doc, width=10**9, sort_keys=False))
    assert (
        pipeline.steps["a"].details.tags == tags and pipeline.steps["a"].details.environment_variables == env
    )
    out = tmp_path / "imported.yaml"
    assert main(["import", str(tmp_path / "pipeline.yml"), "-o", str(out)]) == 0
    imported = azpipe.load(out)
    assert imported.ok, imported.diagnostics
    assert list(imported.steps) == ["a"]
    assert (
        imported.steps["a"].details.tags == tags and imported.steps["a"].details.environment_variables == env
    )


# --------------------------------------------------------------------------- check: N704, N705


@pytest.mark.parametrize(
    ("name", "ok"),
    [("OMP_NUM_THREADS", True), ("_x1", True), ("a", True), ("1X", False), ("A-B", False), ("A B", False),
     ("A=B", False), ("", False), ("É", False), ("A\nB", False), ("A\0", False)],
)  # fmt: skip
def test_env_var_names(tmp_path: Path, name: str, ok: bool) -> None:
    text = NATIVE + f"    environment_variables:\n      {dq(name)}: v\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "pipeline.yml").write_text(text)
    found = [d for d in azpipe.load(tmp_path / "pipeline.yml").diagnostics if d.code == "N704"]
    assert (found == []) is ok
    if not ok:
        assert (found[0].span.line, found[0].span.column) == (10, 7)


@pytest.mark.parametrize(
    ("key", "ok"),
    [("team", True), ("team owner", True), ("yes", True), ("日本", True), ("# c", True), ("a\nb", False),
     ("a\tb", False), ("\x1b[31m", False), ("a\u2028", False), ("a\x85", False), ("\u202eevil", False),
     ("zero\u200bwidth", False)],
)  # fmt: skip
def test_tag_keys(tmp_path: Path, key: str, ok: bool) -> None:
    text = NATIVE.replace("jobs:", f"tags:\n  {dq(key)}: v\njobs:")
    (tmp_path / "src").mkdir()
    (tmp_path / "pipeline.yml").write_text(text)
    found = [d for d in azpipe.load(tmp_path / "pipeline.yml").diagnostics if d.code == "N705"]
    assert (found == []) is ok
    if not ok:
        assert (found[0].span.line, found[0].span.column) == (4, 3)


def test_azpipe_language_steps_and_components_are_checked_too(tmp_path: Path) -> None:
    (tmp_path / "pipeline.yaml").write_text(
        "azpipe: 1\nname: p\ndefaults: {compute: cpu, environment: env@latest}\n"
        "components:\n  c:\n    command: echo hi\n    environment_variables: {BAD-NAME: x}\n"
        '    tags: {"a\\tb": x}\n'
        "steps:\n  s:\n    uses: c\n  t:\n    code: .\n    command: echo hi\n"
        '    environment_variables: {"1ST": x}\n'
    )
    found = [
        (d.code, d.span.line)
        for d in azpipe.load(tmp_path / "pipeline.yaml").diagnostics
        if d.code[:3] == "N70"
    ]
    assert sorted(found) == [("N704", 7), ("N704", 15), ("N705", 8)]


# --------------------------------------------------------------------------- the shared filter

hostile_text = st.lists(st.sampled_from(HOSTILE[:-3]) | st.text(max_size=8), max_size=6).map("".join)
long_text = st.tuples(st.text(min_size=1, max_size=4), st.integers(200, 700)).map(lambda t: t[0] * t[1])
keys = hostile_text | long_text
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text


@given(keys, st.integers(0, 12), st.booleans())
def test_yaml_key_reads_back_as_the_same_key(key: str, indent: int, bare: bool) -> None:
    pad = " " * indent
    for value in ("1", "\n" + pad + "    nested: 1"):
        text = f"root:\n{pad}  {yaml_key(key, indent + 2, plain=bare)} {value}\n".replace(" \n", "\n")
        expected = 1 if value == "1" else {"nested": 1}
        assert yaml.safe_load(text) == {"root": {key: expected}}
        loaded = load_bytes(text.encode(), "k.yaml")
        assert loaded.root is not None and plain(loaded.root) == {"root": {key: expected}}


def test_long_keys_become_explicit_entries() -> None:
    assert yaml_key("k" * (MAX_IMPLICIT_KEY - 2)) == '"' + "k" * (MAX_IMPLICIT_KEY - 2) + '":'
    assert yaml_key("k" * (MAX_IMPLICIT_KEY - 1), 4) == '? "' + "k" * (MAX_IMPLICIT_KEY - 1) + '"\n    :'
    assert yaml_key("name", plain=True) == "name:" and yaml_key("yes", plain=True) == '"yes":'


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
@given(
    st.dictionaries(keys, hostile_text, max_size=4),
    st.dictionaries(keys, scalars, max_size=4),
    st.dictionaries(keys, hostile_text, max_size=3),
    keys.filter(bool),
)
def test_import_then_reload_is_the_same_mapping(
    tmp_path: Path, strings: dict[str, str], values: dict[str, Any], tags: dict[str, str], step: str
) -> None:
    pipeline = native_pipeline(tmp_path)
    maps: dict[str, dict[str, Any]] = {"tags": strings, "environment_variables": strings}
    maps |= {kind: values for kind in ("resources", "distribution", "limits", "identity")}
    _inject(pipeline, step, maps, tags)
    text = to_azpipe(pipeline, "p")
    for root in reloaded(text):
        assert list(root["steps"]) == [step]
        assert set(root) == {"azpipe", "name", "defaults", "steps"} | ({"tags"} if tags else set())
        assert root.get("tags", {}) == tags
        for kind, mapping in maps.items():
            assert _same(root["steps"][step].get(kind, {}), mapping), kind


def _same(got: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Equal, with each value of the same type (``1 == 1.0 == True`` must not pass)."""
    if got.keys() != expected.keys():
        return False
    return all(type(got[k]) is type(v) and (got[k] == v or _both_nan(got[k], v)) for k, v in expected.items())


def _both_nan(a: Any, b: Any) -> bool:
    return isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)


# --------------------------------------------------------------------------- the YAML compile target


def test_compile_target_reads_back_long_and_hostile_keys(tmp_path: Path) -> None:
    long_tag, long_env = "t" * 2000, "E" * 1500
    (tmp_path / "pipeline.yaml").write_text(
        "azpipe: 1\nname: p\ndefaults: {compute: cpu, environment: env@latest}\n"
        f"tags:\n  ? {long_tag}\n  : v\n  'yes': '012'\n  '# c': x\n"
        "steps:\n  a:\n    code: .\n    command: echo hi\n"
        f"    environment_variables:\n      ? {long_env}\n      : v\n"
        f"    tags:\n      ? {long_tag}\n      : w\n"
    )
    pipeline = azpipe.load(tmp_path / "pipeline.yaml")
    assert pipeline.ok, pipeline.diagnostics
    text = azpipe.to_yaml(pipeline)
    for root in reloaded(text):
        assert root["tags"] == {long_tag: "v", "yes": "012", "# c": "x"}
        assert root["jobs"]["a"]["environment_variables"] == {long_env: "v"}
        assert root["jobs"]["a"]["tags"] == {long_tag: "w"}


def test_compile_target_refuses_keys_merged_into_resources(tmp_path: Path) -> None:
    """A merged key is checked like any other: it used to reach the YAML raw and add a job key."""
    evil = "instance_count: 1\n    evil"
    (tmp_path / "pipeline.yaml").write_text(
        "azpipe: 1\nname: p\ndefaults: {compute: cpu, environment: env@latest}\n"
        "steps:\n  a:\n    code: .\n    command: echo hi\n"
        f"    resources:\n      <<: {{{dq(evil)}: 2}}\n"
    )
    pipeline = azpipe.load(tmp_path / "pipeline.yaml")
    assert [d.code for d in pipeline.diagnostics if d.severity.name == "ERROR"] == ["S101"]
    with pytest.raises(CompileRefused):
        azpipe.to_yaml(pipeline)
