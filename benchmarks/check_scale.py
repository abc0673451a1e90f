"""How fast is `azpipe check` against azure-ai-ml validating the same pipeline?

For pipelines of N steps, this writes the pipeline twice: in the azpipe
language, and as the equivalent Azure ML CLI v2 pipeline YAML. Two generators
(``--generators``, both by default, one table each):

- ``chain``: a chain with a fan-in every tenth step (2 to 4 references a command);
- ``refs``: the same chain whose commands hold 3 to 5 references each, as real
  commands do (pipeline inputs, the step's own outputs, earlier steps' outputs);
- ``mixed``: steps of every kind (command, sweep, parallel, spark, automl,
  data_transfer) and ``uses:`` of a sub-pipeline that uses another, two deep
  (``benchmarks/mixed_shape.py``); N counts the nodes once the sub-pipelines are
  expanded. Its azure-ai-ml twin is what ``azpipe compile --target yaml`` writes
  (the job and a pipeline component file per sub-pipeline).

It then times, as medians over repeated runs:

- in-process: ``azpipe.load(path)`` (load + all checks) versus
  ``azure.ai.ml.load_job(path)._validate()`` (azure-ai-ml already imported);
- whole command: a fresh ``azpipe check`` process versus a fresh Python process
  that imports azure-ai-ml and does the same load and validation; for azpipe also
  the process's CPU time, steadier than the wall time on a shared, loaded machine.

It prints a table with the ratios (how many times faster azpipe is) and the
cost per step, so linear growth is visible. azure-ai-ml is timed up to
``--aml-max`` steps (default 1,000: it takes minutes beyond). Run:
``python benchmarks/check_scale.py``.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mixed_shape import write_mixed

REGISTRY_ENV = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
GENERATORS = {
    "chain": "a chain with a fan-in every tenth step, 2 to 4 references a command",
    "refs": "the same chain, 3 to 5 references a command (as real commands have)",
    "mixed": "every node kind, sub-pipelines two deep (N counts the expanded nodes)",
}


def references(i: int, generator: str) -> list[tuple[str, str]]:
    """The references of step ``i``'s command as (flag, azpipe expression)."""
    found = [("--epochs", "parent.inputs.epochs"), ("--out", "outputs.out")]
    if i:
        found.append(("--data", f"s{i - 1}.outputs.out"))
    if generator == "chain":
        if i >= 10 and i % 10 == 0:
            found.append(("--extra", f"s{i - 10}.outputs.out"))
        return found
    more = [("--lr", "parent.inputs.lr"), ("--metrics", "outputs.metrics")]
    if i >= 10:
        more.insert(0, ("--extra", f"s{i - 10}.outputs.out"))
    return (found + more)[: 3 + i % 3]


def azpipe_text(steps: int, generator: str = "chain") -> str:
    """An azpipe pipeline of ``steps`` steps."""
    lines = [
        "azpipe: 1",
        "name: bench",
        "defaults: {compute: cpu-cluster}",
        "inputs:",
        "  epochs: 10",
        "  lr: 0.01",
        "outputs:",
        f"  result: ${{{{s{steps - 1}.outputs.out}}}}",
        "steps:",
    ]
    for i in range(steps):
        refs = [f"{flag} ${{{{{expression}}}}}" for flag, expression in references(i, generator)]
        lines += [
            f"  s{i}:",
            "    code: src",
            f"    environment: {REGISTRY_ENV}",
            "    command: >-",
            "      python step.py " + " ".join(refs[:2]),
            *(f"      {ref}" for ref in refs[2:]),
        ]
    return "\n".join(lines) + "\n"


def native_text(steps: int, generator: str = "chain") -> str:
    """The same pipeline as Azure ML CLI v2 YAML."""
    lines = [
        "$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json",
        "type: pipeline",
        "settings: {default_compute: azureml:cpu-cluster}",
        "inputs:",
        "  epochs: 10",
        "  lr: 0.01",
        "outputs:",
        "  result: {mode: rw_mount}",
        "jobs:",
    ]
    for i in range(steps):
        command, inputs, outputs = "python step.py", [], []
        for flag, expression in references(i, generator):
            port = flag.removeprefix("--")
            if expression.startswith("outputs."):
                command += f" {flag} ${{{{outputs.{port}}}}}"
                last = i == steps - 1 and port == "out"
                outputs.append(
                    f"      {port}: " + ('"${{parent.outputs.result}}"' if last else "{type: uri_folder}")
                )
                continue
            command += f" {flag} ${{{{inputs.{port}}}}}"
            source = expression if expression.startswith("parent.") else f"parent.jobs.{expression}"
            inputs.append(f"      {port}: ${{{{{source}}}}}")
        lines += [
            f"  s{i}:",
            "    type: command",
            "    code: ./src",
            f"    environment: {REGISTRY_ENV}",
            f"    command: {command!r}".replace("'", '"'),
            "    inputs:",
            *inputs,
            "    outputs:",
            *outputs,
        ]
    return "\n".join(lines) + "\n"


