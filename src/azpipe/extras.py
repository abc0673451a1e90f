"""Optional parts of the install: the Azure stack is the ``azure`` extra.

``check``, ``compile``, ``graph``, ``diff``, ``plan``, ``run`` and ``import``
need only the core dependencies; ``submit``, ``status``, ``cancel`` and
``compile --validate`` talk to or validate against Azure ML and need
``azure-ai-ml`` and ``azure-identity``. A command that needs them and lacks them
says exactly what to install.
"""

from __future__ import annotations

import importlib.util

AZURE_EXTRA = "azpipe[azure]"
AZURE_MODULES = {"azure.ai.ml": "azure-ai-ml", "azure.identity": "azure-identity"}


class MissingExtra(Exception):
    """A command needs packages of an extra that is not installed."""


def installed(module: str) -> bool:
    """Whether ``module`` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a missing parent package
        return False


def require_azure(modules: tuple[str, ...] = tuple(AZURE_MODULES)) -> None:
    """Raise ``MissingExtra`` naming the install command when an Azure package is missing."""
    missing = [AZURE_MODULES[module] for module in modules if not installed(module)]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise MissingExtra(
            f"this command needs {' and '.join(missing)}, which {verb} not installed: "
            f"pip install '{AZURE_EXTRA}'"
        )
