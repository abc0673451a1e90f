"""The one Jinja2 environment every emitter renders its templates with.

``StrictUndefined`` turns a misspelt variable into an error instead of empty
text; autoescaping is off because it protects HTML, not Python or YAML: safety
comes from the filters (:mod:`azpipe.emit.values`), through which every value
from a pipeline file passes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> Any:
    """The shared ``jinja2.Environment`` (built once, on first use)."""
    import jinja2

    from azpipe.emit.values import py, yaml_block, yaml_key, yq

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["py"] = py
    env.filters["yq"] = yq
    env.filters["yaml_key"] = yaml_key
    env.filters["yaml_block"] = yaml_block
    # Mappings whose keys are the user's (always quoted), not azpipe's own names.
    env.globals["USER_KEYED"] = ("tags", "environment_variables", "properties", "services")
    return env


def render(name: str, **context: Any) -> str:
    """Render template ``name`` with ``context``."""
    return str(environment().get_template(name).render(**context))
