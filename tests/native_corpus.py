"""The Azure ML examples corpus: where it is, and how to prepare a copy for loading.

The corpus holds only YAML; the folders and files its pipelines point at
(``code: ./src``, ``path: ./data``) are created empty in a temporary copy, as the
corpus README asks, so that both azpipe and azure-ai-ml can load the files.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("AZPIPE_CORPUS", ROOT.parent / "shared" / "corpus" / "azureml-examples"))
PIPELINES = CORPUS / "cli" / "jobs" / "pipelines-with-components"
_REMOTE = re.compile(r"^([a-z][a-z0-9+.-]*:|\$\{\{)")


def pipeline_files() -> list[Path]:
    """Every pipeline document (`type: pipeline`) in the corpus, sorted."""
    if not PIPELINES.is_dir():
        return []
    found = []
    for path in sorted(PIPELINES.rglob("*.yml")):
        if re.search(r"^type:\s*pipeline\b", path.read_text(encoding="utf-8"), re.MULTILINE):
            found.append(path)
    return found


def prepared_copy(path: Path, destination: Path) -> Path:
    """Copy the example folder holding ``path`` and create what its YAML points at."""
    relative = path.relative_to(PIPELINES)
    top = PIPELINES / relative.parts[0]
    shutil.copytree(top, destination / relative.parts[0], dirs_exist_ok=True)
    for yml in (destination / relative.parts[0]).rglob("*.y*ml"):
        _create_local_paths(yml)
    return destination / relative


def _create_local_paths(yml: Path) -> None:
    try:
        document = yaml.safe_load(yml.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return
    for key, value in _pairs(document):
        if key in ("code", "path", "conda_file") and isinstance(value, str) and not _REMOTE.match(value):
            target = (yml.parent / value).resolve()
            if target.exists():
                continue
            if key == "conda_file" or Path(value).suffix:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("name: placeholder\n" if key == "conda_file" else "", encoding="utf-8")
            else:
                target.mkdir(parents=True, exist_ok=True)
    _create_spark_entry(yml, document)


def _create_spark_entry(yml: Path, document: object) -> None:
    """A spark component's ``entry.file`` inside its ``code`` folder (azure-ai-ml checks it exists)."""
    if not isinstance(document, dict) or document.get("type") != "spark":
        return
    entry, code = document.get("entry"), document.get("code")
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str) or not isinstance(code, str):
        return
    if not _REMOTE.match(code):
        target = (yml.parent / code / entry["file"]).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_text("", encoding="utf-8")


def _pairs(node: object) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((str(key), value))
            found.extend(_pairs(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_pairs(item))
    return found
