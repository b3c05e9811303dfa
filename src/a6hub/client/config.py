"""Where the hub is and who we are: ``credentials.json`` in the user's config directory (0600).

``A6HUB_URL`` and ``A6HUB_TOKEN`` override what is stored (for CI). A stored token is only used
for the hub it was issued by, so pointing ``A6HUB_URL`` elsewhere never sends it to another host.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DEFAULT_URL = "http://127.0.0.1:8000"
URL_ENV = "A6HUB_URL"
TOKEN_ENV = "A6HUB_TOKEN"  # noqa: S105 - the name of a variable, not a secret


@dataclass(frozen=True, slots=True)
class Credentials:
    url: str
    token: str | None = None
    username: str | None = None


def normalize_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = f"http://{url}"
    return url


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir("a6hub", appauthor=False))


def credentials_path() -> Path:
    return config_dir() / "credentials.json"


def load_stored() -> Credentials | None:
    """What ``a6hub login`` saved, or ``None`` (missing or unreadable file)."""
    try:
        raw = json.loads(credentials_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("url"), str):
        return None
    token, username = raw.get("token"), raw.get("username")
    return Credentials(
        url=normalize_url(raw["url"]),
        token=token if isinstance(token, str) else None,
        username=username if isinstance(username, str) else None,
    )


def resolve(url: str | None = None) -> Credentials:
    """The hub and token to use: ``url`` or ``A6HUB_URL`` or the stored one or the default."""
    stored = load_stored()
    chosen = normalize_url(url or os.environ.get(URL_ENV) or (stored.url if stored else DEFAULT_URL))
    token = os.environ.get(TOKEN_ENV) or None
    username = None
    if token is None and stored is not None and stored.url == chosen:
        token, username = stored.token, stored.username
    return Credentials(url=chosen, token=token, username=username)


def save(credentials: Credentials) -> Path:
    """Write the credentials atomically, readable by the user only (0600 file in a 0700 folder)."""
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    body = json.dumps(
        {"url": credentials.url, "token": credentials.token, "username": credentials.username}, indent=2
    )
    fd, temporary = tempfile.mkstemp(prefix=".credentials-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body + "\n")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def forget() -> bool:
    """Delete the stored credentials; ``False`` if there were none."""
    try:
        credentials_path().unlink()
    except FileNotFoundError:
        return False
    return True
