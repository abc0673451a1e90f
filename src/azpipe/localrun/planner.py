"""The plan of a local run: order, exact commands, and run or reuse with a reason.

Steps are planned in topological order, so an upstream step's decision is known
when its consumers are planned: a consumer of a step that runs gets a new input
(the new run's output) and runs too; a consumer of a reused step sees the
reused outputs. Nothing here writes to disk.
"""

from __future__ import annotations

import os
from dataclasses import field
from typing import Any

from azpipe.expr.ast import RefKind
from azpipe.graph import graph_of, topological_order
from azpipe.localrun.azure_steps import LOCAL_FORMS, local_step, needs_azure, output_key
from azpipe.localrun.code import code_of, code_problem
from azpipe.localrun.errors import RunRefused
from azpipe.localrun.expand import expanded
from azpipe.localrun.fingerprint import Fingerprint, differences
from azpipe.localrun.inputs import InputValue, Resolver
from azpipe.localrun.options import RunOptions
from azpipe.localrun.parallel import local_parallel, planned_parallel
from azpipe.localrun.render_command import RenderedCommand, UnsafeCommand, normalised, render
from azpipe.localrun.snapshot import check_code_folder, code_digests
from azpipe.localrun.store import Store
from azpipe.localrun.sweep import plan_trials
from azpipe.model import Pipeline, Port, Step
from azpipe.records import record
from azpipe.suggest import did_you_mean

PARTIAL = "outputs.partial"
FINAL = "outputs"


@record(frozen=True)
class OutputSlot:
    """Where one output is written (``path``, what the command sees) and ends up (``final``)."""

    name: str
    type: str
    path: str
    final: str


@record
class PlannedStep:
    """One step of the plan."""

    name: str
    deps: tuple[str, ...]
    command: str
    code: str | None
    inputs: dict[str, InputValue]
    outputs: dict[str, OutputSlot]
    fingerprint: Fingerprint
    action: str  # run or reuse
    reason: str
    reused_from: str | None = None
    variables: dict[str, str] = field(default_factory=dict)
    timeout: float | None = None
    script: str = ""  # what `/bin/sh -c` runs (``command`` is its readable form)
    values: dict[str, str] = field(default_factory=dict)  # the variables `script` reads its values from

    @property
    def key(self) -> str:
        """The cache key."""
        return self.fingerprint.key()


@record
class Plan:
    """Every step, in execution order, for one run."""

    pipeline: Pipeline
    store: Store
    run_id: str
    run_dir: str
    steps: dict[str, PlannedStep] = field(default_factory=dict)
    inputs: dict[str, InputValue] = field(default_factory=dict)  # pipeline inputs in use

    def count(self, action: str) -> int:
        """How many steps will ``run`` or ``reuse``."""
        return sum(step.action == action for step in self.steps.values())

    @property
    def warnings(self) -> list[str]:
        """Files in ``.azpipe`` that were ignored and cache entries not trusted (one line each)."""
        return list(self.store.warnings)


def make_plan(pipeline: Pipeline, options: RunOptions, store: Store, run_id: str, run_dir: str) -> Plan:
    """Plan a run; raises ``RunRefused`` listing every problem found."""
    pipeline = expanded(pipeline)  # sub-pipelines run as their own steps, `outer/inner` (localrun/expand.py)
    planner = Planner(pipeline, options, Plan(pipeline, store, run_id, run_dir))
    for name in topological_order(pipeline):
        planner.add(pipeline.steps[name])
    planner.finish()
    planner.plan.inputs = planner.resolver.resolved()
    return planner.plan


