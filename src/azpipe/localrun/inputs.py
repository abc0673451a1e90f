"""What each step input is on this machine: a local path, a literal, or nothing.

Every problem is collected before anything runs: a bad ``--set``, an ``--input``
that names nothing, a path that leaves the repository, and every input that
exists only in Azure (``azureml:``, datastore URIs) and was not mapped with
``--input NAME=PATH``. ``finish()`` raises them all at once.

Local data is hashed by the content its symbolic links reach (a step reads
through them). A link that leads out of its input folder, or a path in the
pipeline file that resolves out of the repository, is refused unless
``--allow-outside``: what it reaches is not part of the data people review.
"""

from __future__ import annotations

import os
from typing import Any

from azpipe.checks.path_kinds import kind_problem
from azpipe.expr.ast import RefKind
from azpipe.localrun.errors import RunRefused
from azpipe.localrun.options import RunOptions
from azpipe.localrun.tree import InputHasher, inside
from azpipe.localrun.values import SetError, a, command_text, read_set, unknown_input
from azpipe.model import ASSET_TYPES, Pipeline, PipelineInput, Port, Step
from azpipe.readers.interface import is_local_path
from azpipe.records import record
from azpipe.source.local_paths import repository_root


@record(frozen=True)
class InputValue:
    """One step input's value in a local run."""

    text: str | None  # what replaces the placeholder; None: not given
    fingerprint: str  # what the cache key records for it
    origin: str  # where it came from, for people
    path: str | None = None  # a local file or folder (assets)
    producer: str | None = None  # the upstream step (step outputs)


ABSENT = InputValue(None, "absent", "not given")
MAX_LINKS_NAMED = 5


