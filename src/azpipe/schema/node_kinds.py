"""The node-kind blocks of a step (``sweep:``, ``parallel:``, ``spark:``, ``data_transfer:``;
``automl:`` is :mod:`azpipe.schema.automl`'s): their keys, and what each value may be.

:mod:`azpipe.schema.language` puts them under a step (``STEP_PROPERTIES``). ``sweep``,
``parallel``, ``spark`` and ``data_transfer`` are closed, typed schemas the walker
(:mod:`azpipe.checks.values`) checks: unknown keys (S101, a warning where azure-ai-ml
ignores the key in the node the block compiles to), shapes (S102), types (V001), enums
(V002, ``oneOf`` + ``discriminator`` where the keys depend on a ``type``), ranges (V003),
required keys (S103). Their readers (``azpipe.readers.sweep``...) take their key lists and
enums from here and read the checked blocks (:mod:`azpipe.readers.walked`), reporting
only what needs meaning.
"""

from __future__ import annotations

from typing import Any

from azpipe.schema.environments import ENVIRONMENT_USE
from azpipe.schema.spark_component import ENTRY

_Schema = dict[str, Any]


_STRING: _Schema = {"type": "string"}
_NUMBER: _Schema = {"type": "number"}
_INTEGER: _Schema = {"type": "integer"}


def _d(schema: _Schema, description: str) -> _Schema:
    """``schema`` with a one-line ``description``."""
    return {**schema, "description": description}


def _closed(
    properties: dict[str, _Schema],
    description: str,
    required: tuple[str, ...] = (),
    when: str | None = None,
    nullable: bool = False,
) -> _Schema:
    """A mapping with exactly ``properties`` (any other key is S101), none of them left empty
    unless ``nullable`` (marshmallow's fields without ``allow_none``); with ``when``, the
    alternative of a ``oneOf`` for that value of its discriminator (its ``type``)."""
    found: _Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    # An empty required key is S103 ("needs a value"); x-no-null would add a V001 at its value.
    optional = set(properties) - set(required) - ({"type"} if when is not None else set())
    if not nullable and optional:
        found["x-no-null"] = True
    if required:
        found["required"] = list(required)
    if when is not None:
        found["x-when"] = [when]
    return _d(found, description)


# ----------------------------------------------------------------------------- sweep
# azure-ai-ml 1.35's _schema/_sweep/ (search spaces, objective, sampling, early termination) and
# job/job_limits.py (SweepJobLimitsSchema): every one of them rejects an unknown key (RAISE).
#
# The same fields sit at the top of a native `type: sweep` node (pipeline_job.SWEEP_NODE), read by
# the same schemas with these differences (NATIVE_SWEEP_FIELDS; tests/test_native_sweep_schema.py
# asks load_job(...)._validate() for each):
# - BaseNodeSchema lets a `${{ }}` binding stand for any single value of them but a `type`
#   (support_data_binding_expression_for_fields skips `type` at every depth) and for a whole
#   search-space entry, never for a field, a `choice`'s `values` list or the sampling algorithm's
#   name: `x-bindings` on those values. The reader refuses each binding (W106: azpipe does not carry
#   one yet), a search-space entry's too (the walker's S102 there is then not repeated);
# - kinds are read in any case: a distribution's `type` and the algorithm's name lower-cased
#   (StringTransformedEnum), the goal, a policy's `type` and a sampling mapping's `type` and `rule`
#   through camel_to_snake (`MedianStopping`, not `Median_Stopping`);
# - an empty search-space entry is refused ("Field may not be null"), not only unreadable.

