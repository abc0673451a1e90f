"""Parity with azure-ai-ml, proven by seeded line-level mutations (issue 12, item 2).

Every file ``azpipe check`` checks in the Azure ML examples corpus, the native
fixtures in ``tests/fixtures/native`` and the example pipelines in ``pipelines/``
is mutated one line at a time: a key misspelt, an unknown key added, a value
replaced by one of another type, a word-like value misspelt, a leaf deleted, a
value emptied, a number made zero or negative, a port's ``mode:`` or ``type:``
swapped for another of Azure ML's, a local path made one that does not exist, a
name inside ``${{ }}`` misspelt.
Mutations are made on the text (the file's own layout is kept) and a mutant that
is no longer valid YAML is not used. Each mutant is judged by both programs:

- native files: azure-ai-ml's ``load_job(...)._validate()`` (``load_component``
  for command and pipeline component files) against ``azpipe check``;
- azpipe-language files: azure-ai-ml cannot read them, so a mutant azpipe accepts
  is compiled (``emit_yaml``) and the compiled job must pass azure-ai-ml.

A mutant fails the test when

1. azure-ai-ml rejects it and azpipe reports no new error;
2. azpipe reports new errors and none of its new diagnostics is within one line
   of the mutation (deleted leaves excepted: what is missing is reported where
   it is needed; a swapped ``type:`` may be reported anywhere in its mapping, or
   at a binding the type no longer fits);
3. a misspelt or unknown key in a mapping with a fixed set of keys is not flagged
   on its own line (an error where Azure ML rejects it, a warning where Azure ML
   ignores it).

The normal run uses a bounded number of mutants with a fixed seed, spread over
every file; ``AZPIPE_LONG=1`` uses many more.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from azpipe.diagnostics import Diagnostic, Severity
from azpipe.loading import CheckedFile, check_file
from azpipe.source.nodes import Map, Scalar
from tests.native_corpus import CORPUS, ROOT, _create_local_paths

LONG = os.environ.get("AZPIPE_LONG") == "1"
# AZPIPE_MUTATION_SEED draws another set of mutants (to measure, not to pass the suite).
SEED = int(os.environ.get("AZPIPE_MUTATION_SEED", "20240612"))
MUTANTS = 3000 if LONG else 150
# Mappings whose keys are names the user chooses (ports, jobs, tags...), not schema keys.
NAME_MAPPINGS = frozenset(
    {"jobs", "steps", "inputs", "outputs", "tags", "properties", "environment_variables", "services",
     "components", "environments", "compute", "data"}
)  # fmt: skip
UNKNOWN_KEYS = ("colour", "retry_count", "notes", "gpu_type", "owner_team")
WRONG_TYPES = {
    "int": ("two", "10m", "[1, 2]"),
    "float": ("half", "[0.5]"),
    "bool": ("maybe", "sometimes", "2"),
    "str": ("17", "true", "[a, b]", "{x: 1}"),
}
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{2,}$")
_KEY_WORD = re.compile(r"^[a-z_][a-z0-9_]{1,}$")
# A port's `mode:` and `type:` swapped for another value Azure ML knows (which may not fit there).
PORT_MODES = ("ro_mount", "rw_mount", "download", "upload", "direct", "eval_mount", "eval_download", "mount")
PORT_TYPES = ("uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model", "integer",
              "number", "string", "boolean")  # fmt: skip
EMPTY_VALUES = ('""', "")
MISSING_PATHS = ("./no_such_folder", "missing/file.yml", "../nowhere.yml")
# Keys whose value may be a local path (relative to the file), and values that are not local.
PATH_KEYS = frozenset({"code", "path", "conda_file", "component", "trial"})
_NOT_LOCAL = re.compile(r"^([a-z][a-z0-9+.-]*:|\$\{\{)")
_REFERENCE = re.compile(r"\$\{\{(.*?)\}\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
OUT_OF_RANGE = ("0", "-1", "-3")
_NOT_COMMAND_NODES = frozenset({"parallel", "spark", "automl", "pipeline", "data_transfer", "import", "flow"})


# ---------------------------------------------------------------- the files


@dataclass(frozen=True)
class Subject:
    """A file to mutate: where it is, the folder to copy with it, and how it is read."""

    path: Path
    folder: Path  # copied whole, so relative paths keep working
    form: str  # "native" (a pipeline job), "component", "pipeline-component" or "azpipe"

    @property
    def id(self) -> str:
        """A short test id."""
        for base in (CORPUS, ROOT):
            if self.path.is_relative_to(base):
                return str(self.path.relative_to(base))
        return str(self.path)


def _corpus_folder(path: Path) -> Path:
    """The example folder a corpus file belongs to (what its relative paths may reach)."""
    parts = path.relative_to(CORPUS).parts
    depth = {"pipelines-with-components": 4, "parallel": 4, "pipelines": 5}.get(parts[2], len(parts) - 1)
    return CORPUS.joinpath(*parts[: min(depth, len(parts) - 1)])


def _form(path: Path) -> str | None:
    from azpipe.source.kinds import kind_of
    from azpipe.source.loader import load_file

    loaded = load_file(str(path))
    kind = kind_of(loaded.root) if loaded.root is not None else None
    if kind is None:
        return None
    schema = loaded.root.get("$schema") if isinstance(loaded.root, Map) else None
    if kind.builder == "native" and isinstance(schema, Scalar) and "pipelineComponent" in str(schema.value):
        return "pipeline-component"  # read as azpipe reads it, but judged by load_component
    return kind.builder


def subjects() -> list[Subject]:
    """Every file to mutate, in a stable order."""
    found: list[Subject] = []
    if CORPUS.is_dir():
        for path in sorted(CORPUS.rglob("*.y*ml")):
            form = _form(path)
            if form in ("native", "component", "pipeline-component"):
                found.append(Subject(path, _corpus_folder(path), form))
    for path in sorted((ROOT / "tests" / "fixtures" / "native").rglob("*.y*ml")):
        form = _form(path)
        if form in ("native", "component", "pipeline-component"):
            found.append(Subject(path, path.parent, form))
    for path in sorted((ROOT / "pipelines").glob("*/pipeline.yaml")):
        found.append(Subject(path, path.parent, "azpipe"))
    return found


SUBJECTS = subjects()


def share(index: int) -> int:
    """How many of the mutants file ``index`` gets (every file at least one)."""
    count = len(SUBJECTS)
    return max(1, MUTANTS // count + (1 if index < MUTANTS % count else 0))


# ---------------------------------------------------------------- sites and mutations


@dataclass(frozen=True)
class Site:
    """A key or scalar value in the file: where it is, and what surrounds it."""

    start: int  # character offsets in the text
    end: int
    line: int  # 0-based
    column: int
    text: str
    tag: str  # the value's resolved tag (keys: "key")
    is_key: bool
    schema_key: bool  # a key of a mapping with a fixed set of keys
    leaf_line: bool  # a `key: scalar` entry alone on its line (can be deleted)
    key: str = ""  # values: the key they are the value of
    scope: tuple[int, int] = (0, 0)  # the (0-based) first and last line of the enclosing mapping


@dataclass(frozen=True)
class Mutant:
    """One mutation: its class, the mutated text and the (1-based) line it changed."""

    kind: str
    text: str
    line: int
    what: str
    scope: tuple[int, int] | None = None  # 1-based lines an error may also be on (a swapped `type:`)


def _sites(text: str) -> list[Site]:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines = text.splitlines()
    found: list[Site] = []
    _walk(root, (), found, lines, skip=False)
    return found


def _walk(node: Any, path: tuple[str, ...], found: list[Site], lines: list[str], skip: bool) -> None:
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk(item, (*path, "[]"), found, lines, skip)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.style is not None:
                continue
            name = str(key.value)
            hidden = skip or name == "$schema" or _unsupported_job(path, value)
            if not hidden:
                _entry_sites(key, value, path, found, lines, node)
            _walk(value, (*path, name), found, lines, hidden)
    # scalars are collected as the values of their entries


def _unsupported_job(path: tuple[str, ...], value: Any) -> bool:
    """True for a node of ``jobs:`` azpipe does not model (S107): mutations there are out of scope."""
    if not path or path[-1] != "jobs" or not isinstance(value, yaml.MappingNode):
        return False
    kinds = [v.value for k, v in value.value if isinstance(k, yaml.ScalarNode) and k.value == "type"]
    return bool(kinds) and str(kinds[0]) in _NOT_COMMAND_NODES


def _entry_sites(
    key: Any, value: Any, path: tuple[str, ...], found: list[Site], lines: list[str], parent: Any
) -> None:
    single = isinstance(value, yaml.ScalarNode) and value.start_mark.line == value.end_mark.line
    line = lines[key.start_mark.line]
    alone = line[: key.start_mark.column].strip() == ""
    leaf = single and alone and value.start_mark.line == key.start_mark.line and value.style not in ("|", ">")
    schema_key = not path or path[-1] not in NAME_MAPPINGS
    found.append(Site(key.start_mark.index, key.end_mark.index, key.start_mark.line, key.start_mark.column,
                      str(key.value), "key", True, schema_key, leaf))  # fmt: skip
    if (
        single
        and value.style not in ("|", ">")
        and value.value != ""
        and value.tag != "tag:yaml.org,2002:null"
    ):
        scope = (parent.start_mark.line, parent.end_mark.line)
        found.append(Site(value.start_mark.index, value.end_mark.index, value.start_mark.line,
                          value.start_mark.column, str(value.value), value.tag.rsplit(":", 1)[-1], False,
                          False, False, str(key.value), scope))  # fmt: skip


def misspell(word: str, rng: random.Random, taken: set[str]) -> str | None:
    """``word`` one edit away (swap, drop, double or change a letter), not a word in ``taken``."""
    for _ in range(20):
        i = rng.randrange(len(word))
        operation = rng.choice(("swap", "drop", "double", "change"))
        if operation == "swap" and i + 1 < len(word) and word[i] != word[i + 1]:
            candidate = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif operation == "drop" and len(word) > 3:
            candidate = word[:i] + word[i + 1 :]
        elif operation == "double":
            candidate = word[: i + 1] + word[i:]
        elif operation == "change" and word[i].isalpha():
            candidate = word[:i] + rng.choice("aeiourstn".replace(word[i].lower(), "")) + word[i + 1 :]
        else:
            continue
        if candidate != word and candidate not in taken and _WORD.match(candidate):
            return candidate
    return None


def _replace(text: str, site: Site, new: str) -> str:
    return text[: site.start] + new + text[site.end :]


def _line_start(text: str, line: int) -> int:
    return 0 if line == 0 else [m.end() for m in re.finditer("\n", text)][line - 1]


def mutate(text: str, rng: random.Random, vocabulary: set[str]) -> Mutant | None:
    """One random mutant of ``text`` (``None`` when the chosen class has no site)."""
    sites = _sites(text)
    keys = [s for s in sites if s.is_key and s.schema_key and _KEY_WORD.match(s.text)]
    classes = {
        "misspelt-key": keys,
        "unknown-key": [s for s in keys if text[_line_start(text, s.line) : s.start].strip() == ""],
        "wrong-type": [s for s in sites if not s.is_key and s.tag in WRONG_TYPES],
        "misspelt-value": [s for s in sites if not s.is_key and s.tag == "str" and _WORD.match(s.text)],
        "deleted-leaf": [s for s in sites if s.is_key and s.leaf_line],
        "emptied-value": [s for s in sites if not s.is_key],
        "out-of-range": [s for s in sites if not s.is_key and s.tag in ("int", "float")],
        "swapped-enum": [
            s
            for s in sites
            if not s.is_key
            and s.key in ("mode", "type")
            and s.text in (PORT_MODES if s.key == "mode" else PORT_TYPES)
        ],
        "missing-path": [
            s
            for s in sites
            if not s.is_key and s.key in PATH_KEYS and s.tag == "str" and not _NOT_LOCAL.match(s.text)
        ],
        "misspelt-reference": [s for s in sites if not s.is_key and _REFERENCE.search(text[s.start : s.end])],
    }
    kind = rng.choice(sorted(k for k, v in classes.items() if v))
    site = rng.choice(classes[kind])
    return _apply(kind, text, site, rng, vocabulary)


def _apply(kind: str, text: str, site: Site, rng: random.Random, vocabulary: set[str]) -> Mutant | None:
    line = site.line + 1
    if kind == "misspelt-key" or kind == "misspelt-value":
        new = misspell(site.text, rng, vocabulary if kind == "misspelt-key" else {site.text})
        if new is None:
            return None
        return Mutant(kind, _replace(text, site, new), line, f"`{site.text}` → `{new}`")
    if kind == "unknown-key":
        start = _line_start(text, site.line)
        extra = rng.choice(UNKNOWN_KEYS)
        inserted = " " * site.column + f"{extra}: 1\n"
        return Mutant(kind, text[:start] + inserted + text[start:], line, f"`{extra}:` before `{site.text}`")
    if kind == "wrong-type":
        new = rng.choice(WRONG_TYPES[site.tag])
        return Mutant(kind, _replace(text, site, new), line, f"{site.tag} `{site.text}` → `{new}`")
    if kind in ("emptied-value", "out-of-range"):
        new = rng.choice(EMPTY_VALUES if kind == "emptied-value" else OUT_OF_RANGE)
        return Mutant(kind, _replace(text, site, new), line, f"`{site.key}: {site.text}` → `{new}`")
    if kind == "missing-path":
        new = rng.choice(MISSING_PATHS)
        return Mutant(kind, _replace(text, site, new), line, f"`{site.key}: {site.text}` → `{new}`")
    if kind == "misspelt-reference":
        return _misspelt_reference(text, site, rng)
    if kind == "swapped-enum":
        new = rng.choice([v for v in (PORT_MODES if site.key == "mode" else PORT_TYPES) if v != site.text])
        # A port's type decides what the rest of its mapping may hold (a `default:`, a `mode:`).
        scope = (site.scope[0] + 1, site.scope[1] + 1) if site.key == "type" else None
        return Mutant(kind, _replace(text, site, new), line, f"`{site.key}: {site.text}` → `{new}`", scope)
    start = _line_start(text, site.line)
    end = text.find("\n", start)
    end = len(text) if end < 0 else end + 1
    return Mutant(kind, text[:start] + text[end:], line, f"deleted `{text[start:end].strip()}`")


def _misspelt_reference(text: str, site: Site, rng: random.Random) -> Mutant | None:
    """A name inside one of the value's ``${{ }}`` misspelt (on the written text, quotes kept)."""
    raw = text[site.start : site.end]
    words = [(m.start(1) + w.start(), m.start(1) + w.end()) for m in _REFERENCE.finditer(raw)
             for w in _NAME.finditer(m.group(1))]  # fmt: skip
    start, end = rng.choice(words) if words else (0, 0)
    new = misspell(raw[start:end], rng, {raw[start:end]}) if words else None
    if new is None:
        return None
    mutated = raw[:start] + new + raw[end:]
    return Mutant("misspelt-reference", text[: site.start] + mutated + text[site.end :], site.line + 1,
                  f"`{raw}` → `{mutated}`")  # fmt: skip


