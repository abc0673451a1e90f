"""``azpipe check``: formats, exit codes, filtering, suppression and the light import path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import azpipe
from azpipe.cli.main import SUBCOMMANDS, build_parser, main
from azpipe.loading import discover

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

    steps = "".join(
        f"  s{i}:\n    command: echo ${{{{s{i - 1}.outputs.o}}}} ${{{{outputs.o}}}}\n" for i in range(1, 50)
    )
    text = (
        "azpipe: 1\nname: p\ndefaults: {compute: c, environment: sklearn-env@latest}\nsteps:\n  s0:\n    command: echo ${{s20.outputs.o}} ${{outputs.o}}\n"
        + steps
    )
    order = azpipe.topological_order(azpipe.loads(text))
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


# ------------------------------------------------------------------ issue 13 items 2-3: what check checks

CONDA = "name: env\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pip\n"
WORKFLOW = (
    "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: azpipe check\n"
)
PRE_COMMIT = "repos:\n  - repo: local\n    hooks:\n      - id: x\n        name: x\n        entry: x\n        language: system\n"
NOT_OURS = {
    "environment.yaml": CONDA,
    ".pre-commit-config.yaml": PRE_COMMIT,
    ".github/workflows/ci.yml": WORKFLOW,
    "chart/templates/deploy.yaml": "apiVersion: v1\nkind: {{ .Values.kind }}\n  bad: [\n",  # a Helm template
    "config.yaml": "type: string\ncommand: not a component, no schema and no type it needs\n",
    "settings.yml": "type: pipeline\nsteps: [a, b]\n",  # `type: pipeline` but no `jobs:`
    "data.yml": "$schema: https://azuremlschemas.azureedge.net/latest/data.schema.json\nname: d\npath: ./x\ntype: uri_folder\n",
    "sweep.yml": "$schema: https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json\ntype: sweep\ntrial: {command: echo}\n",
    "job.yml": "$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\ncommand: echo hi\nenvironment: azureml:e:1\ncompute: c\n",
    "list.yaml": "- a\n- b\n",
    "empty.yaml": "",
}


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def test_files_that_are_not_pipelines_are_skipped_even_when_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, NOT_OURS)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "check", *NOT_OURS)
    assert (code, out, err) == (0, "", "")
    code, out, _ = run(capsys, "check", "--format", "json", *NOT_OURS)
    assert code == 0 and json.loads(out) == {"diagnostics": [], "files": 0}


def test_verbose_lists_and_counts_what_was_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, {**NOT_OURS, "p.yaml": BAD.read_text()})
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "check", "-v", "p.yaml", "environment.yaml", "sweep.yml", "job.yml")
    assert code == 1
    assert err.splitlines() == [
        "azpipe check: skipped environment.yaml: not an azpipe pipeline or an Azure ML job or component file",
        "azpipe check: skipped job.yml: an Azure ML command job (azpipe checks pipeline jobs, command, parallel and spark components)",
        "azpipe check: skipped sweep.yml: an Azure ML sweep job (azpipe checks pipeline jobs, command, parallel and spark components)",
        "azpipe check: 1 file checked, 3 skipped",
    ]
    code, _, err = run(capsys, "check", "--verbose", ".")
    assert code == 1 and err.splitlines()[-1] == f"azpipe check: 1 file checked, {len(NOT_OURS)} skipped"


def test_a_broken_pipeline_is_still_reported_and_a_broken_stranger_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.yaml").write_text("azpipe: 1\nname: p\nsteps:\n  a: [\n")
    (tmp_path / "native.yml").write_text("type: pipeline\njobs:\n  a: {\n")
    (tmp_path / "helm.yaml").write_text("kind: {{ .Values.kind }}\n  x: [\n")
    code, out, _ = run(
        capsys,
        "check",
        "--format",
        "json",
        *(str(tmp_path / n) for n in ("p.yaml", "native.yml", "helm.yaml")),
    )
    found = json.loads(out)
    assert code == 1 and found["files"] == 2
    assert sorted((Path(d["file"]).name, d["code"]) for d in found["diagnostics"]) == [
        ("native.yml", "Y001"),
        ("p.yaml", "Y001"),
    ]


def test_a_command_component_file_is_checked_on_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "train.yml").write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\n"
        "type: command\nname: train\ncode: ./src\nenvironment: azureml:env:1\n"
        "command: python train.py --data ${{inputs.dta}}\ninputs:\n  data: {type: uri_folder}\n"
    )
    code, out, _ = run(capsys, "check", "--format", "json", str(tmp_path / "train.yml"))
    assert code == 1
    found = [(d["code"], d["line"], d["column"]) for d in json.loads(out)["diagnostics"]]
    assert found == [("F801", 4, 7), ("P405", 6, 33)]
    # Without `$schema`, its typed inputs and `command:` say it is a component, not a job.
    (tmp_path / "src").mkdir()
    (tmp_path / "plain.yml").write_text((tmp_path / "train.yml").read_text().split("\n", 1)[1])
    code, out, _ = run(capsys, "check", "--format", "json", str(tmp_path / "plain.yml"))
    assert code == 1 and [d["code"] for d in json.loads(out)["diagnostics"]] == ["P405"]


def test_a_component_checked_alone_and_through_its_pipeline_is_reported_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "train.yml").write_text(
        "type: command\nname: train\nenvironment: azureml:env:1\n"
        "command: python train.py --data ${{inputs.dta}}\ninputs:\n  data: {type: uri_folder}\n"
    )
    (tmp_path / "p.yaml").write_text(
        "azpipe: 1\nname: p\ndefaults: {compute: c}\nsteps:\n  train:\n    uses: ./train.yml\n    inputs: {data: ./}\n"
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--format", "json", ".", "./train.yml", "p.yaml")
    assert code == 1
    assert [(d["code"], d["line"]) for d in json.loads(out)["diagnostics"]] == [("P405", 4)]


def test_a_folder_with_nothing_to_check_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path / "repo", NOT_OURS)
    code, out, err = run(capsys, "check", str(tmp_path / "repo"))
    assert (code, out) == (2, "")
    assert err == f"azpipe check: no pipeline files in folder {tmp_path / 'repo'}\n"
    (tmp_path / "repo" / "p.yaml").write_text(WARN.read_text())
    assert run(capsys, "check", str(tmp_path / "repo"))[0] == 0
    # One empty folder among good paths still fails: the mistyped one must be seen.
    (tmp_path / "typo").mkdir()
    assert run(capsys, "check", str(tmp_path / "repo"), str(tmp_path / "typo"))[0] == 2


def test_a_missing_path_is_a_usage_error_even_next_to_good_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(WARN), "pipelnes/")
    assert (code, out) == (2, "") and err == "azpipe check: no such file or folder: pipelnes/\n"


def _on_a_terminal(*args: str, cwd: Path) -> str:
    """The output of ``azpipe`` run with its standard output on a pseudo-terminal."""
    import os
    import pty

    leader, follower = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "azpipe", *args],
        cwd=cwd,
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_success_on_a_terminal_is_one_line_and_quiet_otherwise(tmp_path: Path) -> None:
    examples = len(discover([str(ROOT / "pipelines")]).files)  # sub-pipeline files are checked too
    assert _on_a_terminal("check", "pipelines", cwd=ROOT) == f"{examples} files checked, no problems\n"
    _write(tmp_path, {"environment.yaml": CONDA, "p.yaml": (ROOT / "tests/rules/R302/good.yaml").read_text()})
    assert _on_a_terminal("check", "p.yaml", "environment.yaml", cwd=tmp_path) == (
        "1 file checked, no problems (1 file named skipped: not pipelines or components; -v says why)\n"
    )
    piped = subprocess.run(
        [sys.executable, "-m", "azpipe", "check", "pipelines"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (piped.returncode, piped.stdout, piped.stderr) == (0, "", "")
