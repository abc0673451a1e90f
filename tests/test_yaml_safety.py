"""The YAML hazards of shared/design/bad-inputs.md: each gives one positioned diagnostic."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

import azpipe
from azpipe.source.loader import MAX_BYTES, load_bytes


@pytest.fixture(autouse=True, params=["libyaml", "python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run every case with libyaml's event parser and with PyYAML's pure-Python one."""
    import yaml

    from azpipe.source import loader

    if request.param == "python":
        monkeypatch.setattr(loader, "_Parser", yaml.BaseLoader)
    elif not hasattr(yaml, "CBaseLoader"):
        pytest.skip("PyYAML was built without libyaml")
    return str(request.param)


GOOD = b"azpipe: 1\nname: example\ndefaults: {compute: c, environment: sklearn-env@latest}\nsteps:\n  train:\n    command: echo hi\n"


def codes(data: bytes) -> list[tuple[str, int, int]]:
    loaded = load_bytes(data, "f.yaml")
    return [(d.code, d.span.line, d.span.column) for d in loaded.diagnostics]


def billion_laughs(levels: int = 9) -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for previous, name in itertools.pairwise(names[:levels]):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def merge_bomb(levels: int = 20) -> bytes:
    lines = ["a0: &a0 {x: 1}"]
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} {{<<: [*a{n - 1}, *a{n - 1}], k{n}: 1}}")
    return ("\n".join(lines) + "\n").encode()


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    data = f"a: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    assert codes(data) == [("Y007", 1, 4)]
    assert not marker.exists()
    assert codes(b"a: !custom 1\n") == [("Y007", 1, 4)]
    assert codes(b"a: !!binary aGVsbG8=\n")[0][0] == "Y007"


def test_billion_laughs_is_refused_at_the_alias() -> None:
    found = codes(billion_laughs())
    assert len(found) == 1 and found[0][0] == "Y003" and found[0][1] > 1


def test_merge_key_bomb_is_refused() -> None:
    found = codes(merge_bomb())
    assert found and found[0][0] == "Y003"


def test_legitimate_merge_override_is_not_a_duplicate() -> None:
    loaded = load_bytes(b"base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3\n", "f.yaml")
    assert loaded.diagnostics == []
    from azpipe.source.nodes import plain

    assert plain(loaded.root)["c"] == {"x": 3, "y": 2}  # type: ignore[arg-type,index]


def test_deep_nesting_gives_a_position_not_a_crash(parser: str) -> None:
    code = (
        "import yaml; from azpipe.source import loader; from azpipe.source.loader import load_bytes; "
        + ("loader._Parser = yaml.BaseLoader; " if parser == "python" else "")
        + "d = load_bytes(b'[' * 50000, 'f'); print(d.diagnostics[0].code)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Y006"
    assert codes(b"a: " + b"{b: " * 100 + b"1" + b"}" * 100 + b"\n")[0][0] == "Y006"


def test_recursive_alias() -> None:
    assert codes(b"a: &x [1, *x]\n") == [("Y004", 1, 11)]
    assert codes(b"a: &x {b: *x}\n") == [("Y004", 1, 11)]


def test_undefined_alias() -> None:
    assert codes(b"a: *nowhere\n")[0][0] == "Y001"


def test_duplicate_keys_name_both_lines() -> None:
    loaded = load_bytes(b"command: echo safe\nname: x\ncommand: rm -rf /\n", "f.yaml")
    [diagnostic] = loaded.diagnostics
    assert (diagnostic.code, diagnostic.span.line) == ("Y002", 3)
    assert "line 1" in diagnostic.message


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("NO", "boolean false"),
        ("off", "boolean false"),
        ("3.10", "number 3.1"),
        ("0755", "integer 493"),
        ("12:30", "integer 750"),
    ],
)
def test_yaml11_traps_warn_where_a_string_is_expected(text: str, shown: str) -> None:
    source = GOOD.decode() + f"    tags: {{value: {text}}}\n"
    pipeline = azpipe.loads(source)
    [diagnostic] = [d for d in pipeline.diagnostics if d.code == "Y011"]
    assert shown in diagnostic.message and f'"{text}"' in (diagnostic.hint or "")
    assert (diagnostic.span.line, diagnostic.span.column) == (7, 19)


def test_quoted_values_are_not_traps() -> None:
    pipeline = azpipe.loads(GOOD.decode() + '    tags: {value: "3.10", flag: "no"}\n')
    assert [d.code for d in pipeline.diagnostics] == []


def test_size_cap_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (20 * 1024 * 1024) + b"\n")
    pipeline = azpipe.load(big)
    assert [d.code for d in pipeline.diagnostics] == ["Y005"]
    assert len(b"x" * (MAX_BYTES + 1)) > MAX_BYTES


@pytest.mark.parametrize(
    ("data", "code", "line", "column"),
    [
        (b"", "Y010", 1, 1),
        (b"# only a comment\n", "Y010", 1, 1),
        (b"- a\n- b\n", "S102", 1, 1),
        (b"just a string\n", "S102", 1, 1),
        (b"a: 1\n---\nb: 2\n", "Y009", 2, 1),
        (b"a: 1\nb: x\x00y\n", "Y008", 2, 5),
        (b"a: 1\nb: \xff\n", "Y008", 2, 4),
        (b"\xff\xfea\x00", "Y008", 1, 1),
        (b"a:\n\tb: 1\n", "Y001", 2, 1),
        (b"a: [1, 2\n", "Y001", 2, 1),
    ],
)
def test_malformed_files_get_one_positioned_diagnostic(
    data: bytes, code: str, line: int, column: int
) -> None:
    loaded = load_bytes(data, "f.yaml")
    if loaded.root is not None:
        from azpipe.loading import _checked

        found = _checked(loaded, "f.yaml", ".").diagnostics
    else:
        found = loaded.diagnostics
    assert [(d.code, d.span.line, d.span.column) for d in found][:1] == [(code, line, column)]


def test_tab_indentation_has_a_hint() -> None:
    [diagnostic] = load_bytes(b"a:\n\tb: 1\n", "f.yaml").diagnostics
    assert "spaces" in (diagnostic.hint or "")


def test_a_large_file_without_aliases_is_not_an_alias_bomb() -> None:
    loaded = load_bytes(b"items:\n" + b"- 1\n" * 250_000, "f.yaml")
    assert loaded.diagnostics == []
