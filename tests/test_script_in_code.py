"""F806 script-not-in-code: the script a command runs must be in the step's ``code:`` folder
(issue 12 item 3), found by reading the command's words, at the script word's own line and column."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import azpipe
from azpipe.checks.command_words import simple_commands
from azpipe.diagnostics import Diagnostic
from azpipe.expr.parser import parse_template

HEAD = "azpipe: 1\nname: example\ndefaults: {compute: cpu-cluster, environment: sklearn-env@latest}\n"
NATIVE_HEAD = (
    "$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json\n"
    "type: pipeline\nsettings:\n  default_compute: azureml:cpu-cluster\n"
)
ENV = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"


def step(command: str, code: str | None = "src", extra: str = "") -> str:
    """A one-step pipeline whose command is written as given (``command`` holds its own YAML)."""
    code_line = f"    code: {code}\n" if code is not None else ""
    return HEAD + "steps:\n  train:\n" + code_line + extra + f"    command: {command}\n"


def f806(text: str, base: Path) -> list[Diagnostic]:
    pipeline = azpipe.loads(text, str(base / "p.yaml"), str(base))
    return [d for d in pipeline.diagnostics if d.code == "F806"]


def written_at(text: str, diagnostic: Diagnostic) -> str:
    """The text the diagnostic's span covers (one line)."""
    line = text.splitlines()[diagnostic.span.line - 1]
    return line[diagnostic.span.column - 1 : diagnostic.span.end_column - 1]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    for name in ("report.py", "train.sh", "fit.R", "pkg/__init__.py", "pkg/train.py", "sub/run.py"):
        (tmp_path / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / name).write_text("")
    return tmp_path


# ------------------------------------------------------------------ the reproduction


def test_a_misspelt_script_is_reported_at_its_word_with_did_you_mean(base: Path) -> None:
    text = step("python reprot.py --x 1")
    [found] = f806(text, base)
    assert found.severity.name == "WARNING"
    assert (found.span.line, found.span.column) == (7, 21)
    assert written_at(text, found) == "reprot.py"
    assert "not in its code folder `src`" in found.message
    assert found.hint == "did you mean `report.py`?"


def test_the_script_in_code_is_clean(base: Path) -> None:
    assert f806(step("python report.py --x 1"), base) == []


def test_a_step_without_code_that_runs_a_local_script(base: Path) -> None:
    (base / "train.py").write_text("")
    [found] = f806(step("python train.py", code=None), base)
    assert found.message == "step `train` runs the local script `train.py` but has no `code:`"
    assert found.hint is not None and found.hint.startswith("add `code: .`")
    [below] = f806(step("python report.py", code=None), base)
    assert below.hint is not None and below.hint.startswith("add `code: src`")


def test_without_code_a_script_found_nowhere_here_may_be_in_the_image(base: Path) -> None:
    assert f806(step("python /app/train.py && python main.py", code=None), base) == []


def test_a_code_folder_without_files_of_the_kind_says_nothing(base: Path) -> None:
    # Nothing to compare with: the code may be generated or copied there before submission.
    (base / "empty").mkdir()
    (base / "empty" / "notes.txt").write_text("")
    assert f806(step("python train.py", code="empty"), base) == []
    [found] = f806(step("bash train2.sh", code="src"), base)
    assert found.hint == "did you mean `train.sh`?"


def test_a_script_in_a_folder_the_code_folder_lacks(base: Path) -> None:
    [found] = f806(step("python scripts/report.py"), base)
    assert found.hint == "`report.py` is in the code folder: did you mean that path?"


# ------------------------------------------------------------------ positions in block scalars


@pytest.mark.parametrize("style", ["|", "|-"])
def test_positions_inside_literal_block_scalars(base: Path, style: str) -> None:
    text = step(f"{style}\n      echo start\n      cd sub &&\n      python rnu.py --x 1")
    [found] = f806(text, base)
    assert (found.span.line, found.span.column) == (10, 14)
    assert written_at(text, found) == "rnu.py"
    assert "(from `cd sub`)" in found.message and found.hint == "did you mean `run.py`?"


@pytest.mark.parametrize("style", [">", ">-"])
def test_positions_inside_folded_block_scalars(base: Path, style: str) -> None:
    # Folding joins the lines: `echo start cd sub` is one command, whose words `cd sub` are echoed.
    text = step(f"{style}\n      cd sub && echo start\n      --flag &&\n      python rnu.py --x 1")
    [found] = f806(text, base)
    assert (found.span.line, found.span.column) == (10, 14)
    assert written_at(text, found) == "rnu.py"
    assert "(from `cd sub`)" in found.message and found.hint == "did you mean `run.py`?"
    [unfollowed] = f806(step(f"{style}\n      echo start\n      cd sub &&\n      python run.py"), base)
    assert "(from" not in unfollowed.message


def test_positions_in_a_quoted_command(base: Path) -> None:
    text = step('"python \\"reprot.py\\" --x 1"')
    [found] = f806(text, base)
    assert written_at(text, found).startswith('\\"reprot.py')


# ------------------------------------------------------------------ what a command runs


