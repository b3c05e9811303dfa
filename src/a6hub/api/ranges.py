"""Byte-range responses (RFC 9110) for artifact downloads."""

from __future__ import annotations

import re

from fastapi import Response

from a6hub.api.disposition import content_disposition

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def ranged_response(content: bytes, range_header: str | None, media_type: str, filename: str) -> Response:
    headers = {"Accept-Ranges": "bytes", "Content-Disposition": content_disposition(filename)}
    if not range_header:
        return Response(content, media_type=media_type, headers=headers)
    span = _parse(range_header.strip(), len(content))
    if span is None:
        headers["Content-Range"] = f"bytes */{len(content)}"
        return Response(b"", status_code=416, headers=headers)
    start, end = span
    headers["Content-Range"] = f"bytes {start}-{end}/{len(content)}"
    return Response(content[start : end + 1], status_code=206, media_type=media_type, headers=headers)


def _parse(header: str, size: int) -> tuple[int, int] | None:
    match = _RANGE.match(header)
    if match is None or size == 0:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix range: the last N bytes
        return max(0, size - int(last)), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    return (start, end) if start <= end and start < size else None
