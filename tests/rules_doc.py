"""Generate ``docs/rules.md`` from the rule table and the examples in ``tests/rules/``."""

from __future__ import annotations

from pathlib import Path

import azpipe
from azpipe.report.text import render
from azpipe.rules import Rule, all_rules

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "tests" / "rules"
NOT_SHOWN = {
    "Y005": "a file larger than 8 MiB (not reproduced here).",
    "Y008": "a file saved as Latin-1: `python tr\\xe9in.py` is not UTF-8.",
    "S109": "`azpipe compile --target yaml` of a pipeline output with a `description` "
    "(CLI v2 pipeline outputs have none; the Python target carries it).",
}

HEADER = """# Rules

Every diagnostic azpipe reports has a stable code, a name and a severity. Codes
are never reused. Silence one line with `# azpipe: ignore[CODE]`, or whole rules
with `azpipe check --ignore CODE` (a prefix such as `G5` works too).

This page is generated from `src/azpipe/rules.py` and the examples in
`tests/rules/` (`pytest --update-golden` rewrites it); each failing example is
checked by the tests to produce the output shown.

| code | name | severity | what it finds |
|---|---|---|---|
"""


def example_output(path: Path) -> str:
    """The text diagnostics for one example file, with a repository-relative path."""
    relative = path.relative_to(ROOT).as_posix()
    pipeline = azpipe.load(relative) if Path.cwd() == ROOT else azpipe.load(path)
    diagnostics = [d for d in pipeline.check()]
    text = render(diagnostics, {d.span.file: pipeline.source_text for d in diagnostics}, 1, color=False)
    return text.replace(str(path), relative)


def _section(rule: Rule) -> str:
    folder = RULES_DIR / rule.code
    bad, good = folder / "bad.yaml", folder / "good.yaml"
    lines = [f"## {rule.code} `{rule.name}` ({rule.severity})", "", rule.summary, ""]
    if rule.code in NOT_SHOWN:
        lines += [f"Fails on: {NOT_SHOWN[rule.code]}", ""]
    elif bad.exists():
        lines += ["Fails:", "", "```yaml", bad.read_text(encoding="utf-8").rstrip(), "```", ""]
        lines += ["```text", example_output(bad).rstrip(), "```", ""]
    lines += ["Passes:", "", "```yaml", good.read_text(encoding="utf-8").rstrip(), "```", ""]
    return "\n".join(lines)


def generate() -> str:
    """The whole of ``docs/rules.md``."""
    table = "".join(
        f"| [{r.code}](#{r.code.lower()}-{r.name}-{r.severity}) | `{r.name}` | {r.severity} | {r.summary} |\n"
        for r in all_rules()
    )
    return HEADER + table + "\n" + "\n".join(_section(rule) for rule in all_rules())
