"""The pre-commit hook, run by the real ``pre-commit`` in a throw-away repository,
and the README's CI snippets (issue 13 items 2 and 4).

pre-commit installs the hook from this repository at a commit, as a user's
``.pre-commit-config.yaml`` would from GitHub: it clones it, makes a virtualenv
and pip-installs azpipe with its dependencies from PyPI (a few seconds). Each
run gets its own ``PRE_COMMIT_HOME``, so nothing a user has cached is used.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
WORKFLOW = (
    "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"
)
GIT = [
    "git",
    "-c",
    "user.name=azpipe tests",
    "-c",
    "user.email=tests@example.invalid",
    "-c",
    "commit.gpgsign=false",
]

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a git checkout"
)


def yaml_blocks(markdown: str) -> list[str]:
    """The fenced ``yaml`` blocks of a Markdown text."""
    return re.findall(r"^```yaml\n(.*?)^```", markdown, re.S | re.M)


def readme_block(needle: str) -> str:
    [block] = [b for b in yaml_blocks(README) if needle in b]
    return block


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def git(*args: str, cwd: Path) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def shallow() -> bool:
    return git("rev-parse", "--is-shallow-repository", cwd=ROOT) == "true"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once per commit."""
    return tmp_path_factory.mktemp("pre-commit-home")


def user_repository(folder: Path, config: str) -> Path:
    """A repository as a user has one: a pipeline, its conda file, a workflow and the config."""
    repo = folder / "repo"
    shutil.copytree(ROOT / "pipelines" / "image_classification", repo / "pipelines" / "image_classification")
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    (repo / "environment.yaml").write_text(
        "name: dev\nchannels: [conda-forge]\ndependencies: [python=3.11]\n"
    )
    (repo / ".pre-commit-config.yaml").write_text(config)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "start", cwd=repo)
    return repo


def local_config(rev: str) -> str:
    """The README's pre-commit snippet, pointing at this checkout instead of GitHub."""
    snippet = readme_block("repos:")
    snippet = snippet.replace("https://github.com/azpipe/azpipe", str(ROOT))
    return re.sub(r"rev: \S+", f"rev: {rev}", snippet)


def test_readme_pre_commit_snippet_is_valid_and_names_a_hook_that_exists(tmp_path: Path, home: Path) -> None:
    snippet = readme_block("repos:")
    (tmp_path / ".pre-commit-config.yaml").write_text(snippet)
    result = pre_commit("validate-config", ".pre-commit-config.yaml", cwd=tmp_path, home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    result = pre_commit("validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"), cwd=tmp_path, home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    [repo] = yaml.safe_load(snippet)["repos"]
    assert repo["repo"] == "https://github.com/azpipe/azpipe"
    assert {hook["id"] for hook in repo["hooks"]} <= {hook["id"] for hook in HOOKS}
    assert re.fullmatch(r"[0-9a-f]{40}", repo["rev"]), "no release tags yet: `rev:` must be a commit"
    if not shallow():  # the commit is in this repository's history, and has the hook
        manifest = yaml.safe_load(git("show", f"{repo['rev']}:.pre-commit-hooks.yaml", cwd=ROOT))
        assert {hook["id"] for hook in repo["hooks"]} <= {hook["id"] for hook in manifest}


def test_readme_install_line_pins_the_same_commit() -> None:
    workflow = yaml.safe_load(readme_block("upload-sarif"))
    steps = workflow["jobs"]["check"]["steps"]
    [install] = [s["run"] for s in steps if "pip install" in s.get("run", "")]
    [rev] = re.findall(
        r'pip install "azpipe @ git\+https://github\.com/azpipe/azpipe@([0-9a-f]{40})"', install
    )
    assert rev == yaml.safe_load(readme_block("repos:"))["repos"][0]["rev"]
    [upload] = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    [sarif_run] = [s["run"] for s in steps if "--format sarif" in s.get("run", "")]
    assert sarif_run.endswith(f"> {upload['with']['sarif_file']}")
    assert workflow["jobs"]["check"]["permissions"]["security-events"] == "write"


def test_readme_ci_commands_run_here() -> None:
    """Every `azpipe` command of the README's workflow runs on this repository's examples."""
    steps = yaml.safe_load(readme_block("upload-sarif"))["jobs"]["check"]["steps"]
    commands = [s["run"] for s in steps if s.get("run", "").startswith("azpipe ")]
    assert len(commands) == 2
    azpipe = Path(sys.executable).parent / "azpipe"
    for command in commands:
        argv = command.split(">")[0].split()
        result = subprocess.run(
            [str(azpipe), *argv[1:]], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, (command, result.stderr)


def test_hook_passes_in_an_ordinary_repository_and_fails_on_a_broken_pipeline(
    tmp_path: Path, home: Path
) -> None:
    head = git("rev-parse", "HEAD", cwd=ROOT)
    repo = user_repository(tmp_path, local_config(head))
    result = pre_commit("run", "--all-files", cwd=repo, home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"azpipe check\.+Passed", result.stdout)
    # Only a conda file and a workflow changed: nothing to check, and nothing fails.
    result = pre_commit("run", "--files", "environment.yaml", ".github/workflows/ci.yml", cwd=repo, home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    pipeline = repo / "pipelines" / "image_classification" / "pipeline.yaml"
    pipeline.write_text(
        pipeline.read_text().replace("${{prep_data.outputs.test_data}}", "${{prep_data.outputs.tset_data}}")
    )
    git("add", "-A", cwd=repo)
    result = pre_commit("run", "--all-files", cwd=repo, home=home)
    assert result.returncode == 1
    assert "error[R302]: step `prep_data` has no output `tset_data`" in result.stdout
    assert "environment.yaml" not in result.stdout and "ci.yml" not in result.stdout


@pytest.mark.skipif("shallow()", reason="the README's commit is not in a shallow clone")
def test_readme_snippet_works_as_written(tmp_path: Path, home: Path) -> None:
    """The README's snippet, with GitHub's URL swapped for this checkout and its own `rev:`."""
    config = readme_block("repos:").replace("https://github.com/azpipe/azpipe", str(ROOT))
    repo = user_repository(tmp_path, config)
    result = pre_commit("run", "--all-files", cwd=repo, home=home)
    assert result.returncode == 0, result.stdout + result.stderr
