"""What a YAML file is: an azpipe pipeline, an Azure ML job or component, or neither.

A repository holds many YAML files that are none of azpipe's business (conda
environments, ``.pre-commit-config.yaml``, GitHub workflows, Helm charts), and
``azpipe check`` must pass over them without a word. A file is recognised by its
top-level keys, never by its name:

- an azpipe pipeline has a top-level ``azpipe:`` key;
- an Azure ML file has a ``$schema:`` on one of Azure ML's schema hosts
  (``https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json``:
  the file name says the kind), or a top-level ``type:`` that names a job or
  component kind *together with* the key that kind cannot do without (``jobs:``
  for a pipeline, ``command:`` for a command...), so a config that merely has a
  ``type:`` key is not taken for one.

Of the Azure ML files, pipeline jobs (and pipeline components), command and
parallel components, and spark components (by their ``$schema``: ``type: spark``
alone may be a spark job) are checked; other kinds (sweep, spark jobs, automl...) are
recognised and skipped, and asset files (``data``, ``environment``, ``model``
schemas) are not jobs or components at all.

A near miss is still recognised, so that a typo cannot turn a pipeline into a file
``check`` passes over: a top-level key a letter or two from ``azpipe`` next to
``steps:`` (``azpip: 1``), or a ``type:`` a letter or two from ``pipeline`` next to
``jobs:``; the file is then checked, and the misspelling reported.

A file that does not parse is recognised from its text (:func:`kind_of_text`),
so a broken pipeline still gets its syntax error while a broken Helm template is
passed over.
"""

from __future__ import annotations

import re

from azpipe.records import record
from azpipe.source.nodes import Map, Node, Scalar
from azpipe.suggest import closest

SCHEMA_HOSTS = ("azuremlschemas.azureedge.net", "azuremlsdk2.blob.core.windows.net")
# Job and component kinds, each with the key Azure ML requires of it.
REQUIRED_KEY = {
    "pipeline": "jobs",
    "command": "command",
    "sweep": "trial",
    "parallel": "task",
    "spark": "entry",
    "automl": "task",
    "data_transfer": "task",
    "import": "source",
}
# Keys only a command job has, and keys only a command component has: without a
# `$schema`, they tell the two apart (`az ml job create` and `az ml component
# create` take the same `type: command`).
_JOB_ONLY = frozenset({"compute", "experiment_name", "services", "identity", "queue_settings", "limits"})
_COMPONENT_ONLY = frozenset({"version", "is_deterministic", "additional_includes"})
_TYPE_NAMES = frozenset(
    {"uri_file", "uri_folder", "mltable", "mlflow_model", "custom_model", "triton_model"}
    | {"integer", "number", "float", "string", "boolean"}
)
_SCHEMA_NAME = re.compile(r"/([A-Za-z]+?)(Job|Component)\.schema\.json\s*$")
_SCHEMA_KINDS = {"automl": "automl", "datatransfer": "data_transfer"}

_AZPIPE_LINE = re.compile(rb"^azpipe[ \t]*:", re.MULTILINE)
_SCHEMA_LINE = re.compile(rb"^\$schema[ \t]*:[ \t]*['\"]?https?://(" + rb"|".join(
    re.escape(host.encode()) for host in SCHEMA_HOSTS) + rb")/", re.MULTILINE)  # fmt: skip
_TYPE_LINE = re.compile(rb"^type[ \t]*:[ \t]*['\"]?(" + rb"|".join(k.encode() for k in REQUIRED_KEY) + rb")\b", re.MULTILINE)  # fmt: skip
# A cheap first look at the head of a file found in a folder: could it be one?
_CANDIDATE = re.compile(rb"^(azpipe|\$schema|type)[ \t]*:", re.MULTILINE)


@record(frozen=True)
class FileKind:
    """What a file is (``what``: words for messages) and whether ``azpipe check`` checks it.

    ``builder`` is ``"azpipe"``, ``"native"`` (an Azure ML pipeline job or
    pipeline component) or ``"component"`` (a command component) for checked
    files, ``None`` for skipped ones.
    """

    what: str
    builder: str | None = None

    @property
    def checked(self) -> bool:
        """True when ``azpipe check`` checks files of this kind."""
        return self.builder is not None


AZPIPE = FileKind("an azpipe pipeline", "azpipe")
PIPELINE_JOB = FileKind("an Azure ML pipeline job", "native")
COMMAND_COMPONENT = FileKind("an Azure ML command component", "component")
PARALLEL_COMPONENT = FileKind("an Azure ML parallel component", "component")
SPARK_COMPONENT = FileKind("an Azure ML spark component", "component")
OTHER = FileKind("not an azpipe pipeline or an Azure ML job or component file")


def could_be_checked(head: bytes) -> bool:
    """False when the start of a file rules out every kind ``azpipe check`` checks."""
    return bool(_CANDIDATE.search(head))


