"""Fixtures of the end-user API tests: users with tokens, a mock provider (with a spy on what it was
asked), a local page server for the URL path, and the real job pages of tests/data/jobpages."""

import copy
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.request_id import request_id_bind, request_id_unbind
from providers.backends.mock import MockProvider
from providers.base import GenerationRequest
from tests.factories import ProviderConfigFactory, UserFactory
from tests.fakes.fixtures import refused_url, vendor_server  # noqa: F401 - fixtures used by this package

JOBPAGES = Path(__file__).resolve().parents[1] / "data" / "jobpages"


def jobpage(name: str) -> tuple[bytes, dict[str, Any]]:
    """The HTML of a real page and its expected values (see the folder's README)."""
    html = next(JOBPAGES.glob(f"{name}*.html")).read_bytes()
    expected = json.loads(next(JOBPAGES.glob(f"{name}*.expected.json")).read_text())
    return html, expected


def client_for(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def user(db: None) -> Any:
    return UserFactory(username="alice")


@pytest.fixture
def api(user: Any) -> APIClient:
    return client_for(user)


@pytest.fixture
def mock_config(db: None) -> Any:
    return ProviderConfigFactory(provider_type="mock", is_default=True)


@pytest.fixture
def provider_requests(monkeypatch: pytest.MonkeyPatch, mock_config: Any) -> list[GenerationRequest]:
    """Every request the mock provider receives, in order (the mock still answers as usual)."""
    seen: list[GenerationRequest] = []
    original = MockProvider.generate

    def spy(self: MockProvider, request: GenerationRequest) -> Any:
        seen.append(request)
        return original(self, request)

    monkeypatch.setattr(MockProvider, "generate", spy)
    return seen


def queue_reply(payload: Any) -> None:
    """The mock provider's next answer: ``payload`` as JSON, or a str as it is."""
    MockProvider.queue.append(payload if isinstance(payload, str) else json.dumps(payload))


@dataclass
class PageServer:
    """A local HTTP server: ``routes`` maps a path to (status, headers, body); ``hits`` lists the paths asked."""

    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)  # path -> seconds before answering
    port: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def page(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200) -> str:
        self.routes[path] = (status, {"Content-Type": content_type}, body)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = (status, {"Location": location}, b"")
        return self.url(path)


def _handler(server: PageServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.hits.append(self.path)
            if self.path in server.delays:
                server.stopping.wait(server.delays[self.path])
            status, headers, body = server.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"missing"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers and headers.get("Connection") != "close":
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    server = PageServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    httpd.daemon_threads = True
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def allow_private_hosts(settings: Any) -> None:
    """Let the fetcher reach the local page server (off by default, and in every SSRF test)."""
    settings.JOB_FETCH_ALLOW_PRIVATE_HOSTS = True


PUBLIC_TEST_HOST = "jobs.example.com"
PUBLIC_TEST_ADDRESS = "93.184.215.14"  # a public address; the fake dialler routes it to the local server


@pytest.fixture
def public_site(monkeypatch: pytest.MonkeyPatch, page_server: PageServer) -> PageServer:
    """``jobs.example.com`` resolves to a public address, and connections to that address reach the local
    page server — so the address checks stay ON and pass honestly for the first hop. DNS for any other
    name fails, and dialling any other address is a test failure (no packet leaves the machine)."""
    from orchestrator import fetching

    dialled: list[str] = []
    names = {PUBLIC_TEST_HOST: [PUBLIC_TEST_ADDRESS], "internal.example.com": ["10.0.0.1"],
             "rebind.example.com": [PUBLIC_TEST_ADDRESS, "127.0.0.1"]}

    def fake_resolve(host: str, port: int) -> list[str]:
        if host not in names:
            raise OSError(f"test resolver: unknown host {host}")
        return names[host]

    def fake_dial(address: str, port: int, timeout: float | None) -> Any:
        dialled.append(address)
        if address != PUBLIC_TEST_ADDRESS:
            raise AssertionError(f"the fetcher dialled {address}")
        return real_dial("127.0.0.1", page_server.port, timeout)

    real_dial: Callable[..., Any] = fetching.dial
    monkeypatch.setattr(fetching, "resolve_host", fake_resolve)
    monkeypatch.setattr(fetching, "dial", fake_dial)
    page_server.dialled = dialled  # type: ignore[attr-defined]
    return page_server


@contextmanager
def bound_request_id(request_id: uuid.UUID) -> Iterator[None]:
    """Serve the block as the HTTP request ``request_id`` would be (core.request_id)."""
    token = request_id_bind(request_id.hex)
    try:
        yield
    finally:
        request_id_unbind(token)


@pytest.fixture
def job(user: Any) -> Any:
    """A saved job posting of ``user`` with enough text to draft from (tests.orchestrator.test_api_drafts)."""
    from orchestrator.models import JobPosting
    from tests.orchestrator.test_api_drafts import JOB_DATA

    return JobPosting.objects.create(owner=user, source="text", data=JOB_DATA)


@pytest.fixture
def saved_profile(user: Any) -> Any:
    """``user``'s saved master profile: Ada Lovelace's (tests.orchestrator.test_api_drafts)."""
    from orchestrator.models import Profile
    from tests.orchestrator.test_api_drafts import PROFILE

    return Profile.objects.create(owner=user, data=copy.deepcopy(PROFILE))
