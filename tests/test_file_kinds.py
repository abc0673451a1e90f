"""What ``azpipe check`` takes a YAML file for (:mod:`azpipe.source.kinds`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from azpipe.source.kinds import (
    AZPIPE,
    COMMAND_COMPONENT,
    OTHER,
    PIPELINE_JOB,
    SPARK_COMPONENT,
    FileKind,
    kind_of,
    kind_of_text,
)
from azpipe.source.loader import load_bytes
from azpipe.suggest import closest
from tests.native_corpus import CORPUS

SCHEMA = "https://azuremlschemas.azureedge.net/latest/{}.schema.json"


def kind(text: str) -> FileKind:
    return kind_of(load_bytes(text.encode(), "f.yaml").root)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("azpipe: 1\nname: p\n", AZPIPE),
        ("azpipe: 2\n", AZPIPE),  # still ours: S104 says what is wrong
        ("type: pipeline\njobs: {}\n", PIPELINE_JOB),
        (f"$schema: {SCHEMA.format('pipelineJob')}\n", PIPELINE_JOB),  # checked: S103 for `jobs`
        (f"$schema: {SCHEMA.format('pipelineComponent')}\ntype: pipeline\njobs: {{}}\n", PIPELINE_JOB),
        (f"$schema: {SCHEMA.format('commandComponent')}\ncommand: echo\n", COMMAND_COMPONENT),
        (
            "type: command\nname: c\ncommand: echo\ninputs: {x: uri_folder, n: {type: integer}}\n",
            COMMAND_COMPONENT,
        ),
        ("type: command\nversion: 1\ncommand: echo\ninputs: {x: {path: ./d}}\n", COMMAND_COMPONENT),
        ("type: pipeline\nsteps: []\n", OTHER),
        ("type: command\n", OTHER),
        ("name: env\ndependencies: [python]\n", OTHER),
        ("on: push\njobs: {a: {runs-on: x}}\n", OTHER),
        ("$schema: https://json.schemastore.org/github-workflow.json\njobs: {}\n", OTHER),
        ("- a\n", OTHER),
        ("just text\n", OTHER),
    ],
)
def test_kinds(text: str, expected: object) -> None:
    assert kind(text) == expected


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("type: command\ncommand: echo\ncompute: c\n", "an Azure ML command job"),
        ("type: command\ncommand: echo\ninputs: {n: 5}\n", "an Azure ML command job"),
        (
            "type: command\ncommand: echo\ninputs: {d: {type: uri_folder, path: ./d}}\n",
            "an Azure ML command job",
        ),
        (f"$schema: {SCHEMA.format('commandJob')}\ncommand: echo\n", "an Azure ML command job"),
        ("type: spark\nentry: {file: main.py}\n", "an Azure ML spark job or component"),  # a job, maybe
        (f"$schema: {SCHEMA.format('autoMLJob')}\n", "an Azure ML automl job"),
        ("type: sweep\ntrial: {}\n", "an Azure ML sweep job or component"),
        (f"$schema: {SCHEMA.format('environment')}\nname: e\n", "an Azure ML asset or other file"),
    ],
)
def test_azure_ml_files_azpipe_does_not_check(text: str, what: str) -> None:
    found = kind(text)
    assert not found.checked and found.what.startswith(what)


def test_files_that_do_not_parse_are_recognised_from_their_lines() -> None:
    assert kind_of_text(b"# c\nazpipe: 1\nsteps: [\n") == AZPIPE
    assert kind_of_text(b"type: pipeline\njobs:\n  a: {\n") == PIPELINE_JOB
    assert kind_of_text(f"$schema: {SCHEMA.format('commandComponent')}\nx: [\n".encode()).checked
    assert kind_of_text(b"type: pipeline\nsteps: [\n") == OTHER
    assert kind_of_text(b"kind: {{ .Values.kind }}\n  x: [\n") == OTHER
    assert kind_of_text(b"name: azpipe: x\n") == OTHER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("azpip: 1\nname: x\nsteps: {}\n", AZPIPE),  # a typo must not make check pass the file over
        ("Azpipe: 1\nsteps: {}\n", AZPIPE),
        ("apipe: 1\nsteps: {}\n", AZPIPE),
        ("azpip: 1\nname: x\n", OTHER),  # no steps: not a pipeline's shape
        ("pipe: 1\nsteps: {}\n", OTHER),  # too far from `azpipe`
        ("type: pipline\njobs: {}\n", PIPELINE_JOB),
        ("type: Pipeline\njobs: {}\n", PIPELINE_JOB),
        ("type: pipe\njobs: {}\n", OTHER),
        ("type: pipline\nsteps: {}\n", OTHER),
    ],
)
def test_a_near_miss_is_still_checked(text: str, expected: object) -> None:
    assert kind(text) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"\xef\xbb\xbfazpipe: 1\nsteps: [\n",  # a byte order mark (Windows editors write one)
        "azpipe: 1\nsteps: [\n".encode("utf-16"),
        b"# c\razpipe: 1\rsteps: [\r",  # old Mac line breaks
    ],
)
def test_a_broken_pipeline_is_known_whatever_its_encoding_and_line_breaks(head: bytes) -> None:
    """Else `azpipe check` would skip it as another file and pass the CI gate."""
    assert kind_of_text(head) == AZPIPE


def test_a_broken_file_with_a_byte_order_mark_fails_the_check(tmp_path: Path) -> None:
    from azpipe.loading import check_file

    for name, data in (
        ("bom.yaml", b"\xef\xbb\xbfazpipe: 1\nname: x\nsteps:\n  s: {command: >-\n"),
        ("utf16.yaml", "azpipe: 1\nname: x\nsteps: {}\n".encode("utf-16")),
    ):
        (tmp_path / name).write_bytes(data)
        checked = check_file(str(tmp_path / name))
        assert checked.kind.checked and [d.code for d in checked.diagnostics] in (["Y001"], ["Y008"])
        assert "azpipe" in checked.sources[str(tmp_path / name)]  # shown decoded, not as mojibake


_KEY = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda k: k not in ("azpipe", "type") and closest(k, ["azpipe"], max_edits=2) is None  # not a near miss
)
_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEY, inner, max_size=3),
    max_leaves=8,
)


@given(st.dictionaries(_KEY, _VALUE, max_size=6))
def test_no_azpipe_schema_or_type_key_means_not_ours(document: dict[str, object]) -> None:
    """Whatever else a mapping holds, without those keys it is skipped; with `azpipe:` it is ours."""
    text = yaml.safe_dump(document, sort_keys=False)
    assert kind(text) == OTHER
    assert kind("azpipe: 1\n" + (text if document else "")) == AZPIPE


def _schema_name(path: Path) -> str | None:
    match = re.search(r"^\$schema:.*/(\w+)\.schema\.json", path.read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the azureml-examples corpus is not here")
def test_every_corpus_file_is_taken_for_what_its_schema_says() -> None:
    expected = {
        "pipelineJob": PIPELINE_JOB,
        "pipelineComponent": PIPELINE_JOB,
        "commandComponent": COMMAND_COMPONENT,
        "sparkComponent": SPARK_COMPONENT,
    }
    seen = set()
    for path in sorted(CORPUS.rglob("*.y*ml")):
        found = kind(path.read_text(encoding="utf-8"))
        name = _schema_name(path)
        seen.add(name)
        if name in expected:
            assert found == expected[name], path
        else:
            assert not found.checked, path  # jobs, spark, sweep, assets, conda files...
    assert {"pipelineJob", "commandComponent", "commandJob", None} <= seen


@pytest.mark.parametrize(
    ("kind", "hint"), [("comand", "did you mean `command`?"), ("parallel_for", "a job is one of")]
)
def test_an_unknown_job_type_is_named_with_the_types_azure_ml_takes(kind: str, hint: str) -> None:
    """azure-ai-ml's pipeline jobs take the node types of its NodeType (not the SDK's control flow)."""
    import azpipe

    text = (
        "type: pipeline\nsettings: {default_compute: azureml:c}\njobs:\n  a:\n"
        f"    type: {kind}\n    command: echo\n    environment: azureml:e:1\n"
    )
    [diagnostic] = [d for d in azpipe.loads(text).diagnostics if d.code == "S106"]
    assert (diagnostic.span.line, diagnostic.span.column) == (5, 11)
    assert (diagnostic.hint or "").startswith(hint)


def test_a_spark_component_file_is_checked_on_its_own(tmp_path: Path) -> None:
    """By its $schema; an unknown key at its top is a warning (azure-ai-ml ignores it), a
    misspelt required key an error."""
    from azpipe.loading import check_file

    text = (
        f"$schema: {SCHEMA.format('sparkComponent')}\nname: wc\ntype: spark\nversion: 1\ncode: ./src\n"
        "entry: {file: wordcount.py}\nconf: {spark.driver.cores: 1}\ncolour: red\n"
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "wordcount.py").write_text("")
    (tmp_path / "c.yml").write_text(text)
    checked = check_file(str(tmp_path / "c.yml"))
    assert checked.kind == SPARK_COMPONENT
    assert [(d.code, str(d.severity), d.span.line) for d in checked.diagnostics] == [("S101", "warning", 8)]
    (tmp_path / "c.yml").write_text(text.replace("entry:", "entri:"))
    assert {
        d.code for d in check_file(str(tmp_path / "c.yml")).diagnostics if str(d.severity) == "error"
    } == {
        "S101",
        "S103",
    }
