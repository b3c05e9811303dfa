"""Access tokens (JWT, HS256)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from a6hub.domain.errors import Unauthorized

ALGORITHM = "HS256"
CLOCK_SKEW = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    expires_at: datetime


class TokenService:
    def __init__(self, secret_key: str, lifetime: timedelta) -> None:
        self._key = secret_key
        self.lifetime = lifetime

    def issue(self, user_id: int, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        claims = {"sub": str(user_id), "iat": now, "exp": now + self.lifetime}
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def verify(self, token: str) -> TokenClaims:
        """Decode a token or raise :class:`Unauthorized` saying why it is refused."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                options={"require": ["sub", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("token expired; sign in again") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("invalid token; sign in again") from exc
        issued_at = datetime.fromtimestamp(int(claims["iat"]), UTC)
        if issued_at > datetime.now(UTC) + CLOCK_SKEW:
            raise Unauthorized("invalid token: issued in the future")
        try:
            user_id = int(claims["sub"])
        except ValueError as exc:
            raise Unauthorized("invalid token subject") from exc
        return TokenClaims(user_id=user_id, expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC))
