"""An offline Azure for the submission tests: a fake credential, a recording transport, ARM-shaped answers.

The real ``MLClient`` runs against it: ``MLClient(credential=FakeCredential(),
..., transport=RecordingTransport(azure))``. azure-ai-ml hands ``transport`` to
every service client it builds (the ARM clients, its requests pipeline for the
discovery URL and log files, and the run-history client built on demand), so
every request it sends arrives at :meth:`FakeAzure.handle` and is recorded.

One seam is not azure-ai-ml's: uploads. Its blob helper
(``azure.ai.ml._artifacts._blob_storage_helper``) builds ``BlobServiceClient``
and ``ContainerClient.from_container_url`` itself, without the transport.
:func:`route_blob_uploads` replaces those two names in that module with versions
that pass ``transport=``, so code and data uploads reach the fake too (HEAD,
PUT, metadata PUT), and the tests see the bytes that would be uploaded.
:func:`forbid_sockets` makes any request that still escapes fail loudly.

What the fake answers is shaped after the Azure ML REST API (2023-2024 API
versions azure-ai-ml 1.35.2 uses) and Azure Resource Manager conventions: ids,
``{"error": {"code", "message"}}`` bodies, ``Azure-AsyncOperation`` and
``Location`` long-running operations with ``Retry-After-Ms: 1`` (so the SDK's
pollers do not sleep their default 30 s; ``Retry-After: 0`` would not do, as
azure-core treats a zero delay as "not given"). Details the real service decides that could not be
observed from here (the exact shape of ``startPendingUpload``'s container URL,
run-history payloads) follow the SDK's models and are marked "assumed".
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests
from azure.core.credentials import AccessToken
from azure.core.pipeline._tools import is_rest
from azure.core.pipeline.transport import HttpTransport
from azure.core.pipeline.transport._requests_basic import RequestsTransportResponse
from azure.core.rest._requests_basic import RestRequestsTransportResponse

SUBSCRIPTION = "00000000-0000-4000-8000-00000000a2b1"
RESOURCE_GROUP = "azpipe-rg"
WORKSPACE = "azpipe-ws"
LOCATION = "westeurope"
ARM = "https://management.azure.com"
PROVIDER = "Microsoft.MachineLearningServices"
WORKSPACE_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/{PROVIDER}/workspaces/{WORKSPACE}"
REGION_API = f"https://{LOCATION}.api.azureml.ms"
STORAGE_ACCOUNT = "azpipefakestore"
BLOB_HOST = f"{STORAGE_ACCOUNT}.blob.core.windows.net"
DATASTORE_CONTAINER = "azureml-blobstore-fake"
TENANT = "11111111-2222-4333-8444-555555555555"

# Secrets the fake hands out; none of them may ever reach output or logs.
TOKEN_SIGNATURE = "azpipe-fake-token-signature-do-not-print-8d2f0c1"  # base64url, length divisible by 4
SAS_SIGNATURE = "azpipe-fake-sas-signature-do-not-print-41c7"
LOG_SAS_SIGNATURE = "azpipe-fake-log-sas-do-not-print-93ab"
SECRETS = (TOKEN_SIGNATURE, SAS_SIGNATURE, LOG_SAS_SIGNATURE)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(audience: str) -> str:
    """An unsigned JWT for ``audience`` (azure-ai-ml decodes the ``aud`` of its AML token)."""
    header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    claims = {"aud": audience, "tid": TENANT, "oid": "fake-object-id", "exp": int(time.time()) + 3600}
    return f"{header}.{_b64(json.dumps(claims).encode())}.{TOKEN_SIGNATURE}"


class FakeCredential:
    """A ``TokenCredential``: a JWT per scope, or ``error`` raised (no credentials at all)."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error
        self.issued: list[str] = []
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        if self.error is not None:
            raise self.error
        self.scopes.append(scopes)
        audience = scopes[0].removesuffix("/.default") if scopes else ""
        token = make_token(audience)
        self.issued.append(token)
        return AccessToken(token, int(time.time()) + 3600)


