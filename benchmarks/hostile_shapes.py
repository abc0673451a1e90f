"""Is every azpipe command linear in the size of the file, on the shapes that hurt?

A hostile pull request does not write the pipelines of ``check_scale.py``: it
writes one command with thousands of distinct references, one step fed by
thousands of producers, a chain of 20,000 steps. This generates such shapes at
sizes N, 2N, 4N, ... and times every command on them in process
(``azpipe.cli.main.main``, output thrown away), as the best CPU time of
``--repeat`` runs:

- shapes: ``wide`` (step ``a`` writes N outputs in one command, each also a
  pipeline output; step ``b`` reads them all in one command written over many
  lines), ``wide_inputs`` (N pipeline inputs in one single-line command),
  ``fan_in`` (N producer steps read by one step), ``fan_in_after`` (N steps in one
  step's ``after:`` list), ``fan_out`` (one step read by N steps, each a pipeline
  output), ``chain`` (N steps in a line, up to 20,000), ``long_edges`` (a chain
  of N steps each also read by one last step: N edges up to N layers long),
  ``warnings`` (N steps whose outputs nothing reads: N warnings), ``typos``
  (N misspelt pipeline inputs and N misspelt steps: 2N errors, each with a
  hint);
- commands: ``check`` (the azpipe file and its Azure ML form), ``graph`` in every
  format, ``diff`` in every format (against a version with every command changed
  and one element fewer), ``compile`` to both targets, ``plan``, and ``import`` of
  the Azure ML file that ``compile --target yaml`` writes.

Growth check: doubling the size may cost at most ``--limit`` (2.2) times the
time. A ratio over the limit is timed again (both sizes, twice the runs) before
it counts, so that one unlucky run on a busy machine does not fail the check;
times under ``--floor`` seconds are too small to judge. Prints one table per
shape with the ratios; exits 1 when a ratio is still over the limit.

Run: ``python benchmarks/hostile_shapes.py`` (about 40 minutes on a 2-core
machine; ``--shapes chain --commands check,graph text`` for a part, ``--quick``
for a small run that only shows that everything works). Not a test: timings
depend on the machine; ``tests/test_linear_time.py`` checks the same shapes by
counting executed lines instead.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HEADER = ["azpipe: 1", "name: hostile", "defaults: {compute: cpu-cluster, environment: 'sklearn:1'}"]
PER_LINE = 8  # references per line of a folded command


@dataclass
class Parts:
    """The sections of a pipeline, as lines: ``inputs:``, ``outputs:`` and ``steps:``."""

    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)


def _folded(words: list[str]) -> list[str]:
    """A ``command: >-`` block holding ``words``, ``PER_LINE`` to a line."""
    lines = ["    command: >-"]
    for start in range(0, len(words), PER_LINE):
        lines.append("      " + " ".join(words[start : start + PER_LINE]))
    return lines


def _ref(step: str, port: str = "out") -> str:
    return f"${{{{{step}.outputs.{port}}}}}"


def _variant(size: int, changed: bool) -> tuple[str, int]:
    """The command word and element count: the changed version has another word and one element fewer."""
    return ("printf", size - 1) if changed else ("echo", size)


def wide(size: int, changed: bool = False, p: str = "") -> Parts:
    """Step ``a`` writes ``size`` outputs, each a pipeline output; step ``b`` reads them all."""
    verb, count = _variant(size, changed)
    parts = Parts(outputs=[f"  {p}result: {_ref(f'{p}b')}"])
    parts.outputs += [f"  {p}r{k:05d}: {_ref(f'{p}a', f'o{k:05d}')}" for k in range(count)]
    parts.steps = [f"  {p}a:", *_folded([verb, *(f"${{{{outputs.o{k:05d}}}}}" for k in range(count))])]
    refs = [_ref(f"{p}a", f"o{k:05d}") for k in range(count)]
    parts.steps += [f"  {p}b:", *_folded([verb, *refs, "${{outputs.out}}"])]
    return parts


def wide_inputs(size: int, changed: bool = False, p: str = "") -> Parts:
    """``size`` pipeline inputs, all read by one single-line command."""
    verb, count = _variant(size, changed)
    refs = " ".join(f"${{{{parent.inputs.{p}i{k:05d}}}}}" for k in range(count))
    return Parts(
        inputs=[f"  {p}i{k:05d}: {k}" for k in range(count)],
        outputs=[f"  {p}result: {_ref(f'{p}a')}"],
        steps=[f"  {p}a:", f"    command: {verb} {refs} ${{{{outputs.out}}}}"],
    )


def fan_in(size: int, changed: bool = False, p: str = "") -> Parts:
    """``size`` producer steps, all read by one step."""
    verb, count = _variant(size, changed)
    parts = Parts(outputs=[f"  {p}result: {_ref(f'{p}sink')}"])
    for k in range(count):
        parts.steps += [f"  {p}p{k:05d}:", f"    command: {verb} ${{{{outputs.out}}}}"]
    refs = [_ref(f"{p}p{k:05d}") for k in range(count)]
    parts.steps += [f"  {p}sink:", *_folded([verb, *refs, "${{outputs.out}}"])]
    return parts


def fan_in_after(size: int, changed: bool = False, p: str = "") -> Parts:
    """``size`` steps, all named in one step's ``after:`` list (ordering edges, no data)."""
    verb, count = _variant(size, changed)
    parts = Parts()
    for k in range(count):
        parts.steps += [f"  {p}p{k:05d}:", f"    command: {verb} {k:05d}"]
    parts.steps += [f"  {p}last:", f"    command: {verb} done", "    after:"]
    parts.steps += [f"      - {p}p{k:05d}" for k in range(count)]
    return parts


