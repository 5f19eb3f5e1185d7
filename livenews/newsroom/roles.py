"""Newsroom roles: admin, editor, reporter, each a Django group."""

from __future__ import annotations

ROLES = ("admin", "editor", "reporter")