@dataclass
class Request:
    """One recorded HTTP request."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def host(self) -> str:
        return urlparse(self.url).netloc

    @property
    def path(self) -> str:
        return urlparse(self.url).path

    @property
    def query(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(urlparse(self.url).query).items()}

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def kind(self) -> str:
        """What the request is about: workspace, environment, data, compute, job, code, component, ..."""
        if self.host == BLOB_HOST:
            return "blob"
        if self.host.endswith("api.azureml.ms"):
            return "discovery" if self.path.endswith("/discovery") else "history"
        match = re.search(r"/workspaces/[^/]+/([^/]+)", self.path, re.IGNORECASE)
        if not match:
            if re.search(r"/(compute|job)OperationsStatus/", self.path, re.IGNORECASE):
                return "compute" if "/computeoperationsstatus/" in self.path.lower() else "job"
            return "workspace" if re.search(r"/workspaces/[^/]+$", self.path, re.I) else "other"
        return {
            "environments": "environment",
            "data": "data",
            "computes": "compute",
            "computeoperationsstatus": "compute",
            "jobs": "job",
            "codes": "code",
            "components": "component",
            "datastores": "datastore",
        }.get(match.group(1).lower(), match.group(1))

    def line(self) -> str:
        return f"{self.method} {self.url.split('?')[0]}"


@dataclass
class Rule:
    """An injected answer: ``status`` and ``body`` for requests matching ``method`` and ``pattern``."""

    method: str
    pattern: str
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = None  # None: every time
    raises: BaseException | None = None  # raised by the transport instead of answering (no response)

    def matches(self, request: Request) -> bool:
        if self.times == 0 or request.method != self.method:
            return False
        return re.search(self.pattern, request.url) is not None


Answer = tuple[int, dict[str, str], bytes]


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return (
        status,
        {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        json.dumps(body).encode(),
    )


def not_found(message: str, code: str = "UserError") -> dict[str, Any]:
    """Azure ML's 404 body for a missing asset or compute."""
    return {"error": {"code": code, "message": message, "innerError": {"code": "NotFound"}}}


def arm_error(code: str, message: str) -> dict[str, Any]:
    """Azure Resource Manager's error body."""
    return {"error": {"code": code, "message": message}}


