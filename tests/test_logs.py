from __future__ import annotations

import logging

from a6hub.logs import RedactingFilter, redact


def test_tokens_and_tickets_are_redacted_from_urls() -> None:
    line = "GET /api/v1/ws/jobs/1/updates?since=3&token=eyJhbGciOi.abc.def&ticket=T0k3n HTTP/1.1"
    assert redact(line) == "GET /api/v1/ws/jobs/1/updates?since=3&token=[redacted]&ticket=[redacted] HTTP/1.1"


def test_the_filter_keeps_positional_and_mapping_arguments_usable() -> None:
    positional = logging.LogRecord("x", logging.INFO, "f", 1, "%s - %s", ("a", "/p?token=secret"), None)
    mapping = logging.LogRecord("x", logging.INFO, "f", 1, "%(path)s", ({"path": "/p?ticket=abc"},), None)
    for record in (positional, mapping):
        assert RedactingFilter().filter(record)
    assert positional.getMessage() == "a - /p?token=[redacted]"
    assert mapping.getMessage() == "/p?ticket=[redacted]"
