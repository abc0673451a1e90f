"""Values against the declarative schema (V001 wrong-value-type, V002 unknown-value,
V003 value-out-of-range, V004 invalid-format; and S101/S102/S103 where the readers
do not look).

One generic walker goes over a file's YAML nodes with the schema of its kind
(:mod:`azpipe.schema`) and reports each mistake at the value's own line and
column: ``resources: {instance_count: two}`` (Azure ML: "Not a valid integer"),
``limits: {timeout: 2h}``, a misspelt ``queue_settings.job_tier``, a distribution
key of another kind, a key misspelt inside an inline component. Paths in the
messages are Azure ML's own (``jobs.train.resources.instance_count``).

Scalars are read the way Azure ML (marshmallow) reads them: an integer field
takes ``"2"`` as well as ``2``, a boolean field ``1`` and ``"yes"``, and under a
pipeline job's nodes a ``${{ }}`` data binding may stand for any value.

The readers check many of the same keys and values as they build the model; a
problem they have already reported at a position is not reported again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from azpipe.diagnostics import Diagnostic, Severity, Span
from azpipe.rules import rule
from azpipe.schema import SCHEMAS, Schema
from azpipe.schema.scalars import as_boolean, as_integer, camel_to_snake
from azpipe.source.nodes import Map, Node, Scalar, Seq
from azpipe.suggest import closest, did_you_mean, snake_case

# A path is built as nested pairs (parent, key) and spelt out only for a message.
Path = tuple[Any, ...]

# Patterns, compiled on first use (re's cache): `azpipe check` starts fast and most files never need them.
_NUMBER_TEXT = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_DURATION = r"(?i)^([0-9]+(?:\.[0-9]+)?)\s*(s|sec|secs|m|min|mins|h|hr|hrs|hours?|d|days?)$"
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SHAPES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
           "number": "a number", "boolean": "a boolean", "null": "empty"}  # fmt: skip
_SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean", "null"})


def check(root: Node | None, form: str, found: Sequence[Diagnostic] = ()) -> list[Diagnostic]:
    """Every value-level problem of the document ``root`` of a file of kind ``form``
    (``azpipe``, ``native`` or ``component``), less those ``found`` already reports."""
    schema = SCHEMAS.get(form)
    if root is None or schema is None:
        return []
    walker = _Walker()
    walker.walk(root, schema, (), bindings=False)
    return not_reported(walker.diagnostics, found)


def not_reported(mine: list[Diagnostic], found: Sequence[Diagnostic]) -> list[Diagnostic]:
    """``mine`` less what ``found`` (the readers', or the later checks') reports already, as
    severely: the same key problem at the same key, or any problem at the same value. (A
    warning there does not hide an error.)"""
    at: dict[tuple[str, int, int], Severity] = {}
    same: dict[tuple[str, str, int, int], Severity] = {}
    for d in found:
        where = (d.span.file, d.span.line, d.span.column)
        at[where] = max(at.get(where, Severity.INFO), d.severity)
        same[(d.code, *where)] = max(same.get((d.code, *where), Severity.INFO), d.severity)
    kept = []
    for diagnostic in mine:
        where = (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column)
        keyed = diagnostic.code in ("S101", "S103")
        before = same.get((diagnostic.code, *where)) if keyed else at.get(where)
        if before is None or before < diagnostic.severity:
            kept.append(diagnostic)
    return kept


class _Walker:
    """Walks nodes with their schema, collecting diagnostics."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def report(self, code: str, span: Span, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(rule(code).at(span, message, hint))

    def walk(self, node: Node, schema: Schema, path: Path, bindings: bool) -> None:
        """Check ``node`` (at ``path``) against ``schema``."""
        if type(node) is Scalar and type(node.value) in _plain_scalars(schema):
            return  # most values: a string where any string will do
        if "x-bindings" in schema:
            bindings = True
        if bindings and isinstance(node, Scalar) and _is_binding(node):
            return
        if "anyOf" in schema:
            self._any_of(node, schema["anyOf"], path, bindings)
            return
        types = _types(schema)
        if isinstance(node, Map) and "object" in types:
            self._mapping(node, schema, path, bindings)
        elif isinstance(node, Seq) and "array" in types:
            for item in node.items:
                self.walk(item, schema.get("items", {}), (path, "[]"), bindings)
        elif isinstance(node, Scalar) and (not types or not _SCALAR_TYPES.isdisjoint(types)):
            self._scalar(node, schema, types, path)
        elif types:
            self._wrong_shape(node, types, path)

    def _any_of(self, node: Node, branches: list[Schema], path: Path, bindings: bool) -> None:
        for branch in branches:
            if _fits_shape(node, branch):
                self.walk(node, branch, path, bindings)
                return
        self._wrong_shape(node, [t for branch in branches for t in _types(branch)], path)

    def _wrong_shape(self, node: Node, types: Iterable[str], path: Path) -> None:
        wanted = " or ".join(dict.fromkeys(_SHAPES[t] for t in types if t != "null"))
        self.report("S102", node.span, f"{_label(path)} must be {wanted}, not {_got(node)}")

    # -- mappings

    def _mapping(self, node: Map, schema: Schema, path: Path, bindings: bool) -> None:
        while "oneOf" in schema:  # an alternative may choose by another key (an automl node's task)
            variant = self._variant(node, schema, path, bindings)
            if variant is None:
                return
            schema = variant
            bindings = bindings or "x-bindings" in schema
        properties: dict[str, Schema] = schema.get("properties", {})
        if "x-with" in schema:
            properties = _with(node, schema, properties)
        others = schema.get("additionalProperties", True)
        missing = [key for key in schema.get("required", ()) if key not in node]
        no_null = schema.get("x-no-null", False)  # marshmallow fields without allow_none
        for entry in node:
            key = entry.key.value
            if not isinstance(key, str):
                continue  # the readers report keys that are not strings
            value_schema = properties.get(key, others if isinstance(others, dict) else None)
            if (
                no_null
                and value_schema is not None
                and type(entry.value) is Scalar
                and entry.value.value is None
            ):
                if key not in schema.get("required", ()):  # a required one: S103 (_required_empty)
                    self._scalar_type(entry.value, _shapes(value_schema), (path, key))
            elif key in properties:
                self.walk(entry.value, properties[key], (path, key), bindings)
            elif isinstance(others, dict):
                self.walk(entry.value, others, (path, key), bindings)
            elif others is False and not entry.merged:
                self._unknown_key(entry.key, key, schema, path, missing, node)
        if missing or "dependentRequired" in schema:
            self._required(node, schema, path, missing)
        self._required_empty(node, schema, path)
        names = schema.get("propertyNames")
        if names is not None and "x-rule" in names:  # without one, names are the readers' to check
            self._names(node, names, path)

    def _names(self, node: Map, schema: Schema, path: Path) -> None:
        """The keys of a mapping of names (a component's ports) against ``propertyNames``: their
        pattern, and (``x-unique-ignore-case``) no two equal but for case."""
        seen: dict[str, str] = {}
        for entry in node:
            name = entry.key.value
            if not isinstance(name, str):
                continue
            if not re.search(schema["pattern"], name):
                hint = f"use {schema['x-pattern-hint']}" if "x-pattern-hint" in schema else None
                message = f"`{name}` in {_label(path)} is not a valid name"
                self.report(schema.get("x-rule", "V004"), entry.key.span, message, hint)
            elif schema.get("x-unique-ignore-case") and seen.setdefault(name.lower(), name) != name:
                message = f"`{name}` in {_label(path)} differs from `{seen[name.lower()]}` only in case"
                self.report("N703", entry.key.span, message, "Azure ML compares these names ignoring case")

    def _required_empty(self, node: Map, schema: Schema, path: Path) -> None:
        """A required key left empty (`type:`): marshmallow refuses a null there ("Field may not
        be null"), though an empty optional key is only absent."""
        for key in schema.get("required", ()):
            value = node.get(key)
            if isinstance(value, Scalar) and value.value is None:
                key_node = node.key_node(key)
                span = key_node.span if key_node is not None else value.span
                hint = schema.get("properties", {}).get(key, {}).get("x-hint")
                self.report("S103", span, f"{_label((path, key))} needs a value", hint)

    def _unknown_key(
        self, key_node: Scalar, key: str, schema: Schema, path: Path, missing: list[str], node: Map
    ) -> None:
        known = list(schema.get("properties", {}))
        meant = closest(key, missing)
        needs = schema.get("x-unknown-with")
        ignored = schema.get("x-unknown") == "warning" and meant is None and (needs is None or needs in node)
        where = f"unknown key `{key}` in {_label(path)}"
        suggestion = did_you_mean(key, known)
        if ignored:
            hint = (suggestion + " " if suggestion else "") + "Azure ML ignores it"
            diagnostic = rule("S101").at(key_node.span, where, hint).with_severity(Severity.WARNING)
            self.diagnostics.append(diagnostic)
        else:
            self.report("S101", key_node.span, where, suggestion or "allowed keys: " + ", ".join(known))

    def _required(self, node: Map, schema: Schema, path: Path, missing: list[str]) -> None:
        head = Span(node.span.file, node.span.line, node.span.column, node.span.line, node.span.column + 1)
        properties = schema.get("properties", {})
        for key in missing:
            self.report("S103", head, f"{_label(path)} needs `{key}`", properties.get(key, {}).get("x-hint"))
        for key, needs in schema.get("dependentRequired", {}).items():
            key_node = node.key_node(key)
            for need in needs:
                if key_node is not None and need not in node:
                    self.report("S103", key_node.span, f"`{key}` in {_label(path)} needs `{need}` too")

    def _variant(self, node: Map, schema: Schema, path: Path, bindings: bool) -> Schema | None:
        """The alternative of ``schema["oneOf"]`` the discriminating key selects (merged with
        what the alternatives share), or ``None`` after reporting why there is none."""
        discriminator = schema["discriminator"]
        name = discriminator["propertyName"]
        value_node = node.get(name)
        if value_node is None:
            value = discriminator.get("x-default")
            if value is None:
                self._required(node, schema, path, [name])
                self._keys_of_no_kind(node, schema, path, name)
                return None
        elif bindings and _is_binding(value_node):
            return None
        elif isinstance(value_node, Scalar) and isinstance(value_node.value, str):
            value = value_node.value
        else:
            self._scalar_type(value_node, ["string"], (path, name))
            return None
        variant = _select(schema, value)
        if value_node is not None and self._misspelt_kind(value_node, value, variant, schema, (path, name)):
            return None
        return None if variant is None else _merged(schema, variant)

    def _keys_of_no_kind(self, node: Map, schema: Schema, path: Path, name: str) -> None:
        """Without its discriminating key, a mapping's keys no alternative knows: most likely that
        key misspelt (`tye: integer`), reported on its own line as well as missing."""
        known = _known_keys(schema)
        if known is None:
            return  # an alternative takes other keys
        for entry in node:
            if isinstance(entry.key.value, str) and entry.key.value not in known and not entry.merged:
                self._unknown_key(entry.key, entry.key.value, {"properties": known}, path, [name], node)

    def _misspelt_kind(
        self, node: Scalar, value: str, variant: Schema | None, schema: Schema, path: Path
    ) -> bool:
        """Report a kind no alternative takes (unless the readers report those: ``x-others``),
        or one that only the catch-all ``*`` takes but that is one or two edits from a kind."""
        dispatch = _dispatch(schema)
        exact = dispatch.fold(value) in dispatch.variants
        near = variant is not None and not exact and closest(value, dispatch.kinds) is not None
        if near or (variant is None and not schema["discriminator"].get("x-others")):
            self._not_allowed(node, value, dispatch.kinds, path, schema.get("x-hint"))
            return True
        return False

    # -- scalars

    def _scalar(self, node: Scalar, schema: Schema, types: Sequence[str], path: Path) -> None:
        if node.value is None:
            return  # an empty value: the readers say where one is needed
        if types and not self._scalar_type(node, types, path, schema):
            return
        value = node.value
        if "enum" in schema and _folder(schema)(value) not in _allowed(schema):
            self._not_allowed(node, value, schema["enum"], path, schema.get("x-hint"))
            return
        if "minimum" in schema or "maximum" in schema:
            self._range(node, schema, path)
        if isinstance(value, str) and len(value) < schema.get("minLength", 0):
            # An empty reference (`compute: ""`): Azure ML's ARM-id and registry fields refuse it.
            self.report("V004", node.span, f"{_label(path)} cannot be empty", schema.get("x-hint"))
            return
        pattern = schema.get("pattern")
        if pattern and isinstance(value, str) and not re.search(pattern, value):
            self._format(node, value, schema, path)

    def _format(self, node: Scalar, value: str, schema: Schema, path: Path) -> None:
        words = schema.get("x-pattern-hint")
        expected = f"must be {words}" if words else f"must match `{schema['pattern']}`"
        hint = None
        if schema.get("x-suggest") == "snake_case" and re.search(schema["pattern"], snake_case(value)):
            hint = f"did you mean `{snake_case(value)}`?"
        self.report(
            schema.get("x-rule", "V004"), node.span, f"{_label(path)} {expected}, not `{value}`", hint
        )

    def _scalar_type(
        self, node: Node, types: Sequence[str], path: Path, schema: Schema | None = None
    ) -> bool:
        if isinstance(node, Scalar) and any(_fits(node.value, kind) for kind in types):
            return True
        if not isinstance(node, Scalar):
            self._wrong_shape(node, types, path)
            return False
        wanted = " or ".join(dict.fromkeys(_SHAPES[t] for t in types if t != "null"))
        hint = _type_hint(node, types, (schema or {}).get("x-unit"))
        self.report("V001", node.span, f"{_label(path)} must be {wanted}, not {_got(node)}", hint)
        return False

    def _range(self, node: Scalar, schema: Schema, path: Path) -> None:
        number = _as_number(node.value)
        if number is None:
            return
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and number < low:
            self.report("V003", node.span, f"{_label(path)} must be at least {low}, not {node.text}")
        elif high is not None and number > high:
            self.report("V003", node.span, f"{_label(path)} must be at most {high}, not {node.text}")

    def _not_allowed(
        self, node: Node, value: Any, choices: Sequence[str], path: Path, hint: str | None
    ) -> None:
        text = str(value)
        suggestion = did_you_mean(text, choices) or hint or "one of: " + ", ".join(choices)
        self.report("V002", node.span, f"{_label(path)} cannot be `{text}`", suggestion)


