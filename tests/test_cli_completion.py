"""``azpipe completion``: real bash completes subcommands and options from the argument parser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def complete_in_bash(line: str) -> list[str]:
    """What bash offers for ``line`` (the cursor at its end) with azpipe's completion loaded."""
    words = line.split(" ")
    script = (
        'eval "$(azpipe completion bash)"\n'
        f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
        f"COMP_LINE={line!r}; COMP_POINT={len(line)}\n"
        f"_python_argcomplete azpipe {words[-1]!r} {words[-2]!r}\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return sorted(word.strip() for word in done.stdout.splitlines() if word.strip())


pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


def test_bash_completes_subcommands_and_options() -> None:
    assert complete_in_bash("azpipe ch") == ["check"]
    assert "completion" in complete_in_bash("azpipe co")
    assert complete_in_bash("azpipe graph --fo") == ["--format"]
    assert complete_in_bash("azpipe graph --format s") == ["svg"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_every_shell_gets_a_script(shell: str) -> None:
    done = subprocess.run([BIN / "azpipe", "completion", shell], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "azpipe" in done.stdout and "_ARGCOMPLETE" in done.stdout


def test_unknown_shell_is_a_usage_error() -> None:
    done = subprocess.run([BIN / "azpipe", "completion", "tcsh"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "invalid choice" in done.stderr
