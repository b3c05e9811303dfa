"""The sign-in and registration quotas, and the client address they are counted by.

Failed sign-ins count per client address and, more loosely, per username (from any address): a
successful sign-in is not counted, and every count ends with its window, so the real user is
never locked out for longer than one window even while someone guesses at their password.
Registrations count per address and per requested username, successful or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from a6hub.adapters.bus.throttle import Quota
from a6hub.config import Settings


@dataclass(frozen=True, slots=True)
class AuthQuotas:
    login_by_address: Quota
    login_by_username: Quota
    register_by_address: Quota
    register_by_username: Quota

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthQuotas:
        window_s = settings.auth_window_s
        return cls(
            login_by_address=Quota(
                "login-failures-by-address",
                settings.login_attempts_per_window,
                window_s,
                "too many failed sign-ins from your address",
            ),
            login_by_username=Quota(
                "login-failures-by-username",
                settings.login_attempts_per_username,
                window_s,
                "too many failed sign-ins for this account",
            ),
            register_by_address=Quota(
                "registrations-by-address",
                settings.register_attempts_per_window,
                window_s,
                "too many registrations from your address",
            ),
            register_by_username=Quota(
                "registrations-by-username",
                settings.register_attempts_per_window,
                window_s,
                "too many registrations of this username",
            ),
        )


def client_address(connection: HTTPConnection) -> str:
    """The client's IP address (uvicorn takes it from X-Forwarded-For when a trusted proxy sent it)."""
    return connection.client.host if connection.client is not None else "unknown"
