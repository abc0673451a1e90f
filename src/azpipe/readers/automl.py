"""AutoML steps: native ``type: automl`` nodes and the language's ``automl:`` block.

Both hold the same fields, under Azure ML's names (azure-ai-ml 1.35's
``AutoMLClassificationSchema``, ``AutoMLRegressionSchema``, ``AutoMLForecastingSchema``):
the task, its data (``training_data``, ``validation_data``, ``test_data``: read as the
step's inputs, so references and the graph see them), and the plain settings. The NLP
tasks (``NlpVerticalSchema``: ``text_classification``, ``text_classification_multilabel``,
``text_ner``) and the image tasks (``ImageVerticalSchema``: ``image_classification``,
``image_classification_multilabel``, ``image_object_detection``,
``image_instance_segmentation``) add ``training_parameters``, ``sweep`` (a sampling
algorithm by name and an early termination policy, read as a sweep step's) and
``search_space`` (a list of mappings of distributions, read as a sweep's search space).
Fields azpipe does not carry to Azure ML yet are refused (S108).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from azpipe.expr.ast import RefKind
from azpipe.model import AutoML, Port, Step
from azpipe.readers.bindings import read_binding
from azpipe.readers.ports import read_output
from azpipe.readers.reader import Reader
from azpipe.source.nodes import Map, Node, Scalar, Seq, plain
from azpipe.suggest import did_you_mean

if TYPE_CHECKING:
    from azpipe.readers.native import _JobReader
    from azpipe.readers.steps import StepReader

TABULAR = ("classification", "regression", "forecasting")
NLP = ("text_classification", "text_classification_multilabel", "text_ner")
IMAGE = ("image_classification", "image_classification_multilabel", "image_object_detection",
         "image_instance_segmentation")  # fmt: skip
TASKS = (*TABULAR, *NLP, *IMAGE)
_IMAGE_COMMON = (
    "ams_gradient", "beta1", "beta2", "distributed", "early_stopping", "early_stopping_delay",
    "early_stopping_patience", "evaluation_frequency", "enable_onnx_normalization", "gradient_accumulation_step",
    "layers_to_freeze", "learning_rate", "learning_rate_scheduler", "model_name", "momentum", "nesterov",
    "number_of_epochs", "number_of_workers", "optimizer", "random_seed", "step_lr_gamma", "step_lr_step_size",
    "training_batch_size", "validation_batch_size", "warmup_cosine_lr_cycles", "warmup_cosine_lr_warmup_epochs",
    "weight_decay",
)  # fmt: skip
_IMAGE_CLASSIFICATION = (
    "training_crop_size",
    "validation_crop_size",
    "validation_resize_size",
    "weighted_loss",
)
_IMAGE_DETECTION = (
    "box_detections_per_image", "box_score_threshold", "image_size", "max_size", "min_size", "model_size",
    "multi_scale", "nms_iou_threshold", "tile_grid_size", "tile_overlap_ratio", "tile_predictions_nms_threshold",
    "validation_iou_threshold", "validation_metric_type",
)  # fmt: skip
_NLP_PARAMETERS = (
    "gradient_accumulation_steps", "learning_rate", "learning_rate_scheduler", "model_name", "number_of_epochs",
    "training_batch_size", "validation_batch_size", "warmup_ratio", "weight_decay",
)  # fmt: skip


def _image_parameters(task: str, search: bool) -> tuple[str, ...]:
    """An image task's ``training_parameters`` (``ImageModelSettings*Schema``) or search space
    names (``ImageModelDistributionSettings*Schema``: ``augmentations`` instead of the settings'
    ``advanced_settings``, ``checkpoint_*``; object detection's logging flags are fixed only)."""
    own = _IMAGE_CLASSIFICATION if "classification" in task else _IMAGE_DETECTION
    if search:
        return (*_IMAGE_COMMON, "augmentations", *own)
    fixed = ("advanced_settings", "checkpoint_frequency", "checkpoint_run_id")
    logs = ("log_training_metrics", "log_validation_loss") if task == "image_object_detection" else ()
    return (*_IMAGE_COMMON, *fixed, *own, *logs)


def searched_names(task: str) -> tuple[str, ...]:
    """The names a ``search_space`` entry of ``task`` may sweep."""
    return _NLP_PARAMETERS if task in NLP else _image_parameters(task, search=True)


def vertical_groups(task: str) -> dict[str, tuple[str, ...]]:
    """The plain-mapping groups of an NLP or image ``task`` and their keys."""
    if task in NLP:
        limits = (
            "max_concurrent_trials",
            "max_trials",
            "max_nodes",
            "timeout_minutes",
            "trial_timeout_minutes",
        )
        return {
            "limits": limits,
            "training_parameters": _NLP_PARAMETERS,
            "featurization": ("dataset_language",),
        }
    return {
        "limits": ("max_concurrent_trials", "max_trials", "timeout_minutes"),
        "training_parameters": _image_parameters(task, search=False),
    }


VERTICAL_SCALARS = {"nlp": ("primary_metric", "target_column_name", "log_verbosity"),
                    "image": ("primary_metric", "target_column_name", "log_verbosity", "validation_data_size")}  # fmt: skip
VERTICAL_NOT_CARRIED = {
    "image": ("test_data", "test_data_size"),  # azure-ai-ml's builders take neither
    "nlp": ("sweep",),  # azure-ai-ml 1.35 cannot dump an NLP job's sweep: its own validation fails on it
}
DATA = ("training_data", "validation_data", "test_data")
SCALARS = (
    "primary_metric", "target_column_name", "validation_data_size", "test_data_size", "n_cross_validations",
    "cv_split_column_names", "weight_column_name", "log_verbosity",
)  # fmt: skip
GROUPS: dict[str, tuple[str, ...]] = {
    "limits": (
        "enable_early_termination", "exit_score", "max_concurrent_trials", "max_cores_per_trial", "max_nodes",
        "max_trials", "timeout_minutes", "trial_timeout_minutes",
    ),
    "training": (
        "enable_onnx_compatible_models", "enable_dnn_training", "enable_model_explainability",
        "enable_stack_ensemble", "enable_vote_ensemble", "ensemble_model_download_timeout",
        "allowed_training_algorithms", "blocked_training_algorithms", "training_mode",
    ),
    "featurization": ("mode", "blocked_transformers", "column_name_and_types", "dataset_language",
                      "enable_dnn_featurization"),
    "forecasting": (
        "time_column_name", "forecast_horizon", "time_series_id_column_names", "target_lags", "feature_lags",
        "target_rolling_window_size", "country_or_region_for_holidays", "use_stl", "seasonality",
        "short_series_handling_config", "frequency", "target_aggregate_function", "cv_step_size",
        "features_unknown_at_forecast_time",
    ),
}  # fmt: skip
NOT_CARRIED_IN_GROUPS = {"training": ("stack_ensemble_settings",), "featurization": ("transformer_params",)}
TASK_KEYS = {"classification": ("positive_label",), "regression": (), "forecasting": ("forecasting",)}
# What the node itself takes besides the task's fields, and what azpipe refuses until it carries it.
NODE_KEYS = ("type", "task", "compute", "outputs", "display_name", "description", "tags", "properties", "name",
             "experiment_name", "comment")  # fmt: skip
NOT_CARRIED = (
    "environment_id",
    "environment_variables",
    "identity",
    "queue_settings",
    "resources",
    "services",
)
BLOCK_KEYS = (
    "task",
    *DATA,
    *SCALARS,
    *GROUPS,
    "positive_label",
    "training_parameters",
    "sweep",
    "search_space",
)  # the language's `automl:` block


def task_keys(task: str | None) -> tuple[str, ...]:
    """The keys an AutoML node of ``task`` takes."""
    if task in NLP or task in IMAGE:
        assert task is not None
        scalars = VERTICAL_SCALARS["nlp" if task in NLP else "image"]
        sweep = ("sweep",) if task in IMAGE else ()  # NLP: refused (VERTICAL_NOT_CARRIED)
        return ("training_data", "validation_data", *scalars, *vertical_groups(task), *sweep, "search_space")
    groups = tuple(group for group in GROUPS if group != "forecasting")
    return (*DATA, *SCALARS, *groups, *TASK_KEYS.get(task or "", ()))


def read_automl(
    reader: Reader, step: Step, mapping: Map, where: str, bindable: Collection[RefKind], native: bool
) -> None:
    """The AutoML fields of ``mapping`` (a native node, or a step's ``automl:`` block) into ``step``."""
    step.kind = "automl"
    automl = step.automl = AutoML(mapping.span)
    task_node = mapping.get("task")
    automl.task = reader.string(task_node, f"`task` of {where}")
    if task_node is None:
        reader.report("S103", mapping.span, f"{where} needs `task`", "one of: " + ", ".join(TASKS))
        step.incomplete = True
        return
    if automl.task not in TASKS:
        reader.choice(task_node, f"`task` of {where}", TASKS)
        step.incomplete = True
        return
    allowed = task_keys(automl.task)
    vertical = "image" if automl.task in IMAGE else "nlp" if automl.task in NLP else ""
    refused = (*NOT_CARRIED, *VERTICAL_NOT_CARRIED.get(vertical, ()))
    reader.mapping(mapping, where, (*allowed, *(NODE_KEYS if native else ("task",)), *refused))
    for key in refused:
        found = mapping.key_node(key)
        if found is not None:
            reader.report("S108", found.span, f"azpipe does not carry `{key}` of {where} to Azure ML yet",
                          "remove it, or submit this file with `az ml job create`")  # fmt: skip
    for entry in mapping:
        key = entry.key.value
        if not isinstance(key, str) or key not in allowed:
            continue
        automl.spans[key] = entry.value.span
        if key in DATA:
            _data(reader, step, key, entry.key, entry.value, f"`{key}` of {where}", bindable)
        elif key == "sweep":
            automl.settings[key] = _sweep(reader, entry.value, f"`sweep` of {where}")
        elif key == "search_space":
            automl.settings[key] = _search_space(
                reader, automl.task, entry.value, f"`search_space` of {where}"
            )
        elif key in GROUPS or key in vertical_groups_of(automl.task):
            keys = vertical_groups_of(automl.task).get(key) or GROUPS[key]
            automl.settings[key] = _group(reader, key, keys, entry.value, f"`{key}` of {where}")
        else:
            value = _plain(reader, entry.value, f"`{key}` of {where}")
            if value is not None:
                automl.settings[key] = value


def _data(
    reader: Reader,
    step: Step,
    key: str,
    key_node: Scalar,
    node: Node,
    where: str,
    bindable: Collection[RefKind],
) -> None:
    """A data field: a step input of that name, bound as written (a reference or a path)."""
    port = Port(key, key_node.span, type="mltable")
    if isinstance(node, Map):
        reader.mapping(node, where, ("type", "path", "mode"))
        value = node.get("path")
        if value is None:
            reader.report("S103", node.span, f"{where} needs `path`")
            return
        port.mode = reader.string(node.get("mode"), f"`mode` of {where}")
        node = value
    port.binding = read_binding(reader, node, where, bindable)
    step.inputs[key] = port


def vertical_groups_of(task: str | None) -> dict[str, tuple[str, ...]]:
    """:func:`vertical_groups` of an NLP or image task; nothing for a tabular one."""
    return vertical_groups(task) if task in NLP or task in IMAGE else {}  # type: ignore[arg-type]


def _sweep(reader: Reader, node: Node, where: str) -> dict[str, Any]:
    """``sweep``: ``sampling_algorithm`` by name, and ``early_termination`` read as a sweep step's."""
    from azpipe.model import Sweep
    from azpipe.readers.sweep import _early_termination
    from azpipe.readers.walked import unwalked
    from azpipe.schema.node_kinds import SAMPLING_ALGORITHMS

    found: dict[str, Any] = {}
    mapping = reader.mapping(node, where, ("sampling_algorithm", "early_termination"))
    if mapping is None:
        return found
    algorithm = mapping.get("sampling_algorithm")
    if algorithm is not None:
        value = reader.choice(algorithm, f"`sampling_algorithm` of {where}", SAMPLING_ALGORITHMS)
        if value is not None:
            found["sampling_algorithm"] = value
    policy = Sweep(mapping.span)
    with unwalked(reader):  # the automl block is its reader's to check
        _early_termination(reader, policy, mapping.get("early_termination"), where)
    if policy.early_termination:
        found["early_termination"] = policy.early_termination
    return found


def _search_space(reader: Reader, task: str | None, node: Node, where: str) -> list[dict[str, Any]]:
    """``search_space``: a list of mappings, each name a distribution (read as a sweep's)."""
    from azpipe.readers.sweep import _distribution
    from azpipe.readers.walked import unwalked

    found: list[dict[str, Any]] = []
    if not isinstance(node, Seq):
        reader.wrong_shape(node, where, "list of mappings")
        return found
    for item in node.items:
        space: dict[str, Any] = {}
        names = searched_names(task or "")
        for name, key, value in reader.named(item, f"an entry of {where}"):
            if name not in names:
                reader.report("S101", key.span, f"`{name}` is not a setting {where} can sweep",
                              did_you_mean(name, names) or "one of: " + ", ".join(names))  # fmt: skip
                continue
            with unwalked(reader):  # the automl block is its reader's to check
                distribution = _distribution(reader, value, f"`{name}` of {where}")
            if distribution is not None and distribution.type:
                space[name] = {"type": distribution.type, **distribution.params}
        found.append(space)
    return found


def _group(reader: Reader, key: str, keys: tuple[str, ...], node: Node, where: str) -> dict[str, Any]:
    mapping = reader.mapping(node, where, (*keys, *NOT_CARRIED_IN_GROUPS.get(key, ())))
    found: dict[str, Any] = {}
    if mapping is None:
        return found
    for entry in mapping:
        name = entry.key.value
        if name in NOT_CARRIED_IN_GROUPS.get(key, ()):
            reader.report("S108", entry.key.span, f"azpipe does not carry `{key}.{name}` to Azure ML yet",
                          "remove it, or submit this file with `az ml job create`")  # fmt: skip
            continue
        if isinstance(name, str) and name in keys:
            value = _plain(reader, entry.value, f"`{name}` of {where}")
            if value is not None:
                found[name] = value
    return found


def _plain(reader: Reader, node: Node, where: str) -> Any:
    """A scalar, a list of scalars, or a mapping of scalars (``column_name_and_types``)."""
    if isinstance(node, Scalar):
        if node.value is None:
            reader.wrong_shape(node, where, "value")
            return None
        return node.value
    if isinstance(node, Seq) and all(isinstance(item, Scalar) for item in node.items):
        return plain(node)
    if isinstance(node, Map) and all(isinstance(entry.value, Scalar) for entry in node):
        return plain(node)
    reader.wrong_shape(node, where, "value, list or mapping of values")
    return None


def read_automl_outputs(reader: Reader, step: Step, node: Node | None, where: str) -> None:
    """The outputs an AutoML step exposes (``best_model``: an ``mlflow_model``)."""
    for name, key, value in reader.named(node, f"outputs of {where}"):
        if isinstance(value, Scalar) and value.value is None:
            step.outputs[name] = Port(name, key.span, type="mlflow_model")
            continue
        port = read_output(reader, name, key, value, f"output `{name}` of {where}")
        port.type = port.type or "mlflow_model"
        step.outputs[name] = port


LANGUAGE_STEP_KEYS = ("automl", "compute", "outputs", "after", "display_name", "description", "tags", "properties",
                      "comment")  # fmt: skip
DETAIL_NAMES = ("display_name", "description", "tags", "properties", "comment")


def read_native_automl(jobs: _JobReader, step: Step, mapping: Map, where: str) -> None:
    """A native ``type: automl`` node."""
    from azpipe.readers.native import JOB_BINDINGS

    read_automl(jobs.reader, step, mapping, where, JOB_BINDINGS, native=True)
    if step.automl is None or step.automl.task not in TASKS:
        return
    jobs._ignored_and_refused(step.name, mapping, where)
    _node_settings(jobs.reader, step, mapping, where)
    jobs._outputs(step, mapping.get("outputs"), where, None)


def read_automl_step(steps: StepReader, step: Step, mapping: Map, where: str) -> None:
    """A step of the azpipe language with an ``automl:`` block."""
    from azpipe.readers.steps import BINDABLE

    reader = steps.reader
    reader.mapping(mapping, where, LANGUAGE_STEP_KEYS)
    block = reader.mapping(mapping.get("automl"), f"`automl` of {where}", BLOCK_KEYS)
    if block is None:
        step.kind, step.incomplete = "automl", True
        return
    read_automl(reader, step, block, f"`automl` of {where}", BINDABLE, native=False)
    _node_settings(reader, step, mapping, where)
    read_automl_outputs(reader, step, mapping.get("outputs"), where)


def _node_settings(reader: Reader, step: Step, mapping: Map, where: str) -> None:
    """The node's compute, names, tags, properties and comment (its other keys are the task's)."""
    from azpipe.readers.details import read_details
    from azpipe.readers.entities import read_compute_ref
    from azpipe.readers.spark import without

    compute = mapping.get("compute")
    step.compute = read_compute_ref(reader, compute, f"`compute` of {where}")
    step.compute_span = compute.span if compute else None
    others = tuple(entry.key.value for entry in mapping if entry.key.value not in DETAIL_NAMES)
    step.details = read_details(reader, without(mapping, others), where)