class Planner:
    """Builds a ``Plan`` one step at a time, collecting problems."""

    def __init__(self, pipeline: Pipeline, options: RunOptions, plan: Plan) -> None:
        self.pipeline = pipeline
        self.plan = plan
        self.resolver = Resolver(pipeline, options)
        self.problems: list[str] = []
        self.forced = self._forced(options)
        self.keys: dict[str, str] = {}  # step -> cache key, worked out once for all its consumers
        self.trials = options.trials  # how many trials of each sweep step run here
        self.jobs = options.jobs  # a parallel step's workers (localrun/parallel.py)

    def finish(self) -> None:
        """Raise every problem, the resolver's included."""
        try:
            self.resolver.finish()
        except RunRefused as refused:
            self.problems += refused.problems
        if self.problems:
            raise RunRefused(self.problems)

    def _forced(self, options: RunOptions) -> set[str]:
        if options.force or self.pipeline.force_rerun:
            return set(self.pipeline.steps)
        for name in options.force_steps:
            if name not in self.pipeline.steps:
                hint = did_you_mean(name, self.pipeline.steps)
                self.problems.append(f"--force-step {name}: no step `{name}`" + (f"; {hint}" if hint else ""))
        return set(options.force_steps)

    def add(self, step: Step) -> None:
        """Plan ``step`` (its upstream steps are already planned)."""
        # spark-submit, or not run here (a flow too): localrun/azure_steps.py
        if step.kind in LOCAL_FORMS or needs_azure(step):
            found = local_step(self, step)
            if found is None:
                return
            step = found
        if step.parallel is not None:  # batch inference emulated here (localrun/parallel.py)
            step = local_parallel(step)
        if step.command is None:
            self.problems.append(
                f"step `{step.name}` uses `{step.uses.name if step.uses else '?'}`, whose "
                "command is only known to the workspace; azpipe cannot run it locally"
            )
            return
        code = self._code_folder(step)
        inputs = {name: self._input(step, port) for name, port in step.inputs.items()}
        outputs = _slots(step, os.path.join(self.plan.run_dir, step.name))
        fingerprint = self._fingerprint(step, code, inputs, outputs)
        if step.sweep is not None:  # its trials, run one after another (localrun/sweep.py)
            rendered, fingerprint = plan_trials(self, step, inputs, outputs, fingerprint)
        else:
            rendered = self._render(step, inputs, outputs)
        if step.parallel is not None:
            rendered = planned_parallel(self, step, rendered, inputs, outputs)
        planned = PlannedStep(
            step.name, self._deps(step.name), rendered.display, code, inputs, outputs, fingerprint,
            action="run", reason="", variables=_variables(step), timeout=_timeout(step),
            script=rendered.script, values=rendered.values,
        )  # fmt: skip
        self._decide(step, planned)
        self.plan.steps[step.name] = planned

    def _deps(self, name: str) -> tuple[str, ...]:
        graph = graph_of(self.pipeline)
        # Only planned steps: one not run here (localrun/azure_steps.py) has nothing to wait for.
        return tuple(sorted({p for p in graph.predecessors(name) if p in self.plan.steps}))

    def _input(self, step: Step, port: Port) -> InputValue:
        value = self.resolver.step_input(step, port)
        if value is not None:
            return value
        ref = port.binding.ref if port.binding else None
        assert ref is not None and ref.kind is RefKind.STEP_OUTPUT and ref.step is not None
        given = self.resolver.mapped.get(output_key(ref.step, ref.name))  # a step not run here
        if given is not None:
            return self.resolver._path(given, f"output `{ref.step}.{ref.name}` (--input)")
        return self._upstream(ref.step, ref.name)

    def _upstream(self, producer_name: str, output: str) -> InputValue:
        producer = self.plan.steps.get(producer_name)
        slot = producer.outputs.get(output) if producer else None
        if producer is None or slot is None:
            if producer is not None:  # a producer missing from the plan already has its problem
                self.problems.append(f"output `{producer_name}.{output}` is not available locally")
            return InputValue("", "missing", "")
        run = producer.reused_from or self.plan.run_id
        key = self.keys.get(producer_name) or self.keys.setdefault(producer_name, producer.key)
        fingerprint = f"output:{key}/{output}@{run}"
        origin = f"{producer_name}.outputs.{output}"
        return InputValue(slot.final, fingerprint, origin, path=slot.final, producer=producer_name)

    def _fingerprint(
        self, step: Step, code: str | None, inputs: dict[str, InputValue], outputs: dict[str, OutputSlot]
    ) -> Fingerprint:
        assert step.command is not None
        present = {name for name, value in inputs.items() if value.text is not None}
        try:
            digests = code_digests(code)
        except OSError as error:
            self.problems.append(f"step `{step.name}`: cannot read its code folder: {error}")
            digests = {}
        return Fingerprint(
            command=normalised(step.command, present),
            code=digests,
            environment=_environment(self.pipeline, step),
            variables=_variables(step),
            inputs={name: value.fingerprint for name, value in inputs.items()},
            outputs={name: f"{slot.type}:{os.path.basename(slot.path)}" for name, slot in outputs.items()},
        )

    def _render(
        self, step: Step, inputs: dict[str, InputValue], outputs: dict[str, OutputSlot]
    ) -> RenderedCommand:
        assert step.command is not None
        try:
            return render(
                step.command, {n: v.text for n, v in inputs.items()}, {n: s.path for n, s in outputs.items()}
            )
        except UnsafeCommand as error:
            self.problems.append(f"step `{step.name}`: {error}")
            return RenderedCommand("", {}, "")

    def _decide(self, step: Step, planned: PlannedStep) -> None:
        if step.name in self.forced:
            planned.reason = "forced"
        elif not _deterministic(step):
            planned.reason = "not deterministic (`is_deterministic: false`)"
        elif not self._reuse(planned):
            planned.reason = planned.reason or self._why(planned)

    def _reuse(self, planned: PlannedStep) -> bool:
        """Reuse the outputs cached for the step's key, if the store can vouch for them.

        An entry the store does not trust (outputs elsewhere than its run put
        them, no ``run.json`` recording the step's success with this key) is a
        miss: the step runs, and the plan warns and says why.
        """
        store = self.plan.store
        step_dir = os.path.join(self.plan.run_dir, planned.name)
        tails = {name: os.path.relpath(slot.final, step_dir) for name, slot in planned.outputs.items()}
        found, problem = store.cached(planned.key, tails)
        if problem:
            where = store.shown(store.entry_path(planned.key))
            store.warn(f"step `{planned.name}`: cache entry `{where}` not used: {problem}")
            planned.reason = f"cache entry not trusted: {problem}"
        if found is None:
            return False
        planned.action, planned.reused_from = "reuse", found.run_id
        planned.reason = f"unchanged since run {found.run_id}"
        planned.command = found.command if found.command is not None else planned.command
        planned.outputs = {
            n: OutputSlot(n, s.type, found.outputs[n], found.outputs[n]) for n, s in planned.outputs.items()
        }
        return True

    def _why(self, planned: PlannedStep) -> str:
        store = self.plan.store
        latest = store.latest(self.pipeline.name, planned.name)
        old = Fingerprint.from_json(latest.get("fingerprint")) if latest else None
        if latest is not None and old is None:
            where = store.shown(store.latest_path(self.pipeline.name, planned.name))
            store.warn(f"ignored `{where}`: not a fingerprint azpipe writes")
        if old is None:
            return "never run"
        producers = {
            name: v.producer
            for name, v in planned.inputs.items()
            if v.producer and self.plan.steps[v.producer].action == "run"
        }
        reasons = differences(old, planned.fingerprint, producers)
        return "; ".join(reasons) if reasons else "earlier outputs are gone"

    def _code_folder(self, step: Step) -> str | None:
        found = code_of(self.pipeline, step)
        if found is None:
            return None
        written, base = found
        folder = os.path.normpath(os.path.join(base, written))
        problem = code_problem(folder, written, self.pipeline.base_dir)
        label = f"code folder `{written}` of step `{step.name}`"
        try:
            found_problems = [f"{label}: {problem}"] if problem else check_code_folder(folder, label)
        except OSError as error:
            found_problems = [f"{label}: cannot be read: {error}"]
        self.problems += found_problems
        return None if found_problems else folder


