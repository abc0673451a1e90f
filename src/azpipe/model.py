"""The pipeline model: typed dataclasses the builder fills and every later stage reads.

Implicit ports are already desugared here: every step has explicit ``inputs`` and
``outputs``, and ``command`` refers to the step's own ports only. Spans point at
what the user wrote, so checks can report positions.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from azpipe.diagnostics import Diagnostic, Span
from azpipe.expr.ast import Ref, Template
from azpipe.records import record
from azpipe.source.nodes import Map, Scalar

MODERN_ASSET_TYPES = ("uri_file", "uri_folder", "mltable", "mlflow_model", "custom_model", "triton_model")
# Older type names Azure ML still reads (and sends on as written), and the type each is now.
LEGACY_TYPES = {"path": "uri_folder"}
ASSET_TYPES = MODERN_ASSET_TYPES + tuple(LEGACY_TYPES)
PRIMITIVE_TYPES = ("integer", "number", "string", "boolean")
TYPES = ASSET_TYPES + PRIMITIVE_TYPES
MODERN_TYPES = MODERN_ASSET_TYPES + PRIMITIVE_TYPES
OUTPUT_MODES = ("rw_mount", "upload", "direct")
INPUT_MODES = ("ro_mount", "download", "direct", "eval_mount", "eval_download")


@record
class Binding:
    """What a step input or pipeline output is bound to: a reference or a literal.

    ``span`` is where the binding was written (for a reference: the placeholder).
    """

    span: Span
    ref: Ref | None = None
    value: Any = None
    type: str | None = None  # a literal asset path's own type, written next to it (`{type, path}`)

    @property
    def is_ref(self) -> bool:
        """True when bound to a reference rather than a literal."""
        return self.ref is not None


@record
class Port:
    """A step or component port (input or output)."""

    name: str
    span: Span
    type: str | None = None  # None: not declared; for inputs, taken from the binding
    optional: bool = False
    default: Any = None
    mode: str | None = None
    description: str | None = None
    binding: Binding | None = None  # inputs only
    implicit: bool = False  # created from a command placeholder
    path: str | None = None  # outputs: a datastore path
    asset_name: str | None = None  # outputs: register as this asset
    asset_version: str | None = None
    asset_name_span: Span | None = None  # outputs: where that `name:` is written (N701 points there)
    min: Any = None  # component inputs: the bounds of a number
    max: Any = None
    enum: list[Any] | None = None  # component inputs: the values a string may take
    datastore: str | None = None  # step inputs: where a local file is uploaded to
    written_type: str | None = None  # a step input's `type:` next to a reference (azure-ai-ml drops it)


@record
class PipelineInput:
    """A pipeline input: a typed parameter with a default, or an asset."""

    name: str
    span: Span
    type: str
    default: Any = None  # primitives: the literal; assets: the path or URI
    data: str | None = None  # bound to ``${{data.NAME}}``
    optional: bool = False
    description: str | None = None
    mode: str | None = None
    datastore: str | None = None  # where a local file is uploaded to
    value_span: Span | None = None  # where its literal value (or path) is written: T601 points there


@record
class PipelineOutput:
    """A pipeline output, bound to a step output."""

    name: str
    span: Span
    binding: Binding | None = None
    mode: str | None = None
    description: str | None = None
    type: str | None = None  # native files may declare it; else the bound output's type
    path: str | None = None  # a datastore path (native files)
    asset_name: str | None = None  # register the output as this asset (native files)
    asset_version: str | None = None
    asset_name_span: Span | None = None  # where that `name:` is written (N701 points there)


@record
class Environment:
    """An environment declared under ``environments:`` (or inline in a step)."""

    name: str
    span: Span
    image: str | None = None
    conda_file: str | None = None
    version: str | None = None
    description: str | None = None
    name_span: Span | None = None  # the name's key under `environments:` (None: inline)
    build: dict[str, str] = field(default_factory=dict)  # a Docker build context: path, dockerfile_path
    tags: dict[str, str] = field(default_factory=dict)
    os_type: str | None = None
    value_spans: dict[str, Span] = field(default_factory=dict)  # conda_file, build.path: where written


@record
class EnvRef:
    """How a step names its environment.

    ``kind`` is ``declared`` (a name under ``environments:``), ``registered``
    (``NAME:VERSION``, ``NAME@label``, ``azureml:...``), ``registry``
    (``azureml://registries/...``) or ``inline`` (a mapping).
    """

    kind: str
    value: str
    span: Span
    inline: Environment | None = None


@record
class Compute:
    """A compute target declared under ``compute:``."""

    name: str
    span: Span
    type: str = "amlcompute"
    size: str | None = None
    min_instances: int | None = None
    max_instances: int | None = None
    idle_time_before_scale_down: int | None = None
    name_span: Span | None = None  # the name's key under `compute:`


@record
class DataAsset:
    """A data asset declared under ``data:``."""

    name: str
    span: Span
    type: str = "uri_folder"
    path: str = ""
    version: str | None = None
    description: str | None = None
    name_span: Span | None = None  # the name's key under `data:`
    path_span: Span | None = None  # where `path` is written (F801 points there)


@record
class Settings:
    """Job details shared by steps and components."""

    display_name: str | None = None
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    environment_variables: dict[str, str] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    distribution: dict[str, Any] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=dict)
    is_deterministic: bool | None = None
    identity: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    queue_settings: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None  # steps only
    additional_includes: list[str] = field(default_factory=list)  # the command's component


@record
class Component:
    """A reusable command: from ``components:``, a component file, or registered.

    ``source`` is ``inline``, ``file``, ``pipeline`` (a sub-pipeline file) or ``registered``;
    a registered component's interface is unknown offline (``inputs``/``outputs`` are empty and ``known`` False).
    """

    name: str
    span: Span
    source: str = "inline"
    command: Template | None = None
    command_node: Scalar | None = None
    code: str | None = None
    code_span: Span | None = None  # where `code:` is written (F801 points there)
    environment: EnvRef | None = None
    inputs: dict[str, Port] = field(default_factory=dict)
    outputs: dict[str, Port] = field(default_factory=dict)
    version: str | None = None
    path: str | None = None  # file components: the file, relative to the pipeline
    details: Settings = field(default_factory=Settings)
    # source "pipeline": the sub-pipeline file's own loaded model (its inputs and outputs
    # are this component's interface); None when it could not be read (a cycle, an error).
    pipeline: Pipeline | None = None
    spark: SparkJob | None = None  # a spark component's fields (None: not a spark component)
    parallel: Parallel | None = None  # a parallel (or prompt flow) component's fields
    node: Map | None = None  # an inline spark component's mapping: the checks walk it with the schema

    @property
    def known(self) -> bool:
        """True when the interface is known (not a registered component)."""
        return self.source != "registered"


@record
class Step:
    """A step (an Azure ML command job node).

    ``command`` is rewritten so that it only names the step's own ports; the
    placeholders keep their offsets into ``command_node``, the scalar they were
    written in (a component's command for a ``uses:`` step). An ``incomplete``
    step already has an error; references to its outputs are not reported again.
    """

    name: str
    span: Span
    command: Template | None = None
    command_node: Scalar | None = None
    code: str | None = None
    code_span: Span | None = None
    uses: Component | None = None
    uses_span: Span | None = None
    environment: EnvRef | None = None
    compute: str | None = None
    compute_span: Span | None = None
    inputs: dict[str, Port] = field(default_factory=dict)
    outputs: dict[str, Port] = field(default_factory=dict)
    after: list[tuple[str, Span]] = field(default_factory=list)
    details: Settings = field(default_factory=Settings)
    incomplete: bool = False  # its command or component could not be read: interface unknown
    # The Azure ML node type: command, pipeline, sweep, parallel, spark, automl, data_transfer
    # or import. A command step is the default; each other kind keeps its own fields in
    # its own attribute below (the kinds' work adds them), never in an untyped bag.
    kind: str = "command"
    sweep: Sweep | None = None  # kind "sweep": the search over the trial's inputs (docs/language.md, Sweeps)
    parallel: Parallel | None = None  # kind "parallel": batch inference (docs/language.md, Parallel steps)
    spark: SparkJob | None = None  # kind "spark": entry, conf, files... (docs/language.md, Spark steps)
    automl: AutoML | None = None  # kind "automl": task and settings (docs/language.md, AutoML steps)
    data_transfer: DataTransfer | None = None  # kind "data_transfer" (docs/language.md, Data transfer steps)

    def has_output(self, name: str) -> bool:
        """True when output ``name`` exists or may exist (interface unknown)."""
        return name in self.outputs or self.incomplete or (self.uses is not None and not self.uses.known)

    def ref_span(self, ref: Ref) -> Span:
        """The file span of a placeholder in this step's command (a parallel step's: in its
        ``program_arguments``)."""
        node = self.command_node
        if node is None and self.parallel is not None:
            node = self.parallel.program_arguments_node
        if node is None:
            return self.span
        return node.span_of(ref.start, ref.end)


@record
class Pipeline:
    """A loaded pipeline: the model, its diagnostics and its graph.

    Returned by :func:`azpipe.load`; never raises on a user's mistake.
    """

    path: str
    name: str = ""
    span: Span = field(default_factory=lambda: Span.point(""))
    name_span: Span | None = None  # the `name:` value, where a name problem is reported
    display_name: str | None = None
    description: str | None = None
    experiment: str | None = None
    experiment_span: Span | None = None  # the `experiment:` value, where a name problem is reported
    tags: dict[str, str] = field(default_factory=dict)
    default_compute: str | None = None
    default_compute_span: Span | None = None
    default_environment: EnvRef | None = None
    default_datastore: str | None = None
    continue_on_step_failure: bool | None = None
    force_rerun: bool | None = None
    on_init: str | None = None  # settings: the step run before all others
    on_finalize: str | None = None  # settings: the step run after all others, even on failure
    extra_settings: dict[str, Any] = field(default_factory=dict)  # settings Azure ML passes on as written
    job_name: str | None = None  # the job's own name in the workspace (unique per workspace)
    identity: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    environments: dict[str, Environment] = field(default_factory=dict)
    compute: dict[str, Compute] = field(default_factory=dict)
    data: dict[str, DataAsset] = field(default_factory=dict)
    components: dict[str, Component] = field(default_factory=dict)
    inputs: dict[str, PipelineInput] = field(default_factory=dict)
    outputs: dict[str, PipelineOutput] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    base_dir: str = "."
    source_text: str = ""
    sources: dict[str, str] = field(default_factory=dict)  # file → text, for every file diagnosed
    source_format: str = "azpipe"  # or "native": an Azure ML CLI v2 pipeline job file
    # What later stages derive from the model and keep with it (the graph layer's flow and
    # networkx graph): the model stores it without knowing what it is.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error."""
        from azpipe.diagnostics import Severity

        return all(d.severity < Severity.ERROR for d in self.diagnostics)

    def check(self) -> list[Diagnostic]:
        """The diagnostics, sorted by position."""
        return sorted(self.diagnostics, key=Diagnostic.sort_key)

    def compute_of(self, step: Step) -> str | None:
        """The compute a step runs on: its own, else the pipeline default."""
        return step.compute or self.default_compute

    def environment_of(self, step: Step) -> EnvRef | None:
        """The environment a step runs in: its own, its component's, else the default."""
        if step.environment:
            return step.environment
        if step.uses and step.uses.environment:
            return step.uses.environment
        return self.default_environment


# --------------------------------------------------------------- sweeps (issue 11 item 2)


@record
class Distribution:
    """One search-space entry: ``type`` (choice, randint, uniform, loguniform, normal, lognormal,
    quniform, qloguniform, qnormal, qlognormal) and its parameters as azure-ai-ml names them
    (``values``; ``upper``; ``min_value``/``max_value``; ``mu``/``sigma``; ``q``)."""

    type: str
    span: Span
    params: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)  # each parameter's value, for diagnostics


