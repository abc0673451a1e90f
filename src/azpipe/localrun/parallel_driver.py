"""Runs a parallel step as Azure ML's parallel run does, on this machine (standard library; PyYAML
and pandas only for an ``mltable`` input).

Started by the step's shell as ``PYTHON parallel_driver.py PROGRAM_ARGUMENTS...`` with the
step's settings in ``$AZPIPE_PARALLEL_SPEC`` (JSON, written by :mod:`azpipe.localrun.parallel`),
in the step's working directory (its code snapshot). It splits ``input_data`` into
mini-batches (a folder's files, or an MLTable's rows), starts worker processes that each
import the entry script and call its ``init()`` once, and hands each mini-batch to
``run(mini_batch)`` in a worker: a list of file paths, or a pandas DataFrame. A mini-batch
that raises, or runs longer than ``retry_settings.timeout`` (its worker is then killed and
replaced), is tried again up to ``retry_settings.max_retries`` times in all. The rows
``run()`` returns are appended to ``append_row_to`` (a file output, or
``parallel_run_step.txt`` in a folder output), in mini-batch order. The step fails when
more mini-batches failed than ``mini_batch_error_threshold`` allows, or more items (files
or rows: a failed mini-batch's, and those ``run()`` returned no row for) than
``error_threshold`` allows (``-1``: any number).
"""

from __future__ import annotations

import importlib.util
import json
import multiprocessing
import os
import re
import sys
import time
import traceback
from multiprocessing.connection import Connection, wait
from typing import Any

ROW_FILE = "parallel_run_step.txt"  # Azure ML's file name for appended rows in a folder output
DEFAULT_FILES = 10  # mini_batch_size for a folder when unset: files
DEFAULT_BYTES = 1024 * 1024  # for a table: about 1 MB of rows
DEFAULT_RETRIES = 3
DEFAULT_TIMEOUT = 60.0
SIZE = re.compile(r"^(\d+)([kKmMgG][bB])?$")
UNITS = {"kb": 1024, "mb": 1024**2, "gb": 1024**3}
MAX_MLTABLE_BYTES = 1_000_000
READ_OPTIONS = ("delimiter", "header", "encoding", "empty_as_string", "include_path_column", "infer_column_types",
                "support_multi_line")  # fmt: skip
HEADERS = ("all_files_same_headers", "from_first_file", "no_header")


class SplitError(Exception):
    """The input cannot be split here (an MLTable azpipe does not read, a missing folder)."""


# ----------------------------------------------------------------------------- the split


def parse_size(text: str | None, table: bool) -> tuple[int, bool]:
    """``(amount, in_bytes)`` for a mini_batch_size: a count of files, or bytes (``10kb``; a
    table's plain number is bytes too, as Azure ML reads it)."""
    if text is None:
        return (DEFAULT_BYTES, True) if table else (DEFAULT_FILES, False)
    match = SIZE.match(text.strip())
    if match is None:
        raise SplitError(f"mini_batch_size `{text}` is not a count or a size (10, 10kb, 100mb, 1gb)")
    amount = int(match.group(1)) * UNITS.get((match.group(2) or "").lower(), 1)
    return max(amount, 1), bool(match.group(2)) or table


def folder_files(folder: str) -> list[str]:
    """Every file under ``folder`` (links followed, loops not), sorted by relative path."""
    if not os.path.isdir(folder):
        raise SplitError(f"input_data `{folder}` is not a folder")
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        found += [os.path.join(root, name) for name in sorted(files)]
    return sorted(found, key=lambda path: os.path.relpath(path, folder))


def split_files(files: list[str], size: str | None) -> list[list[str]]:
    """Mini-batches of ``size`` files, or of files adding up to ``size`` bytes (one at least)."""
    amount, in_bytes = parse_size(size, table=False)
    if not in_bytes:
        return [files[start : start + amount] for start in range(0, len(files), amount)]
    batches: list[list[str]] = []
    current: list[str] = []
    total = 0
    for path in files:
        if current and total + os.path.getsize(path) > amount:
            batches.append(current)
            current, total = [], 0
        current.append(path)
        total += os.path.getsize(path)
    return [*batches, current] if current else batches