@pytest.mark.parametrize(
    "command",
    [
        "python3 -u -W ignore reprot.py",
        "python -m pkg.trian",
        "bash -e trian.sh",
        "sh trian.sh",
        "source trian.sh",
        "Rscript --vanilla fti.R",
        "torchrun --nproc_per_node 2 --nnodes=1 reprot.py --epochs 3",
        "accelerate launch --num_processes 2 reprot.py",
        "deepspeed --hostfile hosts reprot.py",
        "mpirun -np 2 python reprot.py",
        "python -m torch.distributed.run --nproc_per_node 2 reprot.py",
        "env A=1 B=2 python reprot.py",
        "A=1 time nohup python reprot.py",
        "conda run -n base --no-capture-output python reprot.py",
        "echo hi && python reprot.py; echo done",
        "if true; then python reprot.py; fi",
        "python ../reprot.py",
        "./reprot.py",
        "pip install x > /dev/null 2>&1 && python reprot.py",
    ],
)
def test_each_way_of_running_a_script_is_read(base: Path, command: str) -> None:
    found = f806(step(f"'{command}'"), base)
    assert len(found) == 1, command


@pytest.mark.parametrize(
    "command",
    [
        "python report.py",
        "python ./report.py",
        "python3 -m pkg.train",
        "python -m pip install x",
        "python -m pkg",
        "python -c 'import x'",
        "python - < input.txt",
        "python --version",
        "python ${{inputs.script}}",
        "python $SCRIPT_DIR/x.py",
        "python /opt/x.py",
        "python ~/x.py",
        "python *.py",
        "bash -c 'python x.py'",
        "bash train.sh",
        "Rscript -e 'print(1)'",
        "Rscript fit.R",
        "cd sub && python run.py",
        "cd pkg && python train.py",
        "cd $HOME && python x.py",
        "git clone https://example.com/r.git && cd r && python x.py",
        "wget -O x.py https://example.com/x.py && python x.py",
        "curl https://example.com/x.py > x.py && python x.py",
        "torchrun --nproc_per_node 2 report.py",
        "torchrun -m pkg.train",
        "echo python x.py",
        "# python x.py",
        "ls; python report.py",
    ],
)
def test_what_is_there_or_unknown_is_not_reported(base: Path, command: str) -> None:
    command = command.replace("${{inputs.script}}", "${{inputs.script}}")
    extra = "    inputs: {script: {type: string, default: a.py}}\n" if "inputs.script" in command else ""
    assert f806(step(f"'{command}'" if "'" not in command else f'"{command}"', extra=extra), base) == []


def test_a_here_document_body_is_not_a_command(base: Path) -> None:
    text = step("|\n      cat <<EOF > notes.txt\n      python nowhere.py\n      EOF\n      python report.py")
    assert f806(text, base) == []


def test_additional_includes_add_to_the_code_folder(base: Path) -> None:
    text = step("python shared/util.py", extra="    additional_includes: [../shared]\n")
    assert f806(text, base) == []


def test_registered_or_missing_code_is_left_to_other_rules(base: Path) -> None:
    assert f806(step("python x.py", code="azureml:my-code:1"), base) == []
    pipeline = azpipe.loads(step("python x.py", code="srcc"), str(base / "p.yaml"), str(base))
    assert [d.code for d in pipeline.diagnostics] == ["F801"]


# ------------------------------------------------------------------ native files and components


def test_native_step_and_component_file(base: Path) -> None:
    (base / "comp").mkdir()
    (base / "comp" / "score.py").write_text("")
    (base / "comp" / "c.yml").write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\n"
        f"type: command\nname: c1\ncode: .\nenvironment: {ENV}\n"
        "command: >-\n  python scroe.py\n"
    )
    text = NATIVE_HEAD + (
        "jobs:\n"
        "  a:\n    type: command\n    code: src\n"
        f"    environment: {ENV}\n"
        "    command: |\n      python report.py\n      python reprot.py\n"
        "  b:\n    type: command\n    component: ./comp/c.yml\n"
        "  c:\n    type: command\n    component: ./comp/c.yml\n"
    )
    found = sorted(f806(text, base), key=lambda d: d.span.file.endswith("c.yml"))
    assert [(d.span.file.endswith("c.yml"), d.span.line, d.span.column) for d in found] == [
        (False, 12, 14),
        (True, 7, 10),
    ]
    assert found[1].hint == "did you mean `score.py`?"
    assert found[1].message.startswith("component `c1` runs `scroe.py`")


def test_examples_are_clean() -> None:
    root = Path(__file__).resolve().parent.parent / "pipelines"
    for path in sorted(root.glob("*/pipeline.yaml")):
        assert [d for d in azpipe.load(path).diagnostics if d.code == "F806"] == [], path


# ------------------------------------------------------------------ properties

LONG = os.environ.get("AZPIPE_LONG") == "1"  # the long profile (tests/conftest.py): more examples
WORD = st.text(alphabet="abcdefghij_", min_size=1, max_size=8)


