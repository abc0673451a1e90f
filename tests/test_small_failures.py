"""Small failures found by attacking azpipe (issue 14, item 9), one regression test each.

FIFOs and devices, folders named like files, ``.inf``/``.nan``, ``azpipe: true``,
ignore comments inside strings, YAML 1.1 line breaks, output paths ending in
``..``, Azure ML names of environments, compute and data, control characters
from ``config.json``, and the generated module's imports.
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import azpipe
from azpipe.cli.main import main
from azpipe.report.text import render
from azpipe.source.loader import load_bytes
from azpipe.source.nodes import Map, Scalar
from azpipe.source.text import SourceText, split_lines
from azpipe.submit.console import Console
from azpipe.submit.workspace import Workspace, WorkspaceNotConfigured, read_config, resolve_workspace
from azpipe.suppress import ignored_lines
from tests.golden import assert_golden

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "small_failures"
HEAD = "azpipe: 1\nname: example\ndefaults: {compute: cpu-cluster, environment: sklearn-env@latest}\n"
PIPELINE = HEAD + (
    "outputs:\n  model: ${{train.outputs.model}}\n"
    "steps:\n  train:\n    code: .\n    command: python train.py --model ${{outputs.model}}\n"
)
TIMEOUT = 60  # seconds: a hang is a failure, not a stuck test run


def azpipe_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m azpipe ARGS`` in a child process that is killed if it blocks."""
    return subprocess.run(
        [sys.executable, "-m", "azpipe", *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT
    )


def codes_at(text: str, base_dir: Path | str = ".") -> list[tuple[str, int, int]]:
    """(code, line, column) of every diagnostic of a pipeline given as text."""
    return [
        (d.code, d.span.line, d.span.column) for d in azpipe.loads(text, "p.yaml", str(base_dir)).diagnostics
    ]


# ------------------------------------------------------------------ 1. FIFOs, sockets, devices

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@needs_fifo
def test_check_refuses_a_fifo_named_on_the_command_line(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipeline.yaml")
    result = azpipe_process("check", "pipeline.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "azpipe check: pipeline.yaml is a FIFO (named pipe), not a pipeline file"


@needs_fifo
def test_check_skips_a_fifo_found_in_a_folder(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "a.yaml")
    (tmp_path / "b.yaml").write_text(PIPELINE)
    result = azpipe_process("check", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"diagnostics": [], "files": 1}


@needs_fifo
def test_other_commands_report_a_fifo_instead_of_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipeline.yaml")
    for command in (["graph"], ["plan"], ["compile", "-o", "out/"]):
        result = azpipe_process(*command, "pipeline.yaml", cwd=tmp_path)
        assert result.returncode in (1, 2) and "Traceback" not in result.stderr, (command, result.stderr)


@needs_fifo
def test_a_component_file_that_is_a_fifo_is_a_positioned_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "train.yml")
    (tmp_path / "pipeline.yaml").write_text(
        HEAD + "steps:\n  train:\n    uses: ./train.yml\n    inputs: {data: ./}\n"
    )
    result = azpipe_process("check", "pipeline.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "train.yml:1:1: error[Y010]: cannot read file: not a regular file: it is a FIFO" in result.stdout


def test_check_refuses_a_socket_and_a_device(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(tmp_path / "pipeline.yaml"))
        result = azpipe_process("check", "pipeline.yaml", os.devnull, cwd=tmp_path)
    assert result.returncode == 2
    assert "pipeline.yaml is a socket, not a pipeline file" in result.stderr
    assert f"{os.devnull} is a character device, not a pipeline file" in result.stderr


def test_reading_a_device_as_a_pipeline_never_starts(tmp_path: Path) -> None:
    result = azpipe_process("graph", "/dev/zero", cwd=tmp_path)  # would read forever
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr


# ------------------------------------------------------------------ 2. folders named like files


def test_a_folder_named_pipeline_yaml_given_as_a_path_is_walked(tmp_path: Path) -> None:
    (tmp_path / "pipeline.yaml").mkdir()
    (tmp_path / "pipeline.yaml" / "inner.yaml").write_text(PIPELINE.replace("azpipe: 1", "azpipe: 2"))
    result = azpipe_process("check", "pipeline.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "pipeline.yaml/inner.yaml:1:9: error[S104]" in result.stdout


def test_a_folder_named_pipeline_yaml_inside_a_folder_is_walked(tmp_path: Path) -> None:
    (tmp_path / "a" / "pipeline.yaml" / "deeper.yml").mkdir(parents=True)
    (tmp_path / "a" / "pipeline.yaml" / "deeper.yml" / "p.yaml").write_text(PIPELINE)
    (tmp_path / "a" / "q.yaml").write_text(PIPELINE)
    result = azpipe_process("check", "--format", "json", "a", cwd=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout)["files"] == 2


def test_a_folder_without_pipelines_says_so(tmp_path: Path) -> None:
    (tmp_path / "pipeline.yaml").mkdir()
    result = azpipe_process("check", "pipeline.yaml", cwd=tmp_path)
    assert result.returncode == 2  # issue 13 item 3: a mistyped folder in CI must not pass
    assert result.stderr.strip() == "azpipe check: no pipeline files in folder pipeline.yaml"


# ------------------------------------------------------------------ 3. .inf and .nan (T603)

COMPONENT = (
    "components:\n  trainer:\n    code: .\n    command: python train.py --lr ${{inputs.lr}} --model ${{outputs.model}}\n"
    "    inputs: {lr: {type: number, default: .NaN}}\n    outputs: {model: uri_folder}\n"
)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (HEAD + "inputs:\n  lr: .inf\n", (5, 7)),
        (HEAD + "inputs:\n  lr: {type: number, default: -.Inf}\n", (5, 31)),
        (HEAD + "inputs:\n  lr: {type: number, default: .nan}\n", (5, 31)),
        (HEAD + COMPONENT, (8, 42)),
        (
            HEAD
            + "steps:\n  train:\n    code: .\n    command: python t.py --lr ${{inputs.lr}}\n    inputs:\n      lr: +.inf\n",
            (9, 11),
        ),
        (
            HEAD
            + "steps:\n  train:\n    code: .\n    command: echo\n    resources: {instance_count: .inf}\n",
            (8, 33),
        ),
    ],
    ids=["input-literal", "input-default", "input-nan", "component-default", "step-literal", "resources"],
)
def test_non_finite_numbers_are_refused_at_the_value(text: str, where: tuple[int, int]) -> None:
    pipeline = azpipe.loads(text, "p.yaml", str(ROOT))
    found = [(d.span.line, d.span.column) for d in pipeline.diagnostics if d.code == "T603"]
    assert found == [where]
    assert not pipeline.ok  # so neither compile target ever sees it


def test_non_finite_numbers_in_a_native_file_and_a_component_file(tmp_path: Path) -> None:
    (tmp_path / "train.yml").write_text(
        "type: command\ncommand: python t.py --lr ${{inputs.lr}}\nenvironment: azureml:env:1\n"
        "inputs:\n  lr: {type: number, default: .inf}\n"
    )
    (tmp_path / "job.yml").write_text(
        "type: pipeline\ninputs:\n  lr: .nan\njobs:\n  train:\n    type: command\n    component: ./train.yml\n"
        "    compute: azureml:cpu-cluster\n    inputs: {lr: '${{parent.inputs.lr}}'}\n"
    )
    found = {
        (Path(d.span.file).name, d.span.line, d.span.column)
        for d in azpipe.load(tmp_path / "job.yml").diagnostics
        if d.code == "T603"
    }
    assert found == {("job.yml", 3, 7), ("train.yml", 5, 31)}


def test_quoted_inf_is_text_and_fine() -> None:
    assert codes_at(PIPELINE + "description: '.inf'\ntags: {x: \".nan\"}\n", ROOT) == []


def test_every_non_finite_spelling_is_found_once_even_through_aliases() -> None:
    values = [".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN"]
    tags = "".join(f"  t{i}: &a{i} {value}\n  u{i}: *a{i}\n" for i, value in enumerate(values))
    diagnostics = azpipe.loads(PIPELINE + "tags:\n" + tags, "p.yaml", str(ROOT)).diagnostics
    assert [(d.code, d.span.line) for d in diagnostics if d.code == "T603"] == [
        ("T603", 11 + 2 * i) for i in range(len(values))
    ]


# ------------------------------------------------------------------ 4. azpipe: true (S104)


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("true", "`true` (boolean)"),
        ("True", "`True` (boolean)"),
        ("yes", "`yes` (boolean)"),
        ("1.0", "`1.0` (number)"),
        ('"1"', "`1` (string)"),
        ("2", "`2`"),
        ("[1]", "a list"),
    ],
)
def test_only_the_integer_1_is_version_1(version: str, message: str) -> None:
    diagnostics = azpipe.loads(
        PIPELINE.replace("azpipe: 1", f"azpipe: {version}"), "p.yaml", str(ROOT)
    ).diagnostics
    s104 = [d for d in diagnostics if d.code == "S104"]
    assert [(d.span.line, d.span.column, d.message) for d in s104] == [
        (1, 9, f"unsupported language version {message}")
    ]


