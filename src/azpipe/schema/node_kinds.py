"""The node-kind blocks of a step (``sweep:``, ``parallel:``, ``spark:``, ``automl:``,
``data_transfer:``): their keys, for editors, completion and the docs' tables.

:mod:`azpipe.schema.language` puts them under a step (``STEP_PROPERTIES``); the
readers (``azpipe.readers.sweep``...) take their key lists from them.
"""

from __future__ import annotations

from typing import Any

_Schema = dict[str, Any]


def _d(schema: _Schema, description: str) -> _Schema:
    """``schema`` with a one-line ``description``."""
    return {**schema, "description": description}


def _described(properties: dict[str, _Schema], description: str) -> _Schema:
    """A node-kind block: its keys described for editors and completion, left to its reader to check
    (``x-reader``: the walker does not look inside, so nothing is reported twice)."""
    return _d({"type": "object", "properties": properties, "x-reader": True}, description)


def _any(description: str) -> _Schema:
    """A value its reader checks (any shape here)."""
    return {"description": description}


def _block(properties: dict[str, str], description: str) -> _Schema:
    """A mapping of the keys ``properties`` names (key → description), any values."""
    return _d({"type": "object", "properties": {k: _any(v) for k, v in properties.items()}}, description)


_POLICY_KEYS = {
    "type": "`bandit`, `median_stopping` or `truncation_selection`.",
    "slack_factor": "bandit: the slack allowed, as a ratio of the best run so far.",
    "slack_amount": "bandit: the slack allowed, as an absolute difference.",
    "evaluation_interval": "How often (in logged intervals) the policy is applied.",
    "delay_evaluation": "Intervals to wait before the first evaluation.",
    "truncation_percentage": "truncation_selection: the percentage of lowest runs cancelled (1-99).",
}
SWEEP_BLOCK: _Schema = _described(
    {
        "search_space": _d(
            {"type": "object"},
            "Input name to distribution: `{type: choice, values: [...]}`, "
            "`{type: uniform, min_value, max_value}`... (each an input of the trial).",
        ),
        "objective": _block(
            {
                "goal": "`maximize` or `minimize`.",
                "primary_metric": "The metric each trial logs with MLflow.",
            },
            "What the sweep optimises: `goal` and `primary_metric`.",
        ),
        "sampling_algorithm": _any(
            "`random`, `grid` or `bayesian`, or `{type, seed, rule, logbase}` "
            "(random sampling only takes the others)."
        ),
        "limits": _block(
            {
                "max_total_trials": "The most trials (required).",
                "max_concurrent_trials": "The most trials at once.",
                "timeout": "The most seconds the whole sweep runs.",
                "trial_timeout": "The most seconds one trial runs.",
            },
            "How many trials, and for how long.",
        ),
        "early_termination": _block(
            _POLICY_KEYS, "When to stop poor trials early: a policy and its settings."
        ),
    },
    "Tune the step's inputs (a sweep node): the step's command is the trial.",
)
_PARALLEL_TASK_KEYS = {
    "type": "`run_function` (the default), `function` or `model`.",
    "code": "The folder that holds the entry script.",
    "entry_script": "A Python file in `code` defining `init()` and `run(mini_batch)`.",
    "program_arguments": "Arguments for the entry script, a template over the step's ports.",
    "environment": "The task's environment (or the step's `environment:`).",
    "append_row_to": "`${{outputs.NAME}}`: the output `run()`'s rows are appended to.",
}
PARALLEL_BLOCK: _Schema = _described(
    {
        "input_data": _any("`${{inputs.NAME}}`: the step input split into mini-batches."),
        "mini_batch_size": _any("Files per mini-batch, or a size (`10kb`, `100mb`, `1gb`)."),
        "task": _block(_PARALLEL_TASK_KEYS, "What each worker runs: the entry script and its code."),
        "max_concurrency_per_instance": _any("Worker processes per node, at least 1."),
        "error_threshold": _any("Failed items tolerated (-1: any)."),
        "mini_batch_error_threshold": _any("Failed mini-batches tolerated (-1: any)."),
        "retry_settings": _block(
            {
                "max_retries": "Tries of a failed or timed-out mini-batch.",
                "timeout": "Seconds per `run()` call.",
            },
            "Retries of a failed mini-batch.",
        ),
        "logging_level": _any("`DEBUG`, `INFO` or `WARNING`."),
        "partition_keys": _any("mltable only: one mini-batch per value of these columns."),
    },
    "Batch inference over mini-batches (a parallel node); on a step that `uses:` a parallel "
    "component or a prompt flow, only the node's overrides of its settings (`{}` for a registered one).",
)
SPARK_BLOCK: _Schema = _described(
    {
        "entry": _any("The Python file Spark runs, in the step's `code` (or `{file: ...}`)."),
        "py_files": _any("Python files put on the PYTHONPATH, in `code`."),
        "jars": _any("Jar files on the classpath, in `code`."),
        "files": _any("Files put in each executor's working folder, in `code`."),
        "archives": _any("Archives extracted in each executor's working folder, in `code`."),
        "conf": _any("Spark properties (`spark.driver.cores`, `spark.executor.instances`...)."),
        "args": _any("The entry's arguments, a template over the step's ports."),
        "resources": _block(
            {
                "instance_type": "The serverless Spark node size (`standard_e4s_v3`...).",
                "runtime_version": "The Spark runtime (`3.4`).",
            },
            "Serverless Spark: node size and runtime (or `compute:` for an attached pool).",
        ),
    },
    "Run on Spark (a spark node).",
)
AUTOML_BLOCK: _Schema = _described(
    {
        "task": _any(
            "`classification`, `regression`, `forecasting`, an NLP (`text_classification`, "
            "`text_classification_multilabel`, `text_ner`) or an image task (`image_classification`...)."
        ),
        "training_data": _any("The training table (an `mltable` input)."),
        "validation_data": _any("The validation table."),
        "test_data": _any("The test table (tabular tasks)."),
        "primary_metric": _any("The metric AutoML optimises."),
        "target_column_name": _any("The column to predict."),
        "validation_data_size": _any("The share of the training data held out for validation."),
        "test_data_size": _any("The share of the training data held out for testing."),
        "n_cross_validations": _any("Cross-validation folds (or `auto`)."),
        "cv_split_column_names": _any("Columns that hold custom cross-validation splits."),
        "weight_column_name": _any("The column of sample weights."),
        "log_verbosity": _any("How much AutoML logs."),
        "limits": _any("Trials, concurrency and time limits (`max_trials`, `timeout_minutes`...)."),
        "training": _any(
            "Training settings of a tabular task (allowed and blocked algorithms, ensembles...)."
        ),
        "featurization": _any(
            "Featurization settings (`mode`, `blocked_transformers`, `dataset_language`...)."
        ),
        "forecasting": _any("Forecasting settings (`time_column_name`, `forecast_horizon`...)."),
        "positive_label": _any("Classification: the positive class."),
        "training_parameters": _any("NLP and image tasks: fixed hyperparameters (`learning_rate`...)."),
        "sweep": _any("Image tasks: `sampling_algorithm` and `early_termination` of the model sweep."),
        "search_space": _any("NLP and image tasks: a list of mappings of sweep distributions."),
    },
    "Automated ML: a tabular, NLP or image task (an automl node).",
)
_ENDPOINT_KEYS = {
    "type": "`database` or `file_system`.",
    "connection": "The workspace connection (`azureml:NAME`).",
    "query": "database: the SQL query that reads the data.",
    "table_name": "database: the table.",
    "stored_procedure": "database: a stored procedure to call.",
    "stored_procedure_params": "database: the stored procedure's parameters.",
    "path": "file_system: the path or URI.",
}
DATA_TRANSFER_BLOCK: _Schema = _described(
    {
        "task": _any("`copy_data`, `import_data` or `export_data`."),
        "data_copy_mode": _any("copy_data: `merge_with_overwrite` or `fail_if_conflict`."),
        "source": _block(_ENDPOINT_KEYS, "import_data: where the data comes from."),
        "sink": _block(_ENDPOINT_KEYS, "export_data: the database it goes to."),
    },
    "Copy data between stores (a data transfer node).",
)