def mltable_source(folder: str) -> tuple[list[str], dict[str, Any]]:
    """The delimited files and read options of a simple MLTable: local ``paths`` (``file``,
    ``folder``, ``pattern``) and one ``read_delimited``; anything else is a SplitError."""
    import glob

    import yaml

    path = os.path.join(folder, "MLTable")
    if not os.path.isfile(path):
        raise SplitError(f"input_data `{folder}` has no MLTable file")
    if os.path.getsize(path) > MAX_MLTABLE_BYTES:
        raise SplitError(f"`{path}` is larger than {MAX_MLTABLE_BYTES} bytes")
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict) or not isinstance(document.get("paths"), list):
        raise SplitError(f"`{path}` has no `paths:` list")
    extra = sorted(set(document) - {"type", "paths", "transformations", "$schema"})
    transformations = document.get("transformations") or []
    options: Any = None
    if len(transformations) == 1 and isinstance(transformations[0], dict):
        options = transformations[0].get("read_delimited", None)
    simple = not extra and options is not None and (options == {} or isinstance(options, dict))
    if not simple:
        what = f"`{extra[0]}`" if extra else "transformations other than one `read_delimited`"
        raise SplitError(
            f"`{path}` uses {what}: azpipe run reads MLTables with local `paths` and one `read_delimited`; "
            "run this step on Azure ML, or give a simpler MLTable with --input"
        )
    options = options or {}
    unknown = sorted(set(options) - set(READ_OPTIONS))
    if unknown or options.get("header", "all_files_same_headers") not in HEADERS:
        what = f"`{unknown[0]}`" if unknown else f"header `{options.get('header')}`"
        raise SplitError(
            f"`{path}`: azpipe run does not read read_delimited's {what}; run this step on Azure ML"
        )
    files: list[str] = []
    for entry in document["paths"]:
        kind, value = (
            next(iter(entry.items())) if isinstance(entry, dict) and len(entry) == 1 else (None, None)
        )
        if kind not in ("file", "folder", "pattern") or not isinstance(value, str) or "://" in value:
            raise SplitError(
                f"`{path}`: azpipe run reads local `file`, `folder` and `pattern` paths, not {entry!r}"
            )
        full = os.path.normpath(os.path.join(folder, value))
        if kind == "file":
            files.append(full)
        elif kind == "folder":
            files += folder_files(full)
        else:
            files += sorted(glob.glob(full, recursive=True))
    return files, options


def read_table(folder: str) -> Any:
    """The MLTable's rows as one pandas DataFrame."""
    files, options = mltable_source(folder)
    try:
        import pandas
    except ImportError:
        raise SplitError(
            "an mltable input gives run() a pandas DataFrame: install pandas into the environment "
            "azpipe runs with (pip install pandas)"
        ) from None
    header = options.get("header", "all_files_same_headers")
    frames = [
        pandas.read_csv(
            path,
            sep=options.get("delimiter", ","),
            encoding=options.get("encoding", "utf8"),
            header=None if header == "no_header" else 0,
        )
        for path in files
    ]
    return pandas.concat(frames, ignore_index=True) if frames else pandas.DataFrame()