def _select(schema: Schema, value: str) -> Schema | None:
    """The alternative whose ``x-when`` holds ``value`` (``*``: any other value)."""
    dispatch = _dispatch(schema)
    return dispatch.variants.get(dispatch.fold(value), dispatch.wildcard)


class _Dispatch:
    """A ``oneOf``'s alternatives by (folded) discriminator value, made once per schema.

    A plain class: a dataclass would cost milliseconds at import, and ``azpipe check`` starts
    on every commit."""

    __slots__ = ("fold", "kinds", "variants", "wildcard")

    def __init__(self, schema: Schema) -> None:
        self.fold = _folder(schema)
        options = schema["oneOf"]
        self.variants = {self.fold(when): v for v in options for when in v.get("x-when", ()) if when != "*"}
        self.wildcard = next((v for v in options if "*" in v.get("x-when", ())), None)
        self.kinds = [when for v in options for when in v.get("x-when", ()) if when not in ("", "*")]


_DISPATCH: dict[int, _Dispatch] = {}


def _dispatch(schema: Schema) -> _Dispatch:
    found = _DISPATCH.get(id(schema))
    if found is None:
        found = _DISPATCH[id(schema)] = _Dispatch(schema)
    return found


_PLAIN: dict[int, frozenset[type]] = {}
_PYTHON_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,)}


