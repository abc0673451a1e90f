"""Parity with azure-ai-ml, proven by seeded line-level mutations (issue 12, item 2).

Every file ``azpipe check`` checks in the Azure ML examples corpus, the native
fixtures in ``tests/fixtures/native`` and the example pipelines in ``pipelines/``
is mutated one line at a time: a key misspelt, an unknown key added, a value
replaced by one of another type, a word-like value misspelt, a leaf deleted, a
value emptied, a number made zero or negative, a port's ``mode:`` or ``type:``
swapped for another of Azure ML's, a local path made one that does not exist, a
name inside ``${{ }}`` misspelt; and the slips that change a file's shape or meaning
without a typo: an entry indented or dedented one level (moved into the mapping above
it, or out of its own), a line duplicated, two sibling values swapped, a word value's
case changed (``RO_MOUNT``, ``Uri_Folder``), an integer made a float, a reference
redirected to a port of the other direction (``outputs`` ↔ ``inputs``, naming one that
exists), a node's ``type:`` or the file's ``$schema`` changed to another valid one, a
list made a scalar and a scalar a list, a port's or a job's name misspelt where it is
declared, a number or boolean quoted, a boolean spelt another way (``yes``, ``True``).
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
   at a binding the type no longer fits, and so may a value quoted, a boolean
   spelt otherwise or an integer made a float, which change its type; a renamed
   port or job where its old name is used; an entry moved out of its mapping as
   missing there; a swapped binding's mismatch at its other end);
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
from itertools import zip_longest
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
MUTANTS = int(os.environ.get("AZPIPE_MUTANTS", "3000" if LONG else "150"))
# AZPIPE_MUTATION_KINDS=a,b draws only those kinds; AZPIPE_MUTATION_STRICT=1 also reports a mutant
# azpipe rejects and azure-ai-ml accepts (to look for false errors: azpipe is stricter on purpose in
# places, so this is a measurement, not a test).
KINDS = frozenset(filter(None, os.environ.get("AZPIPE_MUTATION_KINDS", "").split(",")))
STRICT = os.environ.get("AZPIPE_MUTATION_STRICT") == "1"
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
# A node's `type:` changed to another Azure ML node type; a `$schema` to another Azure ML schema.
NODE_TYPES = ("command", "pipeline", "parallel", "sweep", "spark", "data_transfer", "automl", "import")
SCHEMAS = tuple(
    f"https://azuremlschemas.azureedge.net/latest/{name}.schema.json"
    for name in ("pipelineJob", "commandJob", "sweepJob", "commandComponent", "pipelineComponent",
                 "parallelComponent", "sparkComponent", "data", "environment", "model")
)  # fmt: skip
_SCHEMA_LINE = re.compile(r"^\$schema:[ \t]*(\S+)", re.MULTILINE)
_PORT_REFERENCE = re.compile(r"\b(inputs|outputs)\.([A-Za-z_][A-Za-z0-9_]*)")
_INTEGER = re.compile(r"^-?[0-9]+$")
# A boolean written another way: YAML 1.1's words, another case, quoted.
BOOLEAN_SPELLINGS = {
    True: ("True", "TRUE", "yes", "on", '"true"', "1"),
    False: ("False", "FALSE", "no", "off", '"false"', "0"),
}
# Mappings of names that are used elsewhere (`${{parent.jobs.NAME...}}`, `${{inputs.NAME}}`).
_PORTS_AND_JOBS = frozenset({"inputs", "outputs", "jobs"})
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
    mapping: int = -1  # the enclosing mapping (its offset): values with the same one are siblings
    block: tuple[int, int] | None = None  # keys alone on their line: the entry's first and last line
    path: tuple[str, ...] = ()  # the keys leading to the enclosing mapping


@dataclass(frozen=True)
class Mutant:
    """One mutation: its class, the mutated text and the (1-based) line it changed."""

    kind: str
    text: str
    line: int
    what: str
    scope: tuple[int, int] | None = None  # 1-based lines an error may also be on (a swapped `type:`)
    other: int = 0  # another (1-based) line the mutation changed (two values swapped)
    missing: str = ""  # a key the mutation may have taken out of its mapping (an entry moved)
    renamed: str = ""  # a name the mutation changed (a port's or a job's): it is missed where it is used


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
    alone = line[: key.start_mark.column].strip() == "" and not parent.flow_style
    leaf = single and alone and value.start_mark.line == key.start_mark.line and value.style not in ("|", ">")
    schema_key = not path or path[-1] not in NAME_MAPPINGS
    block = (key.start_mark.line, _last_line(value, lines)) if alone else None
    found.append(Site(key.start_mark.index, key.end_mark.index, key.start_mark.line, key.start_mark.column,
                      str(key.value), "key", True, schema_key, leaf, mapping=parent.start_mark.index,
                      block=block, path=path))  # fmt: skip
    if (
        single
        and value.style not in ("|", ">")
        and value.value != ""
        and value.tag != "tag:yaml.org,2002:null"
    ):
        scope = (parent.start_mark.line, parent.end_mark.line)
        found.append(Site(value.start_mark.index, value.end_mark.index, value.start_mark.line,
                          value.start_mark.column, str(value.value), value.tag.rsplit(":", 1)[-1], False,
                          False, False, str(key.value), scope, parent.start_mark.index,
                          path=path))  # fmt: skip
    elif isinstance(value, yaml.SequenceNode) and value.value and isinstance(value.value[0], yaml.ScalarNode):
        first = value.value[0]
        if first.start_mark.line == first.end_mark.line and first.style not in ("|", ">"):
            # A list whose first item is a one-line scalar: the list may be made that scalar.
            end = value.end_mark.index if value.flow_style else value.value[-1].end_mark.index
            found.append(Site(value.start_mark.index, end, value.start_mark.line, value.start_mark.column,
                              str(first.value), "seq", False, False, False, str(key.value),
                              path=path))  # fmt: skip


def _last_line(value: Any, lines: list[str]) -> int:
    """The (0-based) last line of a value, without the blank and comment lines after it."""
    mark = value.end_mark
    last = mark.line if mark.line < len(lines) and lines[mark.line][: mark.column].strip() else mark.line - 1
    last = max(last, value.start_mark.line)
    while last > value.start_mark.line and (not lines[last].strip() or lines[last].lstrip().startswith("#")):
        last -= 1
    return last


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
    values = [s for s in sites if not s.is_key and s.tag != "seq"]
    classes = {
        "misspelt-key": keys,
        "unknown-key": [s for s in keys if text[_line_start(text, s.line) : s.start].strip() == ""],
        "wrong-type": [s for s in values if s.tag in WRONG_TYPES],
        "misspelt-value": [s for s in values if s.tag == "str" and _WORD.match(s.text)],
        "deleted-leaf": [s for s in sites if s.is_key and s.leaf_line],
        "emptied-value": values,
        "out-of-range": [s for s in values if s.tag in ("int", "float")],
        "swapped-enum": [
            s
            for s in values
            if s.key in ("mode", "type") and s.text in (PORT_MODES if s.key == "mode" else PORT_TYPES)
        ],
        "missing-path": [
            s for s in values if s.key in PATH_KEYS and s.tag == "str" and not _NOT_LOCAL.match(s.text)
        ],
        "misspelt-reference": [s for s in values if _REFERENCE.search(text[s.start : s.end])],
        # The slips that keep every word right.
        "indented-entry": [s for s in sites if s.is_key and s.block is not None],
        "dedented-entry": [s for s in sites if s.is_key and s.block is not None and s.column > 0],
        "duplicated-line": [s for s in sites if s.is_key and s.leaf_line],
        "swapped-siblings": [s for s in values if any(_siblings(s, o) for o in values)],
        "changed-case": [s for s in values if s.tag == "str" and _WORD.match(s.text)],
        "int-to-float": [s for s in values if s.tag == "int" and _INTEGER.match(s.text)],
        "other-direction-reference": [s for s in values if _port_references(text[s.start : s.end])],
        "swapped-node-type": [s for s in values if s.key == "type" and s.text in NODE_TYPES],
        "swapped-schema": _schema_sites(text),
        "list-to-scalar": [s for s in sites if s.tag == "seq"],
        "scalar-to-list": [s for s in values if s.tag in ("str", "int", "float", "bool")],
        "quoted-scalar": [
            s for s in values if s.tag in ("int", "float", "bool") and text[s.start] not in "'\""
        ],
        "boolean-spelling": [s for s in values if s.tag == "bool"],
        "misspelt-name": [
            s for s in sites if s.is_key and s.path and s.path[-1] in _PORTS_AND_JOBS and _WORD.match(s.text)
        ],
    }
    kinds = sorted(k for k, v in classes.items() if v and (not KINDS or k in KINDS))
    if not kinds:
        return None  # none of the kinds AZPIPE_MUTATION_KINDS asks for fits this file
    kind = rng.choice(kinds)
    site = rng.choice(classes[kind])
    if kind == "swapped-siblings":
        return _swapped(text, site, rng.choice([o for o in values if _siblings(site, o)]))
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
    if kind == "misspelt-name":
        taken = {t.text for t in _sites(text) if t.is_key}
        new = misspell(site.text, rng, taken)
        if new is None:
            return None
        return Mutant(kind, _replace(text, site, new), line, f"`{site.text}` → `{new}`", renamed=site.text)
    # Quoting a value, or spelling a boolean another way, changes the type of what it is: like a
    # swapped port `type:`, that may be reported at a binding the new type does not fit (T601).
    retyped = (line, line)
    if kind == "quoted-scalar":
        new = f'"{site.text}"'
        return Mutant(kind, _replace(text, site, new), line, f"`{site.key}: {site.text}` → `{new}`", retyped)
    if kind == "boolean-spelling":
        value = site.text.lower() in ("true", "yes", "on", "y")
        new = rng.choice([w for w in BOOLEAN_SPELLINGS[value] if w != site.text])
        return Mutant(kind, _replace(text, site, new), line, f"`{site.key}: {site.text}` → `{new}`", retyped)
    if kind in _NEW_KINDS:
        return _NEW_KINDS[kind](kind, text, site, rng)
    start = _line_start(text, site.line)
    end = text.find("\n", start)
    end = len(text) if end < 0 else end + 1
    return Mutant(kind, text[:start] + text[end:], line, f"deleted `{text[start:end].strip()}`")


def _siblings(site: Site, other: Site) -> bool:
    """True for two values of one mapping, on different lines, written differently."""
    return other.mapping == site.mapping and other.line != site.line and other.text != site.text


def _swapped(text: str, first: Site, second: Site) -> Mutant:
    """The written values of two sibling entries swapped."""
    a, b = sorted((first, second), key=lambda s: s.start)
    raw_a, raw_b = text[a.start : a.end], text[b.start : b.end]
    mutated = text[: a.start] + raw_b + text[a.end : b.start] + raw_a + text[b.end :]
    # A type mismatch a swapped binding makes may be reported at its other end (T601, as for a
    # swapped port type): at the value of the pipeline input it names.
    return Mutant("swapped-siblings", mutated, a.line + 1, f"`{a.key}: {raw_a}` ⇄ `{b.key}: {raw_b}`",
                  (a.line + 1, b.line + 1), other=b.line + 1)  # fmt: skip


def _indent_unit(text: str) -> int:
    """The file's indentation step: its smallest indentation of a content line (2 when flat)."""
    widths = [len(line) - len(line.lstrip(" ")) for line in text.splitlines() if line.strip()]
    return min((w for w in widths if w > 0), default=2)


