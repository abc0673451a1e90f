"""The declarative schema: what keys exist where, and what their values may be.

Pure data, written once and read by one generic walker
(:mod:`azpipe.checks.values`), which reports every mistake at the value's own line
and column. The vocabulary is JSON Schema's (draft 2020-12), so that the schema
can later be printed for editors as it is, plus a few ``x-`` extensions for what
JSON Schema cannot say about Azure ML's reading of YAML:

``type``
    ``object`` (a mapping), ``array`` (a list), ``string``, ``integer``,
    ``number``, ``boolean``, or a list of them (any of).
``properties`` / ``additionalProperties``
    The known keys of a mapping and their schemas. ``additionalProperties:
    False`` makes any other key an error (S101); a schema there applies to every
    other entry (a mapping of names: jobs, ports, tags). Absent: other keys are
    not this schema's business (the readers check them).
``required`` / ``dependentRequired``
    Keys that must be there (S103), and keys that need others.
``enum``, ``minimum``, ``maximum``, ``pattern``, ``minLength``
    The allowed values (V002, V003, V004), with "did you mean" on enum values.
``propertyNames``
    What the keys of a mapping of names must match (``pattern``), and with
    ``x-unique-ignore-case`` that no two differ only in case. The walker checks
    those with an ``x-rule`` (the rule it reports); the others (the language's
    names) are described for editors, and their readers check them.
``anyOf``
    Alternatives by the value's shape (a string, or a mapping...).
``oneOf`` + ``discriminator``
    Alternatives chosen by one key's value (OpenAPI's ``discriminator``), as
    ``distribution: {type: pytorch, ...}``: each alternative lists the values it
    is for in ``x-when`` (``*``: any other value), and may choose again by another
    key (an automl node by its ``task``); the discriminator's
    ``x-default`` is the value when the key is absent, and ``x-others`` says that
    another value is the readers' to report (a node type azpipe does not model);
    ``x-kinds`` lists the values whose readers check the mapping (editors complete them).
``x-unknown: warning``
    Azure ML reads this mapping with marshmallow's ``INCLUDE``: an unknown key is
    ignored, so it is a warning (an error when it looks like a required key that
    is missing, since then Azure ML does reject the file).
``x-unknown-with``
    With ``x-unknown: warning``: the key whose presence makes Azure ML read the
    mapping so (a command node with a ``component:``); without it an unknown key
    is an error (azure-ai-ml then reads an inline command job, which rejects it).
``x-with``
    ``{KEY: {key: schema}}``: when the mapping holds ``KEY``, those keys take those
    schemas instead (a command node with a ``component:`` is read by another of
    azure-ai-ml's schemas than one written inline: its outputs must be mappings).
``x-no-null``
    No key of this mapping may be left empty (marshmallow's fields without
    ``allow_none``: "Field may not be null"); elsewhere an empty value is absent.
``x-reader``
    A pipeline job's node kind whose schema leaves some mappings open: its reader
    checks the keys there (``pipeline_job.WALKED_NODE_KINDS`` are the others; at
    present every node kind azpipe models is described whole).
``x-ignore-case``
    Azure ML lower-cases the value before comparing it with ``enum``; ``camel``: it
    compares ``camel_to_snake`` of it (AutoML's enums: `LogisticRegression` is
    `logistic_regression`).
``x-bindings``
    A ``${{ }}`` data binding may stand for any value below (pipeline job nodes).
``x-unit``, ``x-pattern-hint``, ``x-hint``
    Words for the hint of a wrong value (``seconds``; what the pattern means).
``x-rule``, ``x-suggest``
    The rule a pattern violation is reported under when it is not V004 (N701
    for Azure ML's names), and how to suggest a valid value (``snake_case``).
``description``
    One line for documentation and, later, editor hovers.

The azpipe language is ``LANGUAGE`` (:mod:`azpipe.schema.language`), the one
description its readers, ``azpipe schema``, the docs' key tables and ``azpipe lsp``
use too. Azure ML's part (:mod:`azpipe.schema.azure_ml`, :mod:`azpipe.schema.pipeline_job`) is derived from azure-ai-ml
1.35's marshmallow schemas (``azure/ai/ml/_schema``);
``tests/test_schema_values.py`` compares the two, and checks that every field
``azpipe.readers.fields`` carries has a shape here. Its scalars are read the way
marshmallow reads them: an integer field takes ``"2"`` too, a boolean field
``1``, ``"yes"`` or ``"True"``.
"""

from __future__ import annotations

from typing import Any

from azpipe.schema.azure_ml import COMMAND_COMPONENT, USED_COMMAND_COMPONENT
from azpipe.schema.language import LANGUAGE
from azpipe.schema.parallel_component import PARALLEL_COMPONENT, USED_PARALLEL_COMPONENT
from azpipe.schema.pipeline_job import PIPELINE_COMPONENT, PIPELINE_JOB, USED_PIPELINE_COMPONENT
from azpipe.schema.spark_component import SPARK_COMPONENT, USED_SPARK_COMPONENT

Schema = dict[str, Any]

# The schema of each kind of file ``azpipe check`` reads (see azpipe.source.kinds).
SCHEMAS: dict[str, Schema] = {
    "azpipe": LANGUAGE,
    "native": PIPELINE_JOB,
    "component": COMMAND_COMPONENT,
    "used-component": USED_COMMAND_COMPONENT,
    "native-component": PIPELINE_COMPONENT,
    "used-native-component": USED_PIPELINE_COMPONENT,
    "parallel-component": PARALLEL_COMPONENT,
    "used-parallel-component": USED_PARALLEL_COMPONENT,
    "spark-component": SPARK_COMPONENT,
    "used-spark-component": USED_SPARK_COMPONENT,
}

__all__ = [
    "COMMAND_COMPONENT", "LANGUAGE", "PARALLEL_COMPONENT", "PIPELINE_COMPONENT", "PIPELINE_JOB", "SCHEMAS",
    "SPARK_COMPONENT", "Schema",
]  # fmt: skip
