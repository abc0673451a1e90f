"""Shape checks on YAML nodes: each reader returns a value or records a diagnostic."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from azpipe.diagnostics import Diagnostic, Span
from azpipe.rules import rule
from azpipe.schema.scalars import as_boolean, as_integer
from azpipe.source.nodes import Map, Node, Scalar, Seq
from azpipe.suggest import did_you_mean


class StringMap(dict[str, str]):
    """A string → string mapping (tags, environment variables) that keeps where each key is."""

    def __init__(self) -> None:
        super().__init__()
        self.key_spans: dict[str, Span] = {}


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


class Reader:
    """Collects diagnostics while reading typed values out of nodes.

    The keys of a mapping are the schema walker's to check (:mod:`azpipe.checks.values`), where
    the schema describes the mapping; ``walked`` is false while reading a node the schema leaves
    to its reader (a native node of a kind it has no schema for), where :meth:`unwalked` hands the
    reader the keys to check itself."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.walked = True

    def unwalked(self, keys: Iterable[str]) -> tuple[str, ...] | None:
        """``keys`` for :meth:`mapping` to check where the schema walker does not (else ``None``)."""
        return None if self.walked else tuple(keys)

    def report(self, code: str, span: Span, message: str, hint: str | None = None) -> None:
        """Record a diagnostic of rule ``code``."""
        self.diagnostics.append(rule(code).at(span, message, hint))

    def wrong_shape(self, node: Node, where: str, expected: str) -> None:
        """Record that ``node`` is not what ``where`` takes."""
        got = node.kind
        hint = None
        if isinstance(node, Scalar) and (node.trap or (node.value is None and node.text)):
            hint = f'YAML reads `{node.text}` as {"null" if node.value is None else "a " + got}; quote it: "{node.text}"'
        self.report(
            "S102",
            node.span,
            f"{where} must be {_article(expected)} {expected}, not {_article(got)} {got}",
            hint,
        )

    def mapping(
        self, node: Node | None, where: str, allowed: Iterable[str] | None, required: Iterable[str] = ()
    ) -> Map | None:
        """``node`` as a mapping whose keys are among ``allowed``; reports the rest (``None``: any
        string key, where the schema's walker says which keys Azure ML ignores, as warnings)."""
        if node is None:
            return None
        if not isinstance(node, Map):
            self.wrong_shape(node, where, "mapping")
            return None
        known = None if allowed is None else tuple(allowed)
        for entry in node:
            key = entry.key.value
            if not isinstance(key, str):
                self.report(
                    "S102",
                    entry.key.span,
                    f"keys in {where} must be strings, not {entry.key.kind}",
                    self.trap_hint(entry.key),
                )
            elif known is not None and key not in known and not entry.merged:
                hint = did_you_mean(key, known) or "allowed keys: " + ", ".join(known)
                self.report("S101", entry.key.span, f"unknown key `{key}` in {where}", hint)
        for key in required:
            if key not in node:
                self.report("S103", _head(node), f"{where} needs `{key}`")
        return node

    def named(self, node: Node | None, where: str) -> list[tuple[str, Scalar, Node]]:
        """The entries of a name → definition mapping, with string names."""
        if node is None:
            return []
        if not isinstance(node, Map):
            self.wrong_shape(node, where, "mapping")
            return []
        entries = []
        for entry in node:
            if isinstance(entry.key.value, str):
                entries.append((entry.key.value, entry.key, entry.value))
            else:
                self.report(
                    "S102",
                    entry.key.span,
                    f"names in {where} must be strings",
                    self.trap_hint(entry.key) or "quote the name",
                )
        return entries

    def string(self, node: Node | None, where: str, allow_numbers: bool = True) -> str | None:
        """A string; plain numbers are accepted as text (with a warning if YAML changed them)."""
        if node is None:
            return None
        if isinstance(node, Scalar):
            value = node.value
            if isinstance(value, str):
                return value
            if node.trap:
                self.report("Y011", node.span, f"{where}: {node.trap}", self.trap_hint(node))
                return str(value).lower() if isinstance(value, bool) else str(value)
            if allow_numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
                return node.text
        self.wrong_shape(node, where, "string")
        return None

    def trap_hint(self, node: Scalar) -> str | None:
        """The hint for a YAML 1.1 trap: quote the text."""
        return f'quote it to keep the text: "{node.text}"' if node.trap else None

    def boolean(self, node: Node | None, where: str) -> bool | None:
        """A boolean, as Azure ML reads one (`"false"` and `1` too: :func:`as_boolean`)."""
        if node is None:
            return None
        found = as_boolean(node.value) if isinstance(node, Scalar) else None
        if found is None:
            self.wrong_shape(node, where, "boolean")
        return found

    def integer(self, node: Node | None, where: str, minimum: int | None = 0) -> int | None:
        """An integer, at least ``minimum``, as Azure ML reads one (`"2"` and `2.0` too:
        :func:`as_integer`)."""
        if node is None:
            return None
        found = as_integer(node.value) if isinstance(node, Scalar) else None
        if found is None:
            self.wrong_shape(node, where, "integer")
            return None
        if minimum is not None and found < minimum:
            self.report("S106", node.span, f"{where} must be at least {minimum}")
            return None
        return found

    def choice(
        self, node: Node | None, where: str, choices: Iterable[str], ignore_case: bool = False
    ) -> str | None:
        """A string among ``choices``; with ``ignore_case`` (azure-ai-ml's ``StringTransformedEnum``
        lower-cases the value first) in any case, read as the choice it spells."""
        value = self.string(node, where)
        choices = tuple(choices)
        if value is None or node is None:
            return None
        if ignore_case and value not in choices:
            value = {choice.lower(): choice for choice in choices}.get(value.lower(), value)
        if value not in choices:
            hint = did_you_mean(value, choices) or "one of: " + ", ".join(choices)
            self.report("S106", node.span, f"{where} cannot be `{value}`", hint)
            return None
        return value

    def string_map(self, node: Node | None, where: str) -> StringMap:
        """A mapping of string to string (tags, environment variables)."""
        result = StringMap()
        for name, key, value in self.named(node, where):
            result.key_spans[name] = key.span
            if isinstance(value, Scalar) and value.value is None:
                result[name] = ""
                continue
            text = self.string(value, f"`{name}` in {where}")
            if text is not None:
                result[name] = text
        return result

    def string_list(self, node: Node | None, where: str) -> list[tuple[str, Scalar]]:
        """A list of strings (a single string is accepted as a list of one)."""
        if node is None:
            return []
        items = node.items if isinstance(node, Seq) else [node]
        found: list[tuple[str, Scalar]] = []
        for item in items:
            text = self.string(item, where, allow_numbers=False)
            if text is not None and isinstance(item, Scalar):
                found.append((text, item))
        return found

    def plain_map(self, node: Node | None, where: str, allowed: Iterable[str]) -> dict[str, Any]:
        """A small mapping of scalars (resources, limits) as a dict."""
        mapping = self.mapping(node, where, allowed)
        result: dict[str, Any] = {}
        if mapping is None:
            return result
        for entry in mapping:
            if isinstance(entry.value, Scalar) and isinstance(entry.key.value, str):
                result[entry.key.value] = entry.value.value
            elif isinstance(entry.key.value, str):
                self.wrong_shape(entry.value, f"`{entry.key.value}` in {where}", "value")
        return result


def _head(node: Node) -> Span:
    """The first line of a node's span: where a 'missing key' is reported."""
    span = node.span
    return Span(span.file, span.line, span.column, span.line, span.column + 1)
