"""How much of a public Azure ML repository does azpipe support, and how faithfully?

Given a folder of Azure ML YAML (by default ``$AZPIPE_PUBLIC_CORPUS``: a copy of
``cli/jobs`` of Azure's public ``azureml-examples`` repository), this finds every
pipeline job file and pipeline component file (``type: pipeline`` with ``jobs:``)
and, for each, reports:

- azure-ai-ml's verdict: ``load_job`` (``load_component`` for a pipeline component)
  and its offline validation, run in the file's folder, as the fidelity tests do;
- azpipe's diagnostics: its errors and warnings, by rule code;
- for files azure-ai-ml accepts and azpipe reports no error on: ``compile``
  directly and ``azpipe import`` then ``compile``, each to both targets, compared
  with azure-ai-ml's load of the original in every field of its job dict (the
  fidelity tests' ``differences()``).

It works on a prepared copy of the folder: the paths a file points at that are not
there (``code: ./src``, ``path: ./data``) are created empty, and a ``compute: <NAME>``
placeholder the examples ask the reader to fill in is filled, as
``tests/test_fidelity_corpus.py`` does for the shared corpus.

A *false error* is an azpipe error on a file azure-ai-ml accepts; ``S107``
(a node kind azpipe does not model yet) is counted apart. Output: a Markdown
table with summary counts (``-o FILE`` writes it), or ``--json``. Run:
``python benchmarks/measure_public.py [FOLDER] [-o docs/corpus-public.md]``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the fidelity helpers live in tests/
    sys.path.insert(0, str(ROOT))

import azpipe  # noqa: E402
from azpipe.diagnostics import Severity  # noqa: E402
from tests.native_corpus import _create_local_paths  # noqa: E402

_COMPUTE_PLACEHOLDER = re.compile(r"^(\s*compute:\s*)<([A-Za-z_]+)>\s*$", re.MULTILINE)
_UNMODELLED = "S107"
# Errors that are false by the count (azure-ai-ml accepts the file) but name a real mistake
# azure-ai-ml lets through: counted, and shown apart with the reason.
JUSTIFIED = {
    "R302": "binds a port the component does not declare (azure-ai-ml drops the binding without a word)",
}


@dataclass
class Result:
    """What azure-ai-ml and azpipe make of one pipeline file."""

    file: str
    kind: str = "pipeline job"
    azure: str = "pass"
    azure_message: str = ""
    errors: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    direct: list[str] | None = None  # differences, compile directly (None: not compiled)
    imported: list[str] | None = None  # differences, import then compile
    failure: str = ""  # a compile or import that did not get as far as a job
    seconds: float = 0.0

    @property
    def accepted(self) -> bool:
        """azure-ai-ml loads and validates the file."""
        return self.azure == "pass"

    @property
    def supported(self) -> bool:
        """azpipe reports no error (S107 included) on the file."""
        return not self.errors

    @property
    def false_errors(self) -> dict[str, int]:
        """azpipe's errors on a file azure-ai-ml accepts, S107 left out."""
        return {c: n for c, n in self.errors.items() if c != _UNMODELLED} if self.accepted else {}

    @property
    def round_trip_equal(self) -> bool:
        """Both routes, both targets, give azure-ai-ml's job in every field."""
        return self.direct == [] and self.imported == [] and not self.failure