def median_time(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``action`` in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# A user's installed azpipe has its bytecode compiled: time that, even where the
# environment says not to write bytecode (the first, untimed run writes it).
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def median_process(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of running ``command``.

    On a shared machine the wall time also counts the waits for a core; the CPU
    time is what the process itself used.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        run(command)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def run(command: list[str]) -> None:
    """Run a command; fail loudly if it fails unexpectedly."""
    result = subprocess.run(command, capture_output=True, text=True, env=ENVIRONMENT)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{command} failed: {result.stderr[-500:]}")


def main() -> None:
    """Write the pipelines, time both tools, print one table per generator."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument(
        "--folder", type=Path, help="write the pipelines here (default: a new temporary folder)"
    )
    parser.add_argument("--generators", default=",".join(GENERATORS), help="chain, refs or both")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--aml-max", type=int, default=1000, help="largest size to time azure-ai-ml on (it is slow; 0: never)"
    )
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="azpipe-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "src").mkdir(exist_ok=True)
    (folder / "src" / "step.py").write_text("print('step')\n")
    sizes = [int(s) for s in args.sizes.split(",")]
    for generator in args.generators.split(","):
        print(f"{generator}: {GENERATORS[generator]}; load average {os.getloadavg()[0]:.2f}")
        print(
            "whole process (median): `azpipe check` vs a fresh Python doing azure-ai-ml's load_job + _validate"
        )
        print(
            f"{'steps':>6} {'azpipe s':>9} {'cpu s':>6} {'per step ms':>12} {'aml s':>8} {'ratio':>7} {'in-process ms':>14} {'aml in-process ms':>18}"
        )
        for size in sizes:
            print(measure(folder, generator, size, args.repeat, size <= args.aml_max), flush=True)
        print()


def write_pair(folder: Path, generator: str, size: int, native: bool) -> tuple[Path, Path]:
    """Write the azpipe pipeline of ``size`` steps (nodes, for ``mixed``) and, when ``native``,
    its Azure ML twin; both paths."""
    if generator == "mixed":
        ours = write_mixed(folder / f"mixed{size}", size)
        theirs = folder / f"native-mixed{size}"
        if native:
            compile_ = [
                sys.executable,
                "-m",
                "azpipe",
                "compile",
                "--target",
                "yaml",
                "-o",
                f"{theirs}/",
                str(ours),
            ]
            subprocess.run(compile_, check=True, capture_output=True, env=ENVIRONMENT)
        return ours, theirs / "mixed.yml"
    ours, theirs = folder / f"{generator}{size}.yaml", folder / f"native-{generator}{size}.yaml"
    ours.write_text(azpipe_text(size, generator))
    theirs.write_text(native_text(size, generator))
    return ours, theirs


def measure(folder: Path, generator: str, size: int, repeat: int, with_aml: bool) -> str:
    """One table row: ``size`` steps written by ``generator``, timed ``repeat`` times."""
    import azpipe

    ours, theirs = write_pair(folder, generator, size, with_aml)
    found = azpipe.load(ours).check()
    assert not found if generator == "mixed" else azpipe.load(ours).ok, found[
        :3
    ]  # mixed: clean, warnings too
    check = [sys.executable, "-m", "azpipe", "check", str(ours)]
    run(check)  # bytecode written, file cached
    cli, cpu = median_process(check, repeat)
    fast = median_time(functools.partial(azpipe.load, ours), repeat)
    row = f"{size:>6} {cli:>9.3f} {cpu:>6.3f} {cpu / size * 1e3:>12.3f}"
    if not with_aml:
        return row + f" {'-':>8} {'-':>7} {fast * 1e3:>14.1f} {'-':>18}"
    import logging

    from azure.ai.ml import load_job

    logging.getLogger("azure.ai.ml").setLevel(logging.CRITICAL)
    assert load_job(theirs)._validate().passed
    code = (
        "import logging; from azure.ai.ml import load_job; "
        "logging.getLogger('azure.ai.ml').setLevel(50); "
        f"load_job({str(theirs)!r})._validate()"
    )
    aml_cli = median_time(functools.partial(run, [sys.executable, "-c", code]), repeat)
    slow = median_time(lambda path=theirs: load_job(path)._validate(), repeat)
    return row + f" {aml_cli:>8.2f} {aml_cli / cli:>6.1f}x {fast * 1e3:>14.1f} {slow * 1e3:>18.1f}"


if __name__ == "__main__":
    main()
