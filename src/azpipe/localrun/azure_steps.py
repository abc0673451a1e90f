"""Steps ``azpipe run`` cannot run on this machine, and the outputs given for them.

A spark step runs locally with ``spark-submit --master local[*]`` when one is on
``PATH`` (:mod:`azpipe.localrun.spark`); without it, and for the kinds that only
exist in Azure ML (AutoML, data transfer, import), the step is not run. The rest
of the pipeline still runs when the outputs such a step would have produced are
given with ``--input STEP.outputs.NAME=PATH``: its consumers read those paths. An
output some step or pipeline output needs and nobody gave is a problem that names
the ``--input`` to add; the step itself is listed as not run, with why.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from azpipe.expr.ast import RefKind
from azpipe.localrun.spark import SPARK_SUBMIT, local_problem, with_submit
from azpipe.model import Pipeline, Step

if TYPE_CHECKING:
    from azpipe.localrun.planner import Planner

AZURE_ONLY = {
    "automl": "an AutoML step runs only on Azure ML",
    "data_transfer": "a data transfer step runs only on Azure ML",
    "import": "an import step runs only on Azure ML",
}
LOCAL_FORMS = ("spark", *AZURE_ONLY)  # the kinds azpipe.localrun.planner hands to local_step


def needs_azure(step: Step) -> str | None:
    """Why ``step`` cannot run on this machine, or ``None`` when it can."""
    if step.kind in AZURE_ONLY:
        return AZURE_ONLY[step.kind]
    if step.uses is not None and step.uses.parallel is not None and step.uses.parallel.flow is not None:
        return "a prompt flow step runs only on Azure ML (its flow runtime and connections are there)"
    if step.kind == "spark" and shutil.which(SPARK_SUBMIT) is None:
        return "a spark step needs Azure ML's spark, or a local `spark-submit` on PATH (install pyspark)"
    return None


def output_key(step: str, output: str) -> str:
    """The ``--input`` mapping key of a step output (``output:STEP.NAME``)."""
    return f"output:{step}.{output}"


def needed_outputs(pipeline: Pipeline, step: Step) -> list[str]:
    """The outputs of ``step`` another step or a pipeline output reads, in the step's order."""
    used: set[str] = set()
    for other in pipeline.steps.values():
        for port in other.inputs.values():
            ref = port.binding.ref if port.binding else None
            if ref is not None and ref.kind is RefKind.STEP_OUTPUT and ref.step == step.name:
                used.add(ref.name)
    for output in pipeline.outputs.values():
        ref = output.binding.ref if output.binding else None
        if ref is not None and ref.step == step.name:
            used.add(ref.name)
    return [name for name in step.outputs if name in used] + sorted(used - set(step.outputs))


def missing_output_problem(step: Step, reason: str, missing: list[str]) -> str:
    """The run's problem for outputs nobody gave: what to pass to run the rest."""
    given = " ".join(f"--input {step.name}.outputs.{name}=PATH" for name in missing)
    return f"step `{step.name}` cannot run here: {reason}; give the outputs it would produce to run the rest: {given}"


def not_run_note(step: Step, reason: str) -> str:
    """The run's note for a step it leaves out."""
    return f"step `{step.name}` not run: {reason}; its consumers read the outputs given with --input"


def local_step(planner: Planner, step: Step) -> Step | None:
    """The step as this machine runs it (a spark step as a ``spark-submit`` command), or ``None``
    when it is not run here: then its needed outputs must be given, else the run is refused."""
    reason = needs_azure(step)
    if reason is None and step.kind == "spark":
        reason = local_problem(step)
        if reason is None:
            return with_submit(step)
    if reason is None:
        return step
    mapped = planner.resolver.mapped
    missing = [
        name for name in needed_outputs(planner.pipeline, step) if output_key(step.name, name) not in mapped
    ]
    if missing:
        planner.problems.append(missing_output_problem(step, reason, missing))
    else:
        planner.plan.store.warn(not_run_note(step, reason))
    return None
