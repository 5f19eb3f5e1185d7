"""Cursor pagination: keyset on (sort value, id), so pages stay right as rows arrive.

A cursor is the last row's sort value and id, base64-encoded JSON: opaque to
clients, cheap for the database (an index range, no OFFSET), and a row added
while a client pages never shifts the next page.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from ninja.errors import HttpError

from livenews.core.timeutil import as_utc

M = TypeVar("M", bound=Model)
MAX_LIMIT = 200


def encode_cursor(value: Any, pk: int) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise HttpError(400, "invalid cursor") from exc
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise HttpError(400, "invalid cursor")
    return value, pk


def page(
    queryset: QuerySet[M],
    field: str,
    cursor: str | None,
    limit: int,
    descending: bool = True,
) -> tuple[list[M], str | None]:
    """Return a page of ``queryset`` by ``field`` then id, and the next cursor."""
    limit = max(1, min(limit, MAX_LIMIT))
    direction = "-" if descending else ""
    queryset = queryset.order_by(f"{direction}{field}", f"{direction}id")
    if cursor:
        value, pk = decode_cursor(cursor)
        if field != "id" and isinstance(value, str):
            try:
                value = as_utc(datetime.fromisoformat(value))
            except (ValueError, OverflowError) as exc:
                raise HttpError(400, "invalid cursor") from exc
        op = "lt" if descending else "gt"
        if field == "id":
            queryset = queryset.filter(**{f"id__{op}": pk})
        else:
            queryset = queryset.filter(
                Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": pk})
            )
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor(getattr(last, field), last.pk)
