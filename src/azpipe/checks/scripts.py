"""The script a command runs must be in its ``code:`` folder (F806 script-not-in-code).

Azure ML uploads a step's ``code:`` folder and runs the command inside it; a
script the command names that is not in that folder is not there when the job
starts (``python reprot.py`` fails after the compute has been set up), and a
step with no ``code:`` uploads nothing, so ``python train.py`` finds no file.

azpipe reads the command's words (:mod:`azpipe.checks.command_words`) and finds
what each simple command runs: ``python X.py`` (``python3``, options such as
``-u``), ``python -m pkg.mod``, ``bash X.sh``/``sh``/``source``, ``Rscript X.R``,
``./X.sh``, and the script given to a launcher (``torchrun``, ``accelerate
launch``, ``deepspeed``, ``mpirun``, ``python -m torch.distributed.run``...),
after assignments and wrappers (``env``, ``time``, ``conda run -n ENV``...). It
follows ``cd DIR &&`` into folders of the code folder, and gives up on the rest of
the command after a ``cd`` it cannot follow. Nothing is concluded from a word
behind a ``${{ }}`` placeholder, a ``$VAR``, a glob, an absolute or ``~`` path,
from a module that is not local (``python -m pip`` is installed), or from a file an
earlier part of the command may create (``wget -O x.py ... && python x.py``).

These are warnings: an environment's image may hold the script, and a command
can create files in ways no reading of its words shows.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

from azpipe.checks.command_words import SimpleCommand, Word, simple_commands, words_of
from azpipe.diagnostics import Diagnostic
from azpipe.expr.ast import Template, Text
from azpipe.expr.shell import flatten
from azpipe.model import Component, Pipeline, Settings
from azpipe.readers.interface import is_local_path
from azpipe.records import record
from azpipe.rules import rule
from azpipe.source.local_paths import path_problem
from azpipe.source.nodes import Scalar
from azpipe.suggest import did_you_mean

# A command that names none of these runs no script this check reads: it is not split into words.
RUNS_SOMETHING = re.compile(
    r"python|bash|sh\b|source|Rscript|torchrun|deepspeed|horovodrun|mpirun|mpiexec|srun|accelerate|\./|\.\s"
)
# What makes the words of a command differ from its runs between blanks and operators.
_READ_WORDS = re.compile(r"['\"\\]")
_RUN = re.compile(r"[^ \t\n;&|()<>]+")
_DYNAMIC = re.compile(r"[$`*?\[]")
_CHANGES_FOLDER = frozenset({"cd", "pushd", "popd"})
SCRIPT_LIKE = re.compile(r"[\w./-]+\.(?:py|sh|R|r)\b")
PYTHON = re.compile(r"python(\d+(\.\d+)*)?(\.exe)?")
SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh"})
SOURCES = frozenset({"source", "."})
LAUNCHERS = frozenset({"torchrun", "deepspeed", "horovodrun", "mpirun", "mpiexec", "srun"})
LAUNCHER_MODULES = frozenset(
    {
        "torch.distributed.launch",
        "torch.distributed.run",
        "deepspeed.launcher.runner",
        "accelerate.commands.launch",
    }
)
SCRIPT_SUFFIXES = (".py", ".sh", ".R", ".r")
# Commands that run the command after them: their options that take a value, and how many
# positional words come before that command (`timeout 10 python x.py`).
WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "env": (frozenset({"-u", "--unset", "-C", "--chdir", "-S"}), 0),
    "time": (frozenset({"-f", "-o"}), 0),
    "nohup": (frozenset(), 0),
    "exec": (frozenset({"-a"}), 0),
    "command": (frozenset(), 0),
    "nice": (frozenset({"-n"}), 0),
    "ionice": (frozenset({"-c", "-n", "-p"}), 0),
    "timeout": (frozenset({"-s", "-k", "--signal", "--kill-after"}), 1),
    "stdbuf": (frozenset(), 0),
    "xvfb-run": (frozenset({"-n", "-s", "-e", "-f", "-p"}), 0),
    "sudo": (frozenset({"-u", "-g"}), 0),
}
ENVIRONMENT_RUNNERS = frozenset({"conda", "mamba", "micromamba", "poetry", "pipenv", "uv", "pdm", "hatch"})
RUNNER_OPTIONS = frozenset({"-n", "--name", "-p", "--prefix", "--with", "--python", "-e", "--env"})
KEYWORDS = frozenset({"then", "do", "else", "elif", "if", "while", "until", "!", "{"})
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_MAX_FILES = 5000  # files of a code folder looked at for "did you mean"
_SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", ".git", ".venv", "venv"})


@record(frozen=True)
class Script:
    """A script a simple command runs: a file path or a dotted module, as written."""

    word: Word
    kind: str  # "file" or "module"
    name: str


@record(frozen=True)
class Runs:
    """A command to check: its template and scalar, its owner's words and folders."""

    template: Template
    node: Scalar
    owner: str  # "step `train`", "component `prep`"
    base_dir: str  # the folder `code:` is relative to
    code: str | None
    includes: tuple[str, ...]  # additional_includes: more files in the code folder


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Check the scripts of every command step and component (each component once)."""
    for cached in (_code_folder, _listing, _exists, _isdir, _folders_below, _folder_holding, _file_problem):
        cached.cache_clear()  # read the disk afresh on each check, then once per path
    for runs in _commands(pipeline):
        if RUNS_SOMETHING.search(runs.node.value):
            yield from _check(runs)


def _commands(pipeline: Pipeline) -> Iterator[Runs]:
    seen: set[int] = set()
    components = list(pipeline.components.values())
    for step in pipeline.steps.values():
        if step.kind not in ("command", "sweep"):
            continue
        if step.uses is not None:
            components.append(step.uses)
        elif step.command is not None and step.command_node is not None:
            if step.code is None and step.code_span is not None:
                continue  # a `code:` it could not read (already an error)
            includes = _includes(step.details)
            owner = f"step `{step.name}`"
            yield Runs(step.command, step.command_node, owner, pipeline.base_dir, step.code, includes)
    for component in components:
        if id(component) in seen or component.source not in ("inline", "file") or component.spark:
            continue
        seen.add(id(component))
        if component.command is not None and component.command_node is not None:
            folder = _component_dir(pipeline, component)
            owner = f"component `{component.name}`"
            includes = _includes(component.details)
            yield Runs(component.command, component.command_node, owner, folder, component.code, includes)


def _includes(details: Settings) -> tuple[str, ...]:
    return tuple(posixpath.basename(path.rstrip("/")) for path in details.additional_includes if path)


def _component_dir(pipeline: Pipeline, component: Component) -> str:
    """A component's paths are relative to its file (an inline one's to the pipeline)."""
    if component.path is None or component.path == "inline":
        return pipeline.base_dir
    return os.path.dirname(os.path.normpath(os.path.join(pipeline.base_dir, component.path)))


def _check(runs: Runs) -> Iterator[Diagnostic]:
    if runs.code is not None and not is_local_path(runs.code):
        return  # a registered code asset: its files are not here
    if runs.code is None:
        yield from _without_code(runs)
        return
    folder = _code_folder(runs.base_dir, runs.code)
    if folder is None:
        return  # F801/F802/F803 report the folder itself; a file as `code:` is uploaded alone
    if _all_there(runs, folder):
        return
    commands = simple_commands(runs.template, runs.node.value)
    for script, cwd in scripts(commands, lambda path: _isdir(os.path.join(folder, path))):
        problem = _problem(folder, runs.includes, script, cwd)
        if problem is not None:
            message, hint = problem
            span = runs.node.span_of(script.word.start, script.word.end)
            where = f"its code folder `{runs.code}`" + (f" (from `cd {cwd}`)" if cwd else "")
            yield rule("F806").at(span, f"{runs.owner} runs `{script.name}`, which {message} {where}", hint)


@lru_cache(maxsize=1024)
def _code_folder(base_dir: str, code: str) -> str | None:
    """The code folder's full path, or ``None`` when it is not a sound local folder."""
    folder = os.path.normpath(os.path.join(base_dir, code))
    return folder if path_problem(base_dir, code) is None and os.path.isdir(folder) else None


