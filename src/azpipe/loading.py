"""The front end in one call: load → build → resolve → check; and finding pipeline files.

Finding files (:func:`discover`) reads regular files only. A path named on the
command line that is a FIFO, socket or device is reported, never opened; in a
folder such files are skipped. Folders are walked whatever their name (a folder
called ``pipeline.yaml`` is a folder); links to folders are not followed.

What ``azpipe check`` checks (:func:`check_file`) is decided by what a file is
(:mod:`azpipe.source.kinds`): azpipe pipelines, Azure ML pipeline jobs and
command components; any other YAML file, named or found, is skipped without a
diagnostic, so a conda file or a GitHub workflow never fails the check.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import field

from azpipe.checks import check_document, run_checks
from azpipe.checks.parallel import parallel_component_problems
from azpipe.checks.values import not_reported
from azpipe.diagnostics import Diagnostic, Span
from azpipe.model import Pipeline
from azpipe.readers import build_pipeline
from azpipe.readers.component_file import read_component_mapping
from azpipe.readers.interface import is_local_path
from azpipe.readers.native import build_native, is_native
from azpipe.readers.reader import Reader
from azpipe.records import record
from azpipe.resolve import resolve_ports
from azpipe.rules import rule
from azpipe.source.files import path_kind, read_regular
from azpipe.source.kinds import AZPIPE, OTHER, PIPELINE_JOB, FileKind, could_be_checked, kind_of, kind_of_text
from azpipe.source.loader import MAX_BYTES, Loaded, load_bytes, load_file
from azpipe.source.local_paths import check_path
from azpipe.source.nodes import Map, Node
from azpipe.suppress import ignored_lines, is_suppressed

YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", ".azpipe"})
_HEAD_BYTES = 64 * 1024


def load(path: str | os.PathLike[str]) -> Pipeline:
    """Load and check the pipeline file at ``path``.

    Never raises on a user's mistake: problems are in ``pipeline.diagnostics``.
    """
    name = os.fspath(path)
    with _no_gc():
        return _checked(load_file(name), name, os.path.dirname(os.path.abspath(name)))


def loads(text: str, path: str = "<string>", base_dir: str = ".") -> Pipeline:
    """Load a pipeline from a string; relative paths resolve against ``base_dir``."""
    with _no_gc():
        return _checked(load_bytes(text.encode("utf-8"), path), path, os.path.abspath(base_dir))


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: the front end allocates many small objects
    and creates no garbage cycles, and full collections made cost grow faster than
    the number of steps (measured: 338 vs 589 µs per step at 3,000 steps)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _checked(loaded: Loaded, path: str, base_dir: str, native: bool | None = None) -> Pipeline:
    """The pipeline in ``loaded``; ``native`` forces the reading (``None``: from its keys)."""
    kind = kind_of(loaded.root) if native is None else None
    if loaded.root is None:
        pipeline = Pipeline(path=path, base_dir=base_dir)
        pipeline.diagnostics = loaded.diagnostics
    elif kind is not None and kind not in (AZPIPE, PIPELINE_JOB, OTHER):
        pipeline = Pipeline(path=path, base_dir=base_dir)
        pipeline.diagnostics = [_not_a_pipeline(loaded.root, path, kind)]
    else:
        native = is_native(loaded.root) if native is None else native
        pipeline, found = (build_native if native else build_pipeline)(loaded.root, path, base_dir)
        found = loaded.diagnostics + found
        shapes = check_document(loaded.root, pipeline.source_format, found)
        resolve_ports(pipeline)
        later = run_checks(pipeline, found + shapes)
        # A check that names the problem (N701 for a name) says it better than the schema's
        # pattern (V004) at the same value: one diagnostic per mistake.
        pipeline.diagnostics = found + not_reported(shapes, later) + later
    return _finished(pipeline, loaded, path)


def _not_a_pipeline(root: Node, path: str, kind: FileKind) -> Diagnostic:
    """S111: ``path`` is another kind of Azure ML file (a component, an asset, a job of another
    type), which would otherwise be read as a pipeline missing all of its keys."""
    name = os.path.basename(path)
    what = kind.what.split(" (")[0]
    hint = (
        "`azpipe check` checks it on its own; compile, graph, run and submit take the pipeline that uses it"
        if kind.builder == "component"
        else "compile, graph, run and submit take an azpipe pipeline or an Azure ML pipeline job"
    )
    head = root.span
    return rule("S111").at(
        Span(head.file, head.line, head.column, head.line, head.column + 1),
        f"`{name}` is {what}, not a pipeline",
        hint,
    )


def _finished(pipeline: Pipeline, loaded: Loaded, path: str) -> Pipeline:
    pipeline.source_text = loaded.source.text
    pipeline.sources = _sources(path, loaded.source.text, pipeline.diagnostics)
    pipeline.diagnostics = _unique(_not_ignored(pipeline.diagnostics, pipeline.sources))
    return pipeline


@record
class CheckedFile:
    """One file ``azpipe check`` looked at: what it is and, when checked, what was found.

    ``sources`` maps every file a diagnostic points into to its text; ``pipeline`` is the
    model the checks ran on (``None`` for a file not checked).
    """

    path: str
    kind: FileKind
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    pipeline: Pipeline | None = None


def check_file(path: str) -> CheckedFile:
    """Check the file at ``path`` if it is an azpipe pipeline, an Azure ML pipeline job or
    a command component; any other file comes back unchecked (``kind.checked`` is false)."""
    with _no_gc():
        loaded = load_file(path)
        kind = kind_of(loaded.root) if loaded.root is not None else _kind_of_unreadable(path)
        if not kind.checked:
            return CheckedFile(path, kind)
        base_dir = os.path.dirname(os.path.abspath(path))
        if kind.builder == "component" and loaded.root is not None:
            pipeline = _checked_component(loaded, path, base_dir)
        else:
            pipeline = _checked(loaded, path, base_dir, native=kind.builder == "native")
        return CheckedFile(path, kind, pipeline.diagnostics, pipeline.sources, pipeline)


def _kind_of_unreadable(path: str) -> FileKind:
    try:
        return kind_of_text(read_regular(path, _HEAD_BYTES))
    except OSError:
        return OTHER


def _checked_component(loaded: Loaded, path: str, base_dir: str) -> Pipeline:
    """A command component file on its own: its interface and command, as a pipeline that
    uses it reads them, and its local ``code:`` folder."""
    assert loaded.root is not None
    reader = Reader()
    where = f"component file `{os.path.basename(path)}`"
    component = read_component_mapping(reader, loaded.root, path, where)
    code = loaded.root.get("code") if isinstance(loaded.root, Map) else None
    if component is not None and component.code and code is not None and is_local_path(component.code):
        reader.diagnostics.extend(check_path(base_dir, component.code, code.span, f"code folder of {where}"))
    if component is not None and component.parallel is not None:  # its task's code and entry script
        reader.diagnostics.extend(parallel_component_problems(component, base_dir))
    pipeline = Pipeline(path=path, base_dir=base_dir)
    found = loaded.diagnostics + reader.diagnostics
    form = "component"
    if component is not None and (component.parallel is not None or component.spark is not None):
        form = "parallel-component" if component.parallel is not None else "spark-component"
    pipeline.diagnostics = found + check_document(loaded.root, form, found)
    return _finished(pipeline, loaded, path)


def _sources(path: str, text: str, diagnostics: list[Diagnostic]) -> dict[str, str]:
    """The text of every file a diagnostic points into (component files too)."""
    sources = {path: text}
    for diagnostic in diagnostics:
        name = diagnostic.span.file
        if name not in sources:
            try:  # decoded as the loader decodes, so lines and columns agree
                sources[name] = read_regular(name, MAX_BYTES).decode("utf-8-sig", errors="replace")
            except OSError:
                sources[name] = ""
    return sources


def _not_ignored(diagnostics: list[Diagnostic], sources: dict[str, str]) -> list[Diagnostic]:
    """The diagnostics without those whose own file has an ignore comment on their line
    (each file's comments are found once)."""
    comments = {name: ignored_lines(sources.get(name, "")) for name in {d.span.file for d in diagnostics}}
    return [d for d in diagnostics if not is_suppressed(d, comments.get(d.span.file, {}))]


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[object, ...]] = set()
    unique = []
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        key = (diagnostic.code, diagnostic.span, diagnostic.message)
        if key not in seen:
            seen.add(key)
            unique.append(diagnostic)
    return unique


