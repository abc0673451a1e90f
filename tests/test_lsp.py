"""``azpipe lsp``: the language server, driven over stdio by pygls' own client.

One server process serves the whole module (starting Python and pygls is the
slow part); each test opens its own documents. The server runs in a folder other
than the documents', so component files are found next to the document, not by
accident in the working folder.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

import azpipe
from azpipe.cli.main import main
from azpipe.lsp import completion, navigation
from azpipe.lsp.diagnostics import by_file
from azpipe.lsp.document import Analysis
from azpipe.lsp.positions import FileText, LineIndex
from azpipe.schema.azure_ml import COMMAND_NODE, QUEUE_SETTINGS
from azpipe.schema.language import STEP_PROPERTIES

ROOT = Path(__file__).resolve().parent.parent
NATIVE = ROOT / "tests" / "fixtures" / "native" / "three_steps"
TIMEOUT = 20.0
T = TypeVar("T")

PIPELINE = """\
azpipe: 1
name: demo
defaults:
  compute: serverless
  environment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest
inputs:
  epochs: {type: integer, default: 10, description: how many passes}
steps:
  prep:
    command: echo ${{outputs.clean}} ${{outputs.stats}}
    outputs:
      clean: {type: uri_folder, description: the cleaned rows}
      stats: uri_file
  train:
    command: >-
      echo ${{prep.outputs.clean}}
      ${{parent.inputs.epochs}} ${{outputs.model}}
    outputs:
      model: mlflow_model
  report:
    after: [prep]
    inputs:
      model: ${{train.outputs.model}}
      stats: ${{prep.stats}}
    command: echo ${{inputs.model}} ${{inputs.stats}}
"""
BROKEN = PIPELINE.replace("${{prep.outputs.clean}}", "${{prep.outputs.cleen}}")


class Session:
    """A running ``azpipe lsp`` and a client that records what it publishes."""

    def __init__(self, cwd: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = LanguageClient("azpipe-tests", "1")
        self.published: list[types.PublishDiagnosticsParams] = []
        self.versions: dict[str, int] = {}
        self.since: dict[str, int] = {}  # where this opening's publications start in `published`

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _record(params: types.PublishDiagnosticsParams) -> None:
            self.published.append(params)

        self.run(self.client.start_io(sys.executable, "-m", "azpipe", "lsp", cwd=str(cwd)))
        self.run(
            self.client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
        )
        self.client.initialized(types.InitializedParams())

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the session's loop, with a time limit."""
        return self.loop.run_until_complete(asyncio.wait_for(coroutine, TIMEOUT))

    def close(self) -> None:
        """Shut the server down the way an editor does."""
        self.run(self.client.shutdown_async(None))
        self.client.exit(None)
        self.run(self.client.stop())
        self.loop.close()

    def open(self, path: Path, text: str | None = None) -> str:
        """Open a document (its text from disk unless given); returns its URI."""
        uri = from_fs_path(str(path))
        assert uri is not None
        self.versions[uri] = 1
        self.since[uri] = len(self.published)
        item = types.TextDocumentItem(
            uri=uri, language_id="yaml", version=1, text=path.read_text() if text is None else text
        )
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
        return uri

    def change(self, uri: str, text: str) -> int:
        """Replace the whole text of a document; returns the new version."""
        self.versions[uri] += 1
        document = types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri])
        change = types.TextDocumentContentChangeWholeDocument(text=text)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(text_document=document, content_changes=[change])
        )
        return self.versions[uri]

    def publications(self, uri: str) -> list[types.PublishDiagnosticsParams]:
        """What the server published for ``uri`` since it was last opened."""
        return [p for p in self.published[self.since.get(uri, 0) :] if p.uri == uri]

    def diagnostics(
        self, uri: str, accept: Callable[[types.PublishDiagnosticsParams], bool] = lambda _: True
    ) -> list[types.Diagnostic]:
        """The first publication for ``uri`` that ``accept`` takes (waiting for it)."""
        found = self.run(self._wait(uri, accept))
        return list(found.diagnostics)

    async def _wait(
        self, uri: str, accept: Callable[[types.PublishDiagnosticsParams], bool]
    ) -> types.PublishDiagnosticsParams:
        while True:
            for params in self.publications(uri):
                if accept(params):
                    return params
            await asyncio.sleep(0.02)

    def completion(self, uri: str, line: int, character: int) -> list[types.CompletionItem]:
        params = types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
        result = self.run(self.client.text_document_completion_async(params))
        if result is None:
            return []
        return list(result.items if isinstance(result, types.CompletionList) else result)

    def definition(self, uri: str, line: int, character: int) -> types.Location:
        params = types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
        result = self.run(self.client.text_document_definition_async(params))
        assert isinstance(result, types.Location), result
        return result

    def definition_or_none(self, uri: str, line: int, character: int) -> object:
        params = types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
        return self.run(self.client.text_document_definition_async(params))

    def hover(self, uri: str, line: int, character: int) -> str:
        params = types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
        result = self.run(self.client.text_document_hover_async(params))
        assert result is not None and isinstance(result.contents, types.MarkupContent)
        return result.contents.value

    def references(self, uri: str, line: int, character: int, declaration: bool) -> list[types.Location]:
        params = types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
            context=types.ReferenceContext(include_declaration=declaration),
        )
        return list(self.run(self.client.text_document_references_async(params)) or [])


