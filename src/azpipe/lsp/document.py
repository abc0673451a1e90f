"""One analysed version of an open document: its text, its pipeline model, its YAML nodes.

The diagnostics are exactly those of ``azpipe check`` for the file: the document is
loaded with :func:`azpipe.loads`, relative paths (component files, ``code:``
folders) resolved against the document's folder. Only documents that start a
pipeline (``azpipe:`` or ``type: pipeline``, as ``azpipe check`` finds them in a
folder) are analysed: a conda file or a component file open in the same editor
is not a pipeline and gets no diagnostics.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import field

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from azpipe.diagnostics import Span
from azpipe.loading import loads
from azpipe.lsp.occurrences import Occurrence, occurrences
from azpipe.lsp.positions import FileText
from azpipe.model import Pipeline
from azpipe.records import record
from azpipe.source.loader import load_bytes, load_file
from azpipe.source.nodes import Node

# The test `azpipe check` applies to the files of a folder (its first 64 KiB).
_PIPELINE_START = re.compile(r"^(?:azpipe\s*:|type\s*:\s*['\"]?pipeline\b)", re.MULTILINE)
_HEAD_CHARS = 64 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


def is_pipeline_text(text: str) -> bool:
    """True when ``text`` starts an azpipe pipeline or an Azure ML pipeline job."""
    return bool(_PIPELINE_START.search(text[:_HEAD_CHARS]))


def document_path(uri: str) -> tuple[str, str]:
    """The path diagnostics name for ``uri`` and the folder its relative paths start from.

    A document that is not a file (an unsaved buffer) keeps its URI as its name and
    resolves relative paths against the server's working folder.
    """
    path = to_fs_path(uri) if uri.startswith("file:") else None
    if not path:
        return uri, os.getcwd()
    return path, os.path.dirname(os.path.abspath(path))


def location_uri(path: str, document: Analysis) -> str:
    """The URI of the file a span names (the document's own URI for the document)."""
    if path == document.path:
        return document.uri
    return from_fs_path(os.path.abspath(path)) or path


@record
class Analysis:
    """A document version, its model (``None`` when it is not a pipeline file) and its files."""

    uri: str
    version: int | None
    text: str
    encoding: str = "utf-16"
    path: str = field(init=False)
    pipeline: Pipeline | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.path, base_dir = document_path(self.uri)
        if is_pipeline_text(self.text):
            # A lone surrogate (legal in JSON, not in UTF-8) becomes U+FFFD: offsets stay put.
            clean = _SURROGATE.sub("\ufffd", self.text)
            self.pipeline = loads(clean, path=self.path, base_dir=base_dir)
        self._files: dict[str, FileText | None] = {self.path: FileText(self.path, self.text, self.encoding)}

    @property
    def usable(self) -> bool:
        """True when the YAML could be read (the model has the file's content)."""
        return self.pipeline is not None and self.pipeline.span.file != ""

    @functools.cached_property
    def root(self) -> Node | None:
        """The document's YAML root node with positions (``None`` when it does not load)."""
        if self.pipeline is None:
            return None
        return load_bytes(_SURROGATE.sub("\ufffd", self.text).encode("utf-8"), self.path).root

    @functools.cached_property
    def occurrences(self) -> list[Occurrence]:
        """Every name the document uses, in file order (found once per version)."""
        return occurrences(self.root)

    @property
    def main(self) -> FileText:
        """The document's own text."""
        found = self._files[self.path]
        assert found is not None
        return found

    def file(self, path: str) -> FileText | None:
        """The text of a file a span points into (a component file is read from disk once)."""
        if path not in self._files:
            text = self.pipeline.sources.get(path) if self.pipeline else None
            if text is None:  # read as the loader reads it, so lines and columns agree
                loaded = load_file(path)
                text = loaded.source.text if loaded.source.text or loaded.root is not None else None
            self._files[path] = FileText(path, text, self.encoding) if text is not None else None
        return self._files[path]

    def location(self, span: Span) -> types.Location | None:
        """The LSP location of a span, in whichever file it is."""
        found = self.file(span.file)
        if found is None:
            return None
        return types.Location(location_uri(span.file, self), found.range(span))

    def offset_at(self, position: types.Position) -> int:
        """The character offset of an LSP position in the document."""
        return self.main.index.offset(position)
