"""``Content-Disposition`` headers (RFC 6266) for any file name, with its UTF-8 form (RFC 8187).

A name is the user's: it may hold quotes, backslashes, semicolons, control characters or any
Unicode. The header carries an ASCII ``filename="..."`` in which each of those is replaced by
``_`` (for old clients), and the exact name percent-encoded in ``filename*=UTF-8''...``, which
clients that know it (all current browsers, curl, httpx) prefer.
"""

from __future__ import annotations

from urllib.parse import quote

# RFC 8187 attr-char, less ALPHA / DIGIT, which quote() never encodes ("-._~" it keeps too).
_ATTR_CHAR_PUNCTUATION = "!#$&+^`|"
# Unsafe in the quoted fallback: its delimiters, and what some clients would decode or split on.
_FALLBACK_UNSAFE = frozenset('"\\%/;')


def content_disposition(filename: str, kind: str = "attachment") -> str:
    """The header value that names ``filename`` (its last path segment) for download."""
    name = filename.rsplit("/", 1)[-1] or "download"
    encoded = quote(name, safe=_ATTR_CHAR_PUNCTUATION, encoding="utf-8")
    return f"{kind}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"


def ascii_fallback(name: str) -> str:
    """``name`` with every non-ASCII, control or quoting-unsafe character replaced by ``_``."""
    return "".join("_" if _unsafe(char) else char for char in name)


def _unsafe(char: str) -> bool:
    return not " " <= char <= "~" or char in _FALLBACK_UNSAFE
