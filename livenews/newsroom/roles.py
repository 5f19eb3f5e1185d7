"""Newsroom roles and what each may do.

admin: everything, including users, settings and sources.
editor: everything editorial: live blogs, any entry, alerts, publishing.
reporter: posts to live blogs and edits or deletes their own entries; drafts.
Admins and editors must use two-factor sign-in (TOTP).
"""

from __future__ import annotations

from typing import Any

ROLES = ("admin", "editor", "reporter")
NEEDS_TWO_FACTOR = frozenset({"admin", "editor"})

# What each role may do; the views check these names.
PERMISSIONS: dict[str, frozenset[str]] = {
    "reporter": frozenset(
        {"post_entry", "edit_own_entry", "delete_own_entry", "draft_article"}
    ),
    "editor": frozenset(
        {
            "post_entry",
            "edit_own_entry",
            "delete_own_entry",
            "edit_any_entry",
            "delete_any_entry",
            "pin_entry",
            "start_liveblog",
            "end_liveblog",
            "create_alert",
            "retract_alert",
            "read_audit",
            "draft_article",
            "publish_article",
            "correct_article",
            "curate",
        }
    ),
}
PERMISSIONS["admin"] = PERMISSIONS["editor"] | {"manage_users", "manage_sources"}


def role_of(user: Any) -> str | None:
    """Return the user's newsroom role (the strongest), or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return "admin"
    names = set(user.groups.values_list("name", flat=True))
    for role in ROLES:
        if role in names:
            return role
    return None


def may(user: Any, permission: str) -> bool:
    """Return True when the user's role grants ``permission``."""
    return role_grants(role_of(user), permission)


def role_grants(role: str | None, permission: str) -> bool:
    """Return True when ``role`` (None: no newsroom role) grants ``permission``."""
    return role is not None and permission in PERMISSIONS[role]


def may_change_entry(user: Any, entry: Any, verb: str) -> bool:
    """Return True when the user may ``edit`` or ``delete`` this live entry."""
    if may(user, f"{verb}_any_entry"):
        return True
    return may(user, f"{verb}_own_entry") and entry.author_id == user.pk
