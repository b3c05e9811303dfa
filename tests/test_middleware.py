"""Web hardening: security headers on every response, and requests for other Host names refused."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from a6hub.api.app import FRONTEND_DIST, create_app
from a6hub.api.middleware import API_POLICY
from a6hub.config import Settings
from tests.conftest import make_settings
from tests.servers import api_server

EVIL = {"Host": "attacker.example:8000"}
UPDATES = "/api/v1/ws/jobs/1/updates"


@pytest.fixture
def hub_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, f"sqlite:///{tmp_path / 'hub.sqlite3'}")


@pytest.fixture
def web(hub_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(hub_settings)) as client:
        yield client


def test_every_response_says_nosniff_and_refuses_framing(web: TestClient) -> None:
    for path in ("/api/v1/auth/me", "/healthz", "/docs", "/openapi.json"):
        headers = web.get(path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "no-referrer", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path


def test_api_responses_may_load_and_run_nothing(web: TestClient) -> None:
    assert web.get("/api/v1/auth/me").headers["content-security-policy"] == API_POLICY
    assert "sandbox" in API_POLICY and "default-src 'none'" in API_POLICY


def test_the_web_app_may_load_its_own_files_and_open_sockets_to_its_host(web: TestClient) -> None:
    policy = web.get("/healthz").headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "connect-src 'self' ws://testserver wss://testserver" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.skipif(not (FRONTEND_DIST / "index.html").exists(), reason="the web app is not built")
def test_the_built_web_app_has_nothing_inline_the_policy_would_block(web: TestClient) -> None:
    page = web.get("/")
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'self' applies
    html = page.text
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, "an inline script"
    assert "<style" not in html and " style=" not in html and "javascript:" not in html


def test_a_request_for_another_host_is_refused_and_told_the_setting(web: TestClient) -> None:
    for method, path in (("GET", "/api/v1/projects"), ("POST", "/api/v1/auth/login"), ("GET", "/")):
        refused = web.request(method, path, headers=EVIL, json={"username": "x", "password": "y"})
        assert refused.status_code == 400, (method, path)
        assert "attacker.example" in refused.json()["detail"]
        assert "A6HUB_ALLOWED_HOSTS" in refused.json()["detail"]
        assert refused.headers["x-content-type-options"] == "nosniff"
    assert web.get("/healthz", headers=EVIL).status_code == 200, "probes are called by address"


def test_a_socket_for_another_host_is_refused_before_it_opens(web: TestClient) -> None:
    with pytest.raises(WebSocketDenialResponse) as refused, web.websocket_connect(UPDATES, headers=EVIL):
        pass
    assert refused.value.status_code == 400
    assert "A6HUB_ALLOWED_HOSTS" in refused.value.json()["detail"]
    with pytest.raises(WebSocketDisconnect) as closed, web.websocket_connect(UPDATES) as socket_:
        socket_.receive_json()
    assert closed.value.code == 4401, "an allowed host reaches the endpoint (which wants a token)"


def test_names_listed_in_allowed_hosts_are_served(hub_settings: Settings) -> None:
    listed = hub_settings.model_copy(update={"allowed_hosts": "hub.example.com,.corp.example"})
    with TestClient(create_app(listed)) as client:
        for host in ("hub.example.com", "hub.example.com:8443", "corp.example", "a6.corp.example"):
            assert client.get("/api/v1/auth/me", headers={"Host": host}).status_code == 401, host
        assert client.get("/api/v1/auth/me", headers=EVIL).status_code == 400


def _raw(port: int, request: str) -> bytes:
    """Send a raw request; the reply's head and (by Content-Length) body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request.encode())
        reply = b""
        while b"\r\n\r\n" not in reply and (chunk := conn.recv(4096)):
            reply += chunk
        head, _, body = reply.partition(b"\r\n\r\n")
        length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        while length is not None and len(body) < int(length.group(1)) and (chunk := conn.recv(4096)):
            body += chunk
        return head + b"\r\n\r\n" + body


def _handshake(host: str) -> str:
    return (
        f"GET {UPDATES} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )


@pytest.mark.slow
def test_the_real_server_refuses_other_hosts_on_its_direct_socket_route_too(
    hub_settings: Settings, tmp_path: Path
) -> None:
    """``a6hub api`` hands job sockets to the gateway past the app's middleware (wsproto)."""
    with api_server(hub_settings, tmp_path / "api.log") as base:
        port = int(base.rsplit(":", 1)[1])
        refused = _raw(port, _handshake("attacker.example"))
        assert refused.startswith(b"HTTP/1.1 400"), refused[:200]
        assert b"A6HUB_ALLOWED_HOSTS" in refused
        assert _raw(port, _handshake(f"127.0.0.1:{port}")).startswith(b"HTTP/1.1 101")
        page = _raw(
            port, "GET /api/v1/projects HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n"
        )
        assert page.startswith(b"HTTP/1.1 400"), page[:200]