@pytest.fixture(scope="module")
def lsp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    elsewhere = tmp_path_factory.mktemp("server-cwd")
    session = Session(elsewhere)
    yield session
    session.close()


@pytest.fixture
def pipeline_file(tmp_path: Path) -> Path:
    path = tmp_path / "pipeline.yaml"
    path.write_text(PIPELINE)
    return path


def where(text: str, needle: str, inside: int = 0) -> tuple[int, int]:
    """The 0-based line and column of the first ``needle`` in ``text`` (plus ``inside``)."""
    offset = text.index(needle) + inside
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)


def span(location: types.Location | types.Diagnostic) -> tuple[int, int, int, int]:
    start, end = location.range.start, location.range.end
    return start.line, start.character, end.line, end.character


def labels(items: list[types.CompletionItem]) -> set[str]:
    return {item.label for item in items}


# Diagnostics


def test_diagnostics_of_a_broken_file_have_the_code_and_range_of_check(
    lsp: Session, pipeline_file: Path
) -> None:
    pipeline_file.write_text(BROKEN)
    uri = lsp.open(pipeline_file)
    found = lsp.diagnostics(uri)
    assert [(d.code, d.severity, d.source) for d in found] == [
        ("R302", types.DiagnosticSeverity.Error, "azpipe")
    ]
    line, column = where(BROKEN, "${{prep.outputs.cleen}}")
    assert span(found[0]) == (line, column, line, column + len("${{prep.outputs.cleen}}"))
    assert "no output `cleen`" in found[0].message and "did you mean `clean`?" in found[0].message
    checked = azpipe.load(pipeline_file).diagnostics  # what `azpipe check` reports for the file
    assert [(d.code, d.span.line - 1, d.span.column - 1) for d in checked] == [
        (d.code, d.range.start.line, d.range.start.character) for d in found
    ]


def test_a_change_that_fixes_the_error_clears_the_diagnostics(lsp: Session, pipeline_file: Path) -> None:
    uri = lsp.open(pipeline_file, BROKEN)
    assert lsp.diagnostics(uri)
    version = lsp.change(uri, PIPELINE)
    assert lsp.diagnostics(uri, lambda p: p.version == version) == []


def test_changes_are_debounced_into_one_analysis(lsp: Session, pipeline_file: Path) -> None:
    uri = lsp.open(pipeline_file)
    lsp.diagnostics(uri)
    for n in range(5):  # sent back to back, well within the 0.3 s wait
        last = lsp.change(uri, BROKEN + f"# edit {n}\n")
    found = lsp.diagnostics(uri, lambda p: p.version == last)
    assert [d.code for d in found] == ["R302"]
    time.sleep(0.5)
    lsp.run(asyncio.sleep(0))
    later = [p.version for p in lsp.publications(uri)]
    assert later == [1, last]