def _shifted(kind: str, text: str, site: Site, rng: random.Random) -> Mutant | None:
    """The entry at ``site`` (its key line and its value's lines) indented or dedented one step:
    moved into the mapping of the entry above it, or out of its own mapping."""
    assert site.block is not None
    unit = _indent_unit(text)
    lines = text.splitlines(keepends=True)
    first, last = site.block
    for i in range(first, last + 1):
        if not lines[i].strip():
            continue
        if kind == "indented-entry":
            lines[i] = " " * unit + lines[i]
        elif lines[i].startswith(" " * unit):
            lines[i] = lines[i][unit:]
        elif i == first:
            return None
    where = "indented" if kind == "indented-entry" else "dedented"
    return Mutant(kind, "".join(lines), first + 1, f"`{site.text}:` {where} one level", missing=site.text)


def _duplicated(kind: str, text: str, site: Site, rng: random.Random) -> Mutant:
    lines = text.splitlines(keepends=True)
    copy = lines[site.line] if lines[site.line].endswith("\n") else lines[site.line] + "\n"
    lines.insert(site.line + 1, copy)
    return Mutant(kind, "".join(lines), site.line + 2, f"`{copy.strip()}` written twice")


def _changed_case(kind: str, text: str, site: Site, rng: random.Random) -> Mutant | None:
    """A word written in another case: all capitals, or each part capitalised (``Uri_Folder``)."""
    variants = {site.text.upper(), "_".join(p[:1].upper() + p[1:] for p in site.text.split("_")),
                site.text.lower()} - {site.text}  # fmt: skip
    if not variants:
        return None
    new = rng.choice(sorted(variants))
    return Mutant(kind, _replace(text, site, new), site.line + 1, f"`{site.key}: {site.text}` → `{new}`")