def test_version_1_is_accepted() -> None:
    assert codes_at(PIPELINE, ROOT) == []


# ------------------------------------------------------------------ 5. ignore comments are real comments

BROKEN_COMMAND = "python train.py --model ${{outputs.model}} ${{nosuch.outputs.x}}"


@pytest.mark.parametrize(
    "command",
    [
        f'"{BROKEN_COMMAND} # azpipe: ignore"',
        f"'{BROKEN_COMMAND} # azpipe: ignore[R301]'",
        f'"{BROKEN_COMMAND} #azpipe:ignore"',
        f"{BROKEN_COMMAND}#azpipe:ignore",
        f'"{BROKEN_COMMAND}\n      # azpipe: ignore"',
        f"|\n      {BROKEN_COMMAND} # azpipe: ignore",
    ],
    ids=["double-quoted", "single-quoted", "no-spaces", "plain-word", "quoted-second-line", "block"],
)
def test_ignore_words_inside_a_string_silence_nothing(command: str) -> None:
    text = PIPELINE.replace("python train.py --model ${{outputs.model}}", command)
    assert "R301" in [code for code, _, _ in codes_at(text, ROOT)]


def test_a_real_comment_still_silences_its_line() -> None:
    text = PIPELINE.replace(
        "python train.py --model ${{outputs.model}}", f'"{BROKEN_COMMAND}"  # azpipe: ignore[R301]'
    )
    assert codes_at(text, ROOT) == []


