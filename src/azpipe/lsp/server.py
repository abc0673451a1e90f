"""The language server: documents in, diagnostics and answers out, over stdio.

Diagnostics are published when a document opens and again ``DEBOUNCE_SECONDS``
after the last change (each change restarts the wait, so typing never queues
analyses); saving any file checks the open documents again, since a component
file may have changed. Definition, hover and references use an analysis of the
document's current text, made on the spot when the debounced one has not run
yet. Completion never waits for one: it reads the text as it is and takes names
from the last version whose YAML could be read, since text being typed is often
not valid YAML yet."""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from azpipe.lsp import completion, navigation
from azpipe.lsp.diagnostics import by_file
from azpipe.lsp.document import Analysis, is_pipeline_text
from azpipe.lsp.keys import schema_of_text
from azpipe.lsp.positions import LineIndex
from azpipe.version import __version__

DEBOUNCE_SECONDS = 0.3
_log = logging.getLogger(__name__)


class AzpipeServer(LanguageServer):
    """A pygls server that keeps one analysis per open document."""

    def __init__(self, debounce: float = DEBOUNCE_SECONDS) -> None:
        super().__init__(
            "azpipe", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.debounce = debounce
        self.analyses: dict[str, Analysis] = {}
        self.readable: dict[str, Analysis] = {}  # the last analysis whose YAML could be read
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.elsewhere: dict[str, dict[str, list[types.Diagnostic]]] = {}  # file → document → found

    def encoding(self) -> str:
        """The position encoding agreed with the client (``utf-16`` unless it chose another)."""
        chosen = self.workspace.position_encoding
        return str(getattr(chosen, "value", chosen) or "utf-16")

    def analysis(self, uri: str) -> Analysis:
        """The analysis of the document's current text (made now if it is out of date)."""
        document = self.workspace.get_text_document(uri)
        known = self.analyses.get(uri)
        if known is not None and known.version == document.version and known.text == document.source:
            return known
        fresh = Analysis(uri, document.version, document.source, self.encoding())
        self.analyses[uri] = fresh
        if fresh.usable:
            self.readable[uri] = fresh
        return fresh

    def latest(self, uri: str) -> Analysis:
        """The newest analysis whose YAML could be read, else the newest (made now if none)."""
        return self.readable.get(uri) or self.analyses.get(uri) or self.analysis(uri)

    def publish(self, uri: str) -> None:
        """Analyse the document and publish its diagnostics (and those in its component files)."""
        try:
            analysis = self.analysis(uri)
            found = by_file(analysis)
        except Exception:  # an azpipe bug must not take the editor's server down
            _log.exception("analysing %s failed", uri)
            return
        own = found.pop(uri, [])
        # A component file open in the editor shows what the pipelines using it found.
        self._send(uri, own if analysis.pipeline is not None else self._found_elsewhere(uri))
        self._publish_elsewhere(uri, found)

    def _send(self, uri: str, diagnostics: list[types.Diagnostic]) -> None:
        known = self.analyses.get(uri)
        version = known.version if known is not None and known.pipeline is not None else None
        params = types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        self.text_document_publish_diagnostics(params)

    def _found_elsewhere(self, uri: str) -> list[types.Diagnostic]:
        return [d for found in self.elsewhere.get(uri, {}).values() for d in found]

    def _publish_elsewhere(self, owner: str, found: dict[str, list[types.Diagnostic]]) -> None:
        """Files other than ``owner`` get the union of what every open pipeline found in them."""
        for uri in set(found) | {uri for uri, by in self.elsewhere.items() if owner in by}:
            by_owner = self.elsewhere.setdefault(uri, {})
            by_owner[owner] = found.get(uri, [])
            merged = self._found_elsewhere(uri)
            if not by_owner[owner]:
                del by_owner[owner]
            if not by_owner:
                del self.elsewhere[uri]
            known = self.analyses.get(uri)
            if known is None or known.pipeline is None:  # an open pipeline publishes its own
                self._send(uri, merged)

    def schedule(self, uri: str) -> None:
        """Publish after ``debounce`` seconds unless another change comes first."""
        self.cancel(uri)
        self.pending[uri] = asyncio.ensure_future(self._later(uri))

    async def _later(self, uri: str) -> None:
        await asyncio.sleep(self.debounce)
        self.pending.pop(uri, None)
        self.publish(uri)

    def cancel(self, uri: str) -> None:
        """Drop a scheduled publication."""
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()

    def close(self, uri: str) -> None:
        """Forget a closed document and clear what it published."""
        self.cancel(uri)
        self.analyses.pop(uri, None)
        self.readable.pop(uri, None)
        self._send(uri, self._found_elsewhere(uri))
        self._publish_elsewhere(uri, {})


def create_server(debounce: float = DEBOUNCE_SECONDS) -> AzpipeServer:
    """A server with every feature registered."""
    server = AzpipeServer(debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: AzpipeServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: AzpipeServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: AzpipeServer, params: types.DidSaveTextDocumentParams) -> None:
        # A saved component file can change what every open pipeline reports.
        for uri in list(ls.analyses):
            ls.analyses.pop(uri, None)
            ls.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: AzpipeServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.close(params.text_document.uri)

    _register_requests(server)
    return server


def _register_requests(server: AzpipeServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", "{"]))
    def complete(ls: AzpipeServer, params: types.CompletionParams) -> types.CompletionList:
        # Typing must stay fast: the text is read as it is now, the model is the latest
        # one made (the debounced analysis catches up after the last keystroke).
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        if schema_of_text(text) is None:  # a conda file, a workflow...: none of azpipe's business
            return types.CompletionList(is_incomplete=False, items=[])
        index = LineIndex(text, ls.encoding())
        line = min(params.position.line, len(index.starts) - 1)
        column = index.offset(params.position) - index.starts[line]
        pipeline = ls.latest(uri).pipeline if is_pipeline_text(text) else None
        items = completion.complete(index.lines(), line, column, pipeline)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: AzpipeServer, params: types.DefinitionParams) -> types.Location | None:
        current = ls.analysis(params.text_document.uri)
        found = navigation.target_at(current, params.position)
        span = navigation.definition(current, found[0]) if found else None
        return current.location(span) if span else None

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: AzpipeServer, params: types.HoverParams) -> types.Hover | None:
        current = ls.analysis(params.text_document.uri)
        found = navigation.target_at(current, params.position)
        text = navigation.hover(current, found[0]) if found else None
        if found is None or text is None:
            return _key_hover(current.main.index, params.position)
        where = current.location(found[1])
        content = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
        return types.Hover(contents=content, range=where.range if where else None)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: AzpipeServer, params: types.ReferenceParams) -> list[types.Location]:
        current = ls.analysis(params.text_document.uri)
        found = navigation.target_at(current, params.position)
        if found is None:
            return []
        spans = navigation.references(current, found[0], params.context.include_declaration)
        return [location for span in spans if (location := current.location(span)) is not None]


def _key_hover(index: LineIndex, position: types.Position) -> types.Hover | None:
    """A key's description from the schema, when the cursor is on a key."""
    if position.line >= len(index.starts):
        return None
    column = index.offset(position) - index.starts[position.line]
    text = completion.key_hover(index.lines(), position.line, column)
    if text is None:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))
