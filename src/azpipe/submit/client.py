"""The ``MLClient`` azpipe talks to Azure ML through, and the seams tests replace.

Credentials come from ``DefaultAzureCredential`` (``az login``, environment
service principals, managed identity, ...). Tests swap :data:`credential_factory`
for a fake credential and put an azure-core ``transport`` in
:data:`client_options`; azure-ai-ml passes both to every service client it builds.

Nothing here turns on azure-core's body or header logging (``logging_enable``):
``--verbose`` adds :class:`RequestLog`, which logs the method, the URL without
its query string (where SAS signatures live) and the status — never a header or
a body.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from azpipe import __version__
from azpipe.submit.errors import redact
from azpipe.submit.workspace import Workspace

if TYPE_CHECKING:
    from azure.ai.ml import MLClient

LOGGER = logging.getLogger("azpipe.submit")


def default_credential() -> Any:
    """``DefaultAzureCredential()``: the Azure CLI login, environment variables, managed identity, ..."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


# Seams for tests: what makes the credential, and extra MLClient keyword arguments.
credential_factory: Callable[[], Any] = default_credential
client_options: dict[str, Any] = {}


def connect(workspace: Workspace, *, verbose: bool = False, show_progress: bool = False) -> MLClient:
    """An ``MLClient`` for ``workspace`` (no request is sent until an operation runs)."""
    from azure.ai.ml import MLClient

    options: dict[str, Any] = {
        "show_progress": show_progress,
        "enable_telemetry": False,
        "user_agent": f"azpipe/{__version__}",
        **client_options,
    }
    options.pop("logging_enable", None)  # body and header logging would print tokens
    if verbose:
        options["per_call_policies"] = [*options.get("per_call_policies", []), request_log()]
    return MLClient(
        credential=credential_factory(),
        subscription_id=workspace.subscription_id,
        resource_group_name=workspace.resource_group,
        workspace_name=workspace.name,
        **options,
    )


def request_log() -> Any:
    """An azure-core policy that logs each request's method, URL path and status at DEBUG."""
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    class RequestLog(SansIOHTTPPolicy):  # type: ignore[type-arg]
        """Logs ``GET https://host/path -> 200 (0.12s)``; no query string, header or body."""

        def on_request(self, request: Any) -> None:
            request.context["azpipe_started"] = time.monotonic()

        def on_response(self, request: Any, response: Any) -> None:
            started = request.context.get("azpipe_started", time.monotonic())
            status = response.http_response.status_code
            seconds = time.monotonic() - started
            LOGGER.debug("%s %s -> %s (%.2fs)", _method(request), _url(request), status, seconds)

        def on_exception(self, request: Any) -> None:
            LOGGER.debug("%s %s -> no response", _method(request), _url(request))

    return RequestLog()


def _method(request: Any) -> str:
    return str(request.http_request.method)


def _url(request: Any) -> str:
    """The request URL without its query string (SAS tokens travel there)."""
    return redact(str(request.http_request.url).split("?", 1)[0])


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def enable_verbose(stream: TextIO) -> logging.Handler:
    """Send azpipe's submission log (decisions and requests) to ``stream``, redacted; returns the handler."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_RedactingFormatter("azpipe: %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.DEBUG)
    return handler


def disable_verbose(handler: logging.Handler) -> None:
    """Undo :func:`enable_verbose`."""
    LOGGER.removeHandler(handler)
    LOGGER.setLevel(logging.NOTSET)