@record
class Discovered:
    """What :func:`discover` found for the paths it was given.

    ``files``: the files to look at (named ones, and those in folders whose first
    lines could start a file ``azpipe check`` checks), sorted, each once;
    ``folders``: each folder given → its files in ``files``; ``passed_over``: YAML
    files in those folders whose first lines rule that out (never parsed);
    ``missing``: paths that do not exist; ``special``: (path, what it is) for
    paths that are neither a regular file nor a folder (a FIFO, socket or device:
    never opened).
    """

    files: list[str] = field(default_factory=list)
    folders: dict[str, list[str]] = field(default_factory=dict)
    passed_over: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    special: list[tuple[str, str]] = field(default_factory=list)


def discover(paths: Sequence[str]) -> Discovered:
    """Files under ``paths``: files are taken as given, folders searched."""
    found = Discovered()
    for path in paths:
        try:
            kind = path_kind(path)
        except OSError:
            found.missing.append(path)
            continue
        if kind is None:
            found.files.append(path)
        elif kind == "a folder":
            inside = found.folders.setdefault(path, [])
            for name, candidate in _walk(path):
                (inside if candidate else found.passed_over).append(name)
            found.files.extend(inside)
        else:
            found.special.append((path, kind))
    found.files = sorted(dict.fromkeys(found.files))
    found.passed_over = sorted(set(found.passed_over) - set(found.files))
    return found


def _walk(folder: str) -> Iterable[tuple[str, bool]]:
    """Each YAML regular file under ``folder``, and whether it could be a file to check."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith(YAML_SUFFIXES):
                path = os.path.join(root, name)
                try:
                    yield path, could_be_checked(read_regular(path, _HEAD_BYTES))
                except OSError:  # a FIFO, socket or device, or unreadable: skipped unopened
                    continue