def _int_to_float(kind: str, text: str, site: Site, rng: random.Random) -> Mutant:
    new = site.text + rng.choice((".5", ".0"))
    line = site.line + 1  # a number where an integer was: T601 may be at a binding (as when quoted)
    return Mutant(kind, _replace(text, site, new), line, f"`{site.key}: {site.text}` → `{new}`", (line, line))


def _port_references(raw: str) -> list[re.Match[str]]:
    """The ``inputs.x`` and ``outputs.x`` inside the ``${{ }}`` of a written value."""
    return [p for m in _REFERENCE.finditer(raw) for p in _PORT_REFERENCE.finditer(raw, m.start(1), m.end(1))]


def _other_direction(kind: str, text: str, site: Site, rng: random.Random) -> Mutant | None:
    """A reference to a port redirected to a port of the other direction that exists (an input
    of the same node for an output, the pipeline's outputs for its inputs), or of the same name."""
    raw = text[site.start : site.end]
    found = rng.choice(_port_references(raw))
    direction = "outputs" if found.group(1) == "inputs" else "inputs"
    owner = raw[: found.start()].rsplit("{{", 1)[-1].strip()  # `parent.jobs.x.`, `parent.` or ``
    names = _port_names(text, owner, direction) or [found.group(2)]
    new = f"{direction}.{rng.choice(names)}"
    mutated = raw[: found.start()] + new + raw[found.end() :]
    return Mutant(
        kind, text[: site.start] + mutated + text[site.end :], site.line + 1, f"`{raw}` → `{mutated}`"
    )