def test_a_yaml_error_is_reported_with_its_position(lsp: Session, pipeline_file: Path) -> None:
    text = PIPELINE.replace("  train:\n", "  train:\n   bad: [\n", 1)
    uri = lsp.open(pipeline_file, text)
    found = lsp.diagnostics(uri)
    assert found and all(d.code.startswith("Y") for d in found)
    assert found[0].range.start.line >= where(text, "bad: [")[0]


def test_component_files_resolve_next_to_the_document(lsp: Session, tmp_path: Path) -> None:
    copy = tmp_path / "native"
    shutil.copytree(NATIVE, copy)
    component = copy / "componentB.yml"
    component.write_text(component.read_text().replace("--output ${{outputs.", "--output ${{outputs.x"))
    uri = lsp.open(copy / "pipeline.yml")
    assert lsp.diagnostics(uri) == []
    in_component = lsp.diagnostics(from_fs_path(str(component)) or "")
    assert [d.code for d in in_component] == ["P405"]
    line, column = where(component.read_text(), "${{outputs.x")
    assert (in_component[0].range.start.line, in_component[0].range.start.character) == (line, column)
    # opened in the editor, the component file shows what the pipeline found in it
    assert [d.code for d in lsp.diagnostics(lsp.open(component))] == ["P405"]


def test_a_yaml_file_that_is_not_a_pipeline_gets_no_diagnostics(lsp: Session, tmp_path: Path) -> None:
    conda = tmp_path / "conda.yaml"
    conda.write_text("name: env\ndependencies: [python=3.11, {pip: [pandas]}]\n")
    assert lsp.diagnostics(lsp.open(conda)) == []


def test_odd_text_never_takes_the_server_down(lsp: Session, tmp_path: Path) -> None:
    uri = lsp.open(tmp_path / "odd.yaml", "azpipe: 1\nname: \ud800\x00 ${{\n  - [\n")
    assert lsp.diagnostics(uri)
    lsp.completion(uri, 1, 12)  # an answer, not an error
    lsp.definition_or_none(uri, 1, 8)
    assert lsp.diagnostics(lsp.open(tmp_path / "ok.yaml", PIPELINE)) == []


# Completion


def test_completion_inside_a_placeholder_lists_the_steps(lsp: Session, pipeline_file: Path) -> None:
    uri = lsp.open(pipeline_file)
    lsp.diagnostics(uri)
    text = PIPELINE.replace("echo ${{inputs.model}}", "echo ${{")
    lsp.change(uri, text)
    line, column = where(text, "echo ${{", len("echo ${{"))
    found = labels(lsp.completion(uri, line, column))
    assert {"prep", "train", "report", "parent", "inputs", "outputs"} <= found


def test_completion_after_step_outputs_lists_that_steps_outputs(lsp: Session, pipeline_file: Path) -> None:
    uri = lsp.open(pipeline_file)
    text = PIPELINE.replace("echo ${{inputs.model}}", "echo ${{prep.outputs.")
    lsp.change(uri, text)
    line, column = where(text, "${{prep.outputs.", len("${{prep.outputs."))
    items = lsp.completion(uri, line, column)
    assert labels(items) == {"clean", "stats"}
    assert {item.label: item.detail for item in items} == {
        "clean": "output: uri_folder",
        "stats": "output: uri_file",
    }


def test_completion_of_pipeline_inputs_and_own_ports(lsp: Session, pipeline_file: Path) -> None:
    uri = lsp.open(pipeline_file)
    for typed, expected in (("parent.inputs.", {"epochs"}), ("inputs.", {"model", "stats"})):
        text = PIPELINE.replace("echo ${{inputs.model}}", "echo ${{" + typed)
        lsp.change(uri, text)
        line, column = where(text, "${{" + typed, len("${{" + typed))
        assert labels(lsp.completion(uri, line, column)) == expected