def test_a_comment_on_a_block_header_covers_the_block() -> None:
    text = PIPELINE.replace(
        "python train.py --model ${{outputs.model}}",
        f">-  # azpipe: ignore[R301]\n      {BROKEN_COMMAND}\n      --x 1",
    )
    assert codes_at(text, ROOT) == []


def test_comments_after_a_scanner_error_are_not_trusted() -> None:
    assert ignored_lines('a: 1  # azpipe: ignore\nb: "never closed # azpipe: ignore\n') == {
        1: frozenset({"*"})
    }


@given(
    before=st.text(alphabet=st.sampled_from("ab #:'\\-{}[],&*!|>%@`"), max_size=12),
    after=st.text(alphabet=st.sampled_from("ab #:'\\-{}[],"), max_size=12),
)
@settings(deadline=None)
def test_quoted_ignore_words_are_never_a_comment(before: str, after: str) -> None:
    for quoted in (
        json.dumps(f"{before}# azpipe: ignore{after}"),
        "'" + f"{before}# azpipe: ignore{after}".replace("'", "''") + "'",
    ):
        assert ignored_lines(f"key: {quoted}\nnext: 1\n") == {}


# ------------------------------------------------------------------ 6. YAML 1.1 line breaks

BREAKS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r", "NEL": "\x85", "LS": "\u2028", "PS": "\u2029"}
LINES = [
    "azpipe: 1",
    "name: example",
    "bogus: 1",
    "defaults: {compute: cpu-cluster, environment: sklearn-env@latest}",
    "outputs:",
    "  model: ${{train.outputs.model}}",
    "steps:",
    "  train:",
    "    code: .",
    "    command: >-",
    "      python train.py",
    "      --model ${{outputs.model}} ${{nosuch.outputs.x}}",
    "",
]


@pytest.mark.parametrize("kind", BREAKS)
def test_an_error_on_line_3_is_reported_on_line_3(kind: str) -> None:
    text = BREAKS[kind].join(LINES)
    pipeline = azpipe.loads(text, "p.yaml", str(ROOT))
    assert [(d.code, d.span.line, d.span.column, d.span.end_column) for d in pipeline.diagnostics] == [
        ("S101", 3, 1, 6),
        ("R301", 12, 34, 55),
    ]
    shown = render(pipeline.diagnostics, {"p.yaml": text}, 1, color=False)
    assert "   3 | bogus: 1\n" in shown
    assert "  12 |       --model ${{outputs.model}} ${{nosuch.outputs.x}}\n" in shown


@pytest.mark.parametrize("kind", BREAKS)
def test_ignore_comments_count_lines_as_yaml_does(kind: str) -> None:
    lines = [*LINES]
    lines[2] += "  # azpipe: ignore[S101]"
    lines[9] += "  # azpipe: ignore[R301]"
    assert codes_at(BREAKS[kind].join(lines), ROOT) == []