# Each distribution's parameters, as azure-ai-ml's search-space schemas name them (all required).
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "choice": ("values",),
    "randint": ("upper",),
    "uniform": ("min_value", "max_value"),
    "loguniform": ("min_value", "max_value"),
    "quniform": ("min_value", "max_value", "q"),
    "qloguniform": ("min_value", "max_value", "q"),
    "normal": ("mu", "sigma"),
    "lognormal": ("mu", "sigma"),
    "qnormal": ("mu", "sigma", "q"),
    "qlognormal": ("mu", "sigma", "q"),
}
_PARAMETERS: dict[str, _Schema] = {
    "values": _d({"type": "array"}, "The values to choose from (a non-empty list)."),
    "upper": _d({"type": "integer"}, "Samples 0 to `upper - 1`."),
    "min_value": _d(_NUMBER, "The smallest value."),
    "max_value": _d(_NUMBER, "The largest value (greater than `min_value`)."),
    "mu": _d(_NUMBER, "The mean of the normal distribution."),
    "sigma": _d(_NUMBER, "The standard deviation (greater than 0)."),
    "q": _d(_NUMBER, "The step values are rounded to (greater than 0)."),
}
# A sweep's ChoiceSchema takes integers, strings, numbers or nested search spaces (which azpipe
# refuses, W106): a boolean is refused, in a native node and in the YAML a `sweep:` block compiles to
# (a boolean input takes `"true"` and `"false"`); an AutoML search space's choices (DISTRIBUTION)
# take booleans for its boolean settings. In a native node each value may be a binding, not the list.
_CHOICE_VALUE: _Schema = {"type": ["string", "number", "object"]}
_SWEEP_VALUES: _Schema = _d(
    {"type": "array", "items": _CHOICE_VALUE},
    "The values to choose from (a non-empty list of strings or numbers).",
)
_NATIVE_VALUES: _Schema = {**_SWEEP_VALUES, "items": {**_CHOICE_VALUE, "x-bindings": True}}


def _bound(schema: _Schema, native: bool) -> _Schema:
    """``schema``, whose value may be a ``${{ }}`` binding in a native node (``native``)."""
    return {**schema, "x-bindings": True} if native else schema


def _distribution(values: _Schema, native: bool = False) -> _Schema:
    """A search-space entry whose choices are ``values``: AutoML's, a sweep's, or a native node's
    (``native``)."""

    def parameter(name: str) -> _Schema:
        return values if name == "values" else _bound(_PARAMETERS[name], native)

    found: _Schema = {
        "type": "object",
        "oneOf": [
            _closed(
                {"type": _d(_STRING, "The distribution."), **{p: parameter(p) for p in parameters}},
                f"`{kind}`: {', '.join(parameters)}.",
                required=parameters,
                when=kind,
            )
            for kind, parameters in DISTRIBUTIONS.items()
        ],
        "discriminator": {"propertyName": "type"},
    }
    if native:
        found["x-ignore-case"] = True
    return _d(found, "A distribution: `type` (`choice`, `uniform`, `randint`...) and its parameters.")


DISTRIBUTION: _Schema = _distribution(_PARAMETERS["values"])  # an AutoML search space's
SWEEP_DISTRIBUTION: _Schema = _distribution(_SWEEP_VALUES)
NATIVE_DISTRIBUTION: _Schema = _distribution(_NATIVE_VALUES, native=True)
SAMPLING_ALGORITHMS = ("random", "grid", "bayesian")
RANDOM_RULES = ("random", "sobol")
GOALS = ("maximize", "minimize")
# The early termination policies and their settings.
POLICIES: dict[str, tuple[str, ...]] = {
    "bandit": ("slack_factor", "slack_amount", "evaluation_interval", "delay_evaluation"),
    "median_stopping": ("evaluation_interval", "delay_evaluation"),
    "truncation_selection": ("truncation_percentage", "evaluation_interval", "delay_evaluation"),
}
_POLICY_SETTINGS: dict[str, _Schema] = {
    "slack_factor": _d(
        {**_NUMBER, "minimum": 0}, "bandit: the slack allowed, as a ratio of the best run so far."
    ),
    "slack_amount": _d({**_NUMBER, "minimum": 0}, "bandit: the slack allowed, as an absolute difference."),
    "evaluation_interval": _d(
        {"type": "integer", "minimum": 0}, "How often (in logged intervals) the policy is applied."
    ),
    "delay_evaluation": _d(
        {"type": "integer", "minimum": 0}, "Intervals to wait before the first evaluation."
    ),
    "truncation_percentage": _d(
        {"type": "integer", "minimum": 1, "maximum": 99},
        "truncation_selection: the percentage of lowest runs cancelled (1-99).",
    ),
}
_POLICY_TYPE = _d(_STRING, "`bandit`, `median_stopping` or `truncation_selection`.")