def fan_out(size: int, changed: bool = False, p: str = "") -> Parts:
    """One step read by ``size`` steps, each of which is a pipeline output."""
    verb, count = _variant(size, changed)
    parts = Parts(outputs=[f"  {p}r{k:05d}: {_ref(f'{p}c{k:05d}')}" for k in range(count)])
    parts.steps = [f"  {p}source:", f"    command: {verb} ${{{{outputs.out}}}}"]
    for k in range(count):
        command = f"{verb} {_ref(f'{p}source')} ${{{{outputs.out}}}}"
        parts.steps += [f"  {p}c{k:05d}:", f"    command: {command}"]
    return parts


def chain(size: int, changed: bool = False, p: str = "") -> Parts:
    """``size`` steps, each reading the one before."""
    verb, count = _variant(size, changed)
    parts = Parts(outputs=[f"  {p}result: {_ref(f'{p}s{count - 1:05d}')}"])
    parts.steps = [f"  {p}s00000:", f"    command: {verb} ${{{{outputs.out}}}}"]
    for k in range(1, count):
        parts.steps += [
            f"  {p}s{k:05d}:",
            f"    command: {verb} {_ref(f'{p}s{k - 1:05d}')} ${{{{outputs.out}}}}",
        ]
    return parts


def long_edges(size: int, changed: bool = False, p: str = "") -> Parts:
    """A chain of ``size`` steps, each also read by one last step: edges up to ``size`` layers long."""
    parts = chain(size, changed, p)
    count = _variant(size, changed)[1]
    refs = [_ref(f"{p}s{k:05d}") for k in range(count)]
    parts.outputs.append(f"  {p}report: {_ref(f'{p}last')}")
    parts.steps += [f"  {p}last:", *_folded([_variant(size, changed)[0], *refs, "${{outputs.out}}"])]
    return parts


def typos(size: int, changed: bool = False, p: str = "") -> Parts:
    """``size`` misspelt pipeline inputs (R303) and ``size`` misspelt steps (R301), each with a hint."""
    verb, count = _variant(size, changed)
    refs = " ".join(f"${{{{parent.inputs.{p}j{k:05d}}}}}" for k in range(count))
    parts = Parts(inputs=[f"  {p}i{k:05d}: {k}" for k in range(count)])
    parts.steps = [f"  {p}a:", f"    command: {verb} {refs}"]
    for k in range(count):
        parts.steps += [f"  {p}p{k:05d}:", f"    command: {verb} ${{{{outputs.out}}}}"]
    parts.steps += [f"  {p}sink:", *_folded([verb, *(_ref(f"{p}q{k:05d}") for k in range(count))])]
    return parts


def warnings(size: int, changed: bool = False, p: str = "") -> Parts:
    """``size`` steps, each with an output nothing reads: ``size`` warnings (G502, G503)."""
    verb, count = _variant(size, changed)
    parts = Parts(outputs=[f"  {p}result: {_ref(f'{p}s00000')}"])
    for k in range(count):
        parts.steps += [f"  {p}s{k:05d}:", f"    command: {verb} ${{{{outputs.out}}}}"]
    return parts


SHAPES: dict[str, Callable[..., Parts]] = {
    "wide": wide,
    "wide_inputs": wide_inputs,
    "fan_in": fan_in,
    "fan_in_after": fan_in_after,
    "fan_out": fan_out,
    "chain": chain,
    "long_edges": long_edges,
    "warnings": warnings,
    "typos": typos,
}
ERRORS = {"typos"}  # shapes whose files have errors: no Azure ML form, commands that refuse them too
# Smallest size of each shape; four doublings reach 20,000 (10,000 for fan_out).
BASE = {
    "wide": 2500, "wide_inputs": 2500, "fan_in": 2500, "fan_in_after": 2500,
    "fan_out": 1250, "chain": 2500, "long_edges": 1250, "warnings": 2500, "typos": 2500,
}  # fmt: skip

