"""Issue and check API tokens (``Authorization: Bearer ln_…``)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from livenews.api.models import SCOPES, ApiToken
from livenews.core.timeutil import now

PREFIX = "ln_"
# last_used_at is written at most this often per token: not a write per request.
TOUCH_EVERY = timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(owner: Any, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """Create a token; return it and its secret (shown once, never stored)."""
    known = {code for code, _ in SCOPES}
    unknown = set(scopes) - known
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name[:100],
        token_hash=hash_token(secret),
        prefix=secret[:12],
        scopes=sorted(set(scopes)),
        owner=owner,
    )
    return token, secret


def find_token(secret: str) -> ApiToken | None:
    """Return the live token with this secret, noting its use; None otherwise."""
    token = (
        ApiToken.objects.select_related("owner")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    moment = now()
    if token.last_used_at is None or moment - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    return token


class TokenAuth(HttpBearer):
    """Bearer token auth; the endpoint then asks for its scope with ``require``."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return find_token(token)


def require(request: HttpRequest, scope: str) -> ApiToken:
    """Return the request's token when it has ``scope``; 403 otherwise."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if not token.has_scope(scope):
        raise HttpError(403, f"this token lacks the '{scope}' scope")
    return token
