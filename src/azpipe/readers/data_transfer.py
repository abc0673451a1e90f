"""Data transfer steps: native ``type: data_transfer`` nodes and the language's ``data_transfer:``
block, read into :class:`~azpipe.model.DataTransfer` (azure-ai-ml 1.35's ``DataTransferCopySchema``,
``DataTransferImportSchema``, ``DataTransferExportSchema`` and their job forms).

``copy_data`` copies the step's inputs to its outputs; ``import_data`` reads ``source``
(a database query or a file system path, through a workspace connection) into the
output ``sink``; ``export_data`` writes the input ``source`` to ``sink``. A node with a
``component`` is not supported yet (S107), nor is ``type: import`` (S107).

A ``data_transfer:`` block's keys, shapes and allowed values are the schema walker's
(:data:`azpipe.schema.node_kinds.DATA_TRANSFER_BLOCK`): this reader reads the checked
block (:mod:`azpipe.readers.walked`); which keys each task takes and what each endpoint
needs are :mod:`azpipe.checks.data_transfer`'s. A native node is walked too
(:data:`azpipe.schema.pipeline_job.DATA_TRANSFER_NODE`: its keys by its task).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from azpipe.model import DataTransfer, Step
from azpipe.readers import walked
from azpipe.readers.reader import Reader
from azpipe.schema.language import keys_of
from azpipe.schema.node_kinds import COPY_MODES as COPY_MODES
from azpipe.schema.node_kinds import DATA_TRANSFER_BLOCK
from azpipe.schema.node_kinds import ENDPOINT_TYPES as ENDPOINT_TYPES
from azpipe.schema.node_kinds import TASKS as TASKS
from azpipe.source.nodes import Map, Node

if TYPE_CHECKING:
    from azpipe.readers.native import _JobReader
    from azpipe.readers.steps import StepReader

# The language schema's `data_transfer:` block and its `source`/`sink` (a database or a file system).
ENDPOINT_KEYS = tuple(
    dict.fromkeys(
        key for kind in DATA_TRANSFER_BLOCK["properties"]["source"]["oneOf"] for key in kind["properties"]
    )
)
BLOCK_KEYS = keys_of(DATA_TRANSFER_BLOCK)
# The keys of one task (a native node's schema takes them by its task: another's is S101 there).
TASK_KEYS = {"copy_data": ("data_copy_mode",), "import_data": ("source",), "export_data": ("sink",)}
LANGUAGE_STEP_KEYS = ("data_transfer", "inputs", "outputs", "compute", "after", "display_name", "description", "tags",
                      "properties", "comment")  # fmt: skip


def read_transfer(reader: Reader, step: Step, mapping: Map, where: str, by_task: bool = False) -> bool:
    """The task, copy mode, source and sink of ``mapping``; False when the step cannot be read further.
    ``by_task``: only the task's own (a native node, whose schema reports another task's key)."""
    step.kind = "data_transfer"
    transfer = step.data_transfer = DataTransfer(mapping.span)
    task = mapping.get("task")
    if task is None:
        reader.report("S103", mapping.span, f"{where} needs `task`", "one of: " + ", ".join(TASKS))
        step.incomplete = True
        return False
    # azure-ai-ml lower-cases the task, the copy mode and an endpoint's type (StringTransformedEnum).
    transfer.task = walked.choice(reader, task, f"`task` of {where}", TASKS, ignore_case=reader.walked)
    if transfer.task is None:
        step.incomplete = True  # the walker (or, unwalked, the line above) says why
        return False
    own = TASK_KEYS[transfer.task] if by_task else ("data_copy_mode", "source", "sink")
    copy_mode = mapping.get("data_copy_mode") if "data_copy_mode" in own else None
    if copy_mode is not None:
        transfer.data_copy_mode = walked.choice(
            reader, copy_mode, f"`data_copy_mode` of {where}", COPY_MODES, ignore_case=reader.walked
        )
        transfer.spans["data_copy_mode"] = copy_mode.span
    for key in ("source", "sink"):
        node = mapping.get(key) if key in own else None
        if node is not None:
            transfer.spans[key] = node.span
            setattr(transfer, key, _endpoint(reader, node, f"`{key}` of {where}"))
    return True


def _endpoint(reader: Reader, node: Node, where: str) -> dict[str, Any]:
    """A database or file system: its ``type``, ``connection`` and ``query``/``table_name``/``path``."""
    mapping = walked.mapping(reader, node, where, ENDPOINT_KEYS)
    found: dict[str, Any] = {}
    if mapping is None:
        return found
    for entry in mapping:
        key = entry.key.value
        value: Any
        if key == "type":
            value = walked.choice(
                reader, entry.value, f"`type` of {where}", ENDPOINT_TYPES, ignore_case=reader.walked
            )
        elif key == "stored_procedure_params":
            value = _params(reader, entry.value, f"`{key}` of {where}")
        elif isinstance(key, str) and key in ENDPOINT_KEYS:
            value = walked.scalar_text(reader, entry.value, f"`{key}` of {where}")
        else:
            continue
        if value is not None:
            found[key] = value
    return found


def _params(reader: Reader, node: Node, where: str) -> list[dict[str, Any]] | None:
    from azpipe.source.nodes import Seq, plain

    if isinstance(node, Seq) and all(isinstance(item, Map) for item in node.items):
        return [plain(item) for item in node.items]
    if not reader.walked:
        reader.wrong_shape(node, where, "list of mappings")
    return None


def read_native_transfer(jobs: _JobReader, step: Step, mapping: Map, where: str) -> None:
    """A native ``type: data_transfer`` node (a job of its own: no component)."""
    reader = jobs.reader
    if "component" in mapping:
        key = mapping.key_node("component")
        assert key is not None
        reader.report("S107", key.span, f"{where}: data transfer nodes with a `component` are not supported yet",
                      "write the task's fields on the node (task, inputs, outputs, source, sink); the rest of the file is still checked")  # fmt: skip
        step.kind, step.incomplete = "data_transfer", True
        return
    if not read_transfer(reader, step, mapping, where, by_task=True):
        return
    jobs._ignored_and_refused(step.name, mapping, where)
    _node_settings(reader, step, mapping, where)
    jobs._inputs(step, mapping.get("inputs"), where, None)
    jobs._outputs(step, mapping.get("outputs"), where, None)


def read_transfer_step(steps: StepReader, step: Step, mapping: Map, where: str) -> None:
    """A step of the azpipe language with a ``data_transfer:`` block."""
    from azpipe.readers.ports import read_output

    reader = steps.reader
    reader.mapping(mapping, where, LANGUAGE_STEP_KEYS)
    block = walked.mapping(reader, mapping.get("data_transfer"), f"`data_transfer` of {where}", BLOCK_KEYS)
    if block is None or not read_transfer(reader, step, block, f"`data_transfer` of {where}"):
        step.kind, step.incomplete = "data_transfer", True
        return
    _node_settings(reader, step, mapping, where)
    steps._inputs(step, mapping.get("inputs"), where, None)
    for name, key, node in reader.named(mapping.get("outputs"), f"outputs of {where}"):
        port = read_output(reader, name, key, node, f"output `{name}` of {where}")
        port.type = port.type or "uri_folder"
        step.outputs[name] = port


def _node_settings(reader: Reader, step: Step, mapping: Map, where: str) -> None:
    from azpipe.readers.automl import DETAIL_NAMES
    from azpipe.readers.details import read_details
    from azpipe.readers.entities import read_compute_ref
    from azpipe.readers.spark import without

    compute = mapping.get("compute")
    step.compute = read_compute_ref(reader, compute, f"`compute` of {where}")
    step.compute_span = compute.span if compute else None
    others = tuple(entry.key.value for entry in mapping if entry.key.value not in DETAIL_NAMES)
    step.details = read_details(reader, without(mapping, others), where)


def import_node(reader: Reader, step: Step, node: Node) -> None:
    """A ``type: import`` node: not supported (S107), and why: azure-ai-ml 1.35 cannot validate one
    loaded from YAML (its import component fails to build) nor add one built in Python to a pipeline."""
    step.kind, step.incomplete = "import", True
    reader.report("S107", node.span, f"job `{step.name}`: `import` jobs are not supported yet",
                  "azure-ai-ml 1.35 can neither validate nor build one in a pipeline; a `data_transfer` node "
                  "with `task: import_data` does the same and is supported")  # fmt: skip
