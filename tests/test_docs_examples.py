"""Every whole pipeline shown in README.md and docs/*.md checks clean (issue 13 item 8).

A fenced ``yaml`` block is a whole pipeline when it is an azpipe file (top-level
``azpipe:``) or an Azure ML pipeline job (``type: pipeline`` with ``jobs:``); other
blocks are fragments. Relative paths in a block resolve against the
``pipelines/NAME/`` folder its section names (the text between the previous heading
and the block), else against the page's own folder. A block may be shown with
findings only where the text says so, with ``<!-- azpipe check: CODE,... -->`` just
before it; those codes are then exactly what it must report.

``docs/rules.md`` is left out: it is generated from ``tests/rules/``, whose failing
and passing examples ``tests/test_rules.py`` checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import azpipe
from azpipe.source.kinds import kind_of_text

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "rules.md")]
_BLOCK = re.compile(r"^```yaml[ \t]*\n(.*?)^```", re.S | re.M)
_EXPECTED = re.compile(r"<!-- azpipe check: ([A-Z0-9, ]+) -->\s*$")
_FOLDER = re.compile(r"pipelines/([a-z_]+)/")


@dataclass
class Example:
    page: Path
    line: int
    text: str
    base_dir: Path
    expected: list[str]

    def __str__(self) -> str:
        page = self.page.relative_to(ROOT) if self.page.is_relative_to(ROOT) else self.page
        return f"{page}:{self.line}"


def whole_pipelines(page: Path) -> list[Example]:
    """The whole-pipeline examples of one Markdown page."""
    markdown = page.read_text(encoding="utf-8")
    examples = []
    for block in _BLOCK.finditer(markdown):
        text = block.group(1)
        if not kind_of_text(text.encode()).checked:
            continue
        before = markdown[: block.start()]
        headings = [m.start() for m in re.finditer(r"^#", before, re.M)]
        section = before[headings[-1] if headings else 0 :]
        folder = _FOLDER.findall(section)
        base = ROOT / "pipelines" / folder[-1] if folder else page.parent
        expected = _EXPECTED.search(before)
        codes = sorted(c.strip() for c in expected.group(1).split(",")) if expected else []
        examples.append(Example(page, before.count("\n") + 2, text, base, codes))
    return examples


EXAMPLES = [example for page in PAGES for example in whole_pipelines(page)]


def test_the_pages_show_whole_pipelines() -> None:
    """The test cannot pass by finding nothing: the language reference's file is in it."""
    assert any(e.page.name == "language.md" and "environments:" in e.text for e in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_whole_pipeline_example_checks_clean(example: Example) -> None:
    pipeline = azpipe.loads(example.text, str(example), str(example.base_dir))
    found = [f"{d.code} line {d.span.line}: {d.message}" for d in pipeline.check()]
    assert sorted(d.code for d in pipeline.diagnostics) == example.expected, found


def test_a_broken_example_would_be_caught(tmp_path: Path) -> None:
    """The extraction sees a block as the pages write it (the old language.md example)."""
    page = tmp_path / "page.md"
    page.write_text(
        "## Example (paths of pipelines/image_classification/)\n\n```yaml\n"
        "azpipe: 1\nname: p\ndefaults: {compute: c, environment: e@latest}\n"
        "components:\n  t:\n    code: src/train\n    command: python train.py\n"
        "    inputs: {epochs: {type: integer, default: 10}}\n"
        "steps:\n  train: {uses: t}\n```\n"
    )
    [example] = whole_pipelines(page)
    assert example.base_dir == ROOT / "pipelines" / "image_classification"
    codes = [d.code for d in azpipe.loads(example.text, str(example), str(example.base_dir)).diagnostics]
    assert codes == ["P401"]
