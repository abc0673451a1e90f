"""Each rule: a failing example that reports it (golden output) and a passing one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import azpipe
from azpipe.rules import RULES
from tests.golden import assert_golden
from tests.rules_doc import NOT_SHOWN, ROOT, RULES_DIR, example_output, generate

CODES = sorted(RULES)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("code", CODES)
def test_good_example_is_clean(code: str) -> None:
    pipeline = azpipe.load(RULES_DIR / code / "good.yaml")
    assert pipeline.diagnostics == []


@pytest.mark.parametrize("code", [c for c in CODES if c not in ("Y005", "S109")])  # S109: when compiling
def test_bad_example_reports_the_rule(code: str, update_golden: bool) -> None:
    path = RULES_DIR / code / "bad.yaml"
    pipeline = azpipe.load(path)
    assert code in {d.code for d in pipeline.diagnostics}
    for diagnostic in pipeline.diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1
        assert diagnostic.rule == RULES[diagnostic.code].name
    assert_golden(RULES_DIR / code / "bad.out", example_output(path), update_golden)


def test_every_rule_has_examples() -> None:
    folders = {p.name for p in RULES_DIR.iterdir() if p.is_dir()}
    assert folders == set(RULES)
    for code in RULES:
        assert (RULES_DIR / code / "bad.yaml").exists() or code in NOT_SHOWN


def test_rules_doc_is_current(update_golden: bool) -> None:
    assert_golden(ROOT / "docs" / "rules.md", generate(), update_golden)


def test_codes_and_names_are_unique() -> None:
    names = [rule.name for rule in RULES.values()]
    assert len(names) == len(set(names))
    assert all(len(code) == 4 and code[0].isupper() and code[1:].isdigit() for code in RULES)


def test_examples_run_from_any_folder(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    pipeline = azpipe.load(RULES_DIR / "R302" / "bad.yaml")
    assert [d.code for d in pipeline.diagnostics] == ["R302"]


def test_readme_shows_real_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (RULES_DIR / "R302" / "bad.out").read_text(encoding="utf-8").rstrip() in readme
