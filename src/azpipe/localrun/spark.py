"""A spark step run on this machine: ``spark-submit --master local[*]`` from its code folder.

The command is the step's entry, files and ``conf`` as ``spark-submit`` options,
every word shell-quoted, followed by the step's ``args`` template, whose
placeholders are rendered like any command's (values kept out of the shell text).
Spark then reads and writes the same local paths a command step would: inputs
from their local copies, outputs into the step's output folders.
"""

from __future__ import annotations

import shlex
from dataclasses import replace
from typing import Any

from azpipe.expr.ast import Template, Text
from azpipe.model import SparkJob, Step

SPARK_SUBMIT = "spark-submit"
MASTER = "local[*]"
LIST_OPTIONS = (
    ("py_files", "--py-files"),
    ("jars", "--jars"),
    ("files", "--files"),
    ("archives", "--archives"),
)


def spark_of(step: Step) -> SparkJob | None:
    """What the step runs: its own spark job, or its spark component's."""
    if step.uses is not None:
        return step.uses.spark
    return step.spark


def local_problem(step: Step) -> str | None:
    """Why ``spark-submit`` cannot run this step here (it is there), or ``None``."""
    spark = spark_of(step)
    if spark is None:
        return "its spark component is registered in the workspace; azpipe cannot read it offline"
    if spark.entry is None:
        return "it has no entry"
    if spark.entry_kind == "class_name":
        return "Azure ML runs only an entry file, not a class"
    return None


def submit_words(spark: SparkJob) -> list[str]:
    """``spark-submit`` and its options, before the step's arguments."""
    words = [SPARK_SUBMIT, "--master", MASTER]
    lists = {"py_files": spark.py_files, "jars": spark.jars, "files": spark.files, "archives": spark.archives}
    for key, option in LIST_OPTIONS:
        if lists[key]:
            words += [option, ",".join(lists[key])]
    for key, value in spark.conf.items():
        words += ["--conf", f"{key}={_conf_text(value)}"]
    return [*words, spark.entry or ""]


def _conf_text(value: Any) -> str:
    """A conf value as Spark reads it (``true``, not Python's ``True``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def with_submit(step: Step) -> Step:
    """``step`` whose command is the whole ``spark-submit`` line (``args`` after the entry)."""
    spark = spark_of(step)
    assert spark is not None
    head = " ".join(shlex.quote(word) for word in submit_words(spark))
    args = step.command.parts if step.command is not None else ()
    return replace(step, command=Template((Text(head + (" " if args else "")), *args)))
