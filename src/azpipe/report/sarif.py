"""SARIF 2.1.0 for GitHub code scanning (``azpipe check --format sarif``).

One run, whose tool lists every rule of the rule table (id, name, one-line
description, default level, and a link to the rule's section of
``docs/rules.md``). Each diagnostic is a result with its rule, level, message
(the hint follows on its own line: SARIF's ``fixes`` describe byte edits, which
azpipe's hints are not) and one physical location. File names are relative to
the root of the repository the check ran in (the nearest folder above the
working directory holding ``.git``, else the working directory), given as the
``%SRCROOT%`` base so code scanning can place them; a file outside that folder
keeps its absolute ``file:`` URI. Columns count characters (``unicodeCodePoints``),
as every azpipe position does, and an end column is the column after the last
character, as in SARIF.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from azpipe.diagnostics import Diagnostic, Severity
from azpipe.rules import Rule, all_rules
from azpipe.source.local_paths import repository_root
from azpipe.version import __version__

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
HOME = "https://github.com/azpipe/azpipe"
RULES_PAGE = f"{HOME}/blob/main/docs/rules.md"
BASE_ID = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(diagnostics: Sequence[Diagnostic], cwd: str) -> str:
    """The SARIF log as JSON text, for diagnostics found from working directory ``cwd``."""
    return json.dumps(sarif_log(diagnostics, cwd), indent=2, ensure_ascii=False)


def sarif_log(diagnostics: Sequence[Diagnostic], cwd: str) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict."""
    root = repository_root(cwd)
    rules = list(all_rules())
    index = {rule.code: number for number, rule in enumerate(rules)}
    run = {
        "tool": {
            "driver": {
                "name": "azpipe",
                "version": __version__,
                "informationUri": HOME,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "originalUriBaseIds": {BASE_ID: {"uri": Path(root).as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, index, cwd, root) for d in diagnostics],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A rule's ``reportingDescriptor``: what code scanning shows about the rule."""
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "helpUri": f"{RULES_PAGE}#{rule.code.lower()}-{rule.name}-{rule.severity}",
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def _result(diagnostic: Diagnostic, index: dict[str, int], cwd: str, root: str) -> dict[str, Any]:
    span = diagnostic.span
    text = diagnostic.message + (f"\nhint: {diagnostic.hint}" if diagnostic.hint else "")
    region = {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": max(span.end_line, span.line),
        "endColumn": max(span.end_column, 1),
    }
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": text},
        "locations": [
            {"physicalLocation": {"artifactLocation": _artifact(span.file, cwd, root), "region": region}}
        ],
    }
    if diagnostic.code in index:
        result["ruleIndex"] = index[diagnostic.code]
    return result


def _artifact(file: str, cwd: str, root: str) -> dict[str, str]:
    """The file relative to ``root`` (with the base id), or its absolute ``file:`` URI."""
    full = os.path.normpath(os.path.join(cwd, file))
    relative = os.path.relpath(full, root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return {"uri": Path(full).as_uri()}
    return {"uri": quote(Path(relative).as_posix()), "uriBaseId": BASE_ID}
