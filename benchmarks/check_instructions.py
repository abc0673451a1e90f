"""How much work is `azpipe check`, counted in machine instructions rather than seconds?

Wall and CPU times on a shared machine move with the load (the same run takes
0.29 s or 0.55 s); the number of instructions a process executes does not. This
runs ``azpipe check FILE`` as a whole process under valgrind's callgrind (which
counts them) for the generated 1,000-step pipelines of ``check_scale.py`` and
the example pipelines, and prints millions of instructions. With ``--compare
REV`` it also counts a git revision of this repository (checked out into a
temporary folder and run from its ``src``), so a change is measured against its
base on the same machine, whatever else the machine is doing::

    python benchmarks/check_instructions.py --compare HEAD~3

Bytecode is compiled before counting (a user's installed azpipe has it), and
``PYTHONHASHSEED`` is fixed, so repeated counts agree to the instruction.
Needs valgrind (``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_scale import azpipe_text
from mixed_shape import write_mixed

ROOT = Path(__file__).resolve().parent.parent
_COUNT = re.compile(r"refs:\s+([\d,]+)")


def environment(src: Path) -> dict[str, str]:
    """The environment a counted process runs in: ``src`` first on the path, bytecode written."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(src)
    env["PYTHONHASHSEED"] = "0"
    return env


def instructions(src: Path, path: Path) -> int:
    """Instructions executed by ``python -m azpipe check path`` with azpipe from ``src``."""
    command = [sys.executable, "-m", "azpipe", "check", str(path)]
    env = environment(src)
    subprocess.run(command, capture_output=True, env=env, check=False)  # compiles the bytecode
    counted = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    found = _COUNT.search(counted.stderr)
    if found is None or counted.returncode not in (0, 1):
        raise SystemExit(f"could not count {path}: {counted.stderr[-400:]}")
    return int(found.group(1).replace(",", ""))


def pipelines(folder: Path) -> dict[str, Path]:
    """The files to count: 1,000 steps of each generator, and the example pipelines."""
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "step.py").write_text("print('step')\n")
    files: dict[str, Path] = {}
    for generator in ("chain", "refs"):
        path = folder / f"{generator}1000.yaml"
        path.write_text(azpipe_text(1000, generator))
        files[f"{generator} 1,000"] = path
    files["mixed 1,000"] = write_mixed(folder / "mixed1000", 1000)
    for example in sorted((ROOT / "pipelines").glob("*/pipeline.yaml")):
        files[example.parent.name] = example
    return files


def checkout(revision: str, folder: Path) -> Path:
    """This repository at ``revision``, in ``folder``; its ``src``."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(folder)], check=True)
    subprocess.run(["git", "-C", str(folder), "checkout", "-q", revision], check=True)
    return folder / "src"


def main() -> None:
    """Count every file with this tree's azpipe (and ``--compare``'s); print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", metavar="REV", help="also count this git revision")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    with tempfile.TemporaryDirectory(prefix="azpipe-instructions-") as temporary:
        files = pipelines(Path(temporary) / "pipelines")
        base = checkout(args.compare, Path(temporary) / "base") if args.compare else None
        print(
            f"{'pipeline':<22} {'M instructions':>15}"
            + (f" {args.compare:>15} {'change':>8}" if base else "")
        )
        for name, path in files.items():
            ours = instructions(ROOT / "src", path) / 1e6
            row = f"{name:<22} {ours:>15.0f}"
            if base is not None:
                theirs = instructions(base, path) / 1e6
                row += f" {theirs:>15.0f} {(ours - theirs) / theirs:>+8.0%}"
            print(row, flush=True)


if __name__ == "__main__":
    main()
