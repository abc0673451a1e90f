"""How much faster is `azpipe check` than at an earlier git revision, in seconds?

Seconds depend on the machine and on what else it runs, so a time measured on
one machine cannot be compared with one measured on another. This times both
trees on the same machine, *interleaved*: each round runs this tree and the
revision one after the other, on the same files, so a change in load slows both
alike. It prints medians of the whole process (wall and CPU time) and the ratio,
this tree's time over the revision's. A target written in seconds for another
machine, where the revision took T, translates to ratio × T there::

    python benchmarks/against_revision.py 67f55b4 --sizes 1000,10000

The files are ``check_scale.py``'s generators (``chain``, ``refs``) and the
example pipelines; the revision is checked out into a temporary folder and run
from its ``src`` (``check_instructions.py --compare`` counts instructions the
same way).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_instructions import ROOT, checkout, environment
from check_scale import azpipe_text


def timed(src: Path, path: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``python -m azpipe check path`` with azpipe from ``src``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "azpipe", "check", str(path)], capture_output=True, env=environment(src)
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{src}: azpipe check {path} failed: {done.stderr[-400:]!r}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def files(folder: Path, sizes: list[int], generators: list[str]) -> dict[str, Path]:
    """The generated pipelines and the example pipelines, by name."""
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "step.py").write_text("print('step')\n")
    found: dict[str, Path] = {}
    for generator in generators:
        for size in sizes:
            path = folder / f"{generator}{size}.yaml"
            path.write_text(azpipe_text(size, generator))
            found[f"{generator} {size:,}"] = path
    for example in sorted((ROOT / "pipelines").glob("*/pipeline.yaml")):
        found[example.parent.name] = example
    return found


def main() -> None:
    """Time this tree against the revision on every file; print one row per file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="the git revision to compare with")
    parser.add_argument("--sizes", default="1000", help="steps of the generated pipelines (comma-separated)")
    parser.add_argument("--generators", default="chain,refs")
    parser.add_argument("--repeat", type=int, default=9, help="rounds (each runs both trees once)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="azpipe-against-") as temporary:
        base = checkout(args.revision, Path(temporary) / "base")
        ours = ROOT / "src"
        pipelines = files(Path(temporary) / "pipelines", [int(s) for s in args.sizes.split(",")],
                          args.generators.split(","))  # fmt: skip
        print(f"load average {os.getloadavg()[0]:.2f}; medians of {args.repeat} interleaved rounds")
        print(f"{'pipeline':<22} {'now s':>7} {'cpu s':>7} {args.revision:>9} {'cpu s':>7} {'ratio':>6}")
        for name, path in pipelines.items():
            timed(ours, path), timed(base, path)  # bytecode written, files cached
            rounds = [(timed(ours, path), timed(base, path)) for _ in range(args.repeat)]
            now = statistics.median(r[0][0] for r in rounds), statistics.median(r[0][1] for r in rounds)
            then = statistics.median(r[1][0] for r in rounds), statistics.median(r[1][1] for r in rounds)
            print(f"{name:<22} {now[0]:>7.3f} {now[1]:>7.3f} {then[0]:>9.3f} {then[1]:>7.3f} {now[0] / then[0]:>6.3f}",
                  flush=True)  # fmt: skip
        print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