# {file}: the azpipe file; {changed}: its changed version; {native}: the Azure ML file.
COMMANDS: dict[str, list[str]] = {
    "check": ["check", "{file}"],
    "check native": ["check", "{native}"],
    **{f"graph {fmt}": ["graph", "{file}", "-f", fmt] for fmt in ("text", "mermaid", "dot", "svg", "html")},
    **{f"diff {fmt}": ["diff", "{file}", "{changed}", "-f", fmt] for fmt in ("text", "mermaid", "markdown")},
    "compile python": ["compile", "{file}"],
    "compile yaml": ["compile", "{file}", "--target", "yaml"],
    "plan": ["plan", "{file}"],
    "import": ["import", "{native}"],
}


def pipeline_text(mix: Sequence[tuple[str, int]], changed: bool = False) -> str:
    """One pipeline holding each ``(shape, size)`` of ``mix`` (names prefixed when there are several)."""
    inputs, outputs, steps = [], [], []
    for number, (shape, size) in enumerate(mix):
        parts = SHAPES[shape](size, changed, f"m{number}_" if len(mix) > 1 else "")
        inputs += parts.inputs
        outputs += parts.outputs
        steps += parts.steps
    sections = [("inputs:", inputs), ("outputs:", outputs), ("steps:", steps)]
    lines = [*HEADER, *itertools.chain.from_iterable([title, *body] for title, body in sections if body)]
    return "\n".join(lines) + "\n"


def write_files(folder: Path, mix: Sequence[tuple[str, int]]) -> dict[str, str]:
    """The azpipe file of ``mix``, its changed version and its Azure ML form (paths by role).

    The Azure ML file is what ``azpipe compile --target yaml`` writes; like
    everything timed here, it goes through the command line.
    """
    stem = "-".join(f"{shape}{size}" for shape, size in mix)
    paths = {role: str(folder / f"{stem}-{role}.yaml") for role in ("file", "changed", "native")}
    Path(paths["file"]).write_text(pipeline_text(mix), encoding="utf-8")
    Path(paths["changed"]).write_text(pipeline_text(mix, changed=True), encoding="utf-8")
    if any(shape in ERRORS for shape, _ in mix):
        return paths  # nothing to write: compiling refuses the file
    for argv in (
        ["check", paths["changed"]],
        ["compile", paths["file"], "--target", "yaml", "-o", paths["native"]],
    ):
        if azpipe(argv) != 0:
            raise SystemExit(f"{stem}: `azpipe {' '.join(argv)}` found errors")
    return paths


def commands_for(mix: Sequence[tuple[str, int]]) -> list[str]:
    """The commands to time on ``mix``: all, but those reading the Azure ML form for a file with errors."""
    errors = any(shape in ERRORS for shape, _ in mix)
    return [c for c in COMMANDS if not (errors and "{native}" in COMMANDS[c])]


def command_line(command: str, paths: dict[str, str]) -> list[str]:
    """The arguments of ``command`` (a key of :data:`COMMANDS`) for the files in ``paths``."""
    return [word.format(**paths) for word in COMMANDS[command]]


@contextlib.contextmanager
def silenced(errors: io.StringIO) -> Iterator[None]:
    """Throw away what a command prints (it is timed, not read), keeping its errors in ``errors``."""
    with (
        open(os.devnull, "w", encoding="utf-8") as sink,
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(errors),
    ):
        yield


def azpipe(argv: list[str]) -> int:
    """``azpipe ARGV`` in this process, its output thrown away; the exit code.

    Fails, with what azpipe printed, when azpipe fails (2: usage or internal
    error; diff exits 1 when the versions differ and check when it finds errors).
    """
    from azpipe.cli.main import main

    errors = io.StringIO()
    with silenced(errors):
        code = main(argv)
    if code not in (0, 1):
        raise SystemExit(f"azpipe {' '.join(argv)} exited {code}: {errors.getvalue()[-2000:]}")
    return code


@contextlib.contextmanager
def collector_paused(paused: bool) -> Iterator[None]:
    """Pause Python's cyclic garbage collector (when ``paused``) for the timed run.

    Its full collections come each time the heap has grown by a quarter: linear
    time overall (CPython's rule for that), but in steps, which make some
    doublings of the size cost more than twice and the next ones less. What
    this benchmark judges is azpipe's own work; ``--gc`` keeps the collector on.
    """
    gc.collect()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        gc.enable()


