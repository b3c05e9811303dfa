"""Typed notices that someone's access may have changed, for the gateways to re-check sockets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UserRevoked:
    """The user's tokens were revoked (signed out everywhere) or the account was deleted."""

    user_id: int


@dataclass(frozen=True, slots=True)
class ProjectChanged:
    """The project's visibility changed, or it was deleted."""

    project_id: int


AccessChange = UserRevoked | ProjectChanged
