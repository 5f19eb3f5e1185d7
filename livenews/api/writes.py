"""Write endpoints, each needing a token with its scope; they call the actions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja.responses import Status

from livenews.api import out, schemas
from livenews.api.routes import router
from livenews.api.tokens import TokenAuth, require
from livenews.live import actions as live
from livenews.live.models import LiveBlog
from livenews.sources.actions import SourceError, add_source

AUTH = TokenAuth()
REFUSED: dict[int, Any] = {
    400: schemas.ErrorOut,
    401: schemas.ErrorOut,
    403: schemas.ErrorOut,
    422: schemas.ErrorOut,
    429: schemas.ErrorOut,
}


@router.post(
    "/liveblogs/{liveblog_id}/entries",
    response={201: schemas.LiveEntryOut, 404: schemas.ErrorOut, **REFUSED},
    auth=AUTH,
)
def post_entry(request: HttpRequest, liveblog_id: int, body: schemas.EntryIn) -> Any:
    """Post an entry to a live blog (scope ``live``); readers see it at once."""
    token = require(request, "live")
    liveblog = get_object_or_404(LiveBlog, pk=liveblog_id)
    try:
        entry = live.post_entry(
            liveblog, body.body_html, author=token.owner, is_key_event=body.is_key_event
        )
    except live.LiveError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(201, out.entry_out(entry))


@router.post("/alerts", response={201: schemas.AlertOut, **REFUSED}, auth=AUTH)
def create_alert(request: HttpRequest, body: schemas.AlertIn) -> Any:
    """Send a breaking alert (scope ``alerts``)."""
    require(request, "alerts")
    try:
        alert = live.create_alert(body.headline, body.url, body.expires_at)
    except live.LiveError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(201, out.alert_out(alert))


@router.post("/sources", response={201: schemas.SourceOut, **REFUSED}, auth=AUTH)
def create_source(request: HttpRequest, body: schemas.SourceIn) -> Any:
    """Subscribe to a feed (scope ``sources``); private addresses fail at fetch."""
    require(request, "sources")
    try:
        source = add_source(
            body.url, name=body.name, section=body.section, site_url=body.site_url
        )
    except SourceError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(201, out.source_out(source))