class Resolver:
    """Gives step inputs their local values; collects problems instead of raising."""

    def __init__(self, pipeline: Pipeline, options: RunOptions) -> None:
        self.pipeline = pipeline
        self.root = repository_root(pipeline.base_dir)
        self.allow_outside = options.allow_outside
        self.problems: list[str] = []
        self.unmapped: dict[str, str] = {}
        self._memo: dict[str, InputValue] = {}
        self._hashes: dict[str, str] = {}
        self.overrides = self._read_sets(options.sets)
        self.mapped = self._read_mappings(options.inputs)

    def finish(self) -> None:
        """Raise every problem found so far (unmapped Azure inputs as one line)."""
        problems = list(self.problems)
        if self.unmapped:
            listed = ", ".join(f"`{name}` ({source})" for name, source in sorted(self.unmapped.items()))
            problems.append(
                f"inputs that exist only in Azure need a local copy: {listed}; "
                "map each with --input NAME=PATH"
            )
        if problems:
            raise RunRefused(problems)

    def resolved(self) -> dict[str, InputValue]:
        """The pipeline inputs resolved so far (those some step uses)."""
        return dict(sorted(self._memo.items()))

    def step_input(self, step: Step, port: Port) -> InputValue | None:
        """The value of ``port``; ``None`` when it is bound to an upstream step's output."""
        binding = port.binding
        if binding is None:
            return self._unbound(port)
        ref = binding.ref
        if ref is None:
            return self._literal(step, port, binding.value)
        if ref.kind is RefKind.PARENT_INPUT:
            return self.pipeline_input(ref.name)
        if ref.kind is RefKind.DATA:
            return self.data_asset(ref.name, f"data.{ref.name}")
        return None

    def pipeline_input(self, name: str) -> InputValue:
        """The value of pipeline input ``name`` (``--set``/``--input`` applied)."""
        if name not in self._memo:
            self._memo[name] = self._pipeline_input(self.pipeline.inputs[name])
        return self._memo[name]

    def _pipeline_input(self, item: PipelineInput) -> InputValue:
        origin = f"pipeline input `{item.name}`"
        if item.type not in ASSET_TYPES:
            value = self.overrides.get(item.name, item.default)
            return self._given(value, origin, item.name, item.optional)
        if f"input:{item.name}" in self.mapped:
            return self._path(self.mapped[f"input:{item.name}"], origin)
        if item.name in self.overrides:
            return self._set_asset(str(self.overrides[item.name]), item.name, origin)
        if item.data:
            return self.data_asset(item.data, item.name)
        if item.default is None:
            return self._given(None, origin, item.name, item.optional)
        return self._asset(str(item.default), item.name, origin)

    def data_asset(self, name: str, label: str) -> InputValue:
        """The value of data asset ``name``; ``label`` is what ``--input`` would call it."""
        origin = f"data asset `{name}`"
        mapped = self.mapped.get(f"data:{name}")
        if mapped is not None:
            return self._path(mapped, origin)
        return self._asset(self.pipeline.data[name].path, label, origin)

    def _unbound(self, port: Port) -> InputValue:
        """An input left unbound: its default if it is required, else not given."""
        if port.default is None or port.optional:
            return ABSENT
        return self._literal_value(port.default, f"default of input `{port.name}`")

    def _literal(self, step: Step, port: Port, value: Any) -> InputValue:
        label = f"{step.name}.{port.name}"
        if port.type in ASSET_TYPES and isinstance(value, str):
            mapped = self.mapped.get(f"step:{label}")
            if mapped is not None:
                return self._path(mapped, f"input `{label}`")
            return self._asset(value, label, f"input `{label}`")
        return self._literal_value(value, "a literal")

    def _given(self, value: Any, origin: str, name: str, optional: bool) -> InputValue:
        if value is not None:
            return self._literal_value(value, origin)
        if not optional:
            item = self.pipeline.inputs[name]
            value = "PATH" if item.type in ASSET_TYPES else "VALUE"
            self.problems.append(f"pipeline input `{name}` has no value; give one with --set {name}={value}")
        return ABSENT

    @staticmethod
    def _literal_value(value: Any, origin: str) -> InputValue:
        text = command_text(value)
        return InputValue(text, "value:" + text, origin)

    def _asset(self, source: str, label: str, origin: str) -> InputValue:
        """A path written in the pipeline file: local (checked) or Azure-only (needs mapping)."""
        if not is_local_path(source):
            self.unmapped[label] = source
            return InputValue("", "unmapped", origin)
        full = self._pipeline_path(source, origin)
        return self._path(full, origin) if full else InputValue("", "missing", origin)

    def _set_asset(self, value: str, label: str, origin: str) -> InputValue:
        """An asset given with ``--set``: a local path (already checked) or one that exists only in Azure."""
        if is_local_path(value):
            return self._path(value, f"{origin} (--set)")
        self.unmapped[label] = value
        return InputValue("", "unmapped", origin)

    def _pipeline_path(self, source: str, origin: str) -> str | None:
        if source.startswith("~") or os.path.isabs(source):
            self.problems.append(f"{origin}: `{source}` is absolute; write it relative to the pipeline file")
            return None
        full = os.path.normpath(os.path.join(self.pipeline.base_dir, source))
        if not inside(full, self.root):
            self.problems.append(f"{origin}: `{source}` leaves the repository; map it with --input")
        elif not os.path.exists(full):
            self.problems.append(f"{origin}: `{source}` does not exist")
        elif not self.allow_outside and not inside(os.path.realpath(full), os.path.realpath(self.root)):
            self.problems.append(
                f"{origin}: `{source}` is a symbolic link to a place outside the repository "
                f"(`{os.path.realpath(full)}`); map it with --input, or pass --allow-outside"
            )
        else:
            return full
        return None

    def _path(self, full: str, origin: str) -> InputValue:
        if full not in self._hashes:
            self._hashes[full] = self._hash(full, origin)
        return InputValue(full, "path:" + self._hashes[full], origin, path=full)

    def _hash(self, full: str, origin: str) -> str:
        """The content hash of local data; links leaving it become problems."""
        hasher = InputHasher(full, self.allow_outside)
        try:
            digest = hasher.digest()
        except OSError as error:
            self.problems.append(f"{origin}: cannot read `{full}`: {error}")
            return "unreadable"
        for link in hasher.outside[:MAX_LINKS_NAMED]:
            self.problems.append(
                f"{origin}: `{os.path.join(full, link.rel)}` is a symbolic link to a place outside "
                f"`{full}` (`{link.target}`); copy what it points at into the folder, or pass --allow-outside"
            )
        more = hasher.outside_count - min(hasher.outside_count, MAX_LINKS_NAMED)
        if more > 0:
            self.problems.append(f"{origin}: {more} more symbolic links lead outside `{full}`")
        return digest

    def _read_sets(self, sets: dict[str, str]) -> dict[str, Any]:
        """``--set`` values read as ``submit`` reads them (:func:`read_set`); bad ones become problems.

        An asset input's value is an absolute local path, or a reference or URI
        that still needs a local copy (``--input NAME=PATH``).
        """
        values: dict[str, Any] = {}
        for name, text in sets.items():
            try:
                values[name] = read_set(self.pipeline, name, text)
            except SetError as error:
                self.problems.append(str(error))
        return values

    def _read_mappings(self, mappings: dict[str, str]) -> dict[str, str]:
        """``--input`` mappings keyed ``input:NAME``, ``data:NAME`` or ``step:STEP.PORT``."""
        found: dict[str, str] = {}
        for name, path in mappings.items():
            key = self._mapping_key(name)
            full = os.path.abspath(os.path.expanduser(path))
            if key and not path:
                self.problems.append(
                    f"--input {name}=: the path is empty; give a file or folder (`.` for the current folder)"
                )
            elif key and not os.path.exists(full):
                self.problems.append(f"--input {name}={path}: `{path}` does not exist")
            elif key and self._wrong_kind(f"--input {name}={path}", self._mapped_type(key), path, full):
                continue
            elif key:
                found[key] = full
        return found

    def _mapped_type(self, key: str) -> str | None:
        """The declared type of what an ``--input`` key names."""
        kind, _, name = key.partition(":")
        if kind == "output":
            step, _, port = name.partition(".")
            return self.pipeline.steps[step].outputs[port].type
        if kind == "input":
            return self.pipeline.inputs[name].type
        if kind == "data":
            return self.pipeline.data[name].type
        step, _, port = name.partition(".")
        return self.pipeline.steps[step].inputs[port].type

    def _wrong_kind(self, given: str, kind: str | None, path: str, full: str) -> bool:
        """Record a file given for a ``uri_folder`` (or the reverse); True when it was one."""
        problem = kind_problem(kind, full)
        if problem is not None:
            self.problems.append(f"{given}: `{path}` {problem[0]} (the input is a `{kind}`); {problem[1]}")
        return problem is not None

    def _mapping_key(self, name: str) -> str | None:
        item = self.pipeline.inputs.get(name)
        if item is not None and item.type not in ASSET_TYPES:
            self.problems.append(
                f"--input {name}: `{name}` is {a(item.type)} input; give it with --set {name}=VALUE"
            )
            return None
        if item is not None:
            return f"input:{name}"
        bare = name.removeprefix("data.")
        if bare in self.pipeline.data:
            return f"data:{bare}"
        if self._is_step_port(name):
            return f"step:{name}"
        output = self._step_output(name)  # the output of a step not run here (localrun/azure_steps.py)
        if output is not None:
            return output
        self.problems.append(unknown_input("--input", name, [*self.pipeline.inputs, *self.pipeline.data]))
        return None

    def _step_output(self, name: str) -> str | None:
        """``STEP.outputs.NAME``: the mapping key of a step output, when the step declares it."""
        step, _, rest = name.partition(".")
        kind, _, port = rest.partition(".")
        if kind == "outputs" and step in self.pipeline.steps and port in self.pipeline.steps[step].outputs:
            return f"output:{step}.{port}"
        return None

    def _is_step_port(self, name: str) -> bool:
        step, _, port = name.partition(".")
        return step in self.pipeline.steps and port in self.pipeline.steps[step].inputs