def test_completion_of_keys_comes_from_the_schema(lsp: Session, pipeline_file: Path) -> None:
    uri = lsp.open(pipeline_file)
    text = PIPELINE.replace("    after: [prep]\n", "    res\n")  # not valid YAML while typed
    lsp.change(uri, text)
    line, column = where(text, "    res", len("    res"))
    items = lsp.completion(uri, line, column)
    assert labels(items) == set(STEP_PROPERTIES) - {
        "inputs",
        "command",
    }  # keys already written are not offered again
    documented = {item.label: item.documentation for item in items}
    assert documented["after"] == STEP_PROPERTIES["after"]["description"]
    assert documented["environment"] == STEP_PROPERTIES["environment"]["description"]


def test_completion_of_keys_in_a_native_job(lsp: Session) -> None:
    text = (NATIVE / "pipeline.yml").read_text().replace("    type: command\n", "    ty\n", 1)
    uri = lsp.open(NATIVE / "pipeline.yml", text)
    line, column = where(text, "    ty\n", len("    ty"))
    expected = set(COMMAND_NODE["properties"]) - {"component", "inputs", "outputs"}
    assert labels(lsp.completion(uri, line, column)) == expected


STEP_DETAILS = """\
azpipe: 1
name: demo
steps:
  train:
    command: echo hi
    environment: azureml:sklearn:1
    compute: serverless
    distribution:
      type: tensorflow
      {distribution}
    services:
      debug:
        type: ssh
        {service}
    queue_settings:
      job_tier: {tier}
    resources:
      {resources}
"""


def _typed(template: str, **fields: str) -> str:
    return template.format(**{"distribution": "", "service": "", "tier": "spot", "resources": ""} | fields)


@pytest.mark.parametrize(
    ("fields", "cursor", "present", "absent"),
    [
        (
            {"distribution": "wo"},
            "      wo",
            {"worker_count", "parameter_server_count"},
            {"process_count_per_instance"},
        ),
        ({"service": "lo"}, "        lo", {"ssh_public_keys", "port", "nodes"}, {"log_dir", "type"}),
        ({"resources": "sh"}, "      sh", {"shm_size", "instance_count", "docker_args"}, {"timeout"}),
    ],
    ids=["distribution-by-type", "service-by-type", "resources"],
)
def test_completion_of_keys_in_nested_mappings_follows_the_schema(
    lsp: Session, tmp_path: Path, fields: dict[str, str], cursor: str, present: set[str], absent: set[str]
) -> None:
    text = _typed(STEP_DETAILS, **fields)
    uri = lsp.open(tmp_path / "pipeline.yaml", text)
    line, column = where(text, cursor + "\n", len(cursor))
    items = lsp.completion(uri, line, column)
    assert present <= labels(items) and not absent & labels(items), labels(items)
    assert all(item.documentation for item in items if item.label in present)


def test_a_pytorch_distribution_offers_its_own_keys(lsp: Session, tmp_path: Path) -> None:
    text = _typed(STEP_DETAILS, distribution="pr").replace("type: tensorflow", "type: PyTorch")
    uri = lsp.open(tmp_path / "pipeline.yaml", text)
    line, column = where(text, "      pr\n", len("      pr"))
    assert labels(lsp.completion(uri, line, column)) == {"process_count_per_instance"}


def test_completion_of_enum_values_after_the_key(lsp: Session, tmp_path: Path) -> None:
    text = _typed(STEP_DETAILS, tier="")
    uri = lsp.open(tmp_path / "pipeline.yaml", text)
    line, column = where(text, "job_tier: ", len("job_tier: "))
    assert [item.label for item in lsp.completion(uri, line, column)] == QUEUE_SETTINGS["properties"][
        "job_tier"
    ]["enum"]
    kind = text.replace("type: tensorflow", "type: ")
    lsp.change(uri, kind)
    line, column = where(kind, "      type: ", len("      type: "))
    assert labels(lsp.completion(uri, line, column)) == {"pytorch", "mpi", "tensorflow", "ray"}