@pytest.mark.parametrize("kind", BREAKS)
def test_invalid_utf8_on_line_3_is_reported_on_line_3(kind: str) -> None:
    data = (
        BREAKS[kind].join(["azpipe: 1", "name: x", "bad: caf\udcff", ""]).encode("utf-8", "surrogateescape")
    )
    (diagnostic,) = load_bytes(data, "p.yaml").diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("Y008", 3, 9)


def test_lines_split_like_yaml_not_like_python() -> None:
    text = "a\x0cb\rc\r\nd\x85e\u2028f\u2029g\x1c\n"
    assert split_lines(text) == ["a\x0cb", "c", "d", "e", "f", "g\x1c"]
    source = SourceText("t", text)
    assert [source.line(n) for n in range(1, 7)] == split_lines(text)
    assert source.position(text.index("g")) == (6, 1)


@given(
    st.lists(
        st.tuples(st.from_regex(r"[a-z]{1,6}", fullmatch=True), st.sampled_from(sorted(BREAKS.values()))),
        min_size=1,
        max_size=12,
        unique_by=lambda pair: pair[0],
    )
)
@settings(deadline=None)
def test_key_positions_agree_with_pyyaml_marks(entries: list[tuple[str, str]]) -> None:
    """Any mix of line breaks: every key is where PyYAML's own parser says it is."""
    text = "".join(f"{key}: v{brk}" for key, brk in entries)
    root = load_bytes(text.encode(), "t").root
    assert isinstance(root, Map)
    marks = yaml.compose(text, Loader=yaml.SafeLoader).value  # pure-Python reader
    assert [(e.key.span.line, e.key.span.column) for e in root.entries] == [
        (k.start_mark.line + 1, k.start_mark.column + 1) for k, _ in marks
    ]
    assert all(isinstance(e.key, Scalar) for e in root.entries)


# ------------------------------------------------------------------ 7. output paths (F804)

OUTPUT = HEAD + (
    "outputs:\n  model: ${{train.outputs.model}}\n"
    "steps:\n  train:\n    code: .\n    command: python train.py --model ${{outputs.model}}\n"
    "    outputs:\n      model: {type: TYPE, path: 'azureml://datastores/workspaceblobstore/paths/PATH'}\n"
)


@pytest.mark.parametrize(
    ("kind", "path", "problem"),
    [
        ("uri_file", "out/..", "names a folder, not a file"),
        ("uri_file", "out/.", "names a folder, not a file"),
        ("uri_file", "out/", "names a folder, not a file"),
        ("uri_folder", "out/..", "has a `..` segment"),
        ("uri_folder", "a/../b/", "has a `..` segment"),
        ("mlflow_model", "a/./b", "has a `.` segment"),
    ],
)
def test_output_paths_that_name_no_file_or_hold_dots_are_refused(kind: str, path: str, problem: str) -> None:
    text = OUTPUT.replace("TYPE", kind).replace("PATH", path)
    (diagnostic,) = azpipe.loads(text, "p.yaml", str(ROOT)).diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("F804", 11, 7)
    assert diagnostic.message.endswith(f"paths/{path}` {problem}")


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("uri_file", "out/model.pkl"),
        ("uri_folder", "out/"),
        ("uri_file", "${{name}}/${{output_name}}.csv"),
        ("uri_folder", "a..b/c."),
    ],
)
def test_ordinary_output_paths_pass(kind: str, path: str) -> None:
    assert codes_at(OUTPUT.replace("TYPE", kind).replace("PATH", path), ROOT) == []


def test_a_pipeline_output_path_takes_the_type_of_the_step_output_it_exposes() -> None:
    text = (
        OUTPUT.replace("TYPE", "uri_file")
        .replace("PATH", "ok.txt")
        .replace(
            "  model: ${{train.outputs.model}}\n",
            "  model: {value: '${{train.outputs.model}}', path: 'azureml://datastores/x/paths/r/..'}\n",
            1,
        )
    )
    assert codes_at(text, ROOT) == [("F804", 5, 3)]


# ------------------------------------------------------------------ 8. names of environments, compute, data (N701)


def test_entity_names_follow_azure_ml_rules(update_golden: bool) -> None:
    path = GOLDEN / "names.yaml"
    pipeline = azpipe.load(path)
    relative = path.relative_to(ROOT).as_posix()
    shown = render(pipeline.check(), {str(path): pipeline.source_text}, 1, color=False).replace(
        str(path), relative
    )
    assert_golden(GOLDEN / "names.out", shown, update_golden)
    assert {d.code for d in pipeline.diagnostics} == {"N701"}
    assert "\x1b" not in shown and "\r" not in shown