def cpu_time(argv: list[str], gc_on: bool = False) -> float:
    """CPU time of one run of ``azpipe ARGV``, in seconds.

    CPU time, not wall time: on a shared machine the wall clock also counts the
    time other processes hold the cores, which would blur the growth ratios.
    """
    with collector_paused(not gc_on):
        start = time.process_time()
        azpipe(argv)
        return time.process_time() - start


def best_times(argvs: list[list[str]], repeat: int, gc_on: bool = False) -> list[float]:
    """The best of ``repeat`` CPU times of each command line, run in turns (all sizes once, then again),
    so that a busy spell on the machine slows every size alike rather than one."""
    best = [float("inf")] * len(argvs)
    for _ in range(repeat):
        for index, argv in enumerate(argvs):
            best[index] = min(best[index], cpu_time(argv, gc_on))
    return best


@dataclass
class Row:
    """One command's times at each size, and the growth ratio of each doubling (None: too small)."""

    command: str
    times: list[float]
    ratios: list[float | None] = field(default_factory=list)


def measure(files: list[dict[str, str]], command: str, args: argparse.Namespace) -> Row:
    """Time ``command`` at every size; a ratio over the limit is timed again before it stands."""
    argvs = [command_line(command, paths) for paths in files]
    azpipe(argvs[0])  # once untimed: the first run imports what the command needs
    row = Row(command, best_times(argvs, args.repeat, args.gc))
    for index in range(1, len(files)):
        ratio = _ratio(row.times, index, args.floor)
        if ratio is not None and ratio > args.limit:
            again = best_times(argvs[index - 1 : index + 1], 2 * args.repeat, args.gc)
            row.times[index - 1 : index + 1] = map(min, row.times[index - 1 : index + 1], again)
    row.ratios = [_ratio(row.times, index, args.floor) for index in range(1, len(files))]
    return row


def _ratio(times: list[float], index: int, floor: float) -> float | None:
    earlier, later = times[index - 1], times[index]
    return later / earlier if later >= floor and earlier > 0 else None


def report(shape: str, sizes: list[int], rows: list[Row], limit: float) -> int:
    """Print the table of ``shape``; the number of ratios over ``limit``."""
    print(f"\n{shape}", flush=True)
    print(f"{'command':<16}" + "".join(f"{s:>10,}" for s in sizes) + "   growth per doubling")
    over = 0
    for row in rows:
        shown = ["  -  " if r is None else f"{r:5.2f}" + ("!" if r > limit else " ") for r in row.ratios]
        over += sum(r is not None and r > limit for r in row.ratios)
        print(
            f"{row.command:<16}" + "".join(f"{t:>9.3f}s" for t in row.times) + "   " + " ".join(shown),
            flush=True,
        )
    return over


def main() -> int:
    """Generate every shape, time every command, print the tables; exit 1 on superlinear growth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated: " + ", ".join(SHAPES))
    parser.add_argument(
        "--commands", default=",".join(COMMANDS), help="comma-separated: " + ", ".join(COMMANDS)
    )
    parser.add_argument("--doublings", type=int, default=3, help="sizes N, 2N, ... up to 2^D N (default 3)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every smallest size by this")
    parser.add_argument("--repeat", type=int, default=2, help="runs per time; the best is kept (default 2)")
    parser.add_argument("--limit", type=float, default=2.2, help="largest time ratio per doubling (2.2)")
    parser.add_argument("--floor", type=float, default=0.05, help="times below this are not judged (s)")
    parser.add_argument("--gc", action="store_true", help="keep the garbage collector on while timing")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run: only shows it works")
    args = parser.parse_args()
    if args.quick:
        args.scale, args.doublings, args.repeat = 0.004, 1, 1
    shapes, commands = args.shapes.split(","), args.commands.split(",")
    unknown = [s for s in shapes if s not in SHAPES] + [c for c in commands if c not in COMMANDS]
    if unknown:
        parser.error("unknown shape or command: " + ", ".join(unknown))
    collector = "on" if args.gc else "paused"
    print(
        f"CPU seconds, best of {args.repeat}, garbage collector {collector}; ratios over {args.limit} timed again"
    )
    over = 0
    with tempfile.TemporaryDirectory(prefix="azpipe-hostile-") as folder:
        for shape in shapes:
            base = max(4, round(BASE[shape] * args.scale))
            sizes = [base * 2**k for k in range(args.doublings + 1)]
            files = [write_files(Path(folder), [(shape, size)]) for size in sizes]
            runs = [command for command in commands if command in commands_for([(shape, base)])]
            over += report(shape, sizes, [measure(files, command, args) for command in runs], args.limit)
    print(f"\n{over} ratio(s) over {args.limit}" if over else f"\nevery doubling within {args.limit}x")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