def test_completion_in_a_native_node_follows_its_type(lsp: Session) -> None:
    text = (NATIVE / "pipeline.yml").read_text()
    typed = text.replace(
        "    component: ./componentA.yml\n",
        "    component: ./componentA.yml\n    queue_settings:\n      priority: \n",
        1,
    )
    uri = lsp.open(NATIVE / "pipeline.yml", typed)
    line, column = where(typed, "priority: ", len("priority: "))
    assert [item.label for item in lsp.completion(uri, line, column)] == ["low", "medium", "high"]
    typed = text.replace("  component_a:\n    type: command", "  component_a:\n    type: ", 1)
    lsp.change(uri, typed)
    line, column = where(typed, "    type: \n", len("    type: "))
    kinds = {"command", "pipeline", "sweep", "parallel", "spark", "automl", "data_transfer"}
    assert kinds <= labels(lsp.completion(uri, line, column))


def test_completion_in_a_command_component_file(lsp: Session, tmp_path: Path) -> None:
    text = "$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\ntype: command\nname: t\ncommand: echo\nenv\n"
    uri = lsp.open(tmp_path / "component.yml", text)
    line, column = where(text, "env\n", 3)
    assert {"environment", "environment_variables", "inputs"} <= labels(lsp.completion(uri, line, column))


def test_hover_on_a_key_shows_its_description(lsp: Session, tmp_path: Path) -> None:
    text = _typed(STEP_DETAILS)
    uri = lsp.open(tmp_path / "pipeline.yaml", text)
    line, column = where(text, "job_tier", 3)
    shown = lsp.hover(uri, line, column)
    assert "job_tier" in shown and QUEUE_SETTINGS["properties"]["job_tier"]["description"] in shown
    line, column = where(text, "    distribution:", 6)
    assert STEP_PROPERTIES["distribution"]["description"] in lsp.hover(uri, line, column)


def test_completion_in_a_native_file(lsp: Session) -> None:
    text = (NATIVE / "pipeline.yml").read_text()
    uri = lsp.open(NATIVE / "pipeline.yml", text)
    lsp.diagnostics(uri)
    typed = text.replace("${{parent.jobs.component_b.outputs.component_b_output}}", "${{parent.jobs.")
    lsp.change(uri, typed)
    line, column = where(typed, "${{parent.jobs.", len("${{parent.jobs."))
    assert labels(lsp.completion(uri, line, column)) == {"component_a", "component_b", "component_c"}
    typed = text.replace(
        "${{parent.jobs.component_b.outputs.component_b_output}}", "${{parent.jobs.component_b.outputs."
    )
    lsp.change(uri, typed)
    line, column = where(typed, "component_b.outputs.", len("component_b.outputs."))
    assert labels(lsp.completion(uri, line, column)) == {"component_b_output"}


# Definition, hover, references


def test_definition_jumps_from_a_reference_to_the_steps_key(lsp: Session, pipeline_file: Path) -> None:
    uri = lsp.open(pipeline_file)
    key_line, key_column = where(PIPELINE, "  prep:", 2)
    for needle in ("${{prep.outputs.clean}}", "${{prep.stats}}", "after: [prep"):
        line, column = where(PIPELINE, needle, needle.index("prep") + 1)
        found = lsp.definition(uri, line, column)
        assert found.uri == uri
        assert span(found) == (key_line, key_column, key_line, key_column + 4), needle


def test_definition_of_ports_and_inputs(lsp: Session, pipeline_file: Path) -> None:
    uri = lsp.open(pipeline_file)
    cases = (
        ("${{prep.outputs.clean}}", "clean", "      clean:", 6),
        ("${{parent.inputs.epochs}}", "epochs", "  epochs:", 2),
        ("${{inputs.model}}", "model", "      model: ${{train", 6),
        ("${{train.outputs.model}}", "model", "      model: mlflow_model", 6),
    )
    for needle, name, target, indent in cases:
        line, column = where(PIPELINE, needle, needle.index(name) + 1)
        found = lsp.definition(uri, line, column)
        target_line, target_column = where(PIPELINE, target, indent)
        assert span(found) == (target_line, target_column, target_line, target_column + len(name)), needle


