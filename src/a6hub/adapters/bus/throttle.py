"""Attempt counters in Redis (shared by every API process), one fixed window per subject.

An attempt is reserved before the costly work (checking a password) and counted at once, so a
burst of parallel requests cannot slip past the limit; a caller that decides the attempt should
not count (a successful sign-in) refunds it. Once a subject has used up its quota, further
attempts are refused with :class:`TooManyRequests` until its window ends, and are not counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import redis

from a6hub.adapters.bus.keys import RedisKeys
from a6hub.domain.errors import TooManyRequests

MAX_SUBJECT_CHARS = 320

# KEYS: counters; ARGV[i]: the window (s) of KEYS[i]. Counts one attempt on each; returns
# {count, ttl} pairs.
_RESERVE = """
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, ARGV[i]) end
  out[#out + 1] = count
  out[#out + 1] = redis.call('TTL', key)
end
return out
"""

# KEYS: counters. Takes one attempt back from each counter that still exists (never creates one).
_REFUND = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end
end
return 0
"""


@dataclass(frozen=True, slots=True)
class Quota:
    """``limit`` attempts per ``window_s`` for each subject; ``refusal`` starts the 429's message."""

    name: str
    limit: int
    window_s: int
    refusal: str


@dataclass(frozen=True, slots=True)
class Reservation:
    keys: tuple[str, ...]


class AttemptLimiter:
    def __init__(self, client: redis.Redis, keys: RedisKeys) -> None:
        self._keys = keys
        self._reserve = client.register_script(_RESERVE)
        self._refund = client.register_script(_REFUND)

    def reserve(self, counted: Sequence[tuple[Quota, str]]) -> Reservation:
        """Count one attempt for each (quota, subject), or raise :class:`TooManyRequests` if one is over."""
        reservation = Reservation(
            tuple(
                self._keys.attempts(quota.name, subject.lower()[:MAX_SUBJECT_CHARS])
                for quota, subject in counted
            )
        )
        windows = [quota.window_s for quota, _ in counted]
        replies = self._reserve(keys=list(reservation.keys), args=windows)
        counts, ttls = replies[0::2], replies[1::2]
        over = [
            (quota, max(int(ttl), 1))
            for (quota, _), count, ttl in zip(counted, counts, ttls, strict=True)
            if int(count) > quota.limit
        ]
        if over:
            self.refund(reservation)
            quota, retry_after_s = max(over, key=lambda pair: pair[1])
            raise TooManyRequests(
                f"{quota.refusal}; try again in {retry_after_s} s", retry_after_s=retry_after_s
            )
        return reservation

    def refund(self, reservation: Reservation) -> None:
        """Take the reserved attempts back (they should not count, e.g. a successful sign-in)."""
        self._refund(keys=list(reservation.keys))
