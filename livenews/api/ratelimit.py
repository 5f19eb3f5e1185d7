"""Rate limits: a token bucket per API token, or per client address without one.

Buckets live in process memory. That costs no database write per request and
no shared server, at the price of being per process: with N web processes a
client may make up to N times the rate. The limit is a guard against runaway
clients, not a quota, so that trade is right for now; a shared limiter
(database row or Redis) is the change to make if quotas are ever sold.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from dataclasses import dataclass

MAX_BUCKETS = 100_000  # forget idle clients past this many


@dataclass
class Bucket:
    tokens: float
    stamp: float


class TokenBuckets:
    """``rate`` requests a minute per key, with bursts up to ``rate``."""

    def __init__(self) -> None:
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str, rate: int, moment: float | None = None) -> float:
        """Spend one request of ``key``; return 0, or seconds to wait when empty."""
        if rate <= 0:
            return 0.0
        moment = time.monotonic() if moment is None else moment
        per_second = rate / 60.0
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._buckets.clear()
                bucket = self._buckets[key] = Bucket(float(rate), moment)
            bucket.tokens = min(
                float(rate), bucket.tokens + (moment - bucket.stamp) * per_second
            )
            bucket.stamp = moment
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / per_second

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


BUCKETS = TokenBuckets()


def client_key(authorization: str, address: str) -> tuple[str, bool]:
    """Return the bucket key of a request and whether it carries a token."""
    if authorization.lower().startswith("bearer "):
        digest = hashlib.sha256(authorization[7:].strip().encode()).hexdigest()
        return "token:" + digest[:32], True
    return "ip:" + address, False


def retry_after_header(wait: float) -> str:
    return str(max(1, math.ceil(wait)))
