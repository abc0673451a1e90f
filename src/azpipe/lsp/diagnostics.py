"""azpipe's diagnostics as LSP diagnostics, grouped by the file they point into."""

from __future__ import annotations

from lsprotocol import types

from azpipe.diagnostics import Diagnostic, Severity
from azpipe.lsp.document import Analysis, location_uri

SOURCE = "azpipe"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def by_file(analysis: Analysis) -> dict[str, list[types.Diagnostic]]:
    """The document's diagnostics by file URI; the document itself is always present.

    A problem inside a component file the pipeline uses is reported in that file,
    as ``azpipe check`` reports it.
    """
    found: dict[str, list[types.Diagnostic]] = {analysis.uri: []}
    for diagnostic in analysis.pipeline.diagnostics if analysis.pipeline else []:
        text = analysis.file(diagnostic.span.file)
        if text is None:
            continue
        uri = location_uri(diagnostic.span.file, analysis)
        found.setdefault(uri, []).append(convert(diagnostic, text.range(diagnostic.span)))
    return found


def convert(diagnostic: Diagnostic, where: types.Range) -> types.Diagnostic:
    """One diagnostic, its hint on a line of its own."""
    message = diagnostic.message + (f"\nhint: {diagnostic.hint}" if diagnostic.hint else "")
    return types.Diagnostic(
        range=where,
        message=message,
        severity=_SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        source=SOURCE,
    )
