"""The rule table: every diagnostic azpipe emits has a code listed here.

Codes are stable: a retired code is never reused. A code's first letter names its
family (Y: YAML, S: schema, E: expressions, R: references, P: ports, G: graph,
T: types, N: names, F: files, C: compute, V: values, I: information). ``docs/rules.md`` is
generated from this table and the examples in ``tests/rules/``.
"""

from __future__ import annotations

from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic, Severity, Span
from azpipe.records import record


@record(frozen=True)
class Rule:
    """A check with a stable code, a kebab-case name and a default severity."""

    code: str
    name: str
    severity: Severity
    summary: str

    def at(self, span: Span, message: str, hint: str | None = None) -> Diagnostic:
        """A diagnostic of this rule at ``span``."""
        return Diagnostic(self.code, self.severity, message, span, hint, self.name)


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

_RULES = (
    Rule("Y001", "yaml-syntax", _E, "The file is not valid YAML."),
    Rule("Y002", "duplicate-key", _E, "A mapping repeats a key (PyYAML would keep the last)."),
    Rule("Y003", "alias-expansion", _E, "Aliases expand the document past the size budget."),
    Rule("Y004", "recursive-alias", _E, "An alias refers to a node that contains it."),
    Rule("Y005", "file-too-large", _E, "The file is larger than the size cap."),
    Rule("Y006", "nesting-too-deep", _E, "Collections nest deeper than the limit."),
    Rule("Y007", "unsupported-tag", _E, "A YAML tag other than the standard ones."),
    Rule("Y008", "bad-encoding", _E, "The file is not printable UTF-8 text."),
    Rule("Y009", "multiple-documents", _E, "The file holds more than one YAML document."),
    Rule("Y010", "empty-file", _E, "The file holds no document."),
    Rule("Y011", "yaml11-trap", _W, "A plain value YAML 1.1 reads differently than written."),
    Rule("Y012", "ambiguous-merge", _E, "A `<<` merge that PyYAML versions read differently."),
    Rule("Y013", "number-read-as-text", _W, "A number such as `1e-3` that YAML 1.1 reads as text."),
    Rule("S101", "unknown-key", _E, "A key the language does not define."),
    Rule("S102", "wrong-shape", _E, "A value of the wrong kind (mapping, list, string...)."),
    Rule("S103", "missing-key", _E, "A required key is missing."),
    Rule("S104", "unsupported-version", _E, "The `azpipe:` language version is not 1."),
    Rule("S105", "conflicting-keys", _E, "Keys that cannot be used together."),
    Rule("S106", "invalid-value", _E, "A value outside the allowed set."),
    Rule("S107", "unsupported-node", _E, "An Azure ML node type azpipe does not model yet."),
    Rule(
        "S108",
        "unsupported-field",
        _E,
        "An Azure ML field azpipe does not carry to Azure ML (it would be lost).",
    ),
    Rule("S109", "target-only-field", _E, "A field the chosen compile target cannot write."),
    Rule("S110", "ignored-field", _W, "A field Azure ML reads and then ignores."),
    Rule(
        "S111",
        "not-a-pipeline",
        _E,
        "A component or another Azure ML file given where a pipeline is needed (compile, graph, run, submit).",
    ),
    Rule("E201", "expression-syntax", _E, "A `${{ }}` or `$[[ ]]` that does not parse."),
    Rule("E202", "misplaced-reference", _E, "A reference form not allowed where it is used."),
    Rule("R301", "unknown-step", _E, "A reference to a step that does not exist."),
    Rule("R302", "unknown-port", _E, "A reference to a step port that does not exist."),
    Rule("R303", "unknown-pipeline-input", _E, "A reference to a pipeline input that does not exist."),
    Rule("R304", "unknown-data-asset", _E, "A reference to a data asset not declared under `data:`."),
    Rule("R305", "unknown-environment", _E, "An environment that is not declared."),
    Rule("R306", "unknown-compute", _W, "A compute name one or two edits from a declared one."),
    Rule("R307", "unknown-component", _E, "A `uses:` that names no component."),
    Rule("R308", "unknown-pipeline-output", _E, "A binding to a pipeline output that is not declared."),
    Rule("P401", "unused-input", _E, "A declared step input the command never uses."),
    Rule("P402", "unused-output", _E, "A declared step output the command never writes."),
    Rule("P403", "optional-outside-segment", _E, "An optional input used outside `$[[ ]]`."),
    Rule("P404", "unbound-input", _E, "A required input left unbound."),
    Rule("P405", "unknown-placeholder", _E, "A command placeholder that names no port."),
    Rule("P406", "unsafe-placeholder", _W, "A placeholder where the shell would run what the value holds."),
    Rule("P407", "key-in-command", _W, "A key of the step indented into its block-scalar command's text."),
    Rule("G501", "cycle", _E, "Steps depend on each other in a cycle."),
    Rule("G502", "unconsumed-output", _W, "An output no step consumes and no pipeline output exposes."),
    Rule("G503", "dead-step", _W, "A step that contributes to no pipeline output."),
    Rule("G504", "unused-pipeline-input", _W, "A pipeline input no step uses."),
    Rule("T601", "type-mismatch", _E, "A binding whose types do not fit."),
    Rule("T602", "unknown-type", _E, "A type name Azure ML does not know."),
    Rule("T603", "non-finite-number", _E, "A number YAML reads as infinity or NaN (`.inf`, `.nan`)."),
    Rule(
        "T604", "legacy-type", _W, "An older type name Azure ML still reads (`path`), with its modern name."
    ),
    Rule("N701", "invalid-name", _E, "A name Azure ML rejects."),
    Rule("N702", "reserved-name", _E, "A name that is a Python keyword or a reserved word."),
    Rule("N703", "name-collision", _E, "Two names that differ only in case."),
    Rule(
        "N704", "invalid-env-var-name", _E, "An environment-variable name other than letters, digits and `_`."
    ),
    Rule("N705", "invalid-tag-key", _E, "A tag key with control characters or line breaks."),
    Rule("F801", "missing-path", _E, "A `code:` or local data path that does not exist."),
    Rule("F802", "path-escapes", _W, "A path that leaves the repository through `..` or a link."),
    Rule("F803", "absolute-path", _E, "An absolute or `~` path: it only exists on one machine."),
    Rule(
        "F804", "bad-output-path", _E, "An output path with `.`/`..` segments, or a folder for a `uri_file`."
    ),
    Rule("F805", "file-folder-mismatch", _E, "A `uri_file` given a folder, or a `uri_folder` given a file."),
    Rule(
        "F806",
        "script-not-in-code",
        _W,
        "A script the command runs (`python X.py`) that is not in `code:`, or a step with no `code:`.",
    ),
    Rule("C901", "no-compute", _E, "A step with no compute and no default."),
    Rule("C902", "no-environment", _E, "A step with no environment and no default."),
    Rule("V001", "wrong-value-type", _E, "A value of the wrong type for its field (`instance_count: two`)."),
    Rule("V002", "unknown-value", _E, "A value outside the set its field allows (a misspelt `mode`)."),
    Rule("V003", "value-out-of-range", _E, "A number outside its field's range (`instance_count: 0`)."),
    Rule("V004", "invalid-format", _E, "A text value not in its field's format (`shm_size: 2 GB`)."),
    Rule("W101", "unknown-search-input", _E, "A search-space key that is not an input of the sweep's trial."),
    Rule("W102", "search-type-mismatch", _E, "A distribution whose samples do not fit the input's type."),
    Rule(
        "W103",
        "unsupported-distribution",
        _E,
        "A distribution its sampling does not take (grid: choice; bayesian: choice, uniform, quniform).",
    ),
    Rule("W104", "bayesian-early-termination", _E, "Bayesian sampling with an early-termination policy."),
    Rule("W105", "search-input-bound", _E, "A search-space input that `inputs:` also binds."),
    Rule("W106", "unsupported-sweep-field", _E, "A sweep field or step setting azpipe does not carry yet."),
    Rule("W107", "sweep-needs-search-space", _E, "A sweep with no search space."),
    Rule(
        "L101", "parallel-port", _E, "`input_data`/`append_row_to` not one reference to the step's own port."
    ),
    Rule(
        "L102",
        "parallel-input-type",
        _E,
        "A parallel step's `input_data` that is not a `uri_folder` or `mltable`.",
    ),
    Rule("L103", "entry-script-missing", _E, "A parallel task's entry script not found in its code folder."),
    Rule("L104", "entry-script-contract", _E, "An entry script without `init()` and `run(mini_batch)`."),
    Rule(
        "L105",
        "mini-batch-size",
        _E,
        "A `mini_batch_size` Azure ML cannot read (`10`, `10kb`, `100mb`, `1gb`).",
    ),
    Rule(
        "L106", "parallel-threshold", _E, "A parallel threshold, concurrency or retry setting out of range."
    ),
    Rule("L107", "not-on-parallel", _E, "A step setting Azure ML's parallel node has no field for."),
    Rule(
        "L108",
        "not-a-parallel-component",
        _E,
        "A parallel node whose component is not a parallel component or prompt flow, or the reverse.",
    ),
    Rule("I001", "unchecked-component", _I, "A registered component whose interface is unknown offline."),
    Rule("U101", "subpipeline-cycle", _E, "Pipeline files that use each other as sub-pipelines in a cycle."),
    Rule(
        "U102",
        "subpipeline-step-field",
        _E,
        "A field only a command takes, on a step that uses a sub-pipeline.",
    ),
    Rule("U103", "inline-pipeline-component", _E, "A pipeline node whose component is defined inline."),
    Rule(
        "U104", "not-a-pipeline-component", _E, "A `type: pipeline` node whose component is not a pipeline."
    ),
    Rule(
        "A101",
        "automl-required",
        _E,
        "An AutoML step without `target_column_name`, `training_data` (or NLP `validation_data`).",
    ),
    Rule("A102", "automl-primary-metric", _E, "A `primary_metric` that is not one of the AutoML task's."),
    Rule("A103", "automl-range", _E, "An AutoML data split outside (0, 1), or a limit below 1."),
    Rule("D101", "data-transfer-required", _E, "A data transfer step without what its task needs."),
    Rule(
        "D102", "data-transfer-endpoint", _E, "A data transfer source or sink without the fields of its type."
    ),
    Rule("D103", "data-transfer-field", _E, "A data transfer field that does not apply to the step's task."),
    Rule("K101", "spark-entry-missing", _E, "A spark entry file not found in the step's code folder."),
    Rule(
        "K102", "spark-conf-incomplete", _E, "Spark driver/executor settings Azure ML requires are missing."
    ),
    Rule("K103", "spark-port-mode", _E, "A spark step's data input or output not in `direct` mode."),
    Rule("K104", "spark-compute", _E, "A spark step with neither or both of `compute` and `resources`."),
    Rule(
        "K105",
        "spark-duplicate-file",
        _E,
        "A file listed twice in `py_files`, `jars`, `files` or `archives`.",
    ),
    Rule("K106", "not-a-spark-component", _E, "A spark step whose component is not a spark component."),
    Rule(
        "K107",
        "spark-resources",
        _E,
        "Serverless spark `resources` without a valid instance type and runtime.",
    ),
    Rule("K108", "spark-class-entry", _E, "A spark entry given as a class: Azure ML takes only a file."),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


def rule(code: str) -> Rule:
    """The rule with ``code``."""
    return RULES[code]


def all_rules() -> Iterator[Rule]:
    """Every rule, in code order."""
    yield from sorted(_RULES, key=lambda r: r.code)