@lru_cache(maxsize=8192)
def _exists(path: str) -> bool:
    return os.path.exists(path)


@lru_cache(maxsize=8192)
def _isdir(path: str) -> bool:
    return os.path.isdir(path)


def _without_code(runs: Runs) -> Iterator[Diagnostic]:
    """A relative script run by a command whose owner uploads no code."""
    candidates = {found.group() for found in SCRIPT_LIKE.finditer(runs.node.value)}
    if not any(_folder_holding(runs.base_dir, name) for name in candidates if not name.startswith("/")):
        return  # no file the command names is here: nothing to split the command for
    for script, _ in scripts(simple_commands(runs.template, runs.node.value), None):
        if script.kind != "file" or script.name.startswith("../"):
            continue  # an installed module, for all this shows
        folder = _folder_holding(runs.base_dir, script.name)
        if folder is None:
            continue  # not here: the environment's image may hold it
        span = runs.node.span_of(script.word.start, script.word.end)
        yield rule("F806").at(
            span,
            f"{runs.owner} runs the local script `{script.name}` but has no `code:`",
            f"add `code: {folder}`: Azure ML uploads only `code:` and runs the command in it",
        )


@lru_cache(maxsize=1024)
def _folder_holding(base_dir: str, name: str) -> str | None:
    """The folder (``.`` or one below ``base_dir``) that holds the script ``name``, if any."""
    wanted = posixpath.normpath(name)
    if _exists(os.path.join(base_dir, wanted)):
        return "."
    for folder in _folders_below(base_dir):
        if _exists(os.path.join(base_dir, folder, wanted)):
            return folder
    return None