def _valid_yaml(text: str) -> bool:
    try:
        yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return True


# ---------------------------------------------------------------- the two judges


def azure_rejects(path: Path, form: str) -> str | None:
    """azure-ai-ml's first complaint about ``path`` (``None``: it loads and validates)."""
    from tests.compile_support import azure

    ml = azure()
    try:
        # A pipeline component file is a component: load_job reads it as a job and refuses its ports.
        loaded = (ml.load_component if form in ("component", "pipeline-component") else ml.load_job)(path)
        result = loaded._validate()
    except Exception as error:  # azure-ai-ml raises on schema errors, and sometimes crashes on bad input
        return f"{type(error).__name__}: " + " ".join(str(error).split())[:300]
    if result.passed:
        return None
    return "; ".join(f"{k}: {v}" for k, v in list(result.error_messages.items())[:2])[:300]


def compiled_rejected(path: Path) -> str | None:
    """For an azpipe-language file azpipe accepts: azure-ai-ml's complaint about what it compiles to."""
    import azpipe
    from azpipe.emit import CompileRefused
    from azpipe.emit.yaml import emit_yaml

    pipeline = azpipe.load(path)
    job = path.parent / "_mutant_compiled.yml"
    try:
        job.write_text(emit_yaml(pipeline, str(path.parent)), encoding="utf-8")
    except CompileRefused:
        return None  # azpipe refuses it too
    try:
        return azure_rejects(job, "native")
    finally:
        job.unlink()


