"""Guard newsroom views: signed in, a newsroom role, two factors, a permission.

``newsroom_view`` records the permission on the view it guards, so
``may_open`` answers from the same rule whether a user may open a page
(the newsroom menu shows only those, ``templatetags/newsroom_menu.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from livenews.newsroom.roles import NEEDS_TWO_FACTOR, may, role_grants, role_of

View = Callable[..., HttpResponse]


def needs_second_factor(user: Any) -> bool:
    """Return True when the user's role requires TOTP and this session lacks it."""
    # Right after login() the user object lacks OTPMiddleware's is_verified.
    is_verified = getattr(user, "is_verified", None)
    verified = bool(is_verified()) if callable(is_verified) else False
    return role_of(user) in NEEDS_TWO_FACTOR and not verified


def newsroom_view(permission: str | None = None) -> Callable[[View], View]:
    """Let the request through only for a verified newsroom user with ``permission``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(user) is None:
                raise PermissionDenied("not a newsroom account")
            if needs_second_factor(user):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"/newsroom/2fa/?{query}")
            if permission and not may(user, permission):
                raise PermissionDenied(
                    f"your role may not {permission.replace('_', ' ')}"
                )
            return view(request, *args, **kwargs)

        guarded.newsroom_permission = permission  # type: ignore[attr-defined]
        return guarded

    return decorate


def may_open(role: str | None, view: Callable[..., Any]) -> bool:
    """Return True when ``newsroom_view`` would let a user of ``role`` into ``view``."""
    if role is None:
        return False
    permission = getattr(view, "newsroom_permission", None)
    return permission is None or role_grants(role, permission)
