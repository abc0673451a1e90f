"""Colour is decided for the stream the text goes to: `run`/`plan` print diagnostics to
standard error, so a terminal on standard output alone must not colour them."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from azpipe.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
WARNED = ROOT / "tests" / "rules" / "P401" / "bad.yaml"  # its diagnostics go to standard error


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("command", ["plan"])
@pytest.mark.parametrize(("out_tty", "err_tty"), [(True, False), (False, True)])
def test_diagnostics_are_coloured_only_when_standard_error_is_a_terminal(
    command: str, out_tty: bool, err_tty: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, err = _Stream(out_tty), _Stream(err_tty)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    main([command, str(WARNED)])
    assert "P401" in err.getvalue()
    assert ("\x1b[" in err.getvalue()) is err_tty
