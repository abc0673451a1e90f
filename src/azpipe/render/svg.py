"""SVG: the graph drawn with the pure-Python layered layout (no Graphviz needed).

Text widths are estimated from Arial/Helvetica metrics (the font the SVG asks
for; Liberation Sans has the same widths), with a small safety margin. Every
piece of user text goes through :func:`azpipe.render.labels.xml`.
"""

from __future__ import annotations

import unicodedata

from azpipe.records import record
from azpipe.render import layout
from azpipe.render.clusters import svg_boxes
from azpipe.render.labels import xml
from azpipe.render.view import Edge, Node, View

FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif"
TITLE_SIZE = 13.0
DETAIL_SIZE = 11.0
LABEL_SIZE = 11.0
LINE = 1.35  # line height, in font sizes
PAD_X, PAD_Y = 12.0, 8.0
MIN_WIDTH = 48.0
SKEW = 10.0  # parallelogram slant of output nodes
STACK = 4.0  # offset of the box behind a sweep step
INSET = 3.0  # the inner border of a parallel step
CAP = 6.0  # half-height of a data cylinder's top ellipse
SAFETY = 1.06

# Advance widths (1/1000 em) of Helvetica/Arial for ASCII 32..126, regular and bold.
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 "
    "556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 "
    "556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 "
    "556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 "
    "611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"
)
WIDTHS = {False: [int(w) for w in _REGULAR.split()], True: [int(w) for w in _BOLD.split()]}

STYLE = f"""
.azpipe-graph text {{ font-family: {FONT}; }}
.azpipe-graph .shape {{ stroke-width: 1.3; }}
.azpipe-graph .step .shape {{ fill: #e8f0fe; stroke: #1a73e8; }}
.azpipe-graph .input .shape {{ fill: #e6f4ea; stroke: #188038; }}
.azpipe-graph .output .shape {{ fill: #fef7e0; stroke: #b06000; }}
.azpipe-graph .data .shape {{ fill: #f3e8fd; stroke: #8430ce; }}
.azpipe-graph .node.optional .shape {{ stroke-dasharray: 4 3; }}
.azpipe-graph .broken .shape {{ fill: #fce8e6; stroke: #d93025; stroke-dasharray: 4 3; }}
.azpipe-graph .title {{ font-size: {TITLE_SIZE}px; font-weight: bold; fill: #202124; }}
.azpipe-graph .detail {{ font-size: {DETAIL_SIZE}px; fill: #5f6368; }}
.azpipe-graph .problem {{ font-size: {DETAIL_SIZE}px; fill: #d93025; }}
.azpipe-graph .edge path {{ fill: none; stroke: #5f6368; stroke-width: 1.3; }}
.azpipe-graph .edge.after path {{ stroke-dasharray: 5 4; }}
.azpipe-graph .edge-label {{ font-size: {LABEL_SIZE}px; fill: #3c4043; }}
.azpipe-graph .node.lineage .shape {{ stroke-width: 3; }}
.azpipe-graph .edge.lineage path {{ stroke: #e37400; stroke-width: 2.2; }}
.azpipe-graph .dim {{ opacity: 0.35; }}
"""


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated rendered width of ``text`` in pixels at font ``size``."""
    table = WIDTHS[bold]
    units = 0
    for char in text:
        code = ord(char)
        if 32 <= code < 127:
            units += table[code - 32]
        elif unicodedata.combining(char):
            continue
        else:
            units += 1000 if unicodedata.east_asian_width(char) in "WF" else 800
    return units * size / 1000 * SAFETY


@record(frozen=True)
class _Link:
    """Edges between one pair of nodes, drawn as one line."""

    source: str
    target: str
    labels: tuple[str, ...]
    after: bool
    classes: tuple[str, ...]
    title: str


def node_size(node: Node) -> tuple[float, float]:
    """Screen size of a node's box: its text plus padding and its shape's extras."""
    lines = node.label_lines()
    width = text_width(lines[0], TITLE_SIZE, bold=True)
    width = max([width, *(text_width(line, DETAIL_SIZE) for line in lines[1:])])
    height = TITLE_SIZE * LINE + DETAIL_SIZE * LINE * (len(lines) - 1) + 2 * PAD_Y
    width = max(MIN_WIDTH, width + 2 * PAD_X)
    if node.kind == "input":
        width += height / 2
    elif node.kind == "output":
        width += 2 * SKEW
    elif node.kind == "data":
        height += 2 * CAP
    if node.shape in ("spark", "automl", "data_transfer"):
        width += 2 * SKEW
    if node.shape == "parallel":  # room for the inner border
        width, height = width + 2 * INSET, height + 2 * INSET
    if node.shape == "sweep":  # room for the box behind
        width, height = width + STACK, height + STACK
    return (round(width, 1), round(height, 1))


def links(view: View) -> list[_Link]:
    """The view's edges, those between the same two nodes merged into one line."""
    groups: dict[tuple[str, str], list[Edge]] = {}
    for edge in view.edges:
        groups.setdefault((edge.source, edge.target), []).append(edge)
    names = {node.id: node.name for node in view.nodes}
    return [_merge(edges, names) for edges in groups.values()]


