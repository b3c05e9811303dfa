"""What one API process holds for its whole life, created once at start-up."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

import redis

from a6hub.adapters.bus.lifecycle import JobLifecycle
from a6hub.adapters.bus.publisher import EventPublisher
from a6hub.adapters.bus.throttle import AttemptLimiter
from a6hub.adapters.db.engine import Database
from a6hub.adapters.passwords import Passwords
from a6hub.adapters.security import TokenService
from a6hub.adapters.worker.dispatch import JobDispatcher
from a6hub.api.auth_limits import AuthQuotas
from a6hub.config import Settings


@dataclass
class AppContext:
    settings: Settings
    db: Database
    tokens: TokenService
    redis: redis.Redis
    publisher: EventPublisher
    lifecycle: JobLifecycle
    dispatcher: JobDispatcher
    passwords: Passwords
    attempts: AttemptLimiter
    auth_quotas: AuthQuotas
    process_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")

    @classmethod
    def create(cls, settings: Settings) -> AppContext:
        db = Database(settings.database_url)
        redis_client = redis.Redis.from_url(
            settings.resolved_redis_url(),
            socket_timeout=5,
            socket_connect_timeout=5,
            health_check_interval=30,
        )
        publisher = EventPublisher(
            db, redis_client, settings.redis_keys, stream_maxlen=settings.stream_maxlen, retry_for_s=10
        )
        return cls(
            settings=settings,
            db=db,
            tokens=TokenService.from_settings(settings),
            redis=redis_client,
            publisher=publisher,
            lifecycle=JobLifecycle(publisher),
            dispatcher=JobDispatcher(settings),
            passwords=Passwords(settings.password_hash_concurrency),
            attempts=AttemptLimiter(redis_client, settings.redis_keys),
            auth_quotas=AuthQuotas.from_settings(settings),
        )

    def close(self) -> None:
        self.passwords.close()
        self.redis.close()
        self.db.dispose()