def _errors(checked: CheckedFile) -> list[Diagnostic]:
    return [d for d in checked.diagnostics if d.severity is Severity.ERROR]


def _signature(diagnostic: Diagnostic) -> tuple[str, str, str]:
    return diagnostic.code, diagnostic.message, os.path.basename(diagnostic.span.file)


def new_diagnostics(mutant: CheckedFile, baseline: CheckedFile) -> list[Diagnostic]:
    """The mutant's diagnostics the unmutated file does not have (positions may have moved)."""
    before = [_signature(d) for d in baseline.diagnostics]
    fresh = []
    for diagnostic in mutant.diagnostics:
        signature = _signature(diagnostic)
        if signature in before:
            before.remove(signature)
        else:
            fresh.append(diagnostic)
    return fresh


def verdict(subject: Subject, copy: Path, mutant: Mutant, baseline: CheckedFile) -> str | None:
    """Why this mutant fails the parity test (``None``: it passes)."""
    checked = check_file(str(copy))
    if checked.kind.builder != baseline.kind.builder:
        return None  # no longer a file azpipe checks as such (a top-level `type:` changed)
    fresh = new_diagnostics(checked, baseline)
    fresh_errors = [d for d in fresh if d.severity is Severity.ERROR]
    here = [d for d in fresh if d.span.file == str(copy)]
    if mutant.kind in ("misspelt-key", "unknown-key") and not any(d.span.line == mutant.line for d in here):
        return "the key is not flagged on its line" + _found(fresh)
    if fresh_errors and mutant.kind != "deleted-leaf" and not any(_near(d, mutant) for d in here):
        return "azpipe's errors are not within one line of the mutation" + _found(fresh_errors)
    if fresh_errors:
        return None
    rejected = azure_rejects(copy, subject.form) if subject.form != "azpipe" else compiled_rejected(copy)
    if rejected is not None and not _only_unsupported_nodes(rejected, mutant.text):
        return f"azure-ai-ml rejects it ({rejected}) but azpipe reports no error" + _found(fresh)
    return None