def _plain_scalars(schema: Schema) -> frozenset[type]:
    """The Python types of scalar values ``schema`` takes without any further check (no enum,
    range or pattern): for those the walk can stop at once. Made once per schema."""
    found = _PLAIN.get(id(schema))
    if found is None:
        branch = schema
        if "anyOf" in schema:
            branch = next((b for b in schema["anyOf"] if not {"object", "array"} & set(_types(b))), {})
        plain = branch and not {
            "enum",
            "minimum",
            "maximum",
            "pattern",
            "minLength",
            "anyOf",
            "oneOf",
            "x-bindings",
        } & set(branch)
        kinds = [t for kind in _types(branch) for t in _PYTHON_TYPES.get(kind, ())] if plain else []
        found = _PLAIN[id(schema)] = frozenset(kinds)
    return found


_ALLOWED: dict[int, frozenset[Any]] = {}


def _allowed(schema: Schema) -> frozenset[Any]:
    """The ``enum`` of ``schema``, folded as values are compared with it; made once per schema."""
    found = _ALLOWED.get(id(schema))
    if found is None:
        fold = _folder(schema)
        found = _ALLOWED[id(schema)] = frozenset(fold(choice) for choice in schema["enum"])
    return found


_MERGED: dict[tuple[int, int], Schema] = {}