def pipeline_files(folder: Path) -> list[Path]:
    """Every YAML file under ``folder`` whose document is ``type: pipeline`` with ``jobs:``, sorted."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".yml", ".yaml") or not path.is_file():
            continue
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        if isinstance(document, dict) and document.get("type") == "pipeline" and "jobs" in document:
            found.append(path)
    return found


def prepared_copy(folder: Path, destination: Path) -> Path:
    """A copy of ``folder`` in which what its YAML files point at exists (created empty when missing)."""
    copy = destination / folder.name
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".git", "azpipe_*", "*.azpipe.yaml"))
    for yml in [*copy.rglob("*.yml"), *copy.rglob("*.yaml")]:
        with contextlib.suppress(OSError, UnicodeDecodeError, yaml.YAMLError):
            _create_local_paths(yml)
            _fill_in_compute(yml)
            _create_spark_entries(yml)
    return copy


def _create_spark_entries(yml: Path) -> None:
    """The ``entry.file`` of each inline spark job of a pipeline, in its ``code`` folder: azure-ai-ml
    checks that it exists (the tests' preparation does the same for spark component files)."""
    document = yaml.safe_load(yml.read_text(encoding="utf-8"))
    jobs = document.get("jobs") if isinstance(document, dict) else None
    for job in jobs.values() if isinstance(jobs, dict) else ():
        if not isinstance(job, dict) or job.get("type") != "spark":
            continue
        entry, code = job.get("entry"), job.get("code")
        if isinstance(entry, dict) and isinstance(entry.get("file"), str) and isinstance(code, str):
            target = (yml.parent / code / entry["file"]).resolve()
            if "://" not in code and not code.startswith("azureml:") and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("", encoding="utf-8")


def _fill_in_compute(yml: Path) -> None:
    """``compute: <ATTACHED_SPARK_POOL_NAME>``: a name the examples ask the reader to fill in."""
    text = yml.read_text(encoding="utf-8")
    filled = _COMPUTE_PLACEHOLDER.sub(lambda m: m.group(1) + m.group(2).lower().replace("_", "-"), text)
    if filled != text:
        yml.write_text(filled, encoding="utf-8")


def azure_verdict(path: Path, component: bool) -> tuple[str, str]:
    """(``pass`` | ``fail`` | ``load error``, first line of azure-ai-ml's message)."""
    from azpipe.emit.job import validation_errors
    from tests.compile_support import azure
    from tests.fidelity_support import working_directory

    try:
        with working_directory(path.parent):
            loaded = azure().load_component(path) if component else azure().load_job(path)
    except Exception as error:  # azure-ai-ml raises on schema errors while loading
        return "load error", _first_line(error)
    try:
        found = validation_errors(loaded) if not component else dict(loaded._validate().error_messages)
    except Exception:  # a node kind validation_errors does not walk: the job's own validation
        found = dict(loaded._validate().error_messages)
    if found:
        key, message = next(iter(found.items()))
        return "fail", _first_line(f"{key}: {message}")
    return "pass", ""


def measure(path: Path, folder: Path) -> Result:
    """One file, measured (never raises: a crash is reported in the result)."""
    started = time.perf_counter()
    result = Result(file=str(path.relative_to(folder)))
    try:
        pipeline = azpipe.load(path)
    except Exception as error:
        result.failure = f"azpipe crashed: {_first_line(error)}"
        result.errors = {"crash": 1}
        return result
    if pipeline.source_format == "native-component":
        result.kind = "pipeline component"
    result.errors = dict(Counter(d.code for d in pipeline.diagnostics if d.severity is Severity.ERROR))
    result.warnings = sorted({d.code for d in pipeline.diagnostics if d.severity is Severity.WARNING})
    result.azure, result.azure_message = azure_verdict(path, result.kind == "pipeline component")
    if result.accepted and result.supported and result.kind == "pipeline job":
        result.direct = _route(path, "direct", result)
        result.imported = _route(path, "import", result)
    result.seconds = time.perf_counter() - started
    return result


def _route(path: Path, route: str, result: Result) -> list[str] | None:
    """``differences()`` of one route (both targets); None when it failed, said in ``result.failure``."""
    from tests.fidelity_support import differences

    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return differences(path, routes=(route,))
    except Exception as error:  # an assertion of the helpers, or a compiled job azure-ai-ml refuses
        result.failure += f"{route}: {_first_line(error)} "
        return None


def _first_line(error: object) -> str:
    """The message on one line, shortened (azure-ai-ml's first line is often only a heading)."""
    text = " ".join(line.strip() for line in str(error).strip().splitlines() if line.strip())
    return (text or type(error).__name__)[:240]


@dataclass
class Summary:
    """The counts the issues ask for."""

    files: int
    jobs: int
    components: int
    accepted: int
    supported: int
    supported_accepted_jobs: int
    round_trip_equal: int
    false_errors: int
    false_error_files: int
    justified: int
    unmodelled_files: int
    unmodelled_nodes: int
    differing_files: int
    missed: int


def summarise(results: list[Result]) -> Summary:
    """Counts over ``results``."""
    compiled = [r for r in results if r.direct is not None or r.imported is not None or r.failure]
    return Summary(
        files=len(results),
        jobs=sum(r.kind == "pipeline job" for r in results),
        components=sum(r.kind == "pipeline component" for r in results),
        accepted=sum(r.accepted for r in results),
        supported=sum(r.supported for r in results),
        supported_accepted_jobs=sum(r.supported and r.accepted and r.kind == "pipeline job" for r in results),
        round_trip_equal=sum(r.round_trip_equal for r in results),
        false_errors=sum(sum(r.false_errors.values()) for r in results),
        false_error_files=sum(bool(r.false_errors) for r in results),
        justified=sum(n for r in results for c, n in r.false_errors.items() if c in JUSTIFIED),
        unmodelled_files=sum(_UNMODELLED in r.errors for r in results),
        unmodelled_nodes=sum(r.errors.get(_UNMODELLED, 0) for r in results),
        differing_files=sum(not r.round_trip_equal for r in compiled),
        missed=sum(not r.accepted and r.supported for r in results),
    )


def _outcome(differences: list[str] | None, failure: str) -> str:
    if differences is None:
        return "failed" if failure else "—"
    return "same job, every field" if not differences else f"differs in {len(differences)} fields"


def markdown(results: list[Result], summary: Summary, provenance: str) -> str:
    """The report: provenance, counts, one row per file, then every difference and failure."""
    import azure.ai.ml

    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    lines = [
        "# azpipe on the public azureml-examples repository",
        "",
        f"Measured {today} with azure-ai-ml {azure.ai.ml.__version__} and azpipe {azpipe.__version__}"
        " by `benchmarks/measure_public.py` (generated: do not edit).",
        provenance,
        "",
        f"- pipeline files: {summary.files} ({summary.jobs} pipeline jobs, {summary.components} pipeline components)",
        f"- accepted by azure-ai-ml (`load_job`/`load_component` and validation): {summary.accepted}",
        f"- fully supported by azpipe (no error): {summary.supported}"
        f" ({summary.supported_accepted_jobs} of them pipeline jobs azure-ai-ml accepts)",
        f"- round-trip equal (compile and import → compile, both targets, every field): {summary.round_trip_equal}",
        f"- compiled but not equal (or failed): {summary.differing_files}",
        f"- false errors (azpipe errors on files azure-ai-ml accepts, S107 apart): {summary.false_errors}"
        f" in {summary.false_error_files} files; {summary.justified} of them name a mistake azure-ai-ml"
        " lets through (" + "; ".join(f"{c}: {why}" for c, why in JUSTIFIED.items()) + ")",
        f"- files azure-ai-ml refuses and azpipe reports no error on: {summary.missed}",
        f"- S107, node kinds not modelled yet: {summary.unmodelled_nodes} nodes in {summary.unmodelled_files} files",
        "",
        "| file | kind | azure-ai-ml | azpipe errors | warnings | compile → both targets | import → compile |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        errors = ", ".join(f"{c}×{n}" if n > 1 else c for c, n in sorted(r.errors.items())) or "none"
        lines.append(
            f"| `{r.file}` | {r.kind} | {r.azure} | {errors} | {', '.join(r.warnings) or '—'} "
            f"| {_outcome(r.direct, r.failure)} | {_outcome(r.imported, r.failure)} |"
        )
    details = [r for r in results if r.failure or r.direct or r.imported or r.false_errors]
    if details:
        lines += ["", "## Differences, failures and false errors", ""]
        for r in details:
            lines.append(f"- `{r.file}`: " + "; ".join(_details(r)))
    refused = [r for r in results if not r.accepted]
    if refused:
        lines += ["", "## What azure-ai-ml says of the files it refuses", ""]
        lines += [f"- `{r.file}` ({r.azure}): {r.azure_message.replace('|', '/')}" for r in refused]
    return "\n".join(lines) + "\n"


def _details(r: Result) -> list[str]:
    found = [f"false errors {', '.join(sorted(r.false_errors))}"] if r.false_errors else []
    found += [f"failed: {r.failure.strip()}"] if r.failure else []
    found += [line.replace("|", "/") for line in (r.direct or []) + (r.imported or [])]
    return found


def provenance_of(folder: Path) -> str:
    """Where the files came from: the fetch manifest (``MANIFEST.tsv``: path, commit, source) and the
    snapshot's ``COMMIT`` (hash and date) when present."""
    manifest = folder / "MANIFEST.tsv"
    if not manifest.is_file():
        return f"Files: `{folder.name}`."
    rows = [line.split("\t") for line in manifest.read_text(encoding="utf-8").splitlines() if line.strip()]
    written = [row for row in rows if len(row) > 2 and "not-written" not in row[2]]
    by_source = Counter(row[2].split("-comments")[0] for row in written)
    commits = {row[1] for row in written}
    snapshot = folder / "COMMIT"
    stamp = f" (snapshot {snapshot.read_text(encoding='utf-8').strip()})" if snapshot.is_file() else ""
    sources = ", ".join(f"{n} from {s}" for s, n in sorted(by_source.items()))
    return (
        f"Files: {len(written)} ({sources}{stamp}), from {len(commits)} commits of the repository:"
        " the index keeps each path at the commit of its latest stored version, and `MANIFEST.tsv`"
        " beside the files gives each file's commit."
    )


def main(argv: list[str] | None = None) -> int:
    """Measure the folder and print (or write) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=os.environ.get("AZPIPE_PUBLIC_CORPUS"))
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("-o", "--output", help="write the Markdown report to this file")
    parser.add_argument("-k", "--only", default="", help="measure only files whose path contains this")
    args = parser.parse_args(argv)
    if not args.folder or not Path(args.folder).is_dir():
        parser.error("give a folder (or set AZPIPE_PUBLIC_CORPUS)")
    folder = Path(args.folder).resolve()
    warnings.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations
    with tempfile.TemporaryDirectory() as temporary:
        copy = prepared_copy(folder, Path(temporary))
        files = [p for p in pipeline_files(copy) if args.only in str(p.relative_to(copy))]
        results = []
        for number, path in enumerate(files, 1):
            results.append(measure(path, copy))
            print(f"[{number}/{len(files)}] {results[-1].file}", file=sys.stderr)
    summary = summarise(results)
    report = markdown(results, summary, provenance_of(folder))
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8")
    if args.json:  # with -o, both: the report in the file, JSON on standard output
        print(json.dumps({"summary": asdict(summary), "files": [asdict(r) for r in results]}, indent=2))
    elif not args.output:
        print(report, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
