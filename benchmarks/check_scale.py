"""How fast is `azpipe check` against azure-ai-ml validating the same pipeline?

For pipelines of N steps (a chain with a fan-in every tenth step), this writes the
pipeline twice: in the azpipe language, and as the equivalent Azure ML CLI v2
pipeline YAML. It then times, as medians over repeated runs:

- in-process: ``azpipe.load(path)`` (load + all checks) versus
  ``azure.ai.ml.load_job(path)._validate()`` (azure-ai-ml already imported);
- whole command: a fresh ``azpipe check`` process versus a fresh Python process
  that imports azure-ai-ml and does the same load and validation.

It prints a table with the ratios (how many times faster azpipe is) and the
cost per step, so linear growth is visible. azure-ai-ml is timed up to
``--aml-max`` steps (default 1,000: it takes minutes beyond). Run:
``python benchmarks/check_scale.py``.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REGISTRY_ENV = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"


def azpipe_text(steps: int) -> str:
    """An azpipe pipeline of ``steps`` steps."""
    lines = [
        "azpipe: 1",
        "name: bench",
        "defaults: {compute: cpu-cluster}",
        "inputs:",
        "  epochs: 10",
        "outputs:",
        f"  result: ${{{{s{steps - 1}.outputs.out}}}}",
        "steps:",
    ]
    for i in range(steps):
        lines += [
            f"  s{i}:",
            "    code: src",
            f"    environment: {REGISTRY_ENV}",
            "    command: >-",
            "      python step.py --epochs ${{parent.inputs.epochs}} --out ${{outputs.out}}",
        ]
        if i:
            lines.append(f"      --data ${{{{s{i - 1}.outputs.out}}}}")
        if i >= 10 and i % 10 == 0:
            lines.append(f"      --extra ${{{{s{i - 10}.outputs.out}}}}")
    return "\n".join(lines) + "\n"


def native_text(steps: int) -> str:
    """The same pipeline as Azure ML CLI v2 YAML."""
    lines = [
        "$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json",
        "type: pipeline",
        "settings: {default_compute: azureml:cpu-cluster}",
        "inputs:",
        "  epochs: 10",
        "outputs:",
        "  result: {mode: rw_mount}",
        "jobs:",
    ]
    for i in range(steps):
        command = "python step.py --epochs ${{inputs.epochs}} --out ${{outputs.out}}"
        inputs = ["      epochs: ${{parent.inputs.epochs}}"]
        if i:
            command += " --data ${{inputs.data}}"
            inputs.append(f"      data: ${{{{parent.jobs.s{i - 1}.outputs.out}}}}")
        if i >= 10 and i % 10 == 0:
            command += " --extra ${{inputs.extra}}"
            inputs.append(f"      extra: ${{{{parent.jobs.s{i - 10}.outputs.out}}}}")
        out = "${{parent.outputs.result}}" if i == steps - 1 else "{type: uri_folder}"
        lines += [
            f"  s{i}:",
            "    type: command",
            "    code: ./src",
            f"    environment: {REGISTRY_ENV}",
            f"    command: {command!r}".replace("'", '"'),
            "    inputs:",
            *inputs,
            "    outputs:",
            f"      out: {out}" if i < steps - 1 else '      out: "${{parent.outputs.result}}"',
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


def run(command: list[str]) -> None:
    """Run a command; fail loudly if it fails unexpectedly."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{command} failed: {result.stderr[-500:]}")


def main() -> None:
    """Write the pipelines, time both tools, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--aml-max", type=int, default=1000, help="largest size to time azure-ai-ml on (it is slow)"
    )
    args = parser.parse_args()

    import logging

    from azure.ai.ml import load_job

    import azpipe

    logging.getLogger("azure.ai.ml").setLevel(logging.CRITICAL)
    folder = Path(tempfile.mkdtemp(prefix="azpipe-bench-"))
    (folder / "src").mkdir()
    (folder / "src" / "step.py").write_text("print('step')\n")
    print("whole process (median): `azpipe check` vs a fresh Python doing azure-ai-ml's load_job + _validate")
    print(
        f"{'steps':>6} {'azpipe s':>9} {'per step ms':>12} {'aml s':>8} {'ratio':>7} {'in-process ms':>14} {'aml in-process ms':>18}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        ours, theirs = folder / f"bench{size}.yaml", folder / f"native{size}.yaml"
        ours.write_text(azpipe_text(size))
        theirs.write_text(native_text(size))
        assert azpipe.load(ours).ok, azpipe.load(ours).diagnostics[:3]
        cli = median_time(
            functools.partial(run, [sys.executable, "-m", "azpipe", "check", str(ours)]), args.repeat
        )
        fast = median_time(functools.partial(azpipe.load, ours), args.repeat)
        row = f"{size:>6} {cli:>9.3f} {cli / size * 1e3:>12.3f}"
        if size <= args.aml_max:
            assert load_job(theirs)._validate().passed
            code = (
                "import logging; from azure.ai.ml import load_job; "
                "logging.getLogger('azure.ai.ml').setLevel(50); "
                f"load_job({str(theirs)!r})._validate()"
            )
            aml_cli = median_time(functools.partial(run, [sys.executable, "-c", code]), args.repeat)
            slow = median_time(lambda path=theirs: load_job(path)._validate(), args.repeat)
            row += f" {aml_cli:>8.2f} {aml_cli / cli:>6.1f}x {fast * 1e3:>14.1f} {slow * 1e3:>18.1f}"
        else:
            row += f" {'-':>8} {'-':>7} {fast * 1e3:>14.1f} {'-':>18}"
        print(row)


if __name__ == "__main__":
    main()