class FakeAzure:
    """The service side: a workspace with its default datastore, an ARM resource store, blobs, run history."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[Request] = []
        self.unexpected: list[str] = []
        self.rules: list[Rule] = []
        self.resources: dict[str, dict[str, Any]] = {}
        self.blobs: dict[str, bytes] = {}
        self.metadata: dict[str, dict[str, str]] = {}
        self.operations: dict[str, int] = {}  # async operation id -> polls left before it succeeds
        self.compute_polls = 1  # InProgress answers before a compute creation succeeds
        self.compute_error: dict[str, Any] | None = None  # set: the creation ends "Failed" with this error
        self.run_statuses = ["Completed"]  # successive run-history statuses of a followed job
        self.run_error: dict[str, Any] | None = None
        self.run_log = "step prep_data: Completed\nstep train: Completed\n"
        self.child_runs = [("prep_data", "Completed"), ("train", "Running")]
        self._counter = itertools.count(1)
        self._put(WORKSPACE_ID, self._workspace())
        self._put(f"{WORKSPACE_ID}/datastores/workspaceblobstore", self._datastore())

    # --------------------------------------------------------------- set-up and inspection

    def fail(
        self,
        method: str,
        pattern: str,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        times: int | None = None,
        raises: BaseException | None = None,
    ) -> None:
        """Answer matching requests with ``status`` and ``body`` (a dict is sent as JSON), or raise ``raises``."""
        self.rules.append(Rule(method, pattern, status, body, headers or {}, times, raises))

    def add(self, resource_id: str, properties: dict[str, Any]) -> None:
        """Put a resource in the workspace, as if it had been created earlier."""
        self._put(resource_id, {"properties": properties})

    def kinds(self, *, writes_only: bool = False) -> list[str]:
        """The kind of each recorded request, in order (``PUT``/``POST`` only with ``writes_only``)."""
        return [r.kind for r in self.requests if not writes_only or r.method in ("PUT", "POST")]

    def bodies(self, method: str, kind: str) -> list[tuple[str, Any]]:
        """``(path, JSON body)`` of the recorded requests of ``method`` and ``kind``."""
        return [(r.path, r.json()) for r in self.requests if r.method == method and r.kind == kind]

    def transport(self) -> RecordingTransport:
        return RecordingTransport(self)

    # --------------------------------------------------------------- dispatch

    def handle(self, request: Request) -> Answer:
        with self.lock:
            self.requests.append(request)
            for rule in self.rules:
                if rule.matches(request):
                    if rule.times is not None:
                        rule.times -= 1
                    if rule.raises is not None:
                        raise rule.raises
                    body = rule.body if isinstance(rule.body, bytes) else json.dumps(rule.body).encode()
                    return rule.status, {"Content-Type": "application/json", **rule.headers}, body
            return self._route(request)

    def _route(self, request: Request) -> Answer:
        if request.host == BLOB_HOST:
            return self._blob(request)
        if request.url.startswith(f"{REGION_API}/discovery"):
            return _json(200, self._discovery())
        if request.url.startswith(f"{REGION_API}/history/"):
            return self._history(request)
        if request.host == urlparse(ARM).netloc:
            return self._arm(request)
        self.unexpected.append(request.line())
        return _json(599, arm_error("Unexpected", f"the fake has no answer for {request.line()}"))

    # --------------------------------------------------------------- Azure Resource Manager

    def _arm(self, request: Request) -> Answer:
        path = request.path.rstrip("/")
        for pattern, method, handler in self._special():
            if request.method == method and re.search(pattern, path, re.IGNORECASE):
                return handler(request, path)
        if not path.lower().startswith(WORKSPACE_ID.lower()):
            return self._outside_workspace(path)
        if request.method == "PUT":
            return self._create(request, path)
        if request.method == "GET":
            found = self.resources.get(path.lower())
            if found is None:
                return _json(404, not_found(f"Could not find {path.split('/workspaces/', 1)[1]}"))
            return _json(200, found)
        self.unexpected.append(request.line())
        return _json(405, arm_error("MethodNotAllowed", request.line()))

    def _special(self) -> list[tuple[str, str, Any]]:
        return [
            (r"/datastores/[^/]+/listSecrets$", "POST", self._list_secrets),
            (r"/datastores$", "GET", self._list_datastores),
            (r"/codes/[^/]+/versions$", "GET", self._list_code_versions),
            (r"/codes/[^/]+/versions/[^/]+/startPendingUpload$", "POST", self._pending_upload),
            (r"/(environments|data)/[^/]+/versions$", "GET", self._list_versions),
            (r"/(environments|data)/[^/]+$", "GET", self._container),
            (r"/computeOperationsStatus/[^/]+$", "GET", self._operation_status),
            (r"/jobs/[^/]+/cancel$", "POST", self._cancel),
            (r"/jobOperationsStatus/[^/]+$", "GET", self._cancel_status),
        ]

    def _outside_workspace(self, path: str) -> Answer:
        match = re.search(r"/workspaces/([^/]+)", path, re.IGNORECASE)
        name = match.group(1) if match else "?"
        message = (
            f"The Resource '{PROVIDER}/workspaces/{name}' under resource group "
            f"'{RESOURCE_GROUP}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        )
        code = (
            "ResourceNotFound" if re.search(r"/workspaces/[^/]+$", path, re.I) else "ParentResourceNotFound"
        )
        return _json(404, arm_error(code, message))

    def _put(self, resource_id: str, body: dict[str, Any]) -> dict[str, Any]:
        parts = resource_id.strip("/").split("/")
        resource = {
            **body,
            "id": resource_id,
            "name": parts[-1],
            "type": f"{PROVIDER}/" + "/".join(parts[7::2]),
            "systemData": {"createdAt": "2025-11-26T09:00:00Z", "createdBy": "fake@example.com"},
        }
        self.resources[resource_id.lower()] = resource
        return resource

    def _create(self, request: Request, path: str) -> Answer:
        existed = path.lower() in self.resources
        body = request.json()
        kind = request.kind
        if kind == "compute":
            return self._create_compute(path, body)
        if kind == "job":
            body = self._job(path, body)
        return _json(200 if existed else 201, self._put(path, body))

    def _create_compute(self, path: str, body: dict[str, Any]) -> Answer:
        body.setdefault("properties", {})["provisioningState"] = "Creating"
        resource = self._put(path, body)
        operation = f"op-{next(self._counter)}"
        self.operations[operation] = self.compute_polls
        status_url = (
            f"{ARM}/subscriptions/{SUBSCRIPTION}/providers/{PROVIDER}/locations/{LOCATION}"
            f"/computeOperationsStatus/{operation}?api-version=2023-08-01-preview&target={path}"
        )
        return _json(201, resource, {"Azure-AsyncOperation": status_url, "Retry-After-Ms": "1"})

    def _operation_status(self, request: Request, path: str) -> Answer:
        operation = path.rsplit("/", 1)[-1]
        left = self.operations.get(operation, 0)
        if left > 0:
            self.operations[operation] = left - 1
            return _json(200, {"status": "InProgress"}, {"Retry-After-Ms": "1"})
        if self.compute_error is not None:
            return _json(200, {"status": "Failed", "error": self.compute_error}, {"Retry-After-Ms": "1"})
        target = request.query.get("target", "").lower()
        if target in self.resources:
            self.resources[target]["properties"]["provisioningState"] = "Succeeded"
        return _json(200, {"status": "Succeeded"}, {"Retry-After-Ms": "1"})

    def _job(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        name = path.rsplit("/", 1)[-1]
        properties = body.setdefault("properties", {})
        properties["status"] = "NotStarted"
        properties["services"] = {
            "Studio": {"jobServiceType": "Studio", "endpoint": studio_url(name)},
            "Tracking": {
                "jobServiceType": "Tracking",
                "endpoint": f"azureml://{LOCATION}.api.azureml.ms/mlflow",
            },
        }
        return body

    def _cancel(self, request: Request, path: str) -> Answer:
        job = self.resources.get(path.rsplit("/", 1)[0].lower())
        if job is None:
            return _json(404, not_found(f"job {path.rsplit('/', 2)[-2]} could not be found"))
        job["properties"]["status"] = "CancelRequested"
        location = (
            f"{ARM}/subscriptions/{SUBSCRIPTION}/providers/{PROVIDER}/locations/{LOCATION}"
            f"/jobOperationsStatus/{next(self._counter)}?api-version=2023-04-01-preview"
        )
        return 202, {"Location": location, "Retry-After-Ms": "1", "Content-Length": "0"}, b""

    def _cancel_status(self, request: Request, path: str) -> Answer:
        return 200, {"Content-Length": "0"}, b""

    def _list_secrets(self, request: Request, path: str) -> Answer:
        sas = f"sv=2024-08-04&ss=b&srt=co&sp=racwl&se=2030-01-01T00:00:00Z&sig={SAS_SIGNATURE}"
        return _json(200, {"secretsType": "Sas", "sasToken": sas})

    def _list_datastores(self, request: Request, path: str) -> Answer:
        found = [r for key, r in self.resources.items() if key.startswith(path.lower() + "/")]
        return _json(200, {"value": found})

    def _list_code_versions(self, request: Request, path: str) -> Answer:
        # Assumed: the service matches the content hash across the workspace's code assets, since
        # azure-ai-ml names every new anonymous code asset with a fresh UUID and asks under that name.
        wanted = request.query.get("hash")
        found = [
            r
            for key, r in self.resources.items()
            if "/codes/" in key and r.get("properties", {}).get("properties", {}).get("hash_sha256") == wanted
        ]
        return _json(200, {"value": found})

    def _pending_upload(self, request: Request, path: str) -> Answer:
        # Assumed shape: a temporary container URL with a SAS, as BlobReferenceForConsumptionDto models it.
        container = f"https://{BLOB_HOST}/code-upload-{next(self._counter)}"
        sas = f"sv=2024-08-04&sr=c&sp=racwl&se=2030-01-01T00:00:00Z&sig={SAS_SIGNATURE}"
        body = {
            "pendingUploadType": "TemporaryBlobReference",
            "blobReferenceForConsumption": {
                "blobUri": container,
                "credential": {"credentialType": "SAS", "sasUri": f"{container}?{sas}"},
            },
        }
        return _json(200, body)

    def _versions(self, path: str) -> list[dict[str, Any]]:
        prefix = path.lower() + "/versions/"
        return [
            r for key, r in self.resources.items() if key.startswith(prefix) and "/" not in key[len(prefix) :]
        ]

    def _list_versions(self, request: Request, path: str) -> Answer:
        """Newest first (azure-ai-ml asks ``$orderBy=createdtime desc`` and ``$top=1`` for "latest")."""
        versions = self._versions(path.removesuffix("/versions"))
        newest = sorted(versions, key=lambda v: int(v["name"]) if v["name"].isdigit() else 0, reverse=True)
        return _json(200, {"value": newest})

    def _container(self, request: Request, path: str) -> Answer:
        versions = sorted(int(v["name"]) for v in self._versions(path) if v["name"].isdigit())
        if not versions:
            return _json(404, not_found(f"{path.rsplit('/', 1)[-1]} could not be found"))
        properties = {"latestVersion": str(versions[-1]), "nextVersion": str(versions[-1] + 1)}
        return _json(200, {"id": path, "name": path.rsplit("/", 1)[-1], "properties": properties})

    # --------------------------------------------------------------- blob storage

    def _blob(self, request: Request) -> Answer:
        key = request.path
        stamp = {"ETag": '"0x8DC0FFEE"', "Last-Modified": "Wed, 26 Nov 2025 09:00:00 GMT"}
        if request.method == "HEAD":
            if key not in self.blobs:
                return 404, {"x-ms-error-code": "BlobNotFound"}, b""
            meta = {f"x-ms-meta-{k}": v for k, v in self.metadata.get(key, {}).items()}
            return 200, {**stamp, **meta, "Content-Length": str(len(self.blobs[key]))}, b""
        if request.method == "PUT" and request.query.get("comp") == "metadata":
            self.metadata[key] = {
                k[len("x-ms-meta-") :]: v
                for k, v in request.headers.items()
                if k.lower().startswith("x-ms-meta-")
            }
            return 200, stamp, b""
        if request.method == "PUT":
            self.blobs[key] = request.body
            return 201, {**stamp, "x-ms-request-server-encrypted": "true"}, b""
        if request.method == "GET" and key in self.blobs:
            return 200, {**stamp, "Content-Type": "text/plain"}, self.blobs[key]
        return 404, {"x-ms-error-code": "BlobNotFound"}, b""

    # --------------------------------------------------------------- run history (assumed payloads)

    def _history(self, request: Request) -> Answer:
        run = re.search(r"/runs/([^/]+)/(details|children)$", request.path)
        if not run:
            self.unexpected.append(request.line())
            return _json(404, not_found("no such run-history resource"))
        if run.group(2) == "children":
            children = [self._child(run.group(1), name, state) for name, state in self.child_runs]
            return _json(200, {"value": children, "nextLink": None})
        return _json(200, self._details(run.group(1)))

    def _details(self, name: str) -> dict[str, Any]:
        status = self.run_statuses.pop(0) if len(self.run_statuses) > 1 else self.run_statuses[0]
        log_path = f"/azureml/ExperimentRun/dcid.{name}/logs/azureml/executionlogs.txt"
        self.blobs.setdefault(log_path, self.run_log.encode())
        job = self.resources.get(f"{WORKSPACE_ID}/jobs/{name}".lower())
        if job is not None:
            job["properties"]["status"] = status
        details: dict[str, Any] = {
            "runId": name,
            "status": status,
            "logFiles": {
                "logs/azureml/executionlogs.txt": f"https://{BLOB_HOST}{log_path}?sig={LOG_SAS_SIGNATURE}"
            },
            "warnings": [],
        }
        if status == "Failed" and self.run_error:
            details["error"] = self.run_error
        return details

    def _child(self, parent: str, name: str, status: str) -> dict[str, Any]:
        return {
            "runId": f"{parent}-{name}",
            "parentRunId": parent,
            "displayName": name,
            "status": status,
            "runType": "azureml.StepRun",
            "properties": {"azureml.nodeid": name},
            "tags": {},
        }

    # --------------------------------------------------------------- fixed resources

    def _workspace(self) -> dict[str, Any]:
        return {
            "location": LOCATION,
            "kind": "Default",
            "identity": {"type": "SystemAssigned"},
            "properties": {
                "friendlyName": WORKSPACE,
                "discoveryUrl": f"{REGION_API}/discovery",
                "workspaceId": "5e2f8a64-0000-4000-8000-00000000c0de",
                "mlFlowTrackingUri": f"azureml://{LOCATION}.api.azureml.ms/mlflow/v1.0{WORKSPACE_ID}",
                "storageAccount": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
                f"/providers/Microsoft.Storage/storageAccounts/{STORAGE_ACCOUNT}",
                "provisioningState": "Succeeded",
            },
        }

    def _datastore(self) -> dict[str, Any]:
        return {
            "properties": {
                "datastoreType": "AzureBlob",
                "accountName": STORAGE_ACCOUNT,
                "containerName": DATASTORE_CONTAINER,
                "endpoint": "core.windows.net",
                "protocol": "https",
                "isDefault": True,
                "credentials": {"credentialsType": "AccountKey"},
            }
        }

    def _discovery(self) -> dict[str, str]:
        return {
            name: REGION_API for name in ("api", "catalog", "experimentation", "history", "modelmanagement")
        }


def studio_url(job: str) -> str:
    """The Studio link the fake service returns for ``job`` (azure-ai-ml appends ``&tid=`` to it)."""
    return f"https://ml.azure.com/runs/{job}?wsid={WORKSPACE_ID}"


class RecordingTransport(HttpTransport):  # type: ignore[type-arg]
    """An azure-core transport that records each request and answers from a :class:`FakeAzure`."""

    def __init__(self, azure: FakeAzure) -> None:
        self.azure = azure

    def __enter__(self) -> RecordingTransport:
        return self

    def __exit__(self, *args: Any) -> None:
        pass

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send(self, request: Any, **kwargs: Any) -> Any:
        recorded = Request(request.method, request.url, dict(request.headers), _body_bytes(request))
        status, headers, body = self.azure.handle(recorded)
        return _response(request, status, headers, body)


def _body_bytes(request: Any) -> bytes:
    content = getattr(request, "content", None) if is_rest(request) else request.data
    if content is None and is_rest(request):
        content = getattr(request, "_data", None)
    if content is None:
        return b""
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode()
    if hasattr(content, "read"):  # a file or stream (blob uploads)
        data = content.read()
        return data if isinstance(data, bytes) else data.encode()
    return json.dumps(content).encode()


def _response(request: Any, status: int, headers: dict[str, str], body: bytes) -> Any:
    """An azure-core response over a ``requests.Response`` (as ``RequestsTransport`` would return)."""
    raw = requests.Response()
    raw.status_code = status
    raw.reason = requests.status_codes._codes.get(status, ("unknown",))[0].replace("_", " ").upper()
    raw.url = request.url
    raw.headers.update({"x-ms-request-id": "fake-request", **headers})
    raw._content = body
    raw._content_consumed = True
    if is_rest(request):
        response = RestRequestsTransportResponse(request=request, internal_response=raw)
        response.read()  # what RequestsTransport does for a response that is not streamed
        return response
    return RequestsTransportResponse(request, raw)


@contextmanager
def route_blob_uploads(azure: FakeAzure) -> Iterator[None]:
    """Make azure-ai-ml's upload helper send its blob requests through the fake (see the module docstring)."""
    from azure.ai.ml._artifacts import _blob_storage_helper as helper

    original_service, original_container = helper.BlobServiceClient, helper.ContainerClient

    def service(*args: Any, **kwargs: Any) -> Any:
        return original_service(*args, transport=RecordingTransport(azure), **kwargs)

    class Container:
        @staticmethod
        def from_container_url(url: str, credential: Any = None, **kwargs: Any) -> Any:
            return original_container.from_container_url(
                url, credential, transport=RecordingTransport(azure), **kwargs
            )

    helper.BlobServiceClient, helper.ContainerClient = service, Container  # type: ignore[assignment,misc]
    try:
        yield
    finally:
        helper.BlobServiceClient, helper.ContainerClient = original_service, original_container


