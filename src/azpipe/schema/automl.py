"""AutoML: the fields of an ``automl`` node, task by task, for the language's ``automl:`` block
(:data:`AUTOML_BLOCK`) and a native ``type: automl`` node (:data:`AUTOML_NODE`).

Mirrors azure-ai-ml 1.35's ``_schema/automl/`` (the class each part mirrors is named next to
it): ``table_vertical/`` (``AutoMLClassificationSchema``, ``AutoMLRegressionSchema``,
``AutoMLForecastingSchema``), ``nlp_vertical/`` (``TextClassificationSchema``...) and
``image_vertical/`` (``ImageClassificationSchema``...), read in a pipeline by
``pipeline/automl_node.py``. Every one of them rejects an unknown key (marshmallow's
``RAISE``; tests/test_kind_block_schema.py asks azure-ai-ml), so both schemas are closed. The
keys depend on ``task`` (a ``oneOf`` discriminated by it, compared as azure-ai-ml compares it,
``camel_to_snake``). Enums are ``StringTransformedEnum`` with ``camel_to_snake``
(``x-ignore-case: camel``: `LogisticRegression` and `logistic_regression` are one value).

What needs meaning stays with :mod:`azpipe.checks.automl`: the fields each task needs (A101),
the task's primary metrics (A102), fractions and counts (A103); the fields azpipe does not carry
to Azure ML yet are described here and refused by :mod:`azpipe.readers.automl` (S108).
"""

from __future__ import annotations

from typing import Any

from azpipe.schema.azure_ml import ANY_MAP, NODE_OUTPUTS, STRING, STRING_MAP, TEXT
from azpipe.schema.node_kinds import DISTRIBUTION, EARLY_TERMINATION, SAMPLING_ALGORITHMS

_Schema = dict[str, Any]

TABULAR = ("classification", "regression", "forecasting")
NLP = ("text_classification", "text_classification_multilabel", "text_ner")
IMAGE = ("image_classification", "image_classification_multilabel", "image_object_detection",
         "image_instance_segmentation")  # fmt: skip
TASKS = (*TABULAR, *NLP, *IMAGE)

_STRING: _Schema = {"type": "string"}
_INTEGER: _Schema = {"type": "integer"}
_NUMBER: _Schema = {"type": "number"}
_BOOLEAN: _Schema = {"type": "boolean"}
_STRINGS: _Schema = {"type": "array", "items": _STRING}
_ONE_OR_MORE: _Schema = {"anyOf": [_STRING, _STRINGS]}  # UnionField([Str, List(Str)])
_ANY_MAP: _Schema = {"type": "object"}


def _d(schema: _Schema, description: str) -> _Schema:
    return {**schema, "description": description}


def _enum(values: tuple[str, ...], description: str, camel: bool = True) -> _Schema:
    """A ``StringTransformedEnum``: with ``camel_to_snake`` (``camel``) or lower-cased."""
    return _d(
        {"type": "string", "enum": list(values), "x-ignore-case": "camel" if camel else True}, description
    )


def _auto_or_integer(description: str) -> _Schema:
    """``UnionField([StringTransformedEnum(auto), fields.Int()])``: `auto` (any case) or an integer."""
    return _d(
        {
            "type": ["integer", "string"],
            "pattern": r"^([aA][uU][tT][oO]|\s*[+-]?[0-9]+\s*)$",
            "x-pattern-hint": "`auto` or a whole number",
        },
        description,
    )


def _closed(properties: dict[str, _Schema], description: str) -> _Schema:
    """A mapping with exactly ``properties`` (marshmallow's ``RAISE``), none of them left empty
    (its fields have no ``allow_none``: "Field may not be null")."""
    found = {"type": "object", "properties": properties, "additionalProperties": False, "x-no-null": True}
    return _d(found, description)


# ----------------------------------------------------------------------------- enums
# azure-ai-ml's enums (arm_ml_service.models, constants/_job/automl.py), as camel_to_snake gives them.
LOG_VERBOSITY = ("not_set", "debug", "info", "warning", "error", "critical")
_COMMON_MODELS = ("gradient_boosting", "decision_tree", "knn", "sgd", "random_forest", "extreme_random_trees",
                  "light_gbm")  # fmt: skip