_KNOWN: dict[int, dict[str, Schema] | None] = {}


def _known_keys(schema: Schema) -> dict[str, Schema] | None:
    """Every key some alternative of ``schema["oneOf"]`` takes (``None`` when one takes any key
    or ignores unknown ones). Made once per schema."""
    if id(schema) not in _KNOWN:
        options = schema["oneOf"]
        closed = all(o.get("additionalProperties") is False and "x-unknown" not in o for o in options)
        known = {k: v for o in [schema, *options] for k, v in o.get("properties", {}).items()}
        _KNOWN[id(schema)] = known if closed else None
    return _KNOWN[id(schema)]


def _with(node: Map, schema: Schema, properties: dict[str, Schema]) -> dict[str, Schema]:
    """``properties`` as ``x-with`` changes them for the keys ``node`` has: ``{KEY: {key:
    schema}}`` reads those keys with those schemas when ``KEY`` is there (a command node with a
    ``component:`` is read by another of azure-ai-ml's schemas than one written inline)."""
    for key, changed in schema["x-with"].items():
        if key in node:
            properties = {**properties, **changed}
    return properties


def _merged(schema: Schema, variant: Schema) -> Schema:
    """An alternative with what all alternatives share (``required``, ``x-unknown``...); the
    schemas are module constants, so each merge is made once."""
    key = (id(schema), id(variant))
    merged = _MERGED.get(key)
    if merged is None:
        shared = {k: v for k, v in schema.items() if k not in ("oneOf", "discriminator", "properties")}
        merged = _MERGED[key] = {**shared, **variant}
    return merged


