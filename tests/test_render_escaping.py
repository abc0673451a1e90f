"""Labels are escaped for each format: user text shows as text and cannot inject.

The fixture ``tests/fixtures/render/escaping.yaml`` puts ``"``, ``<script>``,
``]``, ``|``, ``-->``, newlines, ``%%``, ``#quot;``, ``&amp;`` and backticks in
names, descriptions and commands.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import azpipe
from azpipe.render import Options, build_view, labels, render

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "render" / "escaping.yaml"
OPTIONS = Options(show=("compute", "environment", "description", "command"))
NASTY = ['"', "<script>", "]", "|", "-->", "\n", "%%", "#quot;", "&amp;", "`", "\x1b[31m", "\u202e"]

MERMAID_NODE = re.compile(r'^  n\d+(\(|\(\[|\[/|\[\()"[^"\[\]|<>]*(<br>[^"\[\]|<>]*)*"(\)|\]\)|/\]|\)\])$')
MERMAID_EDGE = re.compile(r'^  n\d+ (-->|-\.->)(\|"[^"\[\]|<>]*"\|)? n\d+$')
MERMAID_STYLE = re.compile(
    r"^  (classDef [a-z]+ [a-z0-9:#.,\- ]+|class [n0-9,]+ [a-z]+|linkStyle [0-9,]+ [a-z0-9:#.,\- ]+)$"
)


@pytest.fixture(scope="module")
def pipeline() -> azpipe.Pipeline:
    return azpipe.load(FIXTURE)


def test_clean_removes_control_characters() -> None:
    assert labels.clean("a\nb\t c") == "a b c"
    assert labels.clean("red \x1b[31m") == "red \\x1b[31m"
    assert labels.clean("bidi \u202eevil") == "bidi \\u202eevil"
    assert "\n" not in labels.clean("x\r\ny\u2028z")


@pytest.mark.parametrize("text", NASTY)
def test_mermaid_escape_keeps_only_safe_characters(text: str) -> None:
    escaped = labels.mermaid(labels.clean(text))
    assert not set(escaped) & set('"[]|<>{}()%`\n\x1b')
    assert re.fullmatch(r"(#\d+;|[\w .,:/=+@~\-→⚠…·])*", escaped)


def test_mermaid_structure(pipeline: azpipe.Pipeline) -> None:
    """Every line is a node, an edge or a style line: no user text can add a directive."""
    lines = render(pipeline, "mermaid", OPTIONS).splitlines()
    assert lines[0] == "flowchart TB"
    for line in lines[1:]:
        assert MERMAID_NODE.match(line) or MERMAID_EDGE.match(line) or MERMAID_STYLE.match(line), line


def test_mermaid_entities_decode_to_the_label(pipeline: azpipe.Pipeline) -> None:
    drawing = render(pipeline, "mermaid", OPTIONS)
    decoded = re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), drawing)
    for node in build_view(pipeline, OPTIONS).nodes:
        assert "<br>".join(node.label_lines()) in decoded


def test_dot_strings_stay_closed(pipeline: azpipe.Pipeline) -> None:
    for line in render(pipeline, "dot", OPTIONS).splitlines()[4:-1]:
        assert re.fullmatch(r'  n\d+( -> n\d+)?( \[\w+="([^"\\]|\\.)*"(, \w+="([^"\\]|\\.)*")*\])?;', line), (
            line
        )
    assert "&amp;&amp;" in render(pipeline, "dot", OPTIONS)  # Graphviz decodes entities, so & is escaped


def test_text_has_no_control_characters(pipeline: azpipe.Pipeline) -> None:
    text = render(pipeline, "text", OPTIONS)
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f\u202a-\u202e]", text)
    assert 'step x"]|--> y' in text


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, str] = {}
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._current = tag

    def handle_data(self, data: str) -> None:
        if self._current == "script":
            key = "json" if self.tags[-1][1].get("type") == "application/json" else "code"
            self.data[key] = self.data.get(key, "") + data


def test_html_holds_user_text_only_as_text(pipeline: azpipe.Pipeline) -> None:
    page = render(pipeline, "html", OPTIONS)
    parser = _Collector()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert tags.count("script") == 2
    assert "img" not in tags and "b" not in tags
    assert not [attrs for _, attrs in parser.tags if any(name.startswith("on") for name in attrs)]
    assert not [attrs for _, attrs in parser.tags if "href" in attrs or "src" in attrs]
    assert "<script>document" not in page
    data = json.loads(parser.data["json"])
    names = {node["name"] for node in data["nodes"].values()}
    assert "<script>document.title='pwned'</script>" in names
    commands = [b["code"] for n in data["nodes"].values() for b in n["blocks"] if "code" in b]
    assert any("`rm -rf /`" in command and "\n" in command for command in commands)


def test_html_is_self_contained(pipeline: azpipe.Pipeline) -> None:
    page = render(pipeline, "html", OPTIONS)
    urls = set(re.findall(r"(?:https?:)?//[\w.-]+[^\s\"'<>)]*", page))
    assert urls <= {"http://www.w3.org/2000/svg"}
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    rules = html.unescape(policy.group(1))
    assert "default-src 'none'" in rules and "script-src 'sha256-" in rules and "unsafe" not in rules