def test_definition_in_a_native_file_and_into_a_component_file(lsp: Session) -> None:
    text = (NATIVE / "pipeline.yml").read_text()
    uri = lsp.open(NATIVE / "pipeline.yml", text)
    line, column = where(text, "parent.jobs.component_a.", len("parent.jobs.") + 1)
    key_line, key_column = where(text, "  component_a:", 2)
    assert span(lsp.definition(uri, line, column)) == (key_line, key_column, key_line, key_column + 11)
    line, column = where(text, "./componentB.yml", 3)
    found = lsp.definition(uri, line, column)
    assert found.uri == from_fs_path(str(NATIVE / "componentB.yml"))


def test_hover_shows_the_ports_type_and_description(lsp: Session, pipeline_file: Path) -> None:
    uri = lsp.open(pipeline_file)
    line, column = where(PIPELINE, "${{prep.outputs.clean}}", len("${{prep.outputs.c"))
    shown = lsp.hover(uri, line, column)
    assert "`clean`" in shown and "`uri_folder`" in shown and "the cleaned rows" in shown
    line, column = where(PIPELINE, "${{parent.inputs.epochs}}", len("${{parent.inputs.e"))
    shown = lsp.hover(uri, line, column)
    assert "pipeline input" in shown and "`integer`" in shown and "how many passes" in shown
    line, column = where(PIPELINE, "${{inputs.model}}", len("${{inputs.m"))
    assert "`mlflow_model`" in lsp.hover(uri, line, column)  # a step input takes its binding's type


def test_references_find_every_use_of_a_step(lsp: Session, pipeline_file: Path) -> None:
    uri = lsp.open(pipeline_file)
    uses = []
    for needle in ("${{prep.outputs.clean}}", "after: [prep", "${{prep.stats}}"):
        line, column = where(PIPELINE, needle, needle.index("prep"))
        uses.append((line, column, line, column + 4))
    key_line, key_column = where(PIPELINE, "  prep:", 2)
    declaration = (key_line, key_column, key_line, key_column + 4)
    from_key = lsp.references(uri, key_line, key_column + 1, declaration=False)
    assert sorted(span(found) for found in from_key) == sorted(uses)
    line, column = where(PIPELINE, "${{prep.stats}}", 4)
    from_use = lsp.references(uri, line, column, declaration=True)
    assert sorted(span(found) for found in from_use) == sorted([declaration, *uses])
    assert all(found.uri == uri for found in from_use)


# The command and its extra


def test_without_pygls_lsp_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pygls", None)  # find_spec then fails as for a missing package
    assert main(["lsp"]) == 2
    error = capsys.readouterr().err
    assert "pygls" in error and "pip install 'azpipe[lsp]'" in error