def _near(diagnostic: Diagnostic, mutant: Mutant) -> bool:
    """True when ``diagnostic`` is where the mutation is: within one line, or for a swapped port
    ``type:`` anywhere in the port's mapping, or at a binding (T601) the new type does not fit."""
    if abs(diagnostic.span.line - mutant.line) <= 1:
        return True
    if mutant.scope is None:
        return False
    return diagnostic.code == "T601" or mutant.scope[0] <= diagnostic.span.line <= mutant.scope[1]


def _only_unsupported_nodes(rejection: str, text: str) -> bool:
    """True when azure-ai-ml's complaint is only about nodes azpipe does not model (S107):
    deleting the default compute leaves a sweep or flow node without one."""
    named = set(re.findall(r"(?:^|; |\()jobs\.([A-Za-z0-9_]+)\.", rejection))
    return bool(named) and named <= unsupported_jobs(text)


def unsupported_jobs(text: str) -> set[str]:
    """The names of the nodes of ``jobs:`` azpipe does not model."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return set()
    jobs = [v for k, v in getattr(root, "value", []) if isinstance(k, yaml.ScalarNode) and k.value == "jobs"]
    if not jobs or not isinstance(jobs[0], yaml.MappingNode):
        return set()
    return {str(k.value) for k, v in jobs[0].value if _unsupported_job(("jobs",), v)}


def _found(diagnostics: list[Diagnostic]) -> str:
    if not diagnostics:
        return ""
    return "; azpipe: " + ", ".join(f"{d.code}@{d.span.line}" for d in diagnostics[:5])


# ---------------------------------------------------------------- the test


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """Copied example folders, each prepared once: original folder → its copy."""
    return {}


def prepared(subject: Subject, workspace: dict[Path, Path], base: Path) -> Path:
    """The copy of the subject's file inside its prepared folder copy."""
    if subject.folder not in workspace:
        target = base / f"f{len(workspace)}" / subject.folder.name
        shutil.copytree(subject.folder, target, symlinks=True)
        for yml in target.rglob("*.y*ml"):
            _create_local_paths(yml)
        workspace[subject.folder] = target
    return workspace[subject.folder] / subject.path.relative_to(subject.folder)


