"""API tokens: a secret shown once, stored hashed, allowed a few scopes."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from livenews.core.timeutil import now

SCOPES = [
    ("live", "Post live-blog entries"),
    ("alerts", "Send breaking alerts"),
    ("sources", "Add sources"),
]


class ApiToken(models.Model):
    name = models.CharField(max_length=100, help_text="What the token is for.")
    # sha256 of the secret: a leaked database does not leak usable tokens, and
    # the secret is long and random, so a fast hash is enough (no brute force).
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the secret, to recognise a token in lists.
    prefix = models.CharField(max_length=12, editable=False)
    scopes = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    created_at = models.DateTimeField(default=now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def has_scope(self, scope: str) -> bool:
        return self.revoked_at is None and scope in (self.scopes or [])