def _early_termination(native: bool) -> _Schema:
    """The early termination policy: the language's, or a native node's (``native``)."""
    found: _Schema = {
        "type": "object",
        "oneOf": [
            _closed(
                {"type": _POLICY_TYPE, **{key: _bound(_POLICY_SETTINGS[key], native) for key in keys}},
                f"`{kind}`: {', '.join(keys)}.",
                required=("truncation_percentage",) if kind == "truncation_selection" else (),
                when=kind,
                nullable=True,  # EarlyTerminationPolicySchema: allow_none=True
            )
            for kind, keys in POLICIES.items()
        ],
        "discriminator": {"propertyName": "type"},
    }
    if native:
        found["x-ignore-case"] = "camel"
    return _d(found, "When to stop poor trials early: a policy and its settings.")


EARLY_TERMINATION: _Schema = _early_termination(False)


def _enum(values: tuple[str, ...], description: str, fold: bool | str = True) -> _Schema:
    """A string among ``values``, compared as ``fold`` says (``x-ignore-case``)."""
    return _d({"type": "string", "enum": list(values), "x-ignore-case": fold}, description)


_ALGORITHM: _Schema = _enum(SAMPLING_ALGORITHMS, "`random`, `grid` or `bayesian`.")


def _sampling(native: bool) -> _Schema:
    """The sampling algorithm, by name or as a mapping: the language's, or a native node's."""
    camel = "camel" if native else True
    return _d(
        {
            "anyOf": [
                _ALGORITHM,
                # One mapping for the three: a random-only key on another is the reader's (S105).
                _closed(
                    {
                        "type": _enum(SAMPLING_ALGORITHMS, "`random`, `grid` or `bayesian`.", camel),
                        "seed": _bound(_d({"type": "integer"}, "random: the seed of the sampler."), native),
                        "rule": _bound(_enum(RANDOM_RULES, "random: `random` or `sobol`.", camel), native),
                        "logbase": _bound(
                            _d({"type": ["number", "string"]}, "random: the log base (a number or `e`)."),
                            native,
                        ),
                    },
                    "The algorithm with its settings (random sampling only takes the others).",
                    required=("type",),
                ),
            ]
        },
        "`random`, `grid` or `bayesian`, or `{type, seed, rule, logbase}` (random sampling only takes "
        "the others).",
    )


SAMPLING: _Schema = _sampling(False)
_TRIALS: _Schema = {"type": "integer", "minimum": 1}
_SECONDS: _Schema = {"type": "integer", "minimum": 1, "x-unit": "seconds"}


def _sweep_fields(native: bool) -> dict[str, _Schema]:
    """A sweep's own fields: the language's ``sweep:`` block, or a native sweep node's top."""
    search_space: _Schema = {
        "type": "object",
        "additionalProperties": NATIVE_DISTRIBUTION if native else SWEEP_DISTRIBUTION,
    }
    if native:
        search_space["x-no-null"] = True  # SearchSpaceField: no entry may be left empty
    return {
        "search_space": _d(
            search_space,
            "Input name to distribution: `{type: choice, values: [...]}`, "
            "`{type: uniform, min_value, max_value}`... (each an input of the trial).",
        ),
        "objective": _closed(
            {
                "goal": _bound(
                    _enum(GOALS, "`maximize` or `minimize`.", "camel" if native else True), native
                ),
                "primary_metric": _bound(_d(_STRING, "The metric each trial logs with MLflow."), native),
            },
            "What the sweep optimises: `goal` and `primary_metric`.",
            required=("goal", "primary_metric"),
        ),
        "sampling_algorithm": _sampling(native),
        "limits": _closed(
            {
                "max_total_trials": _bound(_d(_TRIALS, "The most trials (required)."), native),
                "max_concurrent_trials": _bound(_d(_TRIALS, "The most trials at once."), native),
                "timeout": _bound(_d(_SECONDS, "The most seconds the whole sweep runs."), native),
                "trial_timeout": _bound(_d(_SECONDS, "The most seconds one trial runs."), native),
            },
            "How many trials, and for how long.",
            required=("max_total_trials",),
        ),
        "early_termination": _early_termination(native),
    }