VOCABULARY: set[str] = set()


def _vocabulary() -> set[str]:
    """Every key any subject uses: a misspelt key must not turn into another real key."""
    if not VOCABULARY:
        for subject in SUBJECTS:
            text = subject.path.read_text(encoding="utf-8")
            VOCABULARY.update(s.text for s in _sites(text) if s.is_key)
    return VOCABULARY


@pytest.mark.skipif(not SUBJECTS, reason="nothing to mutate")
@pytest.mark.parametrize("index", range(len(SUBJECTS)), ids=[s.id for s in SUBJECTS])
def test_mutants(index: int, workspace: dict[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> None:
    subject = SUBJECTS[index]
    base = tmp_path_factory.getbasetemp() / "mutation_parity"
    copy = prepared(subject, workspace, base)
    original = copy.read_text(encoding="utf-8")
    baseline = check_file(str(copy))
    accepted = azure_rejects(copy, subject.form) if subject.form != "azpipe" else compiled_rejected(copy)
    if accepted is not None:
        pytest.skip(f"azure-ai-ml rejects the unmutated file: {accepted}")
    rng = random.Random(SEED ^ zlib.crc32(subject.id.encode()))
    failures: list[str] = []
    tried = 0
    while tried < share(index):
        mutant = mutate(original, rng, _vocabulary())
        if mutant is None or not _valid_yaml(mutant.text):
            continue
        tried += 1
        copy.write_text(mutant.text, encoding="utf-8")
        try:
            problem = verdict(subject, copy, mutant, baseline)
        finally:
            copy.write_text(original, encoding="utf-8")
        if problem:
            failures.append(f"{subject.id}:{mutant.line}: {mutant.kind} {mutant.what}: {problem}")
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------- the harness itself


def test_mutations_keep_yaml_and_change_one_place() -> None:
    text = "a: 1\nb:\n  c: pytorch\n  d: true\n  mode: ro_mount\n  code: ./src\n  e: ${{parent.inputs.x}}\ntags: {x: y}\n"
    rng = random.Random(1)
    seen = set()
    for _ in range(200):
        mutant = mutate(text, rng, {"a", "b", "c", "d", "mode", "code", "e", "tags"})
        if mutant is None:
            continue
        seen.add(mutant.kind)
        changed = [
            i + 1
            for i, (x, y) in enumerate(zip(text.splitlines(), mutant.text.splitlines(), strict=False))
            if x != y
        ]
        assert mutant.line in changed or mutant.kind in ("unknown-key", "deleted-leaf"), mutant
        assert "x" in (yaml.safe_load(mutant.text).get("tags") or {"x": 0}), "tag names are not schema keys"
    assert seen == {"misspelt-key", "unknown-key", "wrong-type", "misspelt-value", "deleted-leaf",
                    "emptied-value", "out-of-range", "swapped-enum", "missing-path",
                    "misspelt-reference"}  # fmt: skip


def test_tag_keys_are_names_not_schema_keys() -> None:
    sites = _sites("tags: {team: vision}\nresources: {instance_count: 2}\n")
    assert {s.text: s.schema_key for s in sites if s.is_key} == {
        "tags": True, "team": False, "resources": True, "instance_count": True,
    }  # fmt: skip


def test_unsupported_jobs_are_out_of_scope() -> None:
    text = "jobs:\n  a:\n    type: flow\n    flow_file: x\n  b:\n    type: command\n    command: echo\n"
    keys = {s.text for s in _sites(text) if s.is_key}
    assert "flow_file" not in keys and "command" in keys
    assert _only_unsupported_nodes("jobs.a.compute: Compute not set", text)
    assert not _only_unsupported_nodes(
        "jobs.a.compute: Compute not set; jobs.b.compute: Compute not set", text
    )
    assert _only_unsupported_nodes("jobs.a.jobs.b.compute: Compute not set", text)
