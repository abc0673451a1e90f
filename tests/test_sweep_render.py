"""Sweep steps are drawn in a shape of their own in every graph format."""

from __future__ import annotations

from pathlib import Path

import pytest

from azpipe.cli.main import main

PIPELINE = """\
azpipe: 1
name: tuned
defaults: {compute: cpu, environment: azureml:sklearn:1}
steps:
  train:
    code: .
    command: python train.py --lr ${{inputs.lr}} --model ${{outputs.model}}
    sweep:
      search_space:
        lr: {type: uniform, min_value: 0.01, max_value: 0.1}
      objective: {goal: maximize, primary_metric: accuracy}
      limits: {max_total_trials: 4}
  use:
    code: .
    command: python use.py ${{train.outputs.model}}
"""


@pytest.mark.parametrize(
    ("form", "sweep", "command"),
    [
        ("mermaid", '[["train"]]', '("use")'),
        ("dot", 'label="train", shape="box3d"', 'label="use", shape="box"'),
        ("text", "  sweep step train", "  step use"),
        ("svg", '<rect class="shape" x="20" y="16"', None),
        ("html", "sweep step", None),
    ],
)
def test_a_sweep_step_has_its_own_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], form: str, sweep: str, command: str | None
) -> None:
    path = tmp_path / "pipeline.yaml"
    path.write_text(PIPELINE, encoding="utf-8")
    assert main(["graph", str(path), "-f", form]) == 0
    out = capsys.readouterr().out
    assert sweep in out
    if command is not None:
        assert command in out
    if form == "svg":  # two boxes, the trials behind the step
        train = out[out.index('id="n0"') : out.index("</g>", out.index('id="n0"'))]
        assert train.count("<rect") == 2


def test_the_html_panel_shows_the_sweep_and_escapes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        PIPELINE.replace("primary_metric: accuracy", 'primary_metric: "</script><b>x"'), encoding="utf-8"
    )
    assert main(["graph", str(path), "-f", "html"]) == 0
    out = capsys.readouterr().out
    assert '"heading": "Sweep"' in out and '"heading": "Search space"' in out
    assert '["lr", "uniform", "min_value 0.01, max_value 0.1"]' in out
    assert "</script><b>" not in out