MODELS = {
    "classification": ("logistic_regression", "multinomial_naive_bayes", "bernoulli_naive_bayes", "svm",
                       "linear_svm", *_COMMON_MODELS, "xg_boost_classifier"),
    "regression": ("elastic_net", "lasso_lars", *_COMMON_MODELS, "xg_boost_regressor"),
    "forecasting": ("auto_arima", "prophet", "naive", "seasonal_naive", "average", "seasonal_average",
                    "exponential_smoothing", "arimax", "tcn_forecaster", "elastic_net", "lasso_lars",
                    *_COMMON_MODELS, "xg_boost_regressor"),
}  # fmt: skip
TRAINING_MODES = ("auto", "distributed", "non_distributed")
FEATURIZATION_MODES = ("auto", "off", "custom")
BLOCKED_TRANSFORMERS = ("text_target_encoder", "one_hot_encoder", "cat_target_encoder", "tf_idf",
                        "wo_e_target_encoder", "label_encoder", "word_embedding", "naive_bayes",
                        "count_vectorizer", "hash_one_hot_encoder")  # fmt: skip
SHORT_SERIES = ("none", "auto", "pad", "drop")
AGGREGATES = ("none", "sum", "max", "min", "mean")
FEATURE_LAGS = ("none", "auto")
USE_STL = ("none", "season", "season_trend")
IMAGE_SCHEDULERS = ("none", "warmup_cosine", "step")
NLP_SCHEDULERS = ("none", "linear", "cosine", "cosine_with_restarts", "polynomial", "constant",
                  "constant_with_warmup")  # fmt: skip
OPTIMIZERS = ("none", "sgd", "adam", "adamw")
MODEL_SIZES = ("none", "small", "medium", "large", "extra_large")
VALIDATION_METRICS = ("none", "coco", "voc", "coco_voc")

# ----------------------------------------------------------------------------- tabular
_REFUSED = "azpipe does not carry it to Azure ML yet (S108)."
# table_vertical/table_vertical_limit_settings.py: AutoMLTableLimitsSchema.
_TABLE_LIMITS = _closed(
    {
        "enable_early_termination": _d(_BOOLEAN, "Stop when the score stops improving."),
        "exit_score": _d(_NUMBER, "Stop at this score."),
        "max_concurrent_trials": _d(_INTEGER, "The most trials at once."),
        "max_cores_per_trial": _d(_INTEGER, "The most cores one trial uses (-1: all)."),
        "max_nodes": _d(_INTEGER, "The most nodes the job uses."),
        "max_trials": _d(_INTEGER, "The most trials (models) tried."),
        "timeout_minutes": _d(_INTEGER, "The most minutes the whole job runs."),
        "trial_timeout_minutes": _d(_INTEGER, "The most minutes one trial runs."),
    },
    "Trials, concurrency and time limits.",
)


def _training(task: str) -> _Schema:
    """training_settings.py: ClassificationTrainingSettingsSchema, RegressionTrainingSettingsSchema,
    ForecastingTrainingSettingsSchema."""
    models = _d(
        {"type": "array", "items": _enum(MODELS[task], "A model.")},
        f"Models of {task}, as Azure ML names them.",
    )
    return _closed(
        {
            "enable_onnx_compatible_models": _d(_BOOLEAN, "Only models that export to ONNX."),
            "enable_dnn_training": _d(_BOOLEAN, "Also try deep neural networks."),
            "enable_model_explainability": _d(_BOOLEAN, "Explain the best model."),
            "enable_stack_ensemble": _d(_BOOLEAN, "Try a stack ensemble."),
            "enable_vote_ensemble": _d(_BOOLEAN, "Try a voting ensemble."),
            # TrainingSettingsSchema reads it under this name (data_key); the builders' keyword has no `_minutes`.
            "ensemble_model_download_timeout_minutes": _d(
                _INTEGER, "Minutes to download models for the ensembles."
            ),
            "allowed_training_algorithms": {**models, "description": "The only models tried."},
            "blocked_training_algorithms": {**models, "description": "Models never tried."},
            "training_mode": _enum(TRAINING_MODES, "`auto`, `distributed` or `non_distributed`."),
            "stack_ensemble_settings": _d(_ANY_MAP, f"The stack ensemble's settings: {_REFUSED}"),
        },
        "Training settings: algorithms allowed and blocked, ensembles...",
    )


