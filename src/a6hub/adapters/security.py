"""Access tokens (JWT, HS256), tied to their account and bounded by the hub's maximum lifetime.

Claims: ``sub`` (user id), ``iat``, ``exp``, ``ver`` (the account's token version) and ``acct``
(the account's random key); see :mod:`a6hub.domain.sessions` for how the last two are checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from a6hub.config import Settings
from a6hub.domain.errors import Unauthorized
from a6hub.domain.sessions import TokenStamp

ALGORITHM = "HS256"
CLOCK_SKEW = timedelta(seconds=30)
REQUIRED_CLAIMS = ["sub", "exp", "iat", "ver", "acct"]


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    stamp: TokenStamp
    issued_at: datetime
    expires_at: datetime
    """The earlier of the token's ``exp`` and its ``iat`` plus the hub's maximum lifetime."""


class TokenService:
    def __init__(self, secret_key: str, lifetime: timedelta, max_lifetime: timedelta | None = None) -> None:
        self._key = secret_key
        self.max_lifetime = lifetime if max_lifetime is None else max_lifetime
        self.lifetime = min(lifetime, self.max_lifetime)

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenService:
        return cls(
            settings.resolved_secret_key(),
            timedelta(minutes=settings.access_token_minutes),
            timedelta(minutes=settings.max_token_minutes),
        )

    def issue(self, user_id: int, stamp: TokenStamp, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "iat": now,
            "exp": now + self.lifetime,
            "ver": stamp.version,
            "acct": stamp.account_key,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def verify(self, token: str) -> TokenClaims:
        """Decode a token or raise :class:`Unauthorized` saying why it is refused.

        Only the signature and the times are checked here; whether the account still accepts
        the token is :func:`a6hub.domain.sessions.require_current`'s question."""
        try:
            claims = jwt.decode(
                token, self._key, algorithms=[ALGORITHM], options={"require": REQUIRED_CLAIMS}
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("token expired; sign in again") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthorized("token from an older version of the hub; sign in again") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("invalid token; sign in again") from exc
        now = datetime.now(UTC)
        issued_at = datetime.fromtimestamp(int(claims["iat"]), UTC)
        if issued_at > now + CLOCK_SKEW:
            raise Unauthorized("invalid token: issued in the future")
        ends_at = min(datetime.fromtimestamp(int(claims["exp"]), UTC), issued_at + self.max_lifetime)
        if ends_at <= now:
            days = self.max_lifetime / timedelta(days=1)
            raise Unauthorized(
                f"token older than this hub's maximum token lifetime ({days:g} days); sign in again"
            )
        try:
            user_id = int(claims["sub"])
            stamp = TokenStamp(account_key=str(claims["acct"]), version=int(claims["ver"]))
        except (TypeError, ValueError) as exc:
            raise Unauthorized("invalid token claims; sign in again") from exc
        return TokenClaims(user_id=user_id, stamp=stamp, issued_at=issued_at, expires_at=ends_at)
