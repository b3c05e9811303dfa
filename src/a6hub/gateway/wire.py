"""WebSocket frames built once and written to many sockets.

A server's frames are not masked (RFC 6455 §5.1), so the bytes of one text frame are the same
for every client: the fan-out encodes each job event once and hands the same ``bytes`` to
every watching socket. Frames are never compressed (RSV1 clear), which is valid whether or not
a client offered permessage-deflate.
"""

from __future__ import annotations

_TEXT_FIN = 0x81


def text_frame(payload: bytes) -> bytes:
    """One final, unmasked text frame carrying ``payload`` (UTF-8)."""
    size = len(payload)
    if size < 126:
        return bytes((_TEXT_FIN, size)) + payload
    if size < 1 << 16:
        return bytes((_TEXT_FIN, 126)) + size.to_bytes(2, "big") + payload
    return bytes((_TEXT_FIN, 127)) + size.to_bytes(8, "big") + payload