def _merge(edges: list[Edge], names: dict[str, str]) -> _Link:
    first = edges[0]
    labels = tuple(dict.fromkeys(label for edge in edges if (label := edge.label())))
    classes = ("lineage",) if any("lineage" in e.classes for e in edges) else first.classes
    title = f"{names[first.source]} → {names[first.target]}"
    if labels:
        title += ": " + ", ".join(labels)
    return _Link(first.source, first.target, labels, all(e.kind == "after" for e in edges), classes, title)


def label_size(labels: tuple[str, ...]) -> tuple[float, float]:
    """Screen size of an edge label block."""
    if not labels:
        return (0.0, 0.0)
    width = max(text_width(label, LABEL_SIZE) for label in labels)
    return (round(width, 1), round(LABEL_SIZE * LINE * len(labels), 1))


def render(view: View, interactive: bool = False) -> str:
    """The SVG document of ``view``; ``interactive`` makes nodes focusable (HTML viewer)."""
    merged = links(view)
    sizes = {node.id: node_size(node) for node in view.nodes}
    specs = [layout.Link(link.source, link.target, label_size(link.labels)) for link in merged]
    placed = layout.compute([node.id for node in view.nodes], sizes, specs, view.options.direction)
    parts = [_header(view, placed)]
    parts += svg_boxes(view.nodes, placed.boxes, placed.width, placed.height, interactive)  # clusters.py
    parts.append('<g class="edges">')
    parts += [_trunk(trunk, [merged[n] for n in trunk.links]) for trunk in placed.trunks]
    parts += [_edge(link, route) for link, route in zip(merged, placed.routes, strict=True)]
    parts.append('</g>\n<g class="edge-labels">')
    parts += [_label(link, box) for link, box in zip(merged, placed.labels, strict=True) if box is not None]
    parts.append('</g>\n<g class="nodes">')
    parts += [_node(node, placed.boxes[node.id], interactive) for node in view.nodes]
    parts.append("</g>\n</svg>\n")
    return "\n".join(parts)


def _header(view: View, placed: layout.Layout) -> str:
    width, height = _num(placed.width), _num(placed.height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="azpipe-graph" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">\n'
        f"<title>{xml(view.name)}</title>\n<style>{STYLE}</style>\n<defs>\n"
        + _marker("azpipe-arrow", "#5f6368")
        + _marker("azpipe-arrow-lineage", "#e37400")
        + "</defs>"
    )


def _marker(name: str, color: str) -> str:
    return (
        f'<marker id="{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>\n'
    )


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _classes(*names: str) -> str:
    return " ".join(name for name in names if name)


def _edge(link: _Link, route: list[layout.Point]) -> str:
    points = " L".join(f"{_num(x)},{_num(y)}" for x, y in route)
    marker = "azpipe-arrow-lineage" if "lineage" in link.classes else "azpipe-arrow"
    classes = _classes("edge", "after" if link.after else "", *link.classes)
    return (
        f'<g class="{classes}" data-source="{link.source}" data-target="{link.target}">'
        f"<title>{xml(link.title)}</title>"
        f'<path d="M{points}" marker-end="url(#{marker})"/></g>'
    )


def _trunk(trunk: layout.Trunk, members: list[_Link]) -> str:
    points = " L".join(f"{_num(x)},{_num(y)}" for x, y in trunk.points)
    lineage = any("lineage" in link.classes for link in members)
    dim = all("dim" in link.classes for link in members)
    after = all(link.after for link in members)
    classes = _classes(
        "edge", "trunk", "after" if after else "", "lineage" if lineage else "", "dim" if dim else ""
    )
    return f'<g class="{classes}" data-source="{members[0].source}"><path d="M{points}"/></g>'


def _label(link: _Link, box: layout.Rect) -> str:
    height = LABEL_SIZE * LINE
    texts = [
        f'<text class="edge-label" x="{_num(box.x)}" y="{_num(box.y + height * number + height * 0.75)}">'
        f"{xml(label)}</text>"
        for number, label in enumerate(link.labels)
    ]
    classes = _classes("label", *link.classes)
    return (
        f'<g class="{classes}" data-source="{link.source}" data-target="{link.target}">{"".join(texts)}</g>'
    )