# featurization_settings.py: TableFeaturizationSettingsSchema and NlpFeaturizationSettingsSchema.
_TABLE_FEATURIZATION = _closed(
    {
        "mode": _enum(
            FEATURIZATION_MODES, "`auto`, `off` (quote it: YAML reads off as false) or `custom`.", False
        ),
        "blocked_transformers": _d(
            {"type": "array", "items": _enum(BLOCKED_TRANSFORMERS, "A transformer.")},
            "Transformers never used.",
        ),
        "column_name_and_types": _d(
            {"type": "object", "additionalProperties": _STRING}, "Column name to its feature type."
        ),
        "dataset_language": _d(_STRING, "The language of the text columns (ISO 639-3)."),
        "enable_dnn_featurization": _d(_BOOLEAN, "Use deep-learning featurizers."),
        "transformer_params": _d(_ANY_MAP, f"Transformer settings: {_REFUSED}"),
    },
    "Featurization settings.",
)
_NLP_FEATURIZATION = _closed(
    {"dataset_language": _d(_STRING, "The language of the text (ISO 639-3).")}, "Featurization settings."
)
# forecasting_settings.py: ForecastingSettingsSchema.
_FORECASTING = _closed(
    {
        "time_column_name": _d(_STRING, "The column of the dates."),
        "forecast_horizon": _auto_or_integer("How many periods to forecast (or `auto`)."),
        "time_series_id_column_names": _d(_ONE_OR_MORE, "The columns that tell series apart."),
        "target_lags": _d(
            {"anyOf": [_auto_or_integer("`auto` or a lag."), {"type": "array", "items": _INTEGER}]},
            "Lags of the target (`auto`, a number or a list).",
        ),
        "feature_lags": _enum(FEATURE_LAGS, "`none` or `auto`.", False),
        "target_rolling_window_size": _auto_or_integer("The rolling window (or `auto`)."),
        "country_or_region_for_holidays": _d(_STRING, "The holidays' country or region."),
        "use_stl": _enum(USE_STL, "`none`, `season` or `season_trend`.", False),
        "seasonality": _auto_or_integer("The seasonality (or `auto`)."),
        "short_series_handling_config": _enum(SHORT_SERIES, "`none`, `auto`, `pad` or `drop`.", False),
        "frequency": _d(_STRING, "The frequency of the series (`D`, `W`...)."),
        "target_aggregate_function": _enum(AGGREGATES, "`none`, `sum`, `max`, `min` or `mean`.", False),
        "cv_step_size": _d(_INTEGER, "Periods between two cross-validation folds."),
        "features_unknown_at_forecast_time": _d(_ONE_OR_MORE, "Columns not known when forecasting."),
    },
    "Forecasting settings (`time_column_name`, `forecast_horizon`...).",
)
# table_vertical/table_vertical.py: AutoMLTableVerticalSchema (with automl_vertical.py).
_TABLE_FIELDS: dict[str, _Schema] = {
    "primary_metric": _d(_STRING, "The metric AutoML optimises (A102: the task's)."),
    "target_column_name": _d(_STRING, "The column to predict."),
    "validation_data_size": _d(_NUMBER, "The share of the training data held out for validation."),
    "test_data_size": _d(_NUMBER, "The share of the training data held out for testing."),
    "n_cross_validations": _auto_or_integer("Cross-validation folds (or `auto`)."),
    "cv_split_column_names": _d(_STRINGS, "Columns that hold custom cross-validation splits."),
    "weight_column_name": _d(_STRING, "The column of sample weights."),
    "log_verbosity": _enum(LOG_VERBOSITY, "How much AutoML logs (`info`...)."),
    "limits": _TABLE_LIMITS,
    "featurization": _TABLE_FEATURIZATION,
}

