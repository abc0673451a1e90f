"""AutoML steps (A101–A103), as azure-ai-ml 1.35 reads an AutoML node.

A101: the fields every task needs (``target_column_name`` but for ``text_ner``,
``training_data``; the NLP tasks also ``validation_data``, which their builders require).
A102: ``primary_metric`` among the task's (``ClassificationPrimaryMetrics``,
``RegressionPrimaryMetrics``, ``ForecastingPrimaryMetrics``,
``ClassificationMultilabelPrimaryMetrics`` for images, ``accuracy`` alone for the
multilabel text and NER tasks, ``mean_average_precision`` for detection and
segmentation; compared without case, as azure-ai-ml does). A103: ``validation_data_size`` and ``test_data_size`` between
0 and 1, and a limit that is a count at least 1.
"""

from __future__ import annotations

from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic
from azpipe.model import Pipeline, Step
from azpipe.rules import rule
from azpipe.suggest import did_you_mean

METRICS = {
    "classification": ("accuracy", "AUC_weighted", "norm_macro_recall", "average_precision_score_weighted",
                       "precision_score_weighted"),
    "regression": ("spearman_correlation", "normalized_root_mean_squared_error", "r2_score",
                   "normalized_mean_absolute_error"),
    "forecasting": ("spearman_correlation", "normalized_root_mean_squared_error", "r2_score",
                    "normalized_mean_absolute_error"),
    "text_classification": ("accuracy", "AUC_weighted", "norm_macro_recall", "average_precision_score_weighted",
                            "precision_score_weighted"),
    "text_classification_multilabel": ("accuracy",),
    "text_ner": ("accuracy",),
    "image_classification": ("accuracy", "AUC_weighted", "norm_macro_recall", "average_precision_score_weighted",
                             "precision_score_weighted"),
    "image_classification_multilabel": ("iou", "accuracy", "AUC_weighted", "norm_macro_recall",
                                        "average_precision_score_weighted", "precision_score_weighted"),
    "image_object_detection": ("mean_average_precision",),
    "image_instance_segmentation": ("mean_average_precision",),
}  # fmt: skip
REQUIRED = ("target_column_name", "training_data")
REQUIRED_BY_TASK = {
    "text_classification": (*REQUIRED, "validation_data"),
    "text_classification_multilabel": (*REQUIRED, "validation_data"),
    "text_ner": ("training_data", "validation_data"),
}
FRACTIONS = ("validation_data_size", "test_data_size")
COUNTS = ("max_trials", "max_concurrent_trials", "max_cores_per_trial", "max_nodes", "timeout_minutes",
          "trial_timeout_minutes")  # fmt: skip


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check every AutoML step."""
    for step in pipeline.steps.values():
        automl = step.automl
        if automl is None or automl.task not in METRICS or step.incomplete:
            continue
        yield from _required(step)
        yield from _metric(step)
        yield from _ranges(step)


def _required(step: Step) -> Iterator[Diagnostic]:
    assert step.automl is not None
    given = set(step.automl.settings) | set(step.inputs)
    required = REQUIRED_BY_TASK.get(step.automl.task or "", REQUIRED)
    missing = [key for key in required if key not in given]
    if missing:
        hint = (
            f"an AutoML {step.automl.task} job learns `target_column_name` from `training_data` (an mltable)"
        )
        if "validation_data" in required:
            hint = f"azure-ai-ml's `automl.{step.automl.task}()` needs `training_data` and `validation_data` (mltables)"
        yield rule("A101").at(
            step.automl.span,
            f"AutoML step `{step.name}` needs " + " and ".join(f"`{key}`" for key in missing),
            hint,
        )


def _metric(step: Step) -> Iterator[Diagnostic]:
    assert step.automl is not None and step.automl.task is not None
    metric = step.automl.settings.get("primary_metric")
    if metric is None:
        return
    allowed = METRICS[step.automl.task]
    if str(metric).lower() not in {name.lower() for name in allowed}:
        span = step.automl.spans.get("primary_metric", step.automl.span)
        hint = did_you_mean(str(metric), allowed) or "one of: " + ", ".join(allowed)
        yield rule("A102").at(span, f"`{metric}` is not a primary metric of AutoML {step.automl.task}", hint)


def _ranges(step: Step) -> Iterator[Diagnostic]:
    assert step.automl is not None
    settings = step.automl.settings
    for key in FRACTIONS:
        value = settings.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1
        ):
            span = step.automl.spans.get(key, step.automl.span)
            yield rule("A103").at(
                span, f"`{key}` of AutoML step `{step.name}` must be between 0 and 1 (exclusive)"
            )
    limits = settings.get("limits") or {}
    for key in COUNTS:
        value = limits.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            span = step.automl.spans.get(f"limits.{key}", step.automl.span)
            yield rule("A103").at(
                span, f"`limits.{key}` of AutoML step `{step.name}` must be a whole number, at least 1"
            )
