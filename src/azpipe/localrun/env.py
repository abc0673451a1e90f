"""The environment a step's process gets: what Azure ML would give it, not the user's shell.

An allow-list of the user's variables (``PATH``, ``HOME``, user name, locale,
time zone, temporary folder), then azpipe's own (``MLFLOW_TRACKING_URI``...),
then the step's ``environment_variables``, then what the user passes on purpose
with ``--pass-env``. Anything else (``AZURE_CLIENT_SECRET``, tokens, keys) stays out.
The folder of the running interpreter comes first on ``PATH``, so ``python`` in a
command is the interpreter azpipe runs under.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

ALLOWED = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT")
ALLOWED_PREFIXES = ("LC_",)


def interpreter_dir() -> str:
    """The folder of the interpreter azpipe runs under (a virtualenv's ``bin``, not resolved)."""
    return os.path.dirname(os.path.abspath(sys.executable))


def allowed(source: Mapping[str, str]) -> dict[str, str]:
    """The allow-listed variables of ``source``."""
    return {k: v for k, v in source.items() if k in ALLOWED or k.startswith(ALLOWED_PREFIXES)}


def passed(names: tuple[str, ...], source: Mapping[str, str]) -> dict[str, str]:
    """``--pass-env`` variables: ``NAME`` copies the user's value, ``NAME=VALUE`` sets one."""
    found: dict[str, str] = {}
    for name in names:
        key, sep, value = name.partition("=")
        if sep:
            found[key] = value
        elif key in source:
            found[key] = source[key]
    return found


def step_environment(
    variables: Mapping[str, str],
    run_dir: str,
    pass_env: tuple[str, ...] = (),
    source: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The full environment of one step's process."""
    source = os.environ if source is None else source
    env = allowed(source)
    env["PATH"] = os.pathsep.join([interpreter_dir(), env.get("PATH", os.defpath)])
    env["MLFLOW_TRACKING_URI"] = Path(run_dir, "mlruns").as_uri()
    env["PYTHONUNBUFFERED"] = "1"
    env.update(variables)
    env.update(passed(pass_env, source))
    return env
