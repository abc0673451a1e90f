"""Identifiers of the emitted Python module, and file names of emitted YAML files.

Names come only from names the checker accepted (``^[a-z_][a-z0-9_]*$``, not a
keyword). The module still has to keep them apart from each other and from
the names it defines or imports: a pipeline called ``main`` or ``str``, a step
called like a pipeline input, or a step ``x`` next to a step ``x_component``
would otherwise shadow one another. Each clash gets a suffix, deterministically.
"""

from __future__ import annotations

import builtins
import itertools
import keyword
import re
from collections.abc import Iterable
from dataclasses import field

from azpipe.records import record

# Every name the emitted module defines or imports at module level.
MODULE_NAMES = frozenset((
    "annotations", "argparse", "os", "sys", "Path", "HERE", "SOURCE", "SOURCE_SHA256", "AZPIPE_VERSION",
    "ENVIRONMENTS", "COMPUTE", "DATA", "Input", "Output", "MLClient", "command", "dsl", "load_component",
    "AmlCompute", "ComputeInstance", "Data", "Environment", "Command", "PipelineJob", "AmlTokenConfiguration",
    "ManagedIdentityConfiguration", "UserIdentityConfiguration", "MpiDistribution", "PyTorchDistribution",
    "TensorFlowDistribution", "ResourceNotFoundError", "DefaultAzureCredential", "provision",
    "build_pipeline", "main", "workspace_client", "CommandComponent", "JobResourceConfiguration", "QueueSettings",
    "BuildContext", "RayDistribution", "JobService", "SshJobService", "TensorBoardJobService", "VsCodeJobService",
    "JupyterLabJobService", "Pipeline", "job",
))  # fmt: skip
_RESERVED = MODULE_NAMES | frozenset(dir(builtins)) | frozenset([*keyword.kwlist, *keyword.softkwlist])
_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class _Taken:
    """Names in use, compared case-insensitively (Azure ML's rule)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.folded = {name.lower() for name in names}

    def __contains__(self, name: str) -> bool:
        return name.lower() in self.folded

    def add(self, name: str) -> str:
        """Mark ``name`` as used; returns it."""
        self.folded.add(name.lower())
        return name

    def unique(self, wanted: str, suffix: str) -> str:
        """``wanted``, or ``wanted`` + ``suffix`` (+ a number) when it is taken."""
        candidates = itertools.chain(
            (wanted, f"{wanted}{suffix}"), (f"{wanted}{suffix}{n}" for n in itertools.count(2))
        )
        return next(c for c in candidates if c not in self)


@record
class ModuleNames:
    """The identifiers of one emitted module."""

    function: str
    components: dict[str, str] = field(default_factory=dict)  # step -> module-level component variable
    locals: dict[str, str] = field(default_factory=dict)  # step -> local variable in the pipeline function

    def renamed(self, step: str) -> bool:
        """True when the step's local variable is not its name (the node name is then set explicitly)."""
        return self.locals[step] != step


def module_names(pipeline: str, steps: Iterable[str], inputs: Iterable[str]) -> ModuleNames:
    """Allocate the function, component and local names for a pipeline's steps and inputs."""
    steps = list(steps)
    parameters = list(inputs)
    names = ModuleNames(_Taken(_RESERVED).unique(pipeline, "_pipeline"))
    taken = _Taken([*_RESERVED, *steps, *parameters, names.function])
    for step in steps:
        names.components[step] = taken.add(taken.unique(f"{step}_component", "_"))
    in_function = _Taken([*parameters, *names.components.values()])
    avoid = _Taken([*in_function.folded, *steps])  # in_function and the step names, kept in step
    for step in steps:
        local = step
        if step in in_function:  # a parameter or a component variable: the node name is set explicitly
            local = avoid.unique(f"{step}_step", "_")
        names.locals[step] = avoid.add(in_function.add(local))
    return names


def file_stem(name: str, taken: set[str]) -> str:
    """A file name stem for an entity name: safe characters only, never hidden, unique."""
    stem = _FILE_UNSAFE.sub("_", name).lstrip(".") or "unnamed"
    return _Taken(taken).unique(stem[:100], "_")