def _slots(step: Step, step_dir: str) -> dict[str, OutputSlot]:
    """Output paths: folders, and for ``uri_file`` outputs a file inside one."""
    slots = {}
    for name, port in step.outputs.items():
        kind = port.type or "uri_folder"
        leaf = os.path.basename(port.path.rstrip("/")) if kind == "uri_file" and port.path else name
        tail = [name, leaf] if kind == "uri_file" else [name]
        slots[name] = OutputSlot(
            name, kind, os.path.join(step_dir, PARTIAL, *tail), os.path.join(step_dir, FINAL, *tail)
        )
    return slots


def _variables(step: Step) -> dict[str, str]:
    inherited = step.uses.details.environment_variables if step.uses else {}
    return {**inherited, **step.details.environment_variables}


def _setting(step: Step, name: str) -> Any:
    own = getattr(step.details, name)
    if own not in (None, {}) or step.uses is None:
        return own
    return getattr(step.uses.details, name)


def _deterministic(step: Step) -> bool:
    return _setting(step, "is_deterministic") is not False


def _timeout(step: Step) -> float | None:
    limits = step.sweep.limits if step.sweep is not None else _setting(step, "limits") or {}
    value = limits.get("timeout")
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def _environment(pipeline: Pipeline, step: Step) -> str:
    """The environment's name as the cache key records it."""
    ref = pipeline.environment_of(step)
    if ref is None:
        return ""
    if ref.kind == "inline" and ref.inline is not None:
        return f"inline:{ref.inline.image}:{ref.inline.conda_file}"
    declared = pipeline.environments.get(ref.value) if ref.kind == "declared" else None
    return f"{ref.value}:{declared.version}" if declared and declared.version else ref.value