def _port_names(text: str, owner: str, direction: str) -> list[str]:
    """The names of the ``direction`` ports of what ``owner`` (``parent.jobs.x.``, ``parent.``)
    names: the node, or the file's own pipeline; for anything else every such port in the file."""
    document = yaml.safe_load(text)
    match = re.fullmatch(r"parent\.jobs\.([A-Za-z0-9_]+)\.", owner)
    node: Any = None
    if match and isinstance(document, dict):
        node = (document.get("jobs") or {}).get(match.group(1))
    elif owner == "parent.":
        node = document
    if isinstance(node, dict) and isinstance(node.get(direction), dict):
        return sorted(str(name) for name in node[direction])
    found: set[str] = set()
    _collect_ports(document, direction, found)
    return sorted(found)


def _collect_ports(node: Any, direction: str, found: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == direction and isinstance(value, dict):
                found.update(str(name) for name in value)
            _collect_ports(value, direction, found)
    elif isinstance(node, list):
        for item in node:
            _collect_ports(item, direction, found)


def _swapped_node_type(kind: str, text: str, site: Site, rng: random.Random) -> Mutant:
    new = rng.choice([t for t in NODE_TYPES if t != site.text])
    # A node's type decides which keys its whole mapping may hold.
    scope = (site.scope[0] + 1, site.scope[1] + 1)
    return Mutant(kind, _replace(text, site, new), site.line + 1, f"`type: {site.text}` → `{new}`", scope)


def _schema_sites(text: str) -> list[Site]:
    match = _SCHEMA_LINE.search(text)
    if match is None:
        return []
    line = text.count("\n", 0, match.start())
    return [Site(match.start(1), match.end(1), line, match.start(1) - match.start(), match.group(1), "str",
                 False, False, False, "$schema")]  # fmt: skip


def _swapped_schema(kind: str, text: str, site: Site, rng: random.Random) -> Mutant:
    new = rng.choice([s for s in SCHEMAS if s != site.text])
    return Mutant(kind, _replace(text, site, new), site.line + 1, f"`$schema` → `{new.rsplit('/', 1)[-1]}`")


def _list_to_scalar(kind: str, text: str, site: Site, rng: random.Random) -> Mutant:
    new = _written_first_item(text, site)
    return Mutant(kind, _replace(text, site, new), site.line + 1, f"`{site.key}:` list → `{new}`")


def _written_first_item(text: str, site: Site) -> str:
    """The first item of the list at ``site`` as it is written (quotes kept)."""
    node = yaml.compose(
        text[site.start : site.end] if text[site.start] == "[" else "x", Loader=yaml.SafeLoader
    )
    if isinstance(node, yaml.SequenceNode) and node.value:
        first = node.value[0]
        return text[site.start + first.start_mark.index : site.start + first.end_mark.index]
    body = text[site.start : site.end].lstrip("- ")
    return body.split("\n", 1)[0].strip()


def _scalar_to_list(kind: str, text: str, site: Site, rng: random.Random) -> Mutant:
    raw = text[site.start : site.end]
    return Mutant(kind, _replace(text, site, f"[{raw}]"), site.line + 1, f"`{site.key}: {raw}` → `[{raw}]`")


_NEW_KINDS = {
    "indented-entry": _shifted,
    "dedented-entry": _shifted,
    "duplicated-line": _duplicated,
    "changed-case": _changed_case,
    "int-to-float": _int_to_float,
    "other-direction-reference": _other_direction,
    "swapped-node-type": _swapped_node_type,
    "swapped-schema": _swapped_schema,
    "list-to-scalar": _list_to_scalar,
    "scalar-to-list": _scalar_to_list,
}


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
    if checked.kind != baseline.kind or (mutant.kind == "swapped-schema" and _form(copy) != subject.form):
        return None  # no longer the kind of file it was (a top-level `type:` or the `$schema` changed)
    fresh = new_diagnostics(checked, baseline)
    fresh_errors = [d for d in fresh if d.severity is Severity.ERROR]
    here = [d for d in fresh if d.span.file == str(copy)]
    if mutant.kind in ("misspelt-key", "unknown-key") and not any(d.span.line == mutant.line for d in here):
        return "the key is not flagged on its line" + _found(fresh)
    if fresh_errors and mutant.kind != "deleted-leaf" and not any(_near(d, mutant) for d in here):
        return "azpipe's errors are not within one line of the mutation" + _found(fresh_errors)
    if fresh_errors and not STRICT:
        return None
    rejected = azure_rejects(copy, subject.form) if subject.form != "azpipe" else compiled_rejected(copy)
    if fresh_errors:
        accepted = rejected is None and subject.form != "azpipe"
        return "azpipe rejects it but azure-ai-ml accepts it" + _found(fresh_errors) if accepted else None
    if rejected is not None and not _only_unsupported_nodes(rejected, mutant.text):
        return f"azure-ai-ml rejects it ({rejected}) but azpipe reports no error" + _found(fresh)
    return None


def _near(diagnostic: Diagnostic, mutant: Mutant) -> bool:
    """True when ``diagnostic`` is where the mutation is: within one line (of either line two
    swapped values were on), or for a swapped port ``type:`` anywhere in the port's mapping, or
    at a binding (T601, or a parallel node's ``input_data``: L102) a changed type does not fit, or a
    sweep's distribution the trial's input no longer takes (W102);
    where a renamed name is used; a missing
    key the mutation moved away."""
    if abs(diagnostic.span.line - mutant.line) <= 1 or (
        mutant.other and abs(diagnostic.span.line - mutant.other) <= 1
    ):
        return True
    if mutant.renamed and re.search(
        rf"\b{re.escape(mutant.renamed)}\b", _line(mutant.text, diagnostic.span.line)
    ):
        return True  # a port or job renamed is reported where the old name is used
    if mutant.missing and diagnostic.code == "S103" and f"`{mutant.missing}`" in diagnostic.message:
        return True  # the entry moved out of its mapping is missing there (as for a deleted leaf)
    if mutant.scope is None:
        return False
    # T601: a binding the changed type does not fit; L102: a parallel node's `input_data` it no longer fits;
    # W102: a sweep's distribution, whose values the trial's input no longer takes.
    return (
        diagnostic.code in ("T601", "L102", "W102")
        or mutant.scope[0] <= diagnostic.span.line <= mutant.scope[1]
    )


def _line(text: str, line: int) -> str:
    """The (1-based) ``line`` of ``text`` (empty past its end)."""
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


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
    tried = attempts = 0
    while tried < share(index) and attempts < 50 * share(index):  # some files have few sites
        attempts += 1
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
    text = (
        "$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json\n"
        "a: 1\nb:\n  c: pytorch\n  d: true\n  mode: ro_mount\n  code: ./src\n  e: ${{parent.inputs.rows}}\n"
        "  l: [p, q]\ntags: {x: y}\ninputs:\n  rows: 1\noutputs:\n  model: {type: uri_folder}\n"
        "jobs:\n  train:\n    type: command\n    command: echo ${{outputs.model}}\n"
    )
    rng = random.Random(1)
    seen = set()
    for _ in range(600):
        mutant = mutate(
            text, rng, {"a", "b", "c", "d", "mode", "code", "e", "l", "tags", "inputs", "outputs"}
        )
        if mutant is None:
            continue
        seen.add(mutant.kind)
        changed = [
            i + 1
            for i, (x, y) in enumerate(zip_longest(text.splitlines(), mutant.text.splitlines()))
            if x != y
        ]
        assert mutant.line in changed or mutant.kind in ("unknown-key", "deleted-leaf"), mutant
        assert mutant.other == 0 or mutant.other in changed, mutant
        if _valid_yaml(mutant.text):
            tags = yaml.safe_load(mutant.text).get("tags")
            assert "x" in (tags if isinstance(tags, dict) else {"x": 0}), "tag names are not schema keys"
    assert seen == {"misspelt-key", "unknown-key", "wrong-type", "misspelt-value", "deleted-leaf",
                    "emptied-value", "out-of-range", "swapped-enum", "missing-path", "misspelt-reference",
                    *_NEW_KINDS, "swapped-siblings", "misspelt-name", "quoted-scalar",
                    "boolean-spelling"}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("indented-entry", "a:\n  b: 1\n  c:\n    x: 2\n    d: 3\nl: [p, q]\n"),
        ("dedented-entry", "a:\n  b: 1\n  c:\n    x: 2\nd: 3\nl: [p, q]\n"),
        ("duplicated-line", "a:\n  b: 1\n  c:\n    x: 2\n  d: 3\n  d: 3\nl: [p, q]\n"),
        ("list-to-scalar", "a:\n  b: 1\n  c:\n    x: 2\n  d: 3\nl: p\n"),
        (
            "other-direction-reference",
            "inputs: {i: 1}\noutputs: {o: 2}\njobs: {j: {v: '${{parent.outputs.o}}'}}\n",
        ),
    ],
)
def test_each_new_kind_makes_the_slip_it_names(kind: str, expected: str) -> None:
    """The entry `d: 3` (or the list, or the reference) changed as a user would change it."""
    text = "a:\n  b: 1\n  c:\n    x: 2\n  d: 3\nl: [p, q]\n"
    if kind == "other-direction-reference":
        text = "inputs: {i: 1}\noutputs: {o: 2}\njobs: {j: {v: '${{parent.inputs.i}}'}}\n"
    wanted = {"list-to-scalar": "seq", "other-direction-reference": "str"}.get(kind, "key")
    site = next(s for s in _sites(text) if s.tag == wanted and s.text in ("d", "p", "${{parent.inputs.i}}"))
    mutant = _apply(kind, text, site, random.Random(0), set())
    assert mutant is not None and mutant.text == expected


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
