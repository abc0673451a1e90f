"""Azure failures as one line each: what happened and what to do.

:func:`explain` maps the exceptions azure-core, azure-identity and azure-ai-ml
raise — looking through azure-ai-ml's wrappers to the HTTP error underneath —
to a sentence for the user. :func:`redact` removes anything that looks like a
credential (bearer tokens, JWTs, SAS signatures, account keys, connection
strings) and is applied to every line azpipe prints or logs about Azure.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from typing import Any

from azpipe.records import record

MAX_MESSAGE = 300
_SECRETS = (
    (re.compile(r"(?i)\b(bearer|basic|sharedkey)\s+[^\s,;\"']+"), r"\1 ***"),
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), "***"),
    (re.compile(r"(?i)([?&](?:sig|signature|code|token|secret)=)[^&\s\"'#]+"), r"\1***"),
    (
        re.compile(
            r"(?i)\b(AccountKey|SharedAccessKey|SharedAccessSignature|Password|ClientSecret)=[^;\s\"']+"
        ),
        r"\1=***",
    ),
    (
        re.compile(
            r"(?i)([\"']?\b(?:key|sasToken|sas_token|accessToken|access_token|password|secret|clientSecret|"
            r"connectionString|connection_string|x-azureml-token|authorization)[\"']?\s*[:=]\s*[\"']?)"
            r"[^\"',;\s}]+"
        ),
        r"\1***",
    ),
)
WORKSPACE_CODES = {"ResourceNotFound", "ParentResourceNotFound", "WorkspaceNotFound"}
NO_CREDENTIALS = (
    "no Azure credentials found: sign in with `az login` (or set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
    "AZURE_CLIENT_SECRET for a service principal, or run where a managed identity is available)"
)


# A line of DefaultAzureCredential's message: "\tEnvironmentCredential: Authentication failed: ..."
_ATTEMPT = re.compile(r"^\s*([A-Za-z]+Credential): (.+)$", re.MULTILINE)
_FAILED = re.compile(r"(?i)authentication failed|AADSTS\d+")
_NETWORK = re.compile(
    r"(?i)failed to resolve|name or service not known|temporary failure in name resolution|"
    r"nodename nor servname|getaddrinfo|max retries exceeded|failed to establish a new connection|"
    r"newconnectionerror|connection (?:refused|reset|aborted)|network is unreachable|no route to host|"
    r"connect(?:ion)? ?timeout|timed out|proxyerror|cannot connect to host"
)
_HOST = re.compile(r"host='([^']+)'|resolve '([^']+)'")
_CAUSE = re.compile(
    r"(?i)failed to resolve '[^']*'|name or service not known|temporary failure in name resolution|"
    r"nodename nor servname provided, or not known|connection refused|connection reset by peer|"
    r"network is unreachable|no route to host|(?:connect(?:ion)? )?timed out|max retries exceeded"
)


class AzureFailure(Exception):
    """An Azure failure already put into one line for the user (exit code 1)."""


@contextlib.contextmanager
def guarded(context: Context) -> Iterator[None]:
    """Turn an Azure failure inside the block into :class:`AzureFailure`; anything else passes through."""
    try:
        yield
    except AzureFailure:
        raise
    except Exception as error:
        message = explain(error, context)
        if message is None:
            raise
        raise AzureFailure(message) from error


def redact(text: str) -> str:
    """``text`` with tokens, signatures, keys and connection-string secrets replaced by ``***``."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """Whitespace collapsed, secrets redacted, a final period dropped, cut at ``limit`` characters."""
    flat = " ".join(redact(text).split()).rstrip(". ")
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


@record(frozen=True)
class Context:
    """What azpipe was doing when the error came, to word the message.

    ``doing`` is a phrase (``creating compute `cpu-cluster```); ``phase`` is one of
    ``workspace``, ``environment``, ``data``, ``compute``, ``job`` or ``lookup``;
    ``missing`` is what a 404 means here (``job `x` not found in …``).
    """

    doing: str
    phase: str
    workspace: Any = None  # azpipe.submit.workspace.Workspace
    missing: str | None = None


@record(frozen=True)
class ServiceError:
    """The parts of an HTTP error azpipe words its messages from."""

    status: int | None
    codes: tuple[str, ...]
    message: str

    def has_code(self, *names: str) -> bool:
        """True when any error code (outer or inner) is one of ``names``."""
        return any(code in names for code in self.codes)

    def mentions_quota(self) -> bool:
        """True for quota and core-limit errors, whatever the code says."""
        text = " ".join(self.codes) + " " + self.message
        return bool(re.search(r"(?i)quota|core limit|cores? (?:limit|exceed)", text))


def explain(error: BaseException, context: Context) -> str | None:
    """One line for ``error``, or ``None`` when it is not an Azure failure (an azpipe bug)."""
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ServiceRequestError,
        ServiceResponseError,
    )

    for cause in chain(error):
        if isinstance(cause, ClientAuthenticationError):
            return _authentication(cause, context)
        if isinstance(cause, HttpResponseError):
            return _http(service_error(cause), context)
        if isinstance(cause, (ServiceRequestError, ServiceResponseError)):
            return _unreachable(cause, context)
    return _azure_ml(error, context)


def chain(error: BaseException) -> list[BaseException]:
    """``error`` and what caused it (azure-ai-ml wraps HTTP errors in its own exceptions)."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def service_error(error: Any) -> ServiceError:
    """Status, error codes (outer and inner) and message of an ``HttpResponseError``."""
    response = getattr(error, "response", None)
    status = getattr(error, "status_code", None) or getattr(response, "status_code", None)
    body = _body(response)
    codes, message = _codes_and_message(body.get("error", body) if isinstance(body, dict) else {})
    odata = getattr(error, "error", None)
    if not codes and getattr(odata, "code", None):
        codes = (str(getattr(odata, "code", "")),)
    if not message:
        message = str(getattr(odata, "message", "") or getattr(error, "message", "") or error)
        message = message.splitlines()[0] if message else ""
    return ServiceError(status, codes, message)