@settings(max_examples=2_000 if LONG else 60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=WORD,
    present=st.booleans(),
    launcher=st.sampled_from(["python", "python3 -u", "torchrun --nproc_per_node 2", "env A=1 python"]),
    before=st.sampled_from(["", "echo x && ", "pip install y; ", "A=1 "]),
)
def test_reported_exactly_when_the_script_is_missing(
    tmp_path_factory: pytest.TempPathFactory, name: str, present: bool, launcher: str, before: str
) -> None:
    base = tmp_path_factory.mktemp("p")
    (base / "src").mkdir()
    (base / "src" / "zzz.py").write_text("")  # a script of the kind: the folder holds code
    if present:
        (base / "src" / f"{name}.py").write_text("")
    text = step(f"'{before}{launcher} {name}.py --out 1'")
    found = f806(text, base)
    assert len(found) == (0 if present else 1)
    if found:
        assert written_at(text, found[0]) == f"{name}.py"


@given(st.text(alphabet=" \t\n;&|()<>'\"\\$`#*abc.py=-{}", max_size=60))
def test_the_word_reader_never_fails_and_stays_in_bounds(command: str) -> None:
    template = parse_template(command.replace("${{", "$ {{").replace("$[[", "$ [["))
    text = "".join(getattr(part, "text", "") for part in template.parts)
    for simple in simple_commands(template, text):
        for word in (*simple.words, *simple.targets):
            assert 0 <= word.start < word.end <= len(text)


SCRIPTS = st.sampled_from(
    ["a.py", "b.py", "x.py", "c.sh", "d.R", "sub/b.py", "../a.py", "sub/../a.py", "0.01"]
)
QUOTED = st.sampled_from(["{}", "'{}'", '"{}"', "\\{}", "{}${{{{parent.inputs.a}}}}", "$V/{}", "{}*"])


@st.composite
def shell_commands(draw: st.DrawFn) -> str:
    """Commands of one to three simple commands that run scripts, modules, `cd` and others,
    with words quoted, escaped or made dynamic."""

    def word(strategy: st.SearchStrategy[str]) -> str:
        return draw(QUOTED).format(draw(strategy)) if draw(st.integers(0, 3)) == 0 else draw(strategy)

    simple = [
        lambda: f"cd {word(st.sampled_from(['sub', 'pkg', 'nowhere', '..']))}",
        lambda: f"python {draw(st.sampled_from(['', '-u ', '-W x ']))}{word(SCRIPTS)} --lr 0.01",
        lambda: (
            f"python {draw(st.sampled_from(['-m', '-um', '-m ', '-Om ']))} {word(st.sampled_from(['pkg.m', 'pkg.x', 'pip', 'm']))}"
        ),
        lambda: (
            f"{draw(st.sampled_from(['bash', 'torchrun --nproc_per_node 2', 'env A=1 python', 'Rscript']))} {word(SCRIPTS)}"
        ),
        lambda: f"./{word(SCRIPTS)}",
        lambda: f"echo {word(SCRIPTS)} > {word(SCRIPTS)}",
        lambda: f"# python {word(SCRIPTS)}",
        lambda: "$[[--o ${{outputs.b}}]]",
    ]
    count = draw(st.integers(1, 3))
    parts = [draw(st.sampled_from(simple))() for _ in range(count)]
    operators = [draw(st.sampled_from([" && ", "; ", "\n", " | ", " || "])) for _ in range(count - 1)]
    text = parts[0] + "".join(op + part for op, part in zip(operators, parts[1:], strict=True))
    return f"({text})" if draw(st.integers(0, 5)) == 0 else text


@settings(max_examples=3_000 if LONG else 300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(command="cd sub && python a.py", files={"a.py", "sub/b.py"})
@example(command="python -um pkg.x", files={"pkg/__init__.py", "pkg/m.py"})
@example(command="python 'b.py'", files={"a.py"})
@example(command="python ../a.py", files={"a.py"})
@given(
    command=shell_commands(),
    files=st.sets(
        st.sampled_from(
            ["a.py", "b.py", "c.sh", "d.R", "sub/b.py", "sub/x.py", "pkg/__init__.py", "pkg/m.py"]
        ),
        max_size=8,
    ),
)
def test_the_quick_answer_never_hides_a_missing_script(
    tmp_path_factory: pytest.TempPathFactory, command: str, files: set[str]
) -> None:
    """When the check skips reading a command's words, reading them would report nothing."""
    from azpipe.checks import scripts as check

    try:
        template = parse_template(command)
    except Exception:  # a malformed placeholder: E-rules report the command
        return
    folder = tmp_path_factory.mktemp("code")
    for name in files | {"zz.py"}:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("")
    for cached in (check._listing, check._exists, check._isdir, check._file_problem):
        cached.cache_clear()
    runs = check.Runs(template, None, "step", str(folder), ".", ())  # type: ignore[arg-type]
    if not check._all_there(runs, str(folder)):
        return
    words = simple_commands(template, command)
    found = check.scripts(words, lambda path: os.path.isdir(os.path.join(folder, path)))
    assert [s for s, cwd in found if check._problem(str(folder), (), s, cwd)] == []