def _types(schema: Schema) -> Sequence[str]:
    kind = schema.get("type")
    if kind is None:
        return ()
    return (kind,) if isinstance(kind, str) else kind


def _shapes(schema: Schema) -> Sequence[str]:
    """The shapes a value of ``schema`` may have (each branch's, for an ``anyOf``)."""
    found = [kind for branch in schema.get("anyOf", [schema]) for kind in _types(branch)]
    return found or ["string"]


def _fits_shape(node: Node, schema: Schema) -> bool:
    types = _types(schema)
    if isinstance(node, Map):
        return "object" in types
    if isinstance(node, Seq):
        return "array" in types
    return not types or bool(set(types) & set(_SCALAR_TYPES))


def _fits(value: Any, kind: str) -> bool:
    """True when marshmallow reads ``value`` as a ``kind``."""
    if value is None:
        return kind == "null"
    if kind == "string":
        return isinstance(value, str)
    if isinstance(value, bool):
        return kind == "boolean"
    if kind == "integer":
        return as_integer(value) is not None
    if kind == "number":
        if isinstance(value, str) and re.match(_NUMBER_TEXT, value.strip()):
            return _finite(value.strip())
        return isinstance(value, (int, float)) and _finite(value)
    if kind == "boolean":
        return as_boolean(value) is not None
    return False


def _finite(value: str | float) -> bool:
    """False for what marshmallow's ``Float`` refuses: nan, the infinities (`1e400`, `.inf`)
    and an integer too large for a float."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and re.match(_NUMBER_TEXT, value.strip()):
        return float(value)
    return None


def _folder(schema: Schema) -> Callable[[Any], Any]:
    """How values are compared with the allowed ones: lower-cased when Azure ML does, or
    ``camel_to_snake`` (``x-ignore-case: camel``: AutoML's enums)."""
    mode = schema.get("x-ignore-case")
    if mode == "camel":
        return _camel
    return _lower if mode else _same


def _camel(value: Any) -> Any:
    return camel_to_snake(str(value))


def _lower(value: Any) -> Any:
    return str(value).lower()


def _same(value: Any) -> Any:
    return value


def _is_binding(node: Node) -> bool:
    return isinstance(node, Scalar) and isinstance(node.value, str) and "${{" in node.value


def _label(path: Path) -> str:
    keys: list[str] = []
    while path:
        path, key = path
        keys.append(key)
    return f"`{'.'.join(reversed(keys))}`" if keys else "the file"


def _got(node: Node) -> str:
    if isinstance(node, Scalar) and node.value is not None:
        return f"the {node.kind} `{node.text}`"
    return "empty" if isinstance(node, Scalar) else f"a {node.kind}"


def _type_hint(node: Scalar, types: Sequence[str], unit: str | None) -> str | None:
    """How to write the value instead: quoted, or (for a duration) in seconds."""
    if "string" in types and not isinstance(node.value, str):
        return f'quote it to keep it text: "{node.text}"'
    match = re.match(_DURATION, str(node.value).strip()) if isinstance(node.value, str) else None
    if unit == "seconds" and match:
        seconds = float(match.group(1)) * _SECONDS[match.group(2)[0].lower()]
        return f"write it in seconds: `{int(seconds)}`"
    return None
