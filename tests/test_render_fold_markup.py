"""The markup the HTML viewer folds sub-pipelines with (issue 11 item 1), checked without a
browser (tests/test_render_html.py drives it in one): each drawn box is a focusable
``g.fold-box`` naming its members by id, with a hidden folded node of the sub-pipeline's
own shape; the plain SVG has none of it."""

from __future__ import annotations

import re
from pathlib import Path

import azpipe
from azpipe.render import render

EXAMPLE = Path(__file__).resolve().parent.parent / "pipelines" / "sub_pipelines" / "pipeline.yaml"


def test_boxes_name_their_members_and_the_node_they_fold_into() -> None:
    page = render(azpipe.load(EXAMPLE), "html")
    boxes = re.findall(
        r'<g class="fold-box" id="box-(c\d+)" data-fold="fold-(c\d+)" data-parent="" '
        r'data-members="([n0-9 ]+)" tabindex="0" role="button" aria-expanded="true">',
        page,
    )
    assert [(box, fold) for box, fold, _ in boxes] == [("c0", "c0"), ("c1", "c1")]
    for box, _, members in boxes:
        assert len(members.split()) == 2  # normalize and smooth
        node = re.search(
            rf'<g class="node step fold folded-away" id="fold-{box}" [^>]*tabindex="0" role="button">', page
        )
        assert node is not None
        assert "sub-pipeline, 2 steps" in page
    assert page.count('<g class="cluster">') == 2


def test_the_plain_svg_has_no_fold_markup() -> None:
    drawing = render(azpipe.load(EXAMPLE), "svg")
    assert (
        "fold-box" not in drawing
        and "folded-away" not in drawing
        and drawing.count('<g class="cluster">') == 2
    )
