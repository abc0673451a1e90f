"""Template strings and bindings read out of scalars, with positions."""

from __future__ import annotations

from collections.abc import Collection

from azpipe.expr.ast import Placeholder, RefKind, Template
from azpipe.expr.parser import TemplateError, parse_template
from azpipe.model import Binding, Component
from azpipe.readers.reader import Reader
from azpipe.source.nodes import Node, Scalar
from azpipe.suggest import did_you_mean

MAX_ERRORS_PER_TEMPLATE = 10
_FORM_NAMES = {
    RefKind.INPUT: "`inputs.NAME` (a step's own input)",
    RefKind.OUTPUT: "`outputs.NAME` (a step's own output)",
    RefKind.PARENT_INPUT: "`parent.inputs.NAME` (a pipeline input)",
    RefKind.PARENT_OUTPUT: "`parent.outputs.NAME` (a pipeline output)",
    RefKind.STEP_OUTPUT: "`STEP.outputs.NAME` (a step output)",
    RefKind.DATA: "`data.NAME` (a data asset)",
}


def check_own_ports(
    reader: Reader, component: Component, template: Template, node: Scalar, used_in: str, where: str
) -> None:
    """Each placeholder of a component's ``template`` (its command, spark ``args``, parallel
    ``program_arguments``: ``used_in``) names one of its own ports: E202 for another form,
    P405 for a port it does not declare."""
    for ref in template.refs():
        span = node.span_of(ref.start, ref.end)
        ports = {RefKind.INPUT: component.inputs, RefKind.OUTPUT: component.outputs}.get(ref.kind)
        if ports is None:
            reader.report("E202", span, f"`{ref}` cannot be used in {used_in}",
                          "a component only sees its own ports: `inputs.NAME` and `outputs.NAME`")  # fmt: skip
        elif ref.name not in ports:
            what = "input" if ref.kind is RefKind.INPUT else "output"
            hint = did_you_mean(ref.name, ports) or f"{where} declares: " + (", ".join(ports) or "none")
            reader.report("P405", span, f"`{ref}` names no {what} of {where}", hint)


def read_template(reader: Reader, node: Node | None, where: str) -> tuple[Template, Scalar] | None:
    """Parse a string node as a template; syntax errors are reported at their column."""
    if node is None:
        return None
    text = reader.string(node, where, allow_numbers=False)
    if text is None or not isinstance(node, Scalar):
        return None
    # After an error, blank out the bad part and parse again, so one typo does not
    # hide the rest of the command's problems (offsets stay the same).
    for _attempt in range(MAX_ERRORS_PER_TEMPLATE):
        try:
            template = parse_template(text)
        except TemplateError as error:
            reader.report(
                "E201", node.span_of(error.start, error.end), f"{where}: {error.message}", error.hint
            )
            text = text[: error.start] + " " * (error.end - error.start) + text[error.end :]
            continue
        return template, node
    return None


def read_binding(reader: Reader, node: Node, where: str, allowed: Collection[RefKind]) -> Binding | None:
    """A binding: exactly one ``${{ }}`` of an allowed form, or a literal scalar."""
    if not isinstance(node, Scalar):
        reader.wrong_shape(node, where, "`${{ }}` reference or a literal")
        return None
    if node.value is None:
        reader.report("S102", node.span, f"{where} has no value")
        return None
    if not isinstance(node.value, str):
        if node.trap:
            reader.report("Y011", node.span, f"{where}: {node.trap}", reader.trap_hint(node))
        return Binding(node.span, value=node.value)
    parsed = read_template(reader, node, where)
    if parsed is None:
        return None
    template = parsed[0]
    if template.is_literal:
        return Binding(node.span, value=node.value)
    only = template.parts[0] if len(template.parts) == 1 else None
    if not isinstance(only, Placeholder):
        reader.report(
            "E202",
            node.span,
            f"{where} must be exactly one `${{{{ }}}}` reference",
            "text around a reference is only allowed in a command",
        )
        return None
    span = node.span_of(only.start, only.end)
    if only.ref.kind not in allowed:
        hint = "here use " + " or ".join(_FORM_NAMES[kind] for kind in allowed)
        reader.report("E202", span, f"`{only.ref}` cannot be used in {where}", hint)
        return None
    return Binding(span, ref=only.ref)
