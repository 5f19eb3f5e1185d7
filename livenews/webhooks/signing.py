"""Sign webhook bodies: HMAC-SHA256 over ``<timestamp>.<body>``.

A receiver recomputes the signature with its secret and the
``X-Livenews-Timestamp`` header, compares in constant time, and refuses
timestamps far from its clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Livenews-Signature"
TIMESTAMP_HEADER = "X-Livenews-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the ``X-Livenews-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def is_valid_signature(
    secret: str, timestamp: str, body: bytes, signature: str
) -> bool:
    """Return True when ``signature`` is ours for this body and timestamp."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