@lru_cache(maxsize=64)
def _folders_below(base_dir: str, depth: int = 3) -> tuple[str, ...]:
    """Folders under ``base_dir``, nearest first, a bounded number of them."""
    found: list[str] = []
    level = [""]
    for _ in range(depth):
        below: list[str] = []
        for parent in level:
            try:
                names = sorted(os.listdir(os.path.join(base_dir, parent)))
            except OSError:
                continue
            for name in names:
                path = posixpath.join(parent, name) if parent else name
                if (
                    name not in _SKIPPED_FOLDERS
                    and not name.startswith(".")
                    and os.path.isdir(os.path.join(base_dir, path))
                ):
                    below.append(path)
        found += below
        level = below[:200]
    return tuple(found)


def _all_there(runs: Runs, folder: str) -> bool:
    """True when no script the command may run can be missing, seen without reading its words.

    When the literal text has no quote or escape, every word the shell makes of it
    (:mod:`~azpipe.checks.command_words`) is a whole run between blanks and operators.
    With no ``cd`` (the scripts then run from the code folder itself) and no single-dash
    option holding ``m`` (``python -m``: a module), what can be reported is a run, as a
    file path, that :func:`_file_problem` finds missing or outside; when none is, the
    command's words need not be read. Runs that are not words (a comment, a
    here-document, inside ``$( )``) only make this answer ``False`` more often.
    ``tests/test_script_in_code.py`` checks it against reading the words.
    """
    for part in flatten(runs.template):
        if not isinstance(part, Text):
            continue
        if _READ_WORDS.search(part.text):
            return False
        for run in _RUN.findall(part.text):
            if run in _CHANGES_FOLDER or (run[0] == "-" and run[1:2] != "-" and "m" in run):
                return False
            if _can_name_a_script(run) and _file_problem(folder, runs.includes, run, "") is not None:
                return False
    return True


def _can_name_a_script(run: str) -> bool:
    """False for a word :func:`_checkable` never checks (options, absolute paths, URLs, dynamic)."""
    return not (run[0] in "/~-" or "://" in run or _DYNAMIC.search(run))


def _problem(folder: str, includes: tuple[str, ...], script: Script, cwd: str) -> tuple[str, str] | None:
    """Why ``script`` (run from ``cwd`` inside the code ``folder``) is not there, with a hint."""
    if script.kind == "module":
        return _module_problem(folder, script.name, cwd)
    return _file_problem(folder, includes, script.name, cwd)


@lru_cache(maxsize=8192)
def _file_problem(folder: str, includes: tuple[str, ...], name: str, cwd: str) -> tuple[str, str] | None:
    """Why the file ``name`` (run from ``cwd`` inside the code ``folder``) is not there."""
    path = posixpath.normpath(posixpath.join(cwd, name))
    if path == ".." or path.startswith("../"):
        return (
            "is outside",
            "Azure ML uploads only `code:`; move the script into it or choose a wider `code:`",
        )
    if path.split("/")[0] in includes or _exists(os.path.join(folder, path)):
        return None
    if not _holds_scripts(folder, path):
        return None  # no file of its kind where it would be: code put there before submission, maybe
    return "is not in", _near(folder, cwd, name)


def _holds_scripts(folder: str, path: str) -> bool:
    """True when the code ``folder`` holds files of the kind ``path`` names (its suffix): in the
    folder ``path`` is in, or, when that folder is missing, anywhere in the code folder.

    Without one, azpipe cannot tell a missing script from code that is generated or
    copied into the folder before submission, so it says nothing.
    """
    suffix = posixpath.splitext(path)[1]
    if not suffix:
        return False
    where = os.path.join(folder, posixpath.dirname(path))
    if _isdir(where):
        return any(name.endswith(suffix) for name in _listing(where))
    return any(name.endswith(suffix) for name in _files(folder))