@record
class Sweep:
    """A step's ``sweep:`` block (a native ``type: sweep`` node): the trial is the step's command.

    ``sampling_algorithm`` is its type (``random``, ``grid``, ``bayesian``); ``sampling`` holds
    the mapping form's other fields (``seed``, ``rule``, ``logbase``) and ``sampling_form`` says
    how it was written (``string`` or ``mapping``), which both targets keep. ``early_termination``
    is its mapping with ``type`` (``bandit``, ``median_stopping``, ``truncation_selection``).
    """

    span: Span
    search_space: dict[str, Distribution] = field(default_factory=dict)
    goal: str | None = None
    primary_metric: str | None = None
    objective_span: Span | None = None
    sampling_algorithm: str | None = None
    sampling: dict[str, Any] = field(default_factory=dict)
    sampling_form: str = "string"
    sampling_span: Span | None = None
    limits: dict[str, Any] = field(default_factory=dict)
    limit_spans: dict[str, Span] = field(default_factory=dict)
    limits_span: Span | None = None
    early_termination: dict[str, Any] = field(default_factory=dict)
    early_termination_span: Span | None = None
    key_spans: dict[str, Span] = field(default_factory=dict)  # each search-space key


@record
class Parallel:
    """A parallel (batch inference) step's own settings: Azure ML's ``parallel`` node.

    The task's ``code`` and ``environment`` are the step's own (``Step.code``,
    ``Step.environment``), so path and environment checks see them; ``input_data``
    and ``append_row_to`` name the step's own input and output; ``spans`` hold
    where each setting was written (by its key as written, ``task.entry_script``...).
    """

    span: Span
    input_data: str | None = None  # the step input Azure ML splits into mini-batches
    mini_batch_size: str | None = None  # "10" (files or rows), "10kb", "100mb", "1gb" (bytes)
    entry_script: str | None = None  # relative to the task's code; defines init() and run()
    program_arguments: Template | None = None  # refers to the step's own ports only
    program_arguments_node: Scalar | None = None
    append_row_to: str | None = None  # the step output run()'s rows are appended to
    task_type: str = "run_function"
    max_concurrency_per_instance: int | None = None
    error_threshold: int | None = None
    mini_batch_error_threshold: int | None = None
    retry_settings: dict[str, Any] = field(default_factory=dict)  # max_retries, timeout
    logging_level: str | None = None
    partition_keys: list[str] | None = None
    spans: dict[str, Span] = field(default_factory=dict)
    # A prompt flow component (`flow.dag.yaml` or a flow run file): its flow definition file,
    # relative to the component file (None: a parallel component, or a parallel step's own task).
    flow: str | None = None


