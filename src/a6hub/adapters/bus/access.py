"""'Access changed' notices on one Redis channel (``RedisKeys.access_changes``).

A notice is published only once the change is committed, so a gateway that re-checks on
receiving it reads the new state. Publishing is best effort: if Redis is unreachable the change
still stands (every new request and socket is checked against the database), and the sockets
already open are re-checked when the gateway's subscription comes back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

import redis
from sqlalchemy import event
from sqlalchemy.orm import Session

from a6hub.adapters.bus.keys import RedisKeys
from a6hub.domain.access_changes import AccessChange, ProjectChanged, UserRevoked

log = logging.getLogger(__name__)


def encode(change: AccessChange) -> str:
    if isinstance(change, UserRevoked):
        return json.dumps({"user": change.user_id})
    return json.dumps({"project": change.project_id})


def decode(data: bytes | str) -> AccessChange | None:
    """The notice in ``data``, or ``None`` if it is not one this version knows."""
    try:
        message = json.loads(data)
        if "user" in message:
            return UserRevoked(int(message["user"]))
        if "project" in message:
            return ProjectChanged(int(message["project"]))
    except (ValueError, TypeError, AttributeError):
        pass
    return None


def publish(client: redis.Redis, keys: RedisKeys, changes: Iterable[AccessChange]) -> None:
    try:
        for change in changes:
            client.publish(keys.access_changes, encode(change))
    except (redis.RedisError, OSError) as exc:
        log.warning("could not announce an access change (%s); open sockets are re-checked later", exc)


def publish_after_commit(
    session: Session, client: redis.Redis, keys: RedisKeys, changes: Iterable[AccessChange]
) -> None:
    """Publish ``changes`` when ``session`` commits (never if it rolls back)."""
    pending = list(changes)

    def committed(_session: Session) -> None:
        publish(client, keys, pending)

    event.listen(session, "after_commit", committed, once=True)
