"""Label text and escaping, shared by every renderer.

Labels are built once as plain text (``clean`` removes control and bidi
characters, ``shorten`` bounds their length); each format then escapes them
with its own function here, so a step called ``<script>`` or a description
holding ``"``, ``]``, ``|``, ``-->`` or a newline is always shown as text.
Node ids in the outputs are synthetic (``n0``, ``n1``...), never user text.
"""

from __future__ import annotations

import re
import unicodedata

ARROW = "→"
BROKEN_MARK = "⚠"
MAX_LABEL = 60
_WHITESPACE = re.compile(r"\s+")
_UNSAFE_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
# Characters Mermaid may show verbatim inside a quoted label; everything else is an entity.
_MERMAID_SAFE = frozenset(" _.,:/=+()-@~" + ARROW + BROKEN_MARK + "…·")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """One line of printable text: whitespace runs become one space, control characters escapes."""
    collapsed = _WHITESPACE.sub(" ", str(text)).strip()
    return "".join(_printable(char) for char in collapsed)


def _printable(char: str) -> str:
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def edge_label(src_port: str | None, dst_port: str | None, type_: str | None, arrow: str = ARROW) -> str:
    """``port: type``, or ``out → in: type`` when the two port names differ."""
    if src_port is None and dst_port is None:
        port = ""
    elif src_port == dst_port or src_port is None or dst_port is None:
        port = clean(src_port or dst_port)
    else:
        port = f"{clean(src_port)} {arrow} {clean(dst_port)}"
    if type_:
        return f"{port}: {clean(type_)}" if port else clean(type_)
    return port


def mermaid(text: str) -> str:
    """Text for a Mermaid quoted label: every character outside a small safe set becomes ``#N;``."""
    return "".join(char if _mermaid_safe(char) else f"#{ord(char)};" for char in text)


def _mermaid_safe(char: str) -> bool:
    if char in _MERMAID_SAFE:
        return True
    return char.isalnum() and unicodedata.category(char)[0] in "LN"


def dot(text: str) -> str:
    """Text for the inside of a DOT double-quoted string (Graphviz decodes entities, so ``&`` too)."""
    escaped = text.replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"')
    return escaped.replace("\n", "\\n").replace("\r", "")


def xml(text: str) -> str:
    """Text for XML character data or a double-quoted attribute value."""
    text = _XML_INVALID.sub("\ufffd", text)
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace('"', "&quot;").replace("'", "&#39;")