@pytest.mark.parametrize("seconds", ["-1", "nan", "inf"])
def test_a_debounce_that_is_not_a_finite_wait_is_a_usage_error(
    seconds: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lsp", "--debounce", seconds]) == 2
    assert "--debounce must be a number of seconds" in capsys.readouterr().err


def test_the_server_never_imports_azure_ai_ml() -> None:
    code = (
        "import sys, azpipe.lsp.server, azpipe.cli.lsp\n"
        "from azpipe.lsp.document import Analysis\n"
        f"Analysis('file://{ROOT}/pipelines/image_classification/pipeline.yaml', 1, "
        f"open('{ROOT}/pipelines/image_classification/pipeline.yaml').read())\n"
        "print('azure.ai.ml' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


# Positions


def test_positions_count_utf16_units_and_lsp_line_breaks() -> None:
    text = "a: 1\x85b: '\U0001f600x'\r\nc: 3\n"
    index = LineIndex(text)
    assert index.position(text.index("x")) == types.Position(0, text.index("x") + 1)  # the emoji is 2 units
    assert index.position(text.index("c")) == types.Position(1, 0)
    assert index.offset(types.Position(0, text.index("x") + 1)) == text.index("x")
    # NEL starts a line for YAML (and so for azpipe's spans), not for LSP
    yaml_span = azpipe.Span("f", 2, 6, 2, 7)  # `x` on YAML's line 2
    assert FileText("f", text).range(yaml_span).start == types.Position(0, text.index("x") + 1)


@given(st.text(alphabet=st.sampled_from(["a", "\n", "\r", "\x85", "\u2028", "é", "\U0001f600", " "])))
def test_offsets_round_trip_through_lsp_positions(text: str) -> None:
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        if text[offset - 1 : offset + 1] == "\r\n":
            continue  # between the two characters of one line break: no position of its own
        assert index.offset(index.position(offset)) == offset


# In process: every name in the examples resolves; no edit makes the server fail

EXAMPLES = [*sorted(ROOT.glob("pipelines/*/pipeline.yaml")), NATIVE / "pipeline.yml"]


def analysed(path: Path, text: str | None = None) -> Analysis:
    uri = from_fs_path(str(path))
    assert uri is not None
    return Analysis(uri, 1, path.read_text() if text is None else text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_name_the_examples_use_has_a_definition_and_a_hover(path: Path) -> None:
    analysis = analysed(path)
    assert analysis.pipeline is not None and analysis.pipeline.ok
    assert analysis.occurrences
    for occurrence in analysis.occurrences:
        target = occurrence.target
        found = navigation.definition(analysis, target)
        assert found is not None and analysis.location(found) is not None, occurrence
        if target.kind != "component":
            assert navigation.hover(analysis, target), occurrence
        assert occurrence.span in navigation.references(analysis, target, declaration=False)


@given(
    example=st.sampled_from(EXAMPLES),
    start=st.floats(0, 1),
    length=st.integers(0, 30),
    insert=st.sampled_from(["", "${{", ".", "}}", "\n  x", "'", ":", "prep_data.outputs.", "- ", "\t"]),
    where_=st.floats(0, 1),
)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_edit_of_an_example_gets_answers_not_errors(
    example: Path, start: float, length: int, insert: str, where_: float
) -> None:
    text = example.read_text()
    cut = int(start * len(text))
    edited = text[:cut] + insert + text[cut + length :]
    analysis = analysed(example, edited)
    by_file(analysis)
    lines = analysis.main.index.lines()
    line = int(where_ * (len(lines) - 1)) if lines else 0
    for column in range(len(lines[line]) + 1 if lines else 1):
        completion.complete(lines, line, column, analysis.pipeline)
        found = navigation.target_at(analysis, types.Position(line=line, character=column))
        if found is not None:
            navigation.hover(analysis, found[0])
            navigation.references(analysis, found[0], declaration=True)
            defined = navigation.definition(analysis, found[0])
            if defined is not None:
                analysis.location(defined)


def test_a_data_reference_goes_to_the_assets_name() -> None:
    path = ROOT / "pipelines" / "image_classification" / "pipeline.yaml"
    analysis = analysed(path)
    text = path.read_text()
    line, column = where(text, "${{data.my_image_data}}", len("${{data.m"))
    found = navigation.target_at(analysis, types.Position(line=line, character=column))
    assert found is not None
    defined = navigation.definition(analysis, found[0])
    assert defined is not None
    key_line, key_column = where(text, "  my_image_data:", 2)
    assert (defined.line - 1, defined.column - 1, defined.end_column - 1) == (
        key_line,
        key_column,
        key_column + len("my_image_data"),
    )


def test_completion_inside_a_node_kind_block(lsp: Session, tmp_path: Path) -> None:
    text = (
        "azpipe: 1\nname: demo\nsteps:\n  train:\n    command: echo ${{inputs.lr}}\n    sweep:\n"
        "      objective: {goal: maximize, primary_metric: acc}\n      limits:\n        max_\n      ea\n"
    )
    uri = lsp.open(tmp_path / "pipeline.yaml", text)
    line, column = where(text, "        max_\n", len("        max_"))
    limits = lsp.completion(uri, line, column)
    assert labels(limits) == {"max_total_trials", "max_concurrent_trials", "timeout", "trial_timeout"}
    assert all(item.documentation for item in limits)
    line, column = where(text, "      ea\n", len("      ea"))
    assert labels(lsp.completion(uri, line, column)) == {
        "search_space",
        "sampling_algorithm",
        "early_termination",
    }