def _body(response: Any) -> Any:
    if response is None:
        return {}
    try:
        return json.loads(response.text())
    except Exception:  # not JSON, or no body: the exception's own text is used instead
        return {}


def _codes_and_message(error: Any) -> tuple[tuple[str, ...], str]:
    """Codes along ``error``/``innerError``/``details`` and the outer message."""
    codes: list[str] = []
    node = error
    while isinstance(node, dict) and len(codes) < 10:
        if node.get("code"):
            codes.append(str(node["code"]))
        details = node.get("details")
        for detail in details if isinstance(details, list) else []:
            if isinstance(detail, dict) and detail.get("code"):
                codes.append(str(detail["code"]))
        node = node.get("innerError") or node.get("innererror")
    message = error.get("message") if isinstance(error, dict) else None
    return tuple(codes), str(message or "")


def _authentication(error: Any, context: Context) -> str:
    """No credential at all, one that could not reach the sign-in service, one that failed,
    or a token Azure refused (HTTP 401)."""
    if getattr(error, "response", None) is None:
        return _sign_in(str(error))
    detail = service_error(error)
    return (
        f"Azure refused the credentials while {context.doing} (401 {_first(detail.codes)}): "
        f"{one_line(detail.message, 160)}; sign in again with `az login` "
        "(with `--tenant TENANT` if the workspace is in another tenant)"
    )


def _sign_in(text: str) -> str:
    """Why no token came: ``DefaultAzureCredential`` lists each credential it tried, one per line.

    A credential that is set up but cannot reach Microsoft Entra ID (no network, a
    proxy) says "Authentication failed: ... Failed to resolve ..."; one that is set up
    but refused says "Authentication failed: AADSTS..."; the others are "unavailable".
    """
    attempts = _attempts(text)
    for name, reason in attempts:
        if _NETWORK.search(reason):
            where = _HOST.search(reason)
            host = f" ({where.group(1) or where.group(2)})" if where else ""
            return (
                f"cannot reach Azure to sign in{host}: {name}: {_cause(reason)}; check the network "
                "connection and any proxy settings (HTTPS_PROXY)"
            )
    for name, reason in attempts:
        if _FAILED.search(reason):
            return (
                f"signing in to Azure failed: {name}: {one_line(reason, 200)}; check its settings "
                "(AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET) or sign in with `az login`"
            )
    return NO_CREDENTIALS


def _cause(reason: str) -> str:
    """The root cause in a network error's chain of wrappers (``Network is unreachable``), else the text."""
    causes = [m.group(0) for m in _CAUSE.finditer(reason)]
    specific = [cause for cause in causes if not cause.lower().startswith("max retries")]
    found = (specific or causes or [""])[-1]
    return one_line(found[:1].upper() + found[1:] if found else reason, 160)


def _attempts(text: str) -> list[tuple[str, str]]:
    """``(credential, what it said)`` for each credential named in ``text``; the whole text as one
    attempt when it names none (a credential used on its own)."""
    found = [(m.group(1), m.group(2).strip()) for m in _ATTEMPT.finditer(text)]
    return found or [("credential", text.strip())]


