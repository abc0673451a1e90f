"""``--set NAME=VALUE``: read with the input's type, applied to the model before compiling."""

from __future__ import annotations

from pathlib import Path

import pytest

import azpipe
from azpipe.emit.yaml import emit_yaml
from azpipe.submit.overrides import OverrideError, apply_overrides, read_overrides

INPUTS = Path(__file__).resolve().parent / "fixtures" / "submit" / "inputs" / "pipeline.yaml"


def values(*assignments: tuple[str, str]) -> dict[str, object]:
    pipeline = azpipe.load(INPUTS)
    return {o.name: o.value for o in read_overrides(pipeline, list(assignments))}


def test_values_take_the_input_type() -> None:
    found = values(("epochs", "20"), ("rate", "1"), ("label", "007"), ("shuffle", "TRUE"))
    assert found == {"epochs": 20, "rate": 1.0, "label": "007", "shuffle": True}
    assert type(found["rate"]) is float  # a number input stays a number: "1.0" in the request, not "1"


def test_the_last_of_repeated_sets_wins() -> None:
    assert values(("epochs", "1"), ("epochs", "2")) == {"epochs": 2}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("epochs", "ten", "--set epochs='ten': the value is not an integer (`epochs` is an integer input)"),
        ("epochs", "1.5", "is not an integer"),
        ("rate", "nan", "is not a finite number"),
        ("shuffle", "yes", "is not a boolean (true or false)"),
        ("epoch", "3", "--set epoch: the pipeline has no input `epoch`; did you mean `epochs`?"),
        ("zzz", "3", "the pipeline has no input `zzz` (its inputs: `epochs`, `label`"),
        ("table", "", "`table` is a uri_folder input; give a path or URI"),
        ("table", "no/such/folder", "`no/such/folder` does not exist"),
    ],
)
def test_bad_values_are_usage_errors(name: str, text: str, message: str) -> None:
    with pytest.raises(OverrideError) as raised:
        values((name, text))
    assert message in str(raised.value)


def test_asset_inputs_take_references_uris_and_local_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "local").mkdir()
    assert values(("table", "azureml:tables:7")) == {"table": "azureml:tables:7"}
    assert values(("table", "https://example.org/t/")) == {"table": "https://example.org/t/"}
    assert values(("table", "local")) == {"table": str(tmp_path / "local")}


def test_applied_overrides_reach_the_compiled_job_even_optional_inputs_without_a_value() -> None:
    pipeline = azpipe.load(INPUTS)
    assert '"momentum"' not in emit_yaml(pipeline).split("jobs:")[0]
    overrides = read_overrides(
        pipeline, [("momentum", "0.9"), ("table", "azureml:tables:2"), ("epochs", "3")]
    )
    apply_overrides(pipeline, overrides)
    head = emit_yaml(pipeline).split("jobs:")[0]
    assert '"momentum": 0.9' in head and '"epochs": 3' in head and 'path: "azureml:tables:2"' in head
