"""``azpipe check``: formats, exit codes, filtering, suppression and the light import path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from azpipe.cli.main import SUBCOMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "rules" / "R302" / "bad.yaml"
WARN = ROOT / "tests" / "rules" / "G503" / "bad.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_examples_are_clean(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "check")
    assert code == 0 and out == ""


def test_text_output_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(BAD))
    assert code == 1
    assert f"{BAD}:13:30: error[R302]: step `prep` has no output `trainig_data`" in out
    assert "^^^^" in out and "did you mean `training_data`?" in out
    assert out.rstrip().endswith("Found 1 error in 1 file.")
    assert "\033[" not in out


def test_color_always(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", "--color", "always", str(BAD))
    assert "\033[" in out


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--format", "json", str(BAD), str(WARN))
    document = json.loads(out)
    assert code == 1 and document["files"] == 2
    first = document["diagnostics"][0]
    assert set(first) == {
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "severity",
        "code",
        "rule",
        "message",
        "hint",
    }
    assert [d["code"] for d in document["diagnostics"]] == ["G503", "R302"]


def test_github_format_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", "--format", "github", str(BAD))
    assert out.startswith(
        f"::error file={BAD},line=13,col=30,endLine=13,endColumn=60,title=R302 unknown-port::"
    )


def test_warnings_pass_unless_strict(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", str(WARN))[0] == 0
    assert run(capsys, "check", "--strict", str(WARN))[0] == 1


def test_select_and_ignore(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "--ignore", "R3", str(BAD))[0] == 0
    assert run(capsys, "check", "--select", "G", str(BAD))[0] == 0
    assert run(capsys, "check", "--select", "R302", str(BAD))[0] == 1
    code, _, err = run(capsys, "check", "--select", "Q999", str(BAD))
    assert code == 2 and "unknown rule code" in err


def test_ignore_comment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The error is inside a folded block, where no comment can be: the block's header line takes it.
    text = BAD.read_text().replace("command: >-", "command: >-  # azpipe: ignore[R302]")
    (tmp_path / "p.yaml").write_text(text)
    assert run(capsys, "check", str(tmp_path / "p.yaml"))[0] == 0
    (tmp_path / "p.yaml").write_text(text.replace("ignore[R302]", "ignore[P401]"))
    assert run(capsys, "check", str(tmp_path / "p.yaml"))[0] == 1


def test_folders_are_searched_for_pipeline_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "p.yaml").write_text(BAD.read_text())
    (tmp_path / "conda.yaml").write_text("name: env\ndependencies: [python=3.11]\n")
    code, out, _ = run(capsys, "check", "--format", "json", str(tmp_path))
    assert code == 1 and json.loads(out)["files"] == 1


def test_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "no/such/file.yaml")
    assert code == 2 and "no such file" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "--format", "xml")[0] == 2
    assert run(capsys)[0] == 2


def test_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--help")[0] == 0
    _parser, modules = build_parser()
    for name in modules:
        code, out, _ = run(capsys, name, "--help")
        assert code == 0 and "usage: azpipe" in out
    assert set(modules) <= {name.rstrip("_").replace("import", "import") for name in SUBCOMMANDS} | {"import"}


def test_check_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from azpipe.cli.main import main; "
        f"main(['check', {str(ROOT / 'pipelines')!r}]); "
        "print(' '.join(m for m in ('azure.ai.ml', 'jinja2', 'azure.identity', 'networkx') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "azpipe", "check", str(BAD)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "R302" in result.stdout


def test_control_characters_in_names_do_not_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.yaml").write_text(
        'azpipe: 1\nname: p\ndefaults: {compute: c, environment: sklearn-env@latest}\nsteps:\n  "bad\\nname\\e[31m":\n    command: echo hi\n'
    )
    code, out, _ = run(capsys, "check", "--color", "never", str(tmp_path / "p.yaml"))
    assert code == 1 and "\x1b" not in out
    assert "`bad\\nname\\x1b[31m`" in out


def test_topological_order_with_a_cycle_puts_cyclic_steps_last() -> None:
    import azpipe

    steps = "".join(
        f"  s{i}:\n    command: echo ${{{{s{i - 1}.outputs.o}}}} ${{{{outputs.o}}}}\n" for i in range(1, 50)
    )
    text = (
        "azpipe: 1\nname: p\ndefaults: {compute: c, environment: sklearn-env@latest}\nsteps:\n  s0:\n    command: echo ${{s20.outputs.o}} ${{outputs.o}}\n"
        + steps
    )
    order = azpipe.loads(text).topological_order()
    assert order[:29] == [f"s{i}" for i in range(21, 50)]
    assert order[29:] == sorted(f"s{i}" for i in range(21))


def test_component_file_diagnostics_show_their_own_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "train.yml").write_text(
        "type: command\nname: train\nenvironment: azureml:env:1\n"
        "command: python train.py --data ${{inputs.dta}}\ninputs:\n  data: {type: uri_folder}\n"
    )
    # Line 4 of the pipeline carries an ignore comment; it must not hide line 4 of train.yml.
    (tmp_path / "p.yaml").write_text(
        "azpipe: 1\nname: p\ndefaults: {compute: c}\nsteps:  # azpipe: ignore\n"
        "  train:\n    uses: ./train.yml\n    inputs: {data: ./}\n"
    )
    code, out, _ = run(capsys, "check", str(tmp_path / "p.yaml"))
    assert code == 1
    assert "train.yml:4:" in out and "error[P405]" in out
    assert "   4 | command: python train.py --data ${{inputs.dta}}" in out
