from __future__ import annotations

import logging

import pytest

from a6hub.logs import RedactingFilter, configure_logging, redact


def test_tokens_and_tickets_are_redacted_from_urls() -> None:
    line = "GET /api/v1/ws/jobs/1/updates?since=3&token=eyJhbGciOi.abc.def&ticket=T0k3n HTTP/1.1"
    assert redact(line) == "GET /api/v1/ws/jobs/1/updates?since=3&token=[redacted]&ticket=[redacted] HTTP/1.1"


@pytest.mark.parametrize(
    "name",
    [
        "tok%65n",
        "%74oken",
        "TOKEN",
        "ToKeN",
        "tic%6Bet",
        "%54%49%43%4B%45%54",
        "+token",
        "token+",
        "tok%2565n",
    ],
)
def test_percent_encoded_and_mixed_case_parameter_names_are_redacted(name: str) -> None:
    line = f"GET /api/v1/ws/jobs/1/updates?since=3&{name}=eyJhbGciOi.eyJzdWIi.c2ln&x=1 HTTP/1.1"
    redacted = redact(line)
    assert "eyJ" not in redacted and "c2ln" not in redacted
    assert redacted == f"GET /api/v1/ws/jobs/1/updates?since=3&{name}=[redacted]&x=1 HTTP/1.1"


def test_a_ticket_as_the_first_parameter_and_other_parameters_are_kept() -> None:
    line = '127.0.0.1:5 - "WebSocket /api/v1/ws/jobs/7/updates?tick%65t=Zm9vYmFy&since=12" [accepted]'
    assert (
        redact(line)
        == '127.0.0.1:5 - "WebSocket /api/v1/ws/jobs/7/updates?tick%65t=[redacted]&since=12" [accepted]'
    )


def test_a_jwt_is_redacted_wherever_it_appears() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sIgNaTuRe_-x"
    for line in (
        f"Sec-WebSocket-Protocol: bearer, {jwt}",
        f"Authorization: Bearer {jwt}",
        f"subprotocols ['bearer', '{jwt}']",
    ):
        assert jwt not in redact(line) and "sIgNaTuRe" not in redact(line)
        assert "[redacted]" in redact(line)


def test_the_filter_keeps_positional_and_mapping_arguments_usable() -> None:
    positional = logging.LogRecord("x", logging.INFO, "f", 1, "%s - %s", ("a", "/p?token=secret"), None)
    mapping = logging.LogRecord("x", logging.INFO, "f", 1, "%(path)s", ({"path": "/p?ticket=abc"},), None)
    for record in (positional, mapping):
        assert RedactingFilter().filter(record)
    assert positional.getMessage() == "a - /p?token=[redacted]"
    assert mapping.getMessage() == "/p?ticket=[redacted]"


def test_uvicorns_bare_connection_lines_are_dropped_and_the_accepted_line_kept(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        configure_logging()
        uvicorn_log = logging.getLogger("uvicorn.error")
        uvicorn_log.info(
            '%s - "WebSocket %s" [accepted]', "127.0.0.1:5", "/api/v1/ws/jobs/7/updates?token=abc"
        )
        uvicorn_log.info("connection open")
        uvicorn_log.info("connection closed")
        uvicorn_log.info("Application startup complete.")
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        '127.0.0.1:5 - "WebSocket /api/v1/ws/jobs/7/updates?token=[redacted]" [accepted]',
        "Application startup complete.",
    ]