# ----------------------------------------------------------------------------- NLP
# nlp_vertical/nlp_vertical_limit_settings.py: NlpLimitsSchema.
_NLP_LIMITS = _closed(
    {key: _TABLE_LIMITS["properties"][key] for key in
     ("max_concurrent_trials", "max_trials", "max_nodes", "timeout_minutes", "trial_timeout_minutes")},
    "Trials, concurrency and time limits.",
)  # fmt: skip
# nlp_vertical/nlp_fixed_parameters.py: NlpFixedParametersSchema.
NLP_PARAMETERS: dict[str, _Schema] = {
    "gradient_accumulation_steps": _d(_INTEGER, "Steps whose gradients are summed."),
    "learning_rate": _d(_NUMBER, "The initial learning rate."),
    "learning_rate_scheduler": _enum(NLP_SCHEDULERS, "The learning rate scheduler."),
    "model_name": _d(_STRING, "The model (`bert-base-cased`...)."),
    "number_of_epochs": _d(_INTEGER, "Training epochs."),
    "training_batch_size": _d(_INTEGER, "The training batch size."),
    "validation_batch_size": _d(_INTEGER, "The validation batch size."),
    "warmup_ratio": _d(_NUMBER, "The share of steps that warm up."),
    "weight_decay": _d(_NUMBER, "The weight decay."),
}

