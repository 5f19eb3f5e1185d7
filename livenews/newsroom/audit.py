"""Record newsroom actions in the audit log."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from livenews.newsroom.models import AuditEntry


def record(
    request: HttpRequest, action: str, obj: Any = None, summary: str = ""
) -> AuditEntry:
    """Write one audit line for ``request.user`` doing ``action`` to ``obj``."""
    user = request.user if request.user.is_authenticated else None
    return AuditEntry.objects.create(
        user=user,
        username=getattr(user, "username", "") or "",
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or ""),
        summary=summary[:500],
        address=request.META.get("REMOTE_ADDR") or None,
    )
