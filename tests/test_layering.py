"""Data flows one way: a module never imports (even lazily) from a layer above its own.

load (``source``) → expressions (``expr``) → ``model`` → readers → ``graph`` →
``checks`` → ``loading`` (the front end's entry) → emitters, renderers, local
runs, submission, the language server → ``cli`` and the package's API.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "azpipe"
LAYERS: list[tuple[str, ...]] = [
    ("version", "records", "diagnostics", "rules", "suggest", "naming", "extras", "schema"),
    ("source",),
    ("expr", "suppress"),
    ("model",),
    ("readers", "resolve"),
    ("graph",),
    ("checks",),
    ("loading",),
    ("emit", "render", "report", "diffing", "importer", "localrun", "submit", "lsp"),
    ("cli", "__main__", "__init__"),
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def unit(module: str) -> str:
    """The layer unit of a dotted module under ``azpipe`` (its first component)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> set[str]:
    """Every ``azpipe`` module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    package = "azpipe." + ".".join(path.relative_to(SRC).with_suffix("").parts)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("azpipe")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: -node.level] + ([base] if base else []))
            if base == "azpipe":
                found |= {f"azpipe.{a.name}" for a in node.names}
            elif base.startswith("azpipe."):
                found.add(base)
    return found


MODULES = sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_unit_has_a_layer() -> None:
    units = {unit("azpipe." + ".".join(p.relative_to(SRC).with_suffix("").parts)) for p in MODULES}
    assert units <= set(RANK), f"give these a layer: {sorted(units - set(RANK))}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_imports_from_a_higher_layer(path: Path) -> None:
    own = unit("azpipe." + ".".join(path.relative_to(SRC).with_suffix("").parts))
    upward = sorted(m for m in imports(path) if RANK.get(unit(m), -1) > RANK[own])
    assert not upward, f"{path.relative_to(SRC)} ({own}) imports from a higher layer: {upward}"
