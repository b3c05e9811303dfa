"""When a signed token still stands for its account: the rule REST and WebSocket both apply."""

from __future__ import annotations

from dataclasses import dataclass

from a6hub.domain.errors import Unauthorized

ACCOUNT_GONE = "the account of this token no longer exists; sign in again"
REVOKED = "this token was revoked (signed out everywhere); sign in again"


@dataclass(frozen=True, slots=True)
class TokenStamp:
    """What a token carries of its account, and what the account holds now.

    ``account_key`` is random and new for every account, so an account that reuses a deleted
    account's id never accepts its tokens; ``version`` goes up when the user signs out
    everywhere, which revokes every token issued before.
    """

    account_key: str
    version: int


def require_current(token: TokenStamp, account: TokenStamp | None) -> None:
    """Raise :class:`Unauthorized` unless the token's account still exists and has not revoked it."""
    if account is None or token.account_key != account.account_key:
        raise Unauthorized(ACCOUNT_GONE)
    if token.version != account.version:
        raise Unauthorized(REVOKED)