def kind_of(root: Node | None) -> FileKind:
    """The kind of a parsed document (``OTHER`` for anything but a mapping)."""
    if not isinstance(root, Map):
        return OTHER
    if "azpipe" in root:
        return AZPIPE
    schema = _text(root.get("$schema"))
    if schema is not None and _on_schema_host(schema):
        return _from_schema(root, schema)
    kind = _text(root.get("type"))
    if kind in REQUIRED_KEY and REQUIRED_KEY[kind] in root:
        return _from_type(root, kind)
    if "steps" in root and any(_near(entry.key.value, "azpipe") for entry in root.entries):
        return AZPIPE
    if "jobs" in root and kind is not None and _near(kind, "pipeline"):
        return PIPELINE_JOB
    return OTHER


def _near(word: object, target: str) -> bool:
    """True when ``word`` is ``target`` mistyped: another case, a letter off, or two in a long
    enough word (``pipe`` is a word of its own, not ``azpipe`` mistyped)."""
    if not isinstance(word, str) or word == target:
        return False
    return closest(word, [target], max_edits=2 if len(word) >= len(target) else 1) == target


def kind_of_text(head: bytes) -> FileKind:
    """The kind of a file that did not parse, from its top-level lines (whatever its byte
    order mark and line breaks: a broken pipeline file must not pass as another file)."""
    head = _as_utf8_lines(head)
    if _AZPIPE_LINE.search(head):
        return AZPIPE
    schema = _SCHEMA_LINE.search(head)
    typed = _TYPE_LINE.search(head)
    kind = typed.group(1).decode() if typed else None
    if kind is not None and not re.search(rf"^{REQUIRED_KEY[kind]}[ \t]*:".encode(), head, re.MULTILINE):
        kind = None
    if kind == "pipeline":
        return PIPELINE_JOB
    if schema or kind:
        # Unreadable, so its kind is unknown; a broken Azure ML file is still reported.
        return FileKind("an Azure ML file", "native")
    return OTHER


def _as_utf8_lines(head: bytes) -> bytes:
    """``head`` as UTF-8 without a byte order mark, its lines broken by ``\n`` (a UTF-16 file's
    text is decoded: the loader refuses it with Y008, and it is still a pipeline file)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    return head.removeprefix(b"\xef\xbb\xbf").replace(b"\r", b"\n")


def _text(node: Node | None) -> str | None:
    return node.value if isinstance(node, Scalar) and isinstance(node.value, str) else None


def _on_schema_host(url: str) -> bool:
    return any(f"//{host}/" in url for host in SCHEMA_HOSTS)


def _from_schema(root: Map, schema: str) -> FileKind:
    """``.../commandComponent.schema.json`` → a command component, and so on."""
    match = _SCHEMA_NAME.search(schema)
    if match is None:  # data, environment, model, deployments...: assets, not jobs
        return FileKind("an Azure ML asset or other file, not a job or component")
    kind = _SCHEMA_KINDS.get(match.group(1).lower(), _snake(match.group(1)))
    if match.group(2) == "Component":
        return _component(kind)
    return PIPELINE_JOB if kind == "pipeline" else _unchecked(kind, "job")


def _from_type(root: Map, kind: str) -> FileKind:
    if kind == "pipeline":
        return PIPELINE_JOB
    if kind == "parallel":  # Azure ML has no parallel job of its own: a parallel component
        return PARALLEL_COMPONENT
    if kind != "command":
        return _unchecked(kind, "job or component")
    return COMMAND_COMPONENT if _looks_like_component(root) else _unchecked("command", "job")


def _component(kind: str) -> FileKind:
    if kind == "command":
        return COMMAND_COMPONENT
    if kind == "parallel":
        return PARALLEL_COMPONENT
    if kind == "spark":  # by its $schema only: `type: spark` alone may be a spark job
        return SPARK_COMPONENT
    if kind == "pipeline":
        return PIPELINE_JOB  # checked like a pipeline job (its own S107 says what is missing)
    return _unchecked(kind, "component")


def _unchecked(kind: str, what: str) -> FileKind:
    return FileKind(
        f"an Azure ML {kind} {what} (azpipe checks pipeline jobs, command, parallel and spark components)"
    )


def _looks_like_component(root: Map) -> bool:
    """A ``type: command`` file without ``$schema``: a component unless it has a job's keys
    or binds values to its inputs (a component's inputs declare types)."""
    keys = {entry.key.value for entry in root}
    if keys & _COMPONENT_ONLY:
        return True
    if keys & _JOB_ONLY:
        return False
    inputs = root.get("inputs")
    if not isinstance(inputs, Map):
        return True
    return all(_declares(entry.value) for entry in inputs)


def _declares(node: Node) -> bool:
    """True for a component's input declaration (a type, or a mapping without a value)."""
    if isinstance(node, Map):
        return "path" not in node and "value" not in node
    return _text(node) in _TYPE_NAMES


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
