from __future__ import annotations

import os
from pathlib import Path

import pytest

from a6hub.adapters.worker.job_space import secure_data_dir
from a6hub.config import ConfigurationError, Settings


def test_production_refuses_a_missing_or_default_secret(tmp_path: Path) -> None:
    for secret in ("", "changeme", "secret"):
        settings = Settings(env="production", data_dir=tmp_path, secret_key=secret)
        with pytest.raises(ConfigurationError, match="A6HUB_SECRET_KEY"):
            settings.resolved_secret_key()
    with pytest.raises(ConfigurationError, match="at least 32"):
        Settings(env="production", data_dir=tmp_path, secret_key="short-but-custom").resolved_secret_key()
    strong = "p" * 40
    assert Settings(env="production", data_dir=tmp_path, secret_key=strong).resolved_secret_key() == strong


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).resolved_secret_key()
    second = Settings(data_dir=tmp_path).resolved_secret_key()
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_secret_and_the_data_dir_are_private_whatever_the_umask(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "var"
    permissive = os.umask(0)
    try:
        key = Settings(data_dir=data).resolved_secret_key()
        secure_data_dir(data)
    finally:
        os.umask(permissive)
    assert data.stat().st_mode & 0o777 == 0o700
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (data / "secret_key").read_text() == key
    assert [path.name for path in data.iterdir()] == ["secret_key"], "no draft left behind"


def test_embedded_defaults_live_under_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_HOST", raising=False)
    settings = Settings(data_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{(tmp_path / 'a6hub.sqlite3').resolve()}"
    assert settings.uses_embedded_redis
    assert settings.resolved_redis_url() == f"unix://{(tmp_path / 'redis' / 'redis.sock').resolve()}"


def test_the_guides_redis_variables_are_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_HOST", "cache.internal")
    monkeypatch.setenv("REDIS_PORT", "6380")
    monkeypatch.setenv("REDIS_DB", "2")
    assert Settings(data_dir=tmp_path).resolved_redis_url() == "redis://cache.internal:6380/2"
    monkeypatch.setenv("A6HUB_REDIS_URL", "redis://other:6379/0")
    assert Settings(data_dir=tmp_path).resolved_redis_url() == "redis://other:6379/0"


def test_settings_come_from_a6hub_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("A6HUB_DATABASE_URL", "postgresql+psycopg://u@db/a6hub")
    monkeypatch.setenv("A6HUB_PORT", "9000")
    monkeypatch.setenv("A6HUB_ALLOWED_ORIGINS", "https://a.example, https://b.example/")
    settings = Settings(data_dir=tmp_path)
    assert settings.database_url == "postgresql+psycopg://u@db/a6hub"
    assert settings.port == 9000
    assert settings.origin_allowlist == {"https://a.example", "https://b.example"}