# ----------------------------------------------------------------------------- images
# image_vertical/image_limit_settings.py: ImageLimitsSchema.
_IMAGE_LIMITS = _closed(
    {
        key: _TABLE_LIMITS["properties"][key]
        for key in ("max_concurrent_trials", "max_trials", "timeout_minutes")
    },
    "Trials, concurrency and time limits.",
)
# image_vertical/image_model_settings.py: ImageModelSettingsSchema (the settings both kinds share).
_IMAGE_COMMON: dict[str, _Schema] = {
    "ams_gradient": _d(_BOOLEAN, "AMSGrad (with `adam` or `adamw`)."),
    "beta1": _d(_NUMBER, "Adam's beta1."),
    "beta2": _d(_NUMBER, "Adam's beta2."),
    "distributed": _d(_BOOLEAN, "Train on several GPUs."),
    "early_stopping": _d(_BOOLEAN, "Stop when the metric stops improving."),
    "early_stopping_delay": _d(_INTEGER, "Epochs before early stopping may start."),
    "early_stopping_patience": _d(_INTEGER, "Epochs without improvement before stopping."),
    "evaluation_frequency": _d(_INTEGER, "Evaluate every this many epochs."),
    "enable_onnx_normalization": _d(_BOOLEAN, "Normalise when exporting to ONNX."),
    "gradient_accumulation_step": _d(_INTEGER, "Steps whose gradients are summed."),
    "layers_to_freeze": _d(_INTEGER, "Layers frozen."),
    "learning_rate": _d(_NUMBER, "The initial learning rate."),
    "learning_rate_scheduler": _enum(IMAGE_SCHEDULERS, "`none`, `warmup_cosine` or `step`."),
    "model_name": _d(_STRING, "The model (`yolov5`, `vitb16r224`...)."),
    "momentum": _d(_NUMBER, "SGD's momentum."),
    "nesterov": _d(_BOOLEAN, "Nesterov momentum (with `sgd`)."),
    "number_of_epochs": _d(_INTEGER, "Training epochs."),
    "number_of_workers": _d(_INTEGER, "Data loader workers."),
    "optimizer": _enum(OPTIMIZERS, "`sgd`, `adam` or `adamw`."),
    "random_seed": _d(_INTEGER, "The random seed."),
    "step_lr_gamma": _d(_NUMBER, "The step scheduler's gamma."),
    "step_lr_step_size": _d(_INTEGER, "The step scheduler's step size."),
    "training_batch_size": _d(_INTEGER, "The training batch size."),
    "validation_batch_size": _d(_INTEGER, "The validation batch size."),
    "warmup_cosine_lr_cycles": _d(_NUMBER, "The cosine scheduler's cycles."),
    "warmup_cosine_lr_warmup_epochs": _d(_INTEGER, "The cosine scheduler's warm-up epochs."),
    "weight_decay": _d(_NUMBER, "The weight decay."),
}
# ImageModelSettingsClassificationSchema.
_IMAGE_CLASSIFICATION: dict[str, _Schema] = {
    "training_crop_size": _d(_INTEGER, "The crop size of training images."),
    "validation_crop_size": _d(_INTEGER, "The crop size of validation images."),
    "validation_resize_size": _d(_INTEGER, "The size validation images are resized to."),
    "weighted_loss": _d(_INTEGER, "0: none, 1: sqrt(class weights), 2: class weights."),
}
# ImageModelSettingsObjectDetectionSchema (detection and segmentation).
_IMAGE_DETECTION: dict[str, _Schema] = {
    "box_detections_per_image": _d(_INTEGER, "The most detections per image."),
    "box_score_threshold": _d(_NUMBER, "The least score of a box kept."),
    "image_size": _d(_INTEGER, "The image size (yolov5)."),
    "max_size": _d(_INTEGER, "The largest image size."),
    "min_size": _d(_INTEGER, "The smallest image size."),
    "model_size": _enum(MODEL_SIZES, "`small`, `medium`, `large` or `extra_large` (yolov5)."),
    "multi_scale": _d(_BOOLEAN, "Vary the image size (yolov5)."),
    "nms_iou_threshold": _d(_NUMBER, "The non-maximum suppression IoU threshold."),
    "tile_grid_size": _d(_STRING, "The tile grid (`3x2`)."),
    "tile_overlap_ratio": _d(_NUMBER, "How much tiles overlap."),
    "tile_predictions_nms_threshold": _d(_NUMBER, "The IoU threshold to merge tiles' predictions."),
    "validation_iou_threshold": _d(_NUMBER, "The IoU threshold of validation."),
    "validation_metric_type": _enum(VALIDATION_METRICS, "`none`, `coco`, `voc` or `coco_voc`."),
}
_IMAGE_FIXED_ONLY: dict[str, _Schema] = {
    "advanced_settings": _d(_STRING, "Advanced settings (JSON text)."),
    "checkpoint_frequency": _d(_INTEGER, "Save a checkpoint every this many epochs."),
    "checkpoint_run_id": _d(_STRING, "The run whose checkpoint training starts from."),
}
_DETECTION_LOGS: dict[str, _Schema] = {
    "log_training_metrics": _d(_STRING, "`enable` or `disable`: log training metrics."),
    "log_validation_loss": _d(_STRING, "`enable` or `disable`: log the validation loss."),
}


def training_parameters(task: str) -> dict[str, _Schema]:
    """The ``training_parameters`` of an NLP or image ``task`` (``NlpFixedParametersSchema``,
    ``ImageModelSettings*Schema``; azpipe carries the detection logs of object detection only)."""
    if task in NLP:
        return NLP_PARAMETERS
    own = _IMAGE_CLASSIFICATION if "classification" in task else _IMAGE_DETECTION
    logs = _DETECTION_LOGS if task == "image_object_detection" else {}
    return {**_IMAGE_COMMON, **_IMAGE_FIXED_ONLY, **own, **logs}


def searched_names(task: str) -> tuple[str, ...]:
    """The names a ``search_space`` entry of ``task`` may sweep (``NlpParameterSubspaceSchema``,
    ``ImageModelDistributionSettings*Schema``: ``augmentations`` instead of the settings'
    ``advanced_settings`` and ``checkpoint_*``)."""
    if task in NLP:
        return tuple(NLP_PARAMETERS)
    own = _IMAGE_CLASSIFICATION if "classification" in task else _IMAGE_DETECTION
    return (*_IMAGE_COMMON, "augmentations", *own)


