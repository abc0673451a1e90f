"""Compare text with a stored golden file, or rewrite it with ``--update-golden``."""

from __future__ import annotations

from pathlib import Path


def assert_golden(path: Path, actual: str, update: bool) -> None:
    """Assert ``actual`` equals the golden file at ``path`` (or rewrite it)."""
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not update:
            raise AssertionError(f"golden file {path} was missing; it has been written, review it")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path} differs; run pytest --update-golden and review the diff"
