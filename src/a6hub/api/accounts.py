"""Ending an account's sessions: revoke its tokens, or delete it; the gateways are told."""

from __future__ import annotations

from sqlalchemy.orm import Session

from a6hub.adapters.bus.access import publish_after_commit
from a6hub.adapters.db import users
from a6hub.api.context import AppContext
from a6hub.domain.access_changes import AccessChange, ProjectChanged, UserRevoked


def revoke_tokens(session: Session, context: AppContext, user_id: int) -> None:
    """Every token of the account stops working; its open sockets close (4401) once committed."""
    users.revoke_tokens(session, user_id)
    publish_after_commit(session, context.redis, context.settings.redis_keys, [UserRevoked(user_id)])


def remove_account(context: AppContext, user_id: int) -> None:
    """Delete the account (:class:`NotFound` if there is none): its tokens and sockets are cut,
    and so is every socket on a job of its projects."""
    with context.db.session() as session:
        projects = users.delete_user(session, user_id)
        changes: list[AccessChange] = [UserRevoked(user_id), *map(ProjectChanged, projects)]
        publish_after_commit(session, context.redis, context.settings.redis_keys, changes)