def _search_space(task: str) -> _Schema:
    entry = _closed(
        {name: DISTRIBUTION for name in searched_names(task)}, "Names swept, each a distribution."
    )
    return _d(
        {"type": "array", "items": entry}, "A list of mappings of sweep distributions (`{type: choice...}`)."
    )


# image_vertical/image_sweep_settings.py, nlp_vertical/nlp_sweep_settings.py: a sampling algorithm
# by name (azpipe carries no other form) and an early termination policy, as a sweep's.
_SWEEP = _closed(
    {
        "sampling_algorithm": _enum(SAMPLING_ALGORITHMS, "`random`, `grid` or `bayesian`.", False),
        "early_termination": EARLY_TERMINATION,
    },
    "The model sweep: `sampling_algorithm` and `early_termination`.",
)
_MLTABLE_MODES = ("download", "ro_mount", "eval_mount", "eval_download", "direct")
# job/input_output_entry.py: MLTableInputSchema (a data field written as a mapping).
_DATA: _Schema = {
    "anyOf": [
        _d(_STRING, "A `${{ }}` reference or a path."),
        {
            **_closed(
                {
                    "type": _enum(("mltable",), "`mltable`.", False),
                    "path": _d(_STRING, "A `${{ }}` reference or a path."),
                    "mode": _enum(_MLTABLE_MODES, "How the table reaches the job.", False),
                },
                "An mltable input: `path` and its `mode`.",
            ),
            "required": ["path"],
        },
    ]
}
DATA = ("training_data", "validation_data", "test_data")


def _data(description: str) -> _Schema:
    return _d(_DATA, description)


_COMMON: dict[str, _Schema] = {
    "training_data": _data("The training table (an `mltable`)."),
    "validation_data": _data("The validation table."),
}
_IMAGE_NOT_CARRIED = {
    "test_data": _data(f"The test table: {_REFUSED}"),
    "test_data_size": _d(_NUMBER, f"The share held out for testing: {_REFUSED}"),
}


def task_properties(task: str) -> dict[str, _Schema]:
    """The fields an automl node of ``task`` takes besides ``task`` (its azure-ai-ml schema's): made
    once per task, so the walker's caches (by schema) and the reader share them."""
    return _PROPERTIES[task]


def _properties(task: str) -> dict[str, _Schema]:
    if task in TABULAR:
        found = {
            **_COMMON,
            "test_data": _data("The test table."),
            **_TABLE_FIELDS,
            "training": _training(task),
        }
        if task == "classification":
            found["positive_label"] = _d(_STRING, "The positive class.")
        if task == "forecasting":
            found["forecasting"] = _FORECASTING
        return found
    vertical = {
        **_COMMON,
        "primary_metric": _TABLE_FIELDS["primary_metric"],
        "target_column_name": _TABLE_FIELDS["target_column_name"],
        "log_verbosity": _TABLE_FIELDS["log_verbosity"],
        "training_parameters": _closed(training_parameters(task), "Fixed hyperparameters."),
        "search_space": _search_space(task),
        "sweep": _SWEEP if task in IMAGE else _d(_SWEEP, f"The model sweep: {_REFUSED}"),
    }
    if task in NLP:
        return {**vertical, "limits": _NLP_LIMITS, "featurization": _NLP_FEATURIZATION}
    return {**vertical, "validation_data_size": _TABLE_FIELDS["validation_data_size"], "limits": _IMAGE_LIMITS,
            **_IMAGE_NOT_CARRIED}  # fmt: skip