def _module_problem(folder: str, module: str, cwd: str) -> tuple[str, str] | None:
    """A module whose top-level package is in the code folder, but not the module itself."""
    parts = module.split(".")
    if not all(part.isidentifier() for part in parts):
        return None
    base = os.path.join(folder, cwd)
    if not (
        os.path.isdir(os.path.join(base, parts[0])) or os.path.isfile(os.path.join(base, parts[0] + ".py"))
    ):
        return None  # not a local module: an installed one, for all this shows
    path = os.path.join(base, *parts)
    if os.path.isdir(path) or os.path.isfile(path + ".py"):
        return None
    siblings = _listing(os.path.dirname(path))
    modules = [name.removesuffix(".py") for name in siblings if name.endswith(".py") or "." not in name]
    near = did_you_mean(parts[-1], modules)
    return "is not in", near or "`python -m` finds a module from the folder the command runs in"


def _near(folder: str, cwd: str, name: str) -> str:
    """ "did you mean" among the code folder's files (paths as the command would write them)."""
    wanted = posixpath.normpath(name)
    suffix = posixpath.splitext(wanted)[1]
    files = [posixpath.relpath(path, cwd or ".") for path in _files(folder) if path.endswith(suffix)]
    same_name = [path for path in files if posixpath.basename(path) == posixpath.basename(wanted)]
    if same_name:
        return f"`{same_name[0]}` is in the code folder: did you mean that path?"
    return (
        did_you_mean(wanted, files) or "the command runs in the code folder; name the script relative to it"
    )


def _files(folder: str) -> list[str]:
    """The code folder's files as relative paths, a bounded number of them."""
    found: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_FOLDERS and not d.startswith("."))
        relative = os.path.relpath(root, folder)
        for name in sorted(names):
            found.append(name if relative == "." else posixpath.join(relative.replace(os.sep, "/"), name))
            if len(found) >= _MAX_FILES:
                return found
    return found


@lru_cache(maxsize=1024)
def _listing(folder: str) -> tuple[str, ...]:
    try:
        return tuple(sorted(os.listdir(folder))[:_MAX_FILES])
    except OSError:
        return ()


# ------------------------------------------------------------------ what each command runs


def scripts(
    commands: Sequence[SimpleCommand], folder_exists: Callable[[str], bool] | None
) -> Iterator[tuple[Script, str]]:
    """Each checkable script the commands run, with the folder (relative to the code folder,
    ``""`` for itself) it runs from. ``folder_exists`` says whether a folder is in the code
    folder (``None``: there is no code folder, and a ``cd`` cannot be followed)."""
    folders: list[str | None] = [""]
    for index, command in enumerate(commands):
        cwd = folders[-1]
        words = command.words
        if command.ends_with == "(":
            folders.append(cwd)
        elif command.ends_with == ")" and len(folders) > 1:
            folders.pop()
        if cwd is not None and words:
            if words[0].text in ("cd", "pushd", "popd") and not words[0].dynamic:
                folders[-1] = _cd(cwd, words[1:], folder_exists) if words[0].text != "popd" else None
            else:
                found = script_of(words)
                if found is not None and _checkable(found) and not _mentioned(found, commands[:index]):
                    yield found, cwd


def _checkable(script: Script) -> bool:
    """False for a script whose name is unknown here."""
    word, name = script.word, script.name
    return not (word.dynamic or not name or name.startswith(("/", "~", "-")) or "://" in name or "\\" in name)


def _mentioned(script: Script, earlier: Sequence[SimpleCommand]) -> bool:
    """True when an earlier command names the script's file, so it may write it
    (``wget -O x.py``, ``> x.py``, ``cp a x.py``, ``git clone``...)."""
    name = posixpath.basename(script.name)
    return any(word.text.rsplit("/", 1)[-1] == name for word in words_of(earlier))


def _cd(cwd: str, args: Sequence[Word], folder_exists: Callable[[str], bool] | None) -> str | None:
    """The folder after ``cd ARGS`` from ``cwd``; ``None`` when it cannot be followed."""
    args = [word for word in args if word.text not in ("-P", "-L", "--")]
    if folder_exists is None or len(args) != 1 or not _checkable(Script(args[0], "file", args[0].text)):
        return None
    target = posixpath.normpath(posixpath.join(cwd, args[0].text))
    if target == ".":
        return ""
    if target.startswith("..") or not folder_exists(target):
        return None  # out of the code folder, or a folder the command makes first
    return target


