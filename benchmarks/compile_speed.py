"""How fast is `azpipe compile`, next to azure-ai-ml building the same pipeline?

For pipelines of N steps (a chain with a fan-in every tenth step), this writes an
azpipe pipeline and times, as medians over repeated runs in one process:

- ``load``: ``azpipe.load(path)`` (parse and every check);
- ``python`` / ``yaml``: ``azpipe.to_python(pipeline)`` / ``azpipe.to_yaml(pipeline)`` (the text only);
- ``aml build``: azure-ai-ml building the job from the emitted module: its
  ``command(...)`` components and the ``@dsl.pipeline`` call (``build_pipeline()``),
  which is what running the module costs before anything is submitted.

azpipe's cost per step should stay flat (linear growth) and compiling 1,000 steps
should take well under a second. azure-ai-ml is only timed up to ``--aml-max``
steps, since it takes seconds per thousand. Run: ``python benchmarks/compile_speed.py``.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import azpipe

ENVIRONMENT = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"


def pipeline_text(steps: int) -> str:
    """An azpipe pipeline of ``steps`` steps."""
    lines = ["azpipe: 1", "name: bench", f"defaults: {{compute: cpu-cluster, environment: '{ENVIRONMENT}'}}",
             "inputs:", "  epochs: 10", "outputs:", f"  result: ${{{{s{steps - 1}.outputs.out}}}}", "steps:"]  # fmt: skip
    for i in range(steps):
        command = "python step.py ${{parent.inputs.epochs}} ${{outputs.out}}" if i == 0 else "python step.py"
        if i:  # short lines: 10,000 steps must stay under azpipe's 1 MiB file size cap
            command += f" ${{{{outputs.out}}}} ${{{{s{i - 1}.outputs.out}}}}"
        if i >= 10 and i % 10 == 0:
            command += f" ${{{{s{i - 10}.outputs.out}}}}"
        lines += [f"  s{i}:", "    code: src", f"    command: {command}"]
    return "\n".join(lines) + "\n"


def median_time(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``action`` in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def aml_build(pipeline: object, folder: Path, size: int) -> Callable[[], object]:
    """A function that imports the emitted module afresh and builds the job with azure-ai-ml."""
    from azpipe.emit.job import load_module

    text = azpipe.to_python(pipeline)
    path = str(folder / f"bench{size}.py")
    return lambda: load_module(text, path).build_pipeline()


def main() -> None:
    """Write the pipelines, time azpipe and azure-ai-ml, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--aml-max", type=int, default=1000, help="largest size azure-ai-ml is timed at")
    args = parser.parse_args()

    import azpipe
    from azpipe.emit.job import quiet_azure

    quiet_azure()
    import azure.ai.ml  # noqa: F401  (imported once, before timing)

    folder = Path(tempfile.mkdtemp(prefix="azpipe-bench-"))
    (folder / "src").mkdir()
    (folder / "src" / "step.py").write_text("print('step')\n")
    print(f"{'steps':>6} {'load ms':>9} {'python ms':>10} {'yaml ms':>9} {'us/step':>8} {'aml build ms':>13}")
    for size in (int(s) for s in args.sizes.split(",")):
        path = folder / f"bench{size}.yaml"
        path.write_text(pipeline_text(size))
        pipeline = azpipe.load(path)
        assert pipeline.ok, pipeline.check()[:3]
        repeat = args.repeat if size <= 1000 else max(1, args.repeat // 2)
        load = median_time(functools.partial(azpipe.load, path), repeat)
        python = median_time(functools.partial(azpipe.to_python, pipeline), repeat)
        yaml = median_time(functools.partial(azpipe.to_yaml, pipeline), repeat)
        per_step = (load + python) / size * 1e6
        aml = (
            median_time(aml_build(pipeline, folder, size), 1) * 1e3 if size <= args.aml_max else float("nan")
        )
        print(
            f"{size:>6} {load * 1e3:>9.1f} {python * 1e3:>10.1f} {yaml * 1e3:>9.1f} {per_step:>8.0f} {aml:>13.0f}"
        )


if __name__ == "__main__":
    main()