@record
class SparkJob:
    """What a spark step or spark component runs, as Azure ML's spark schema names it.

    ``entry`` is a file (relative to ``code``) or a class (``entry_kind``); ``conf``
    keeps Spark's own names (``spark.driver.cores``) and the values as written; the
    arguments are the owner's ``command`` (a template, so placeholders are checked as a
    command's); ``resources`` are the node's serverless ``instance_type``/``runtime_version``.
    """

    span: Span
    entry: str | None = None
    entry_kind: str = "file"  # or "class_name"
    entry_span: Span | None = None
    py_files: list[str] = field(default_factory=list)
    jars: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    archives: list[str] = field(default_factory=list)
    conf: dict[str, Any] = field(default_factory=dict)
    conf_span: Span | None = None
    resources: dict[str, Any] = field(default_factory=dict)
    resources_span: Span | None = None


@record
class AutoML:
    """An AutoML step's own settings (Azure ML's ``automl`` node; tabular, NLP and image tasks).

    Its data (``training_data``, ``validation_data``, ``test_data``) are the step's own
    inputs of those names, so references and the graph see them; ``settings`` holds the
    other fields as plain values under Azure ML's names (``primary_metric``,
    ``target_column_name``, ``limits``, ``training``, ``featurization``, ``forecasting``,
    ``training_parameters``, ``sweep``, ``search_space``...);
    ``spans`` hold where each was written.
    """

    span: Span
    task: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)


@record
class DataTransfer:
    """A data transfer step's own settings (Azure ML's ``data_transfer`` node).

    ``task`` is ``copy_data`` (the step's inputs copied to its outputs), ``import_data``
    (``source``, a database query or a file system path, into the output ``sink``) or
    ``export_data`` (the input ``source`` into ``sink``); ``source`` and ``sink`` are
    the plain mappings Azure ML takes (``type``, ``connection``, ``query``,
    ``table_name``, ``path``); ``spans`` hold where each setting was written.
    """

    span: Span
    task: str | None = None
    data_copy_mode: str | None = None
    source: dict[str, Any] = field(default_factory=dict)
    sink: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)