def split_table(table: Any, size: str | None, partition_keys: list[str] | None) -> list[tuple[Any, Any]]:
    """``(rows, partition key values)`` batches: one per key value, else rows adding up to about ``size`` bytes."""
    if partition_keys:
        missing = [key for key in partition_keys if key not in table.columns]
        if missing:
            raise SplitError(
                f"partition key `{missing[0]}` is not a column of the input ({', '.join(map(str, table.columns))})"
            )
        groups = table.groupby(partition_keys, sort=True)
        return [
            (rows.reset_index(drop=True), dict(zip(partition_keys, _tuple(key), strict=True)))
            for key, rows in groups
        ]
    amount, _ = parse_size(size, table=True)
    row_bytes = max(1, int(table.memory_usage(index=False, deep=True).sum()) // max(len(table), 1))
    per_batch = max(1, amount // row_bytes)
    return [(table.iloc[start : start + per_batch].reset_index(drop=True), None)
            for start in range(0, len(table), per_batch)]  # fmt: skip


def _tuple(key: Any) -> tuple[Any, ...]:
    return key if isinstance(key, tuple) else (key,)


# ----------------------------------------------------------------------------- the workers


class MiniBatchContext:
    """What Azure ML passes as ``run(mini_batch, mini_batch_context)``."""

    def __init__(self, index: int, partition_key_value: dict[str, Any] | None) -> None:
        self.minibatch_index = index
        self.partition_key_value = partition_key_value or {}
        self.dataset = None


def _worker(connection: Connection, entry_script: str, arguments: list[str]) -> None:
    """A worker: import the entry script, ``init()`` once, then ``run()`` each mini-batch it is sent."""
    sys.argv = [entry_script, *arguments]
    try:
        spec = importlib.util.spec_from_file_location("azpipe_entry_script", os.path.abspath(entry_script))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.init()
    except BaseException:
        connection.send(("init-failed", traceback.format_exc()))
        return
    connection.send(("ready", None))
    takes_context = _takes_context(module.run)
    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        if task is None:
            return
        index, items, key_value = task
        try:
            result = (
                module.run(items, MiniBatchContext(index, key_value)) if takes_context else module.run(items)
            )
            connection.send(("done", _rows(result)))
        except BaseException:
            connection.send(("failed", traceback.format_exc()))


def _takes_context(run: Any) -> bool:
    import inspect

    try:
        parameters = list(inspect.signature(run).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len([p for p in positional if p.default is p.empty]) >= 2


def _rows(result: Any) -> list[str]:
    """What ``run()`` returned, as the lines Azure ML appends: one per list item or DataFrame row."""
    if hasattr(result, "to_csv") and hasattr(result, "columns"):  # a pandas DataFrame
        text = str(result.to_csv(sep=" ", header=False, index=False))
        return text.splitlines()
    if isinstance(result, (list, tuple)):
        return [str(item) for item in result]
    raise TypeError(f"run() must return a list or a pandas DataFrame, not {type(result).__name__}")


class Worker:
    """One worker process and the mini-batch it is running."""

    def __init__(self, context: Any, entry_script: str, arguments: list[str]) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, entry_script, arguments), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.task: int | None = None
        self.deadline = 0.0

    def stop(self) -> None:
        """Kill the worker (a run() past its timeout)."""
        self.process.kill()
        self.process.join()
        self.connection.close()


class Runner:
    """Hands mini-batches to workers, retries them, and counts failures."""

    def __init__(self, spec: dict[str, Any], batches: list[tuple[Any, Any]], arguments: list[str]) -> None:
        self.spec = spec
        self.batches = batches
        self.arguments = arguments
        self.retries = int(spec.get("max_retries") or DEFAULT_RETRIES)
        self.timeout = float(spec.get("timeout") or DEFAULT_TIMEOUT)
        self.tries = [0] * len(batches)
        self.rows: dict[int, list[str]] = {}
        self.failed: dict[int, str] = {}
        self.queue = list(range(len(batches)))
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")

    def run(self, workers: int) -> None:
        """Run every mini-batch (``workers`` at a time)."""
        pool = [self._start() for _ in range(max(1, min(workers, len(self.batches))))]
        while self.queue or any(worker.task is not None for worker in pool):
            for worker in pool:
                if worker.ready and worker.task is None and self.queue:
                    self._send(worker, self.queue.pop(0))
            busy = [worker.connection for worker in pool]
            for connection in wait(busy, timeout=0.2):
                worker = next(w for w in pool if w.connection is connection)
                pool[pool.index(worker)] = self._receive(worker)
            now = time.monotonic()
            for number, worker in enumerate(pool):
                if worker.task is not None and now > worker.deadline:
                    self._attempt_failed(
                        worker.task, f"timed out after {self.timeout:g} s (retry_settings.timeout)"
                    )
                    worker.stop()
                    pool[number] = self._start()
            if not any(worker.process.is_alive() or worker.ready for worker in pool) and self.queue:
                break
        for worker in pool:
            if worker.process.is_alive():
                worker.connection.send(None)
                worker.process.join(timeout=5)

    def _start(self) -> Worker:
        return Worker(self.context, self.spec["entry_script"], self.arguments)

    def _send(self, worker: Worker, index: int) -> None:
        items, key_value = self.batches[index]
        self.tries[index] += 1
        worker.task, worker.deadline = index, time.monotonic() + self.timeout
        worker.connection.send((index, items, key_value))

    def _receive(self, worker: Worker) -> Worker:
        try:
            status, payload = worker.connection.recv()
        except (EOFError, OSError):
            status, payload = "died", f"the worker process ended (exit code {worker.process.exitcode})"
        if status == "ready":
            worker.ready = True
            return worker
        if status == "init-failed":
            print(f"init() failed:\n{payload}", file=sys.stderr)
            raise SystemExit(1)
        index, worker.task = worker.task, None
        if index is None:
            raise SystemExit(f"a worker stopped before it was ready: {payload}")
        if status == "done":
            self.rows[index] = payload
            print(f"mini-batch {index + 1}: {len(payload)} row{'s' if len(payload) != 1 else ''}")
            return worker
        self._attempt_failed(index, payload)
        if status == "died":
            worker.stop()
            return self._start()
        return worker

    def _attempt_failed(self, index: int, why: str) -> None:
        tries = self.tries[index]
        if tries < self.retries:
            print(f"mini-batch {index + 1}: try {tries} failed; trying again", file=sys.stderr)
            print(why.rstrip(), file=sys.stderr)
            self.queue.append(index)
            return
        self.failed[index] = why
        print(
            f"mini-batch {index + 1}: failed after {tries} tr{'ies' if tries != 1 else 'y'}:", file=sys.stderr
        )
        print(why.rstrip(), file=sys.stderr)


# ----------------------------------------------------------------------------- the step


def _batches(spec: dict[str, Any]) -> list[tuple[Any, Any]]:
    source = spec["input_data"]
    if not source:  # an optional input left without a value
        raise SplitError("input_data has no value here: bind it, or give it a default")
    if spec["input_type"] == "mltable":
        return split_table(read_table(source), spec.get("mini_batch_size"), spec.get("partition_keys"))
    return [(batch, None) for batch in split_files(folder_files(source), spec.get("mini_batch_size"))]


def _size(items: Any) -> int:
    return len(items)


def _verdict(spec: dict[str, Any], runner: Runner) -> tuple[int, int, list[str]]:
    """(failed items, failed mini-batches, why the step fails)."""
    failed_items = 0
    for index, (items, _) in enumerate(runner.batches):
        given = _size(items)
        failed_items += given if index in runner.failed else max(0, given - len(runner.rows.get(index, [])))
    reasons = []
    batch_limit = spec.get("mini_batch_error_threshold")
    item_limit = spec.get("error_threshold")
    batch_limit = -1 if batch_limit is None else batch_limit
    item_limit = -1 if item_limit is None else item_limit
    if batch_limit != -1 and len(runner.failed) > batch_limit:
        reasons.append(
            f"{len(runner.failed)} mini-batches failed, more than mini_batch_error_threshold ({batch_limit})"
        )
    if item_limit != -1 and failed_items > item_limit:
        reasons.append(f"{failed_items} items failed, more than error_threshold ({item_limit})")
    return failed_items, len(runner.failed), reasons


def _append(spec: dict[str, Any], runner: Runner) -> str | None:
    target = spec.get("append_row_to")
    if not target:
        return None
    if spec.get("append_row_type") != "uri_file":
        os.makedirs(target, exist_ok=True)
        target = os.path.join(target, ROW_FILE)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "a", encoding="utf-8") as handle:
        for index in sorted(runner.rows):
            handle.writelines(row + "\n" for row in runner.rows[index])
    return target


def main(arguments: list[str]) -> int:
    """Run the step; the exit code (1: the thresholds were passed or init() failed)."""
    spec = json.loads(os.environ.pop("AZPIPE_PARALLEL_SPEC"))
    for name in ("AZPIPE_PARALLEL_PYTHON", "AZPIPE_PARALLEL_DRIVER"):
        os.environ.pop(name, None)
    sys.path.insert(0, os.getcwd())  # the entry script imports its neighbours, as on Azure ML
    try:
        batches = _batches(spec)
    except SplitError as error:
        print(f"azpipe run: {error}", file=sys.stderr)
        return 1
    workers = max(1, int(spec.get("workers") or 1))
    print(
        f"{len(batches)} mini-batch{'es' if len(batches) != 1 else ''}, {min(workers, max(len(batches), 1))} worker(s)"
    )
    runner = Runner(spec, batches, arguments)
    if batches:
        runner.run(workers)
    target = _append(spec, runner)
    failed_items, failed_batches, reasons = _verdict(spec, runner)
    rows = sum(len(found) for found in runner.rows.values())
    summary = f"{len(batches) - failed_batches} of {len(batches)} mini-batches succeeded; {failed_items} items failed"
    print(summary + (f"; {rows} rows appended to {target}" if target else ""))
    for reason in reasons:
        print(f"the step fails: {reason}", file=sys.stderr)
    return 1 if reasons else 0


if __name__ == "__main__":
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)  # azpipe's own folder is not the entry script's
    sys.exit(main(sys.argv[1:]))
