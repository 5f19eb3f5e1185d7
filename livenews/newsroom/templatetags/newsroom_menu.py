"""``{% if user|may_open:"newsroom:sources" %}``: show a menu link only to roles it opens for.

The answer comes from the permission the page's own view is guarded with
(``access.may_open``), so the menu and the 403 cannot disagree.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import resolve, reverse

from livenews.newsroom.access import may_open as may_open_view

register = template.Library()


@register.filter
def may_open(user: Any, url_name: str) -> bool:
    """Return True when the user's role may open the page named ``url_name``."""
    return may_open_view(user, resolve(reverse(url_name)).func)