def test_valid_entity_names_pass() -> None:
    text = HEAD.replace("sklearn-env@latest", "azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:1") + (
        "environments:\n  my-env.v2_x: {image: python:3.11}\n"
        "compute:\n  gpu-1: {type: amlcompute}\n  dev-box-for-alice: {type: computeinstance}\n"
        "data:\n  Raw_Data.2024: {path: azureml://datastores/x/paths/raw/}\n"
        "outputs:\n  model: {value: '${{train.outputs.model}}', name: my-model_2}\n"
        "steps:\n  train:\n    code: .\n    compute: serverless\n    environment: my-env.v2_x\n"
        "    command: python train.py --model ${{outputs.model}} --x ${{data.Raw_Data.2024}}\n"
    )
    assert [c for c, _, _ in codes_at(text, ROOT) if c == "N701"] == []


# ------------------------------------------------------------------ 9. control characters from config.json

HOSTILE = "ws\x1b[2J\x1b]0;owned\x07\rfake"


def test_a_config_with_control_characters_is_refused_and_shown_escaped(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"subscription_id": "s", "resource_group": "r", "workspace_name": HOSTILE}))
    with pytest.raises(WorkspaceNotConfigured) as caught:
        resolve_workspace(argparse_namespace(config=str(config)), {}, str(tmp_path))
    message = str(caught.value)
    assert message.isprintable()
    assert "workspace_name `ws\\x1b[2J\\x1b]0;owned\\x07\\rfake` from config file" in message
    assert read_config(config)["workspace_name"] == HOSTILE  # reading is exact; using it is refused


def test_submit_dry_run_never_prints_raw_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "evil\x1b[31m"
    folder.mkdir()
    (folder / "config.json").write_text(
        json.dumps({"subscription_id": "s", "resource_group": "r", "workspace_name": HOSTILE})
    )
    (tmp_path / "pipeline.yaml").write_text(PIPELINE)
    code = main(["submit", str(tmp_path / "pipeline.yaml"), "--dry-run", "--config", str(folder)])
    out, err = capsys.readouterr()
    assert code == 0
    for stream in (out, err):
        assert "\x1b" not in stream and "\r" not in stream and "\x07" not in stream
    assert "ws\\x1b[2J" in out and "evil\\x1b[31m" in out


def test_workspace_descriptions_and_console_lines_are_escaped() -> None:
    workspace = Workspace("s\x1b", "r\n", "w\r", ("config file /tmp/a\x1bb",))
    assert workspace.describe() == "workspace `w\\r` (resource group `r\\n`, subscription `s\\x1b`)"
    assert workspace.origin() == "config file /tmp/a\\x1bb"
    out, err = _Stream(), _Stream()
    console = Console(out, err, tty=False)  # type: ignore[arg-type]
    console.note(f"submitting to {HOSTILE}\nsecond line\x9b")
    console.result("job \x1b[1mx")
    assert err.text == "submitting to ws\\x1b[2J\\x1b]0;owned\\x07\\rfake\nsecond line\\x9b\n"
    assert out.text == "job \\x1b[1mx\n"


class _Stream:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def argparse_namespace(**values: str | None) -> object:
    import argparse

    fields = {"subscription_id": None, "resource_group": None, "workspace_name": None, "config": None}
    return argparse.Namespace(**{**fields, **values})


# ------------------------------------------------------------------ 10. the generated module passes ruff

RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.skipif(not RUFF.exists(), reason="no ruff")
def test_generated_modules_pass_ruff_with_and_without_inputs(tmp_path: Path) -> None:
    cases = {
        "no_inputs": PIPELINE,
        "with_inputs": HEAD
        + "inputs:\n  epochs: 3\n  data: {type: uri_folder, path: azureml://datastores/x/paths/d/}\n"
        + PIPELINE[len(HEAD) :].replace(
            "--model", "--epochs ${{parent.inputs.epochs}} --data ${{parent.inputs.data}} --model"
        ),
        "no_outputs": HEAD + "steps:\n  hello:\n    code: .\n    command: echo hello\n",
    }
    for name, text in cases.items():
        pipeline = azpipe.loads(text, f"{name}.yaml", str(ROOT))
        assert pipeline.ok, (name, pipeline.diagnostics)
        (tmp_path / f"{name}.py").write_text(azpipe.to_python(pipeline), encoding="utf-8")
    for args in (["check", "--isolated", "--extend-select", "I,W"], ["format", "--isolated", "--check"]):
        result = subprocess.run(
            [str(RUFF), *args, str(tmp_path)], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert "Input" not in _imported(tmp_path / "no_inputs.py")
    assert "Input" in _imported(tmp_path / "with_inputs.py")


def _imported(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
