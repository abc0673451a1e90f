"""HTML: one self-contained page with the SVG, pan and zoom, and a details panel.

The page loads nothing from the network. User data reaches it only through
Jinja2's autoescape or ``|tojson`` (the details panel's data, read by the
script with ``JSON.parse`` and shown with ``textContent``); the one piece of
markup passed through unescaped is the SVG from :mod:`azpipe.render.svg`,
which escapes every text it holds. A Content-Security-Policy allows only the
page's own script and styles (by hash), so even injected markup could not run.
Jinja2 is imported here, never by the CLI's light path.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from typing import TYPE_CHECKING, Any

from azpipe.render import svg
from azpipe.render.labels import clean
from azpipe.render.text import summary
from azpipe.render.view import Node, View, binding_text, environment_text

if TYPE_CHECKING:
    import jinja2

    from azpipe.model import Pipeline, Port, Step, Sweep

Block = dict[str, Any]


@functools.cache
def environment() -> jinja2.Environment:
    """The shared Jinja2 environment of the renderers (autoescape on)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("azpipe.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _static(name: str) -> str:
    env = environment()
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render(view: View, pipeline: Pipeline) -> str:
    """The HTML page of ``view``; ``pipeline`` supplies the details panel."""
    from markupsafe import Markup

    script, style = _static("viewer.js"), _static("viewer.css")
    drawing = svg.render(view, interactive=True)
    policy = (
        "default-src 'none'; img-src data:; "
        f"style-src {_csp_hash(style)} {_csp_hash(svg.STYLE)}; script-src {_csp_hash(script)}"
    )
    return (
        environment()
        .get_template("graph.html.j2")
        .render(
            title=clean(pipeline.display_name or pipeline.name or view.name),
            summary=summary(view),
            lineage=view.options.lineage,
            problems=_problems(pipeline),
            policy=policy,
            style=Markup(style),
            script=Markup(script),
            svg=Markup(drawing),
            data={"nodes": {node.id: _details(node, pipeline) for node in view.nodes}},
        )
    )


def _problems(pipeline: Pipeline) -> list[str]:
    from azpipe.diagnostics import Severity

    errors = [d for d in pipeline.check() if d.severity >= Severity.ERROR]
    return [f"line {d.span.line}: {clean(d.message)} [{d.code}]" for d in errors]


def _details(node: Node, pipeline: Pipeline) -> dict[str, Any]:
    """What the panel shows for ``node``: its name, kind and a list of blocks."""
    blocks: list[Block]
    if node.kind == "step" and node.key in pipeline.steps:
        blocks = _step_blocks(pipeline, pipeline.steps[node.key])
    elif node.kind == "input" and node.name in pipeline.inputs:
        blocks = _input_blocks(pipeline, node.name)
    elif node.kind == "output" and node.name in pipeline.outputs:
        blocks = _output_blocks(pipeline, node.name)
    elif node.kind == "data" and node.name in pipeline.data:
        blocks = _data_blocks(pipeline, node.name)
    else:
        blocks = []
    if node.problems or node.broken:
        blocks.append({"heading": "Broken references", "list": list(node.problems) or ["broken reference"]})
    return {"name": node.name, "kind": f"{node.shape} step" if node.shape else node.kind, "blocks": blocks}


def _fields(heading: str, pairs: list[tuple[str, Any]]) -> list[Block]:
    rows = [[name, str(value)] for name, value in pairs if value not in (None, "", [], {})]
    return [{"heading": heading, "rows": rows}] if rows else []


def _port_rows(ports: dict[str, Port], with_binding: bool) -> list[list[str]]:
    rows = []
    for name, port in sorted(ports.items()):
        extra = binding_text(port.binding) if with_binding else (port.mode or "")
        kind = (port.type or "") + (" (optional)" if port.optional and with_binding else "")
        rows.append([name, kind, extra])
    return rows


def _step_blocks(pipeline: Pipeline, step: Step) -> list[Block]:
    details = step.details
    description = details.description or (step.uses.details.description if step.uses else None)
    blocks = _fields(
        "Details",
        [
            ("display name", details.display_name),
            ("description", description),
            ("uses", step.uses.name if step.uses else None),
            ("code", step.code or (step.uses.code if step.uses else None)),
            ("environment", environment_text(pipeline, step)),
            ("compute", pipeline.compute_of(step)),
            ("after", ", ".join(name for name, _ in step.after)),
        ],
    )
    if step.command is not None:
        blocks.append({"heading": "Command", "code": step.command.unparse()})
    if step.inputs:
        blocks.append({"heading": "Inputs", "columns": ["name", "type", "bound to"],
                       "table": _port_rows(step.inputs, True)})  # fmt: skip
    if step.outputs:
        blocks.append({"heading": "Outputs", "columns": ["name", "type", "mode"],
                       "table": _port_rows(step.outputs, False)})  # fmt: skip
    if step.sweep is not None:
        blocks += _sweep_blocks(step.sweep)
    return blocks


def _sweep_blocks(sweep: Sweep) -> list[Block]:
    """A sweep step's objective, sampling, limits and policy, and its search space."""
    sampling = ", ".join([sweep.sampling_algorithm or ""] + [f"{k} {v}" for k, v in sweep.sampling.items()])
    policy = ", ".join(f"{k} {v}" for k, v in sweep.early_termination.items() if k != "type")
    kind = sweep.early_termination.get("type")
    blocks = _fields(
        "Sweep",
        [
            ("objective", f"{sweep.goal} {sweep.primary_metric}" if sweep.goal else None),
            ("sampling", sampling.strip(", ")),
            ("limits", ", ".join(f"{k} {v}" for k, v in sweep.limits.items())),
            ("early termination", f"{kind} ({policy})" if kind and policy else kind),
        ],
    )
    rows = [
        [name, item.type, ", ".join(f"{k} {v}" for k, v in item.params.items())]
        for name, item in sweep.search_space.items()
    ]
    if rows:
        blocks.append(
            {"heading": "Search space", "columns": ["input", "distribution", "parameters"], "table": rows}
        )
    return blocks


def _input_blocks(pipeline: Pipeline, name: str) -> list[Block]:
    item = pipeline.inputs[name]
    return _fields(
        "Details",
        [
            ("type", item.type),
            ("default", item.default),
            ("data asset", item.data),
            ("optional", "yes" if item.optional else None),
            ("mode", item.mode),
            ("description", item.description),
        ],
    )


def _output_blocks(pipeline: Pipeline, name: str) -> list[Block]:
    item = pipeline.outputs[name]
    pairs = [("bound to", binding_text(item.binding)), ("mode", item.mode), ("description", item.description)]
    return _fields("Details", pairs)


def _data_blocks(pipeline: Pipeline, name: str) -> list[Block]:
    item = pipeline.data[name]
    pairs = [
        ("type", item.type),
        ("path", item.path),
        ("version", item.version),
        ("description", item.description),
    ]
    return _fields("Details", pairs)