_PROPERTIES = {task: _properties(task) for task in TASKS}
_TASK = _d(
    {"type": "string", "enum": list(TASKS), "x-ignore-case": "camel"},
    "`classification`, `regression`, `forecasting`, an NLP (`text_classification`, "
    "`text_classification_multilabel`, `text_ner`) or an image task (`image_classification`...).",
)
# The keys of the language's block, for editors and the docs (each task takes some of them).
_DESCRIBED: dict[str, _Schema] = {
    "task": _TASK,
    "training_data": _data("The training table (an `mltable` input)."),
    "validation_data": _data("The validation table."),
    "test_data": _data("The test table (tabular tasks)."),
    "primary_metric": _TABLE_FIELDS["primary_metric"],
    "target_column_name": _TABLE_FIELDS["target_column_name"],
    "validation_data_size": _TABLE_FIELDS["validation_data_size"],
    "test_data_size": _TABLE_FIELDS["test_data_size"],
    "n_cross_validations": _TABLE_FIELDS["n_cross_validations"],
    "cv_split_column_names": _TABLE_FIELDS["cv_split_column_names"],
    "weight_column_name": _TABLE_FIELDS["weight_column_name"],
    "log_verbosity": _TABLE_FIELDS["log_verbosity"],
    "limits": _d(_ANY_MAP, "Trials, concurrency and time limits (`max_trials`, `timeout_minutes`...)."),
    "training": _d(
        _ANY_MAP, "Training settings of a tabular task (allowed and blocked algorithms, ensembles...)."
    ),
    "featurization": _d(
        _ANY_MAP, "Featurization settings (`mode`, `blocked_transformers`, `dataset_language`...)."
    ),
    "forecasting": _d(_ANY_MAP, "Forecasting settings (`time_column_name`, `forecast_horizon`...)."),
    "positive_label": _d(_STRING, "Classification: the positive class."),
    "training_parameters": _d(_ANY_MAP, "NLP and image tasks: fixed hyperparameters (`learning_rate`...)."),
    "sweep": _d(_ANY_MAP, "Image tasks: `sampling_algorithm` and `early_termination` of the model sweep."),
    "search_space": _d(
        {"type": "array", "items": _ANY_MAP},
        "NLP and image tasks: a list of mappings of sweep distributions.",
    ),
}
# Fields of the node azpipe does not carry yet: described, so that they are refused as such (S108).
NOT_CARRIED: dict[str, _Schema] = {
    key: {"description": f"The job's `{key}`: {_REFUSED}"}
    for key in (
        "environment_id",
        "environment_variables",
        "identity",
        "queue_settings",
        "resources",
        "services",
    )
}


def _task(task: str, extra: dict[str, _Schema]) -> _Schema:
    return _closed({"task": _TASK, **task_properties(task), **extra}, f"`{task}`.") | {"x-when": [task]}


AUTOML_BLOCK: _Schema = _d(
    {
        "type": "object",
        "properties": _DESCRIBED,
        "oneOf": [_task(task, NOT_CARRIED) for task in TASKS],
        "discriminator": {"propertyName": "task"},
        "x-ignore-case": "camel",
    },
    "Automated ML: a tabular, NLP or image task (an automl node).",
)
# pipeline/automl_node.py: AutoMLClassificationNodeSchema... (AutoMLNodeMixin with job/base_job.py's
# BaseJobSchema and automl_job.py's AutoMLJobSchema): a pipeline job's `type: automl` node, the
# task's fields beside the node's own; a `${{ }}` binding may stand for any of them but `task`.
_NODE_OUTPUT: _Schema = {"anyOf": [{"type": "null"}, *NODE_OUTPUTS["additionalProperties"]["anyOf"]]}
_NODE: dict[str, _Schema] = {
    "type": _d(_STRING, "`automl`."),
    "compute": _d(_STRING, "The compute the node runs on."),
    "outputs": _d({"type": "object", "additionalProperties": _NODE_OUTPUT}, "`best_model`: the best model."),
    "name": _d(TEXT, "The node's name (its key)."),
    "display_name": _d(TEXT, "The name shown in the studio."),
    "description": _d(TEXT, "What the node does."),
    "tags": _d(ANY_MAP, "Tags."),
    "properties": _d(STRING_MAP, "Properties."),
    "experiment_name": _d(TEXT, "Ignored: a pipeline's nodes run in its experiment."),
    "comment": _d(STRING, "A comment."),
    **NOT_CARRIED,
}
AUTOML_NODE: _Schema = {
    "type": "object",
    "x-when": ["automl"],
    "oneOf": [_task(task, _NODE) for task in TASKS],
    "discriminator": {"propertyName": "task"},
    "x-ignore-case": "camel",
    "x-bindings": True,
}