def _node(node: Node, box: layout.Rect, interactive: bool) -> str:
    classes = _classes("node", node.kind, "broken" if node.broken else "", *node.classes)
    focus = ' tabindex="0" role="button"' if interactive else ""
    geometry = f'data-x="{_num(box.x)}" data-y="{_num(box.y)}" data-w="{_num(box.w)}" data-h="{_num(box.h)}"'
    return (
        f'<g class="{classes}" id="{node.id}" {geometry}{focus}>'
        f"<title>{xml(' · '.join(node.label_lines()))}</title>"
        f"{_shape(node.shape or node.kind, box)}{_texts(node, box)}</g>"
    )


def _shape(kind: str, box: layout.Rect) -> str:
    x, y, w, h = box.x, box.y, box.w, box.h
    if kind == "input":
        return _rect(box, h / 2)
    if kind == "output":
        corners = [(x + SKEW, y), (x + w, y), (x + w - SKEW, y + h), (x, y + h)]
        points = " ".join(f"{_num(px)},{_num(py)}" for px, py in corners)
        return f'<polygon class="shape" points="{points}"/>'
    if kind == "data":
        return _cylinder(box)
    if kind == "data_transfer":  # an arrow: data moved from one store to another
        corners = [(x, y), (x + w - SKEW, y), (x + w, y + h / 2), (x + w - SKEW, y + h), (x, y + h)]
        points = " ".join(f"{_num(px)},{_num(py)}" for px, py in corners)
        return f'<polygon class="shape" points="{points}"/>'
    if kind == "automl":  # an octagon: Azure ML tries many models
        corners = [
            (x + SKEW, y), (x + w - SKEW, y), (x + w, y + SKEW), (x + w, y + h - SKEW),
            (x + w - SKEW, y + h), (x + SKEW, y + h), (x, y + h - SKEW), (x, y + SKEW),
        ]  # fmt: skip
        points = " ".join(f"{_num(px)},{_num(py)}" for px, py in corners)
        return f'<polygon class="shape" points="{points}"/>'
    if kind == "spark":  # a hexagon
        corners = [
            (x + SKEW, y),
            (x + w - SKEW, y),
            (x + w, y + h / 2),
            (x + w - SKEW, y + h),
            (x + SKEW, y + h),
            (x, y + h / 2),
        ]
        points = " ".join(f"{_num(px)},{_num(py)}" for px, py in corners)
        return f'<polygon class="shape" points="{points}"/>'
    if kind == "parallel":  # a double border: mini-batches run by parallel workers
        inner = layout.Rect(x + INSET, y + INSET, w - 2 * INSET, h - 2 * INSET)
        return _rect(box, 6) + _rect(inner, 4)
    if kind == "sweep":  # a stack of boxes: the trials of one step
        back = layout.Rect(x + STACK, y, w - STACK, h - STACK)
        return _rect(back, 6) + _rect(layout.Rect(x, y + STACK, w - STACK, h - STACK), 6)
    if kind == "pipeline":  # a folder tab over the box: a sub-pipeline drawn as one node (--depth 0)
        return _rect(layout.Rect(x, y, min(w, 28.0), 8.0), 2) + _rect(layout.Rect(x, y + 4, w, h - 4), 6)
    return _rect(box, 6)


def _rect(box: layout.Rect, radius: float) -> str:
    return (
        f'<rect class="shape" x="{_num(box.x)}" y="{_num(box.y)}" width="{_num(box.w)}" '
        f'height="{_num(box.h)}" rx="{_num(radius)}"/>'
    )


def _cylinder(box: layout.Rect) -> str:
    x, y, w, h = box.x, box.y, box.w, box.h
    rx = w / 2
    body = (
        f"M{_num(x)},{_num(y + CAP)} A{_num(rx)},{_num(CAP)} 0 0 1 {_num(x + w)},{_num(y + CAP)} "
        f"L{_num(x + w)},{_num(y + h - CAP)} A{_num(rx)},{_num(CAP)} 0 0 1 {_num(x)},{_num(y + h - CAP)} Z "
        f"M{_num(x)},{_num(y + CAP)} A{_num(rx)},{_num(CAP)} 0 0 0 {_num(x + w)},{_num(y + CAP)}"
    )
    return f'<path class="shape" d="{body}"/>'


def _texts(node: Node, box: layout.Rect) -> str:
    lines = node.label_lines()
    top = box.y + PAD_Y + (2 * CAP if node.kind == "data" else 0)
    center = _num(box.x + box.w / 2)
    parts = [_text("title", center, top + TITLE_SIZE * LINE * 0.75, lines[0])]
    top += TITLE_SIZE * LINE
    for number, line in enumerate(lines[1:]):
        style = "detail" if number < len(node.lines) else "problem"
        parts.append(_text(style, center, top + DETAIL_SIZE * LINE * (number + 0.75), line))
    return "".join(parts)


def _text(style: str, x: str, baseline: float, text: str) -> str:
    return f'<text class="{style}" x="{x}" y="{_num(baseline)}" text-anchor="middle">{xml(text)}</text>'