def _http(detail: ServiceError, context: Context) -> str:
    for special in (_workspace_missing, _not_found, _forbidden, _quota, _conflict, _rejected_job):
        message = special(detail, context)
        if message:
            return message
    status = f"{detail.status} " if detail.status else ""
    return (
        f"{context.doing} failed: Azure returned {status}{_first(detail.codes)}: {one_line(detail.message)}"
    )


def _first(codes: tuple[str, ...]) -> str:
    return codes[0] if codes else "error"


def _workspace_missing(detail: ServiceError, context: Context) -> str | None:
    ws = context.workspace
    if ws is None or not (
        detail.status == 404 or detail.has_code("ResourceGroupNotFound", "SubscriptionNotFound")
    ):
        return None
    if detail.has_code("SubscriptionNotFound", "InvalidSubscriptionId"):
        return (
            f"subscription `{ws.subscription_id}` not found, or not visible to the signed-in identity: "
            "check --subscription / AZURE_SUBSCRIPTION_ID (`az account list` shows yours)"
        )
    if detail.has_code("ResourceGroupNotFound"):
        return (
            f"resource group `{ws.resource_group}` not found in subscription `{ws.subscription_id}`: "
            "check --resource-group / AZURE_RESOURCE_GROUP"
        )
    if context.phase == "workspace" or detail.has_code(*WORKSPACE_CODES - {"ResourceNotFound"}):
        return (
            f"workspace `{ws.name}` not found in resource group `{ws.resource_group}` "
            f"(subscription `{ws.subscription_id}`): check --workspace / AZUREML_WORKSPACE_NAME "
            "or the config.json in use (`az ml workspace list -g GROUP` lists them)"
        )
    return None


def _not_found(detail: ServiceError, context: Context) -> str | None:
    if detail.status != 404:
        return None
    what = context.missing or f"{context.doing}: not found"
    return f"{what} ({one_line(detail.message, 160)})"


def _forbidden(detail: ServiceError, context: Context) -> str | None:
    if detail.status != 403 and not detail.has_code("AuthorizationFailed"):
        return None
    action = re.search(r"perform action '([^']+)'", detail.message)
    what = f"perform `{action.group(1)}`" if action else f"do this ({_first(detail.codes)})"
    where = f" on {context.workspace.describe()}" if context.workspace is not None else ""
    return (
        f"permission denied while {context.doing}: the signed-in identity may not {what}{where}; ask an owner "
        "for a role that allows it (for example AzureML Data Scientist), then sign in again with `az login`"
    )


def _quota(detail: ServiceError, context: Context) -> str | None:
    if not detail.mentions_quota():
        return None
    hint = (
        "choose a smaller `size` or fewer instances (`min_instances`, `max_instances`), or"
        if context.phase == "compute"
        else "use a compute target with free capacity, or"
    )
    return (
        f"quota exceeded while {context.doing}: {one_line(detail.message, 200)} — {hint} request more "
        "quota in the Azure portal (Quotas → Machine learning)"
    )


def _conflict(detail: ServiceError, context: Context) -> str | None:
    if detail.status != 409 or context.phase not in ("environment", "data"):
        return None
    return (
        f"{context.doing} failed: that version already exists in the workspace with different content, "
        "and Azure ML versions cannot change; give it a new `version:` in the pipeline file"
    )


def _rejected_job(detail: ServiceError, context: Context) -> str | None:
    if context.phase != "job" or detail.status not in (400, 422):
        return None
    return (
        f"Azure ML rejected the job ({_first(detail.codes)}): {one_line(detail.message)} — fix the pipeline "
        "file (`azpipe check`, `azpipe compile --validate`) and submit again"
    )


def _unreachable(error: BaseException, context: Context) -> str:
    reason = one_line(str(error).splitlines()[0] if str(error) else type(error).__name__, 160)
    return (
        f"cannot reach Azure while {context.doing}: {reason}; check the network connection "
        "and any proxy settings (HTTPS_PROXY)"
    )


def _azure_ml(error: BaseException, context: Context) -> str | None:
    """azure-ai-ml's own refusals (validation, assets, jobs) — raised before any request."""
    try:
        from azure.ai.ml.exceptions import MlException
    except ImportError:  # pragma: no cover - azure-ai-ml is a dependency
        return None
    if not isinstance(error, MlException):
        return None
    if type(error).__name__ == "AssetPathException":
        return (
            f"{context.doing} failed: that version already exists in the workspace with another path; "
            "give it a new `version:` in the pipeline file"
        )
    text = str(getattr(error, "message", "") or error).strip() or type(error).__name__
    return f"{context.doing} failed: azure-ai-ml: {one_line(text)}"
