"""An unknown key is flagged on its own line, once, in every mapping with a fixed set of keys.

The readers leave the keys of a mapping to the schema walker wherever the schema
describes it (``azpipe.readers.reader.Reader.unwalked``), and check them themselves
only where it does not (a native node of a kind without a schema). This test holds
the two together: into each block mapping of every example pipeline, native
fixture and corpus pipeline, a line ``zzfoo: 1`` is written as the mapping's first
key; ``azpipe check`` must report exactly one diagnostic on that line, an unknown key
(S101, an error or a warning where Azure ML ignores it) or a key azpipe refuses by
name (U102 on a sub-pipeline's node, S108). Mappings of names the user chooses
(``jobs``, ``inputs``, ``tags``...) and of open settings (``conf``, ``settings``...)
are skipped: a new key there is a new name.

The normal run takes every sixth corpus file; ``AZPIPE_LONG=1`` takes them all.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from azpipe.loading import check_file
from azpipe.source.loader import load_file
from azpipe.source.nodes import Map, Node, Seq
from tests.native_corpus import CORPUS, ROOT

LONG = os.environ.get("AZPIPE_LONG") == "1"
# Keys whose mapping holds names or open settings, not schema keys.
OPEN = frozenset(
    {"jobs", "steps", "inputs", "outputs", "tags", "properties", "environment_variables", "services",
     "components", "environments", "compute", "data", "conf", "search_space", "settings",
     "stored_procedure_params", "column_name_and_types", "transformer_params", "conda_file",
     "dependencies"}
)  # fmt: skip
REPORTED_BY_NAME = frozenset({"S101", "U102", "S108"})


def _corpus_pipelines() -> list[Path]:
    jobs = CORPUS / "cli" / "jobs"
    if not jobs.is_dir():
        return []
    found = [
        p for p in sorted(jobs.rglob("*.yml")) if "\ntype: pipeline" in "\n" + p.read_text(encoding="utf-8")
    ]
    return found if LONG else found[::6]


SUBJECTS = [
    *sorted(ROOT.glob("pipelines/*/pipeline.yaml")),
    *sorted((ROOT / "tests" / "fixtures" / "native").glob("*/*.y*ml")),
    *_corpus_pipelines(),
]


def _block_mappings(node: Node | None, parent: object = None) -> Iterator[Map]:
    """Every mapping under ``node`` that is not one of names (its parent key is not in OPEN)."""
    if isinstance(node, Map):
        if parent not in OPEN:
            yield node
        for entry in node:
            yield from _block_mappings(entry.value, entry.key.value)
    elif isinstance(node, Seq):
        for item in node.items:  # an automl search space is a list of closed mappings
            yield from _block_mappings(item, "search_space[]" if parent == "search_space" else parent)


def _insertions(text: str, root: Node | None) -> Iterator[tuple[int, str]]:
    """(the inserted line's number, the file with it) for each block mapping written one key a line."""
    lines = text.splitlines(keepends=True)
    for mapping in _block_mappings(root):
        entries = list(mapping)
        if not entries:
            continue
        first = entries[0].key.span
        if lines[first.line - 1][: first.column - 1].strip(" -"):
            continue  # a flow mapping, or a key after others on its line
        added = " " * (first.column - 1) + "zzfoo: 1\n"
        yield first.line + 1, "".join([*lines[: first.line], added, *lines[first.line :]])


@pytest.mark.parametrize("path", SUBJECTS, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_an_unknown_key_is_flagged_on_its_line(path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(path.parent, folder)
    target = folder / path.name
    text = path.read_text(encoding="utf-8")
    missed = []
    for line, mutant in _insertions(text, load_file(str(path)).root):
        target.write_text(mutant, encoding="utf-8")
        checked = check_file(str(target)).diagnostics
        found = [d for d in checked if d.span.line == line and Path(d.span.file).name == path.name]
        if len(found) != 1 or found[0].code not in REPORTED_BY_NAME:
            missed.append((line, [(d.code, d.message) for d in found]))
    assert missed == []


def test_the_subjects_cover_every_kind_of_file() -> None:
    """Native fixtures and examples always; the corpus when it is there (CI has it)."""
    assert any(p.suffix == ".yaml" for p in SUBJECTS)
    assert any("fixtures" in p.parts for p in SUBJECTS)