SWEEP_BLOCK: _Schema = _closed(
    _sweep_fields(False),
    "Tune the step's inputs (a sweep node): the step's command is the trial.",
    required=("objective", "limits"),
)
# A native sweep node's own fields (pipeline_job.SWEEP_NODE puts them beside its trial and settings).
NATIVE_SWEEP_FIELDS: dict[str, _Schema] = _sweep_fields(True)
# ----------------------------------------------------------------------------- parallel
# The block compiles to a parallel node with its task inline (azure-ai-ml 1.35's ParallelSchema with
# job/parameterized_parallel.py): its `task` (ComponentParallelTaskSchema) and `retry_settings`
# (RetrySettingsSchema) are read with unknown=INCLUDE, so an unknown key there is ignored (a
# warning); the block is the language's own, so an unknown key in it is an error. Whether
# `input_data` and `task` are needed depends on `uses:` (the reader says). The ranges are
# azpipe.checks.parallel's (L106), for a parallel component's settings too; a plain integer
# schema also keeps the walker on its fast path.
LOGGING_LEVELS = ("DEBUG", "INFO", "WARNING")
# azure-ai-ml's ComponentParallelTaskSchema takes all three (lower-cased) and sends the type on.
TASK_TYPES = ("run_function", "function", "model")
_TEXT: _Schema = {"type": ["string", "number", "integer"]}  # read as text (Reader.string)
_STRINGS: _Schema = {"anyOf": [_STRING, {"type": "array", "items": _STRING}]}
PARALLEL_TASK: _Schema = {
    **_closed(
        {
            "type": _d(
                {"type": "string", "enum": list(TASK_TYPES), "x-ignore-case": True},
                "`run_function` (the default), `function` or `model`.",
            ),
            "code": _d(_STRING, "The folder that holds the entry script."),
            "entry_script": _d(_STRING, "A Python file in `code` defining `init()` and `run(mini_batch)`."),
            "program_arguments": _d(
                _STRING, "Arguments for the entry script, a template over the step's ports."
            ),
            "environment": _d(ENVIRONMENT_USE, "The task's environment (or the step's `environment:`)."),
            "append_row_to": _d(_STRING, "`${{outputs.NAME}}`: the output `run()`'s rows are appended to."),
        },
        "What each worker runs: the entry script and its code.",
        required=("entry_script",),
    ),
    "x-unknown": "warning",
}
PARALLEL_BLOCK: _Schema = _closed(
    {
        "input_data": _d(_STRING, "`${{inputs.NAME}}`: the step input split into mini-batches."),
        "mini_batch_size": _d(_TEXT, "Files per mini-batch, or a size (`10kb`, `100mb`, `1gb`)."),
        "task": PARALLEL_TASK,
        "max_concurrency_per_instance": _d(_INTEGER, "Worker processes per node, at least 1."),
        "error_threshold": _d(_INTEGER, "Failed items tolerated (-1: any)."),
        "mini_batch_error_threshold": _d(_INTEGER, "Failed mini-batches tolerated (-1: any)."),
        "retry_settings": {
            **_closed(
                {
                    "max_retries": _d(_INTEGER, "Tries of a failed or timed-out mini-batch, at least 1."),
                    "timeout": _d({**_INTEGER, "x-unit": "seconds"}, "Seconds per `run()` call, at least 1."),
                },
                "Retries of a failed mini-batch.",
            ),
            "x-unknown": "warning",
        },
        "logging_level": _d(
            {"type": "string", "enum": list(LOGGING_LEVELS)}, "`DEBUG`, `INFO` or `WARNING`."
        ),
        "partition_keys": _d(_STRINGS, "mltable only: one mini-batch per value of these columns."),
    },
    "Batch inference over mini-batches (a parallel node); on a step that `uses:` a parallel "
    "component or a prompt flow, only the node's overrides of its settings (`{}` for a registered one).",
)
# ----------------------------------------------------------------------------- spark
# The block compiles to a spark node (azure-ai-ml 1.35's SparkSchema with job/parameterized_spark.py):
# `entry` (SparkEntryFileSchema/SparkEntryClassSchema) and `resources`
# (SparkResourceConfigurationForNodeSchema) reject an unknown key; `conf` is any mapping. With
# `uses:` only `resources` applies (the reader says, S105); which instance types serverless Spark
# takes, and that it needs both settings, is azpipe.checks.spark's (K107, with K104).
SPARK_BLOCK: _Schema = _closed(
    {
        "entry": _d(
            {"anyOf": [_d(_STRING, "The Python file, in `code`."), ENTRY]},
            "The Python file Spark runs, in the step's `code` (or `{file: ...}`).",
        ),
        "py_files": _d(_STRINGS, "Python files put on the PYTHONPATH, in `code`."),
        "jars": _d(_STRINGS, "Jar files on the classpath, in `code`."),
        "files": _d(_STRINGS, "Files put in each executor's working folder, in `code`."),
        "archives": _d(_STRINGS, "Archives extracted in each executor's working folder, in `code`."),
        "conf": _d(
            {
                "type": "object",
                "additionalProperties": _d(
                    {"type": ["string", "number", "integer", "boolean"]}, "A Spark property's value."
                ),
                "x-no-null": True,
            },
            "Spark properties (`spark.driver.cores`, `spark.executor.instances`...).",
        ),
        "args": _d(_STRING, "The entry's arguments, a template over the step's ports."),
        "resources": _closed(
            {
                "instance_type": _d(_STRING, "The serverless Spark node size (`standard_e4s_v3`...)."),
                "runtime_version": _d({"type": ["string", "number"]}, "The Spark runtime (`3.4`)."),
            },
            "Serverless Spark: node size and runtime (or `compute:` for an attached pool).",
        ),
    },
    "Run on Spark (a spark node).",
)
# ----------------------------------------------------------------------------- data transfer
# The block compiles to a data transfer node (azure-ai-ml 1.35's DataTransferCopySchema,
# DataTransferImportSchema, DataTransferExportSchema; StringTransformedEnum lower-cases `task`,
# `data_copy_mode` and an endpoint's `type`). Its `source` and `sink` are a DatabaseSchema or a
# FileSystemSchema (job/input_output_entry.py), which reject an unknown key. Which keys each task
# takes, and what each endpoint needs, is azpipe.checks.data_transfer's (D101-D103).
TASKS = ("copy_data", "import_data", "export_data")
COPY_MODES = ("merge_with_overwrite", "fail_if_conflict")
ENDPOINT_TYPES = ("database", "file_system")
_ENDPOINT_TYPE = _d(_STRING, "`database` (the default) or `file_system`.")
_CONNECTION = _d(_STRING, "The workspace connection (`azureml:NAME`).")
_DATABASE: _Schema = _closed(
    {
        "type": _ENDPOINT_TYPE,
        "connection": _CONNECTION,
        "query": _d(_STRING, "database: the SQL query that reads the data."),
        "table_name": _d(_STRING, "database: the table."),
        "stored_procedure": _d(_STRING, "database: a stored procedure to call."),
        "stored_procedure_params": _d(
            {"type": "array", "items": {"type": "object"}}, "database: the stored procedure's parameters."
        ),
    },
    "A database: its `connection` and a `query`, `table_name` or `stored_procedure`.",
    when="database",
)
_FILE_SYSTEM: _Schema = _closed(
    {
        "type": _ENDPOINT_TYPE,
        "connection": _CONNECTION,
        "path": _d(_STRING, "file_system: the path or URI."),
    },
    "A file system: its `connection` and `path`.",
    when="file_system",
)


def _endpoint(description: str) -> _Schema:
    return _d(
        {
            "type": "object",
            "oneOf": [_DATABASE, _FILE_SYSTEM],
            "discriminator": {"propertyName": "type", "x-default": "database"},
            "x-ignore-case": True,
        },
        description,
    )


DATA_TRANSFER_BLOCK: _Schema = _closed(
    {
        "task": _d(
            {"type": "string", "enum": list(TASKS), "x-ignore-case": True},
            "`copy_data`, `import_data` or `export_data`.",
        ),
        "data_copy_mode": _d(
            {"type": "string", "enum": list(COPY_MODES), "x-ignore-case": True},
            "copy_data: `merge_with_overwrite` or `fail_if_conflict`.",
        ),
        "source": _endpoint("import_data: where the data comes from."),
        "sink": _endpoint("export_data: the database it goes to."),
    },
    "Copy data between stores (a data transfer node).",
    required=("task",),
)