def script_of(words: Sequence[Word]) -> Script | None:
    """The script a simple command runs, if it runs one this check knows how to read."""
    words = _unwrapped(words)
    if not words or words[0].dynamic:
        return None
    program = posixpath.basename(words[0].text)
    rest = words[1:]
    if PYTHON.fullmatch(program):
        return _python(rest)
    if program in SHELLS:
        return _shell(rest)
    if program in SOURCES:
        return Script(rest[0], "file", rest[0].text) if rest else None
    if program == "Rscript":
        return _rscript(rest)
    if program in LAUNCHERS:
        return _launched(rest)
    if program == "accelerate" and rest and rest[0].text == "launch":
        return _launched(rest[1:])
    if words[0].text.startswith("./"):
        return Script(words[0], "file", words[0].text)
    return None


def _unwrapped(words: Sequence[Word]) -> Sequence[Word]:
    """The words from the command a wrapper runs: after assignments, ``env``, ``time``..."""
    index = 0
    while index < len(words):
        word = words[index]
        if ASSIGNMENT.match(word.text) or (word.text in KEYWORDS and not word.dynamic):
            index += 1
        elif word.text in WRAPPERS and not word.dynamic:
            takes_value, positional = WRAPPERS[word.text]
            index = _after_options(words, index + 1, takes_value) + positional
        elif word.text in ENVIRONMENT_RUNNERS and index + 1 < len(words) and words[index + 1].text == "run":
            index = _after_options(words, index + 2, RUNNER_OPTIONS)
        else:
            break
    return words[index:]


def _after_options(words: Sequence[Word], index: int, takes_value: frozenset[str]) -> int:
    while index < len(words) and words[index].text.startswith("-") and len(words[index].text) > 1:
        index += 2 if words[index].text in takes_value else 1
    return index


def _python(words: Sequence[Word]) -> Script | None:
    """``python [OPTIONS] SCRIPT`` or ``python [OPTIONS] -m MODULE`` (``-c``, ``-``: no script)."""
    index = 0
    while index < len(words):
        word = words[index]
        text = word.text
        if word.dynamic or text == "-":
            return None
        if text.startswith("--"):
            index += 2 if text == "--check-hash-based-pycs" else 1
            continue
        if not text.startswith("-"):
            return Script(word, "file", text)
        for position, flag in enumerate(text[1:], 2):
            if flag == "c":
                return None
            if flag in "mWX":
                attached = text[position:]
                if not attached:
                    index += 1
                value = Word(attached, word.start, word.end) if attached else _at(words, index)
                if flag == "m":
                    return _module(value, words[index + 1 :])
                break
        index += 1
    return None


def _at(words: Sequence[Word], index: int) -> Word | None:
    return words[index] if index < len(words) else None


def _module(word: Word | None, rest: Sequence[Word]) -> Script | None:
    if word is None or word.dynamic:
        return None
    if word.text in LAUNCHER_MODULES:
        return _launched(rest)
    return Script(word, "module", word.text)


def _shell(words: Sequence[Word]) -> Script | None:
    """``bash [OPTIONS] SCRIPT`` (``-c`` and ``-s`` read no script file)."""
    index = 0
    while index < len(words):
        text = words[index].text
        if text.startswith("--"):
            index += 2 if text in ("--rcfile", "--init-file") else 1
        elif text[:1] in "-+" and len(text) > 1:
            if "c" in text[1:] or "s" in text[1:]:
                return None
            index += 2 if text[-1] in "oO" else 1  # `-o pipefail`, `-euxo pipefail`
        else:
            return Script(words[index], "file", text)
    return None


def _rscript(words: Sequence[Word]) -> Script | None:
    """``Rscript [--OPTIONS] FILE`` (``-e EXPR``: no file)."""
    for word in words:
        if word.text == "-e":
            return None
        if not word.text.startswith("-"):
            return Script(word, "file", word.text)
    return None


def _launched(words: Sequence[Word]) -> Script | None:
    """The script a launcher runs: the first script-like word (an interpreter's, if one is named)."""
    for index, word in enumerate(words):
        text = word.text
        if text in ("-m", "--module", "--no_python", "--no-python"):
            return None  # the launcher runs a module or a program, not a script file
        if word.dynamic or text.startswith("-"):
            continue
        program = posixpath.basename(text)
        if PYTHON.fullmatch(program) or program in SHELLS:
            return script_of(words[index:])
        if text.endswith(SCRIPT_SUFFIXES) or text.startswith("./"):
            return Script(word, "file", text)
    return None
