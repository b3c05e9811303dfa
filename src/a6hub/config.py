"""The hub's one configuration class, read from ``A6HUB_*`` variables (and the guide's ``REDIS_*``)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from a6hub.adapters.bus.keys import RedisKeys

DEFAULT_SECRET_PLACEHOLDERS = frozenset({"", "changeme", "change-me", "secret", "dev", "development"})
EMBEDDED = "embedded"


class ConfigurationError(RuntimeError):
    """The settings cannot work; the message says which variable to fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="A6HUB_", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000

    database_url: str = ""
    redis_url: str = ""
    redis_prefix: str = ""
    secret_key: str = ""
    access_token_minutes: int = 60 * 24

    allowed_origins: str = ""
    max_file_bytes: int = 2 * 1024 * 1024
    max_files_per_project: int = 200
    log_cap_bytes: int = 16 * 1024 * 1024
    job_timeout_s: int = 30 * 60
    worker_heartbeat_s: float = 5.0
    worker_lost_after_s: float = 30.0
    ws_ping_interval_s: float = 20.0
    ws_send_queue: int = 1024
    ws_send_timeout_s: float = 5.0
    stream_maxlen: int = 10_000
    # Sandbox of every tool process (bubblewrap); "off" only for a single-user laptop.
    sandbox: Literal["on", "off"] = "on"
    job_disk_bytes: int = 1024 * 1024 * 1024
    # Accounts: throttling, password hashing, token lifetime, request bodies, the first admin.
    login_attempts_per_window: int = 10  # failed sign-ins per client address
    # Failed sign-ins per username, from all addresses: looser, as it also locks out the real user.
    login_attempts_per_username: int = 50
    register_attempts_per_window: int = 5
    auth_window_s: int = 300
    password_hash_concurrency: int = 4
    max_token_minutes: int = 60 * 24 * 30
    max_request_bytes: int = 8 * 1024 * 1024
    admin_username: str = ""
    admin_email: str = ""
    admin_password: str = ""
    # Fair share per user and per job.
    max_running_jobs_per_user: int = 2
    max_queued_jobs_per_user: int = 20
    max_artifacts_per_job: int = 64
    max_artifact_bytes_per_job: int = 512 * 1024 * 1024
    # Web hardening: Host names the hub answers to (comma-separated); empty means local names only.
    allowed_hosts: str = ""
    demo_user: str = "demo"
    demo_password: str = "demo-password"  # noqa: S105 - the documented demo account, never in production
    create_demo: bool = True

    @model_validator(mode="after")
    def _fill_embedded_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'a6hub.sqlite3').resolve()}"
        if not self.redis_url:
            self.redis_url = _redis_url_from_guide_variables() or EMBEDDED
        return self

    @property
    def origin_allowlist(self) -> frozenset[str]:
        """Browser origins allowed to open WebSockets (comma-separated); empty means same host only."""
        return frozenset(
            origin.strip().rstrip("/") for origin in self.allowed_origins.split(",") if origin.strip()
        )

    @property
    def uses_embedded_redis(self) -> bool:
        return self.redis_url == EMBEDDED

    @property
    def embedded_redis_socket(self) -> Path:
        return (self.data_dir / "redis" / "redis.sock").resolve()

    @property
    def redis_keys(self) -> RedisKeys:
        return RedisKeys(self.redis_prefix)

    def resolved_redis_url(self) -> str:
        if self.uses_embedded_redis:
            return f"unix://{self.embedded_redis_socket}"
        return self.redis_url

    def resolved_secret_key(self) -> str:
        """The JWT signing key: required in production, generated once and kept in development."""
        if self.secret_key.strip().lower() not in DEFAULT_SECRET_PLACEHOLDERS:
            if self.env == "production" and len(self.secret_key) < 32:
                raise ConfigurationError("A6HUB_SECRET_KEY must be at least 32 characters in production")
            return self.secret_key
        if self.env == "production":
            raise ConfigurationError(
                "A6HUB_SECRET_KEY is missing or a default value; production needs a random secret, "
                'e.g. A6HUB_SECRET_KEY="$(python -c "import secrets; print(secrets.token_urlsafe(48))")"'
            )
        return _persistent_dev_secret(self.data_dir / "secret_key")


def _redis_url_from_guide_variables() -> str | None:
    host = os.environ.get("REDIS_HOST")
    if not host:
        return None
    port = os.environ.get("REDIS_PORT", "6379")
    db = os.environ.get("REDIS_DB", "0")
    return f"redis://{host}:{port}/{db}"


def _persistent_dev_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    candidate = secrets.token_urlsafe(48)
    # Written whole into a file created 0600 (never readable by others, not even for a moment),
    # then linked into place: a process that loses the race reads the winner's complete key.
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    draft.unlink(missing_ok=True)
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(candidate)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process won the race; use its secret
    finally:
        draft.unlink()
    return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
