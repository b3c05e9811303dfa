"""Fault tests reuse the gateway's real-API fixtures."""

from tests.gateway.conftest import hub, hub_settings

__all__ = ["hub", "hub_settings"]