@contextmanager
def forbid_sockets() -> Iterator[list[str]]:
    """Fail any name lookup or connection made inside the block; yields what was attempted."""
    attempts: list[str] = []
    original_connect, original_lookup = socket.socket.connect, socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        attempts.append(repr(address))
        raise OSError(f"network access in a test: {address!r}")

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(host))
        raise socket.gaierror(f"name lookup in a test: {host!r}")

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.getaddrinfo = lookup
    try:
        yield attempts
    finally:
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.getaddrinfo = original_lookup


# ------------------------------------------------------------------- running azpipe against the fake


@dataclass
class Run:
    """What one ``azpipe`` command did: exit code, output, log records, and the requests it sent."""

    code: int
    out: str
    err: str
    logs: str
    requests: list[Request]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


# Loggers whose records a run collects at DEBUG ("azure.ai.ml" does not propagate to "azure").
LOGGERS = ("", "azure", "azure.ai.ml", "azure.core", "azure.identity", "azure.storage", "azpipe")


@contextmanager
def collect_logs() -> Iterator[_Collect]:
    """Every log record from azpipe and the Azure SDKs, at DEBUG, while the block runs."""
    handler = _Collect()
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for logger, level in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)


class Harness:
    """A fake Azure wired into azpipe's seams; ``run(...)`` runs an azpipe command against it."""

    def __init__(self, monkeypatch: Any, capsys: Any, tmp_path: Any, **options: Any) -> None:
        from azpipe.submit import client

        self.azure = FakeAzure()
        self.credential = FakeCredential()
        self.capsys = capsys
        self.clients = 0
        monkeypatch.setattr(client, "credential_factory", self._credential)
        monkeypatch.setattr(
            client, "client_options", {"transport": RecordingTransport(self.azure), **options}
        )
        self._no_stream_waits(monkeypatch)
        monkeypatch.chdir(tmp_path)  # not a git checkout: azure-ai-ml adds no git properties to the job
        for name, value in (
            ("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION),
            ("AZURE_RESOURCE_GROUP", RESOURCE_GROUP),
            ("AZUREML_WORKSPACE_NAME", WORKSPACE),
        ):
            monkeypatch.setenv(name, value)

    def _credential(self) -> FakeCredential:
        self.clients += 1
        return self.credential

    @staticmethod
    def _no_stream_waits(monkeypatch: Any) -> None:
        """``jobs.stream`` sleeps at least seconds between polls; the fake's runs need none."""
        from azure.ai.ml.operations import _job_ops_helper

        monkeypatch.setattr(_job_ops_helper, "_wait_before_polling", lambda seconds: 0)

    @staticmethod
    def loud_sdk(monkeypatch: Any) -> None:
        """Keep every Azure SDK logger at DEBUG during runs (azpipe normally quiets them to ERROR)."""
        from azpipe.emit import job

        monkeypatch.setattr(job, "quiet_azure", lambda: None)

    def run(self, *argv: str) -> Run:
        from azpipe.cli.main import main

        start = len(self.azure.requests)
        with route_blob_uploads(self.azure), forbid_sockets() as attempts, collect_logs() as logs:
            code = main(list(argv))
        out, err = self.capsys.readouterr()
        assert not attempts, f"a request escaped the fake: {attempts}"
        assert not self.azure.unexpected, f"the fake had no answer for: {self.azure.unexpected}"
        return Run(code, out, err, "\n".join(logs.lines), self.azure.requests[start:])
