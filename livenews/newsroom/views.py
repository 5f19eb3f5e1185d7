"""The newsroom console: live blogs, entries and breaking alerts.

Every view is guarded by ``newsroom_view`` (role, two factors, permission);
every change goes through the live actions and is written to the audit log.
Forms work without JavaScript; newsroom.js adds keyboard shortcuts.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from livenews.core.timeutil import now
from livenews.live import actions
from livenews.live.models import Alert, LiveBlog, LiveEntry
from livenews.live.queries import list_visible_entries
from livenews.newsroom import audit
from livenews.newsroom.access import newsroom_view
from livenews.newsroom.markdown import render_markdown
from livenews.newsroom.models import AuditEntry
from livenews.newsroom.roles import may, may_change_entry, role_of
from livenews.stories.models import Story

MAX_ALERT_MINUTES = 24 * 60


def _fail(request: HttpRequest, error: Exception) -> None:
    messages.error(request, str(error))


@newsroom_view()
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        "role": role_of(request.user),
        "liveblogs": LiveBlog.objects.select_related("story").order_by(
            "status", "-created_at"
        )[:50],
        "alerts": Alert.objects.filter(retracted_at__isnull=True, expires_at__gt=now()),
        "stories": Story.objects.exclude(status="closed").order_by("-updated_at")[:30],
        "can": {
            name: may(request.user, name)
            for name in (
                "start_liveblog",
                "create_alert",
                "read_audit",
                "manage_sources",
            )
        },
    }
    return render(request, "newsroom/dashboard.html", context)


@require_POST
@newsroom_view("start_liveblog")
def start_liveblog(request: HttpRequest) -> HttpResponse:
    story = None
    story_id = request.POST.get("story", "")
    if story_id.isdigit():
        story = get_object_or_404(Story, pk=int(story_id))
    try:
        blog = actions.start_liveblog(request.POST.get("title", ""), story=story)
    except actions.LiveError as exc:
        _fail(request, exc)
        return redirect("newsroom:dashboard")
    audit.record(request, "liveblog.start", blog, blog.title)
    return redirect("newsroom:console", blog.pk)


@newsroom_view()
def console(request: HttpRequest, liveblog_id: int) -> HttpResponse:
    blog = get_object_or_404(LiveBlog.objects.select_related("story"), pk=liveblog_id)
    entries = list_visible_entries(blog)
    for entry in entries:
        entry.can_edit = may_change_entry(request.user, entry, "edit")  # type: ignore[attr-defined]
        entry.can_delete = may_change_entry(request.user, entry, "delete")  # type: ignore[attr-defined]
    context = {
        "liveblog": blog,
        "entries": entries,
        "can_pin": may(request.user, "pin_entry"),
        "can_end": may(request.user, "end_liveblog"),
        "channels": f"liveblog:{blog.pk}",
    }
    return render(request, "newsroom/console.html", context)


@require_POST
@newsroom_view("post_entry")
def post_entry(request: HttpRequest, liveblog_id: int) -> HttpResponse:
    blog = get_object_or_404(LiveBlog, pk=liveblog_id)
    source = request.POST.get("body", "")
    try:
        entry = actions.post_entry(
            blog,
            render_markdown(source),
            author=request.user,
            is_key_event=request.POST.get("key_event") == "on",
            source=source,
        )
    except actions.LiveError as exc:
        _fail(request, exc)
    else:
        audit.record(request, "liveentry.post", entry, source[:200])
    return redirect("newsroom:console", blog.pk)


def _entry_for(request: HttpRequest, entry_id: int, verb: str) -> LiveEntry:
    entry = get_object_or_404(LiveEntry, pk=entry_id, deleted_at__isnull=True)
    if not may_change_entry(request.user, entry, verb):
        raise PermissionDenied(f"you may not {verb} this entry")
    return entry


@newsroom_view()
def edit_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry_for(request, entry_id, "edit")
    if request.method == "POST":
        source = request.POST.get("body", "")
        try:
            actions.edit_entry(
                entry,
                render_markdown(source),
                is_key_event=request.POST.get("key_event") == "on",
                source=source,
            )
        except actions.LiveError as exc:
            _fail(request, exc)
        else:
            audit.record(request, "liveentry.edit", entry, source[:200])
            return redirect("newsroom:console", entry.liveblog_id)
    return render(request, "newsroom/edit_entry.html", {"entry": entry})


@require_POST
@newsroom_view()
def delete_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry_for(request, entry_id, "delete")
    actions.delete_entry(entry)
    audit.record(request, "liveentry.delete", entry)
    return redirect("newsroom:console", entry.liveblog_id)


@require_POST
@newsroom_view("pin_entry")
def pin_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(LiveEntry, pk=entry_id, deleted_at__isnull=True)
    pinned = request.POST.get("pinned", "1") == "1"
    actions.pin_entry(entry, pinned=pinned)
    audit.record(request, "liveentry.pin" if pinned else "liveentry.unpin", entry)
    return redirect("newsroom:console", entry.liveblog_id)


@require_POST
@newsroom_view("end_liveblog")
def end_liveblog(request: HttpRequest, liveblog_id: int) -> HttpResponse:
    blog = get_object_or_404(LiveBlog, pk=liveblog_id)
    actions.end_liveblog(blog)
    audit.record(request, "liveblog.end", blog)
    return redirect("newsroom:console", blog.pk)


@require_POST
@newsroom_view("create_alert")
def create_alert(request: HttpRequest) -> HttpResponse:
    raw_minutes = request.POST.get("minutes", "60")
    minutes = int(raw_minutes) if raw_minutes.isdigit() else 60
    minutes = max(1, min(minutes, MAX_ALERT_MINUTES))
    try:
        alert = actions.create_alert(
            request.POST.get("headline", ""),
            request.POST.get("url", ""),
            now() + timedelta(minutes=minutes),
        )
    except actions.LiveError as exc:
        _fail(request, exc)
    else:
        audit.record(request, "alert.create", alert, alert.headline)
    return redirect("newsroom:dashboard")


@require_POST
@newsroom_view("retract_alert")
def retract_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=alert_id)
    actions.retract_alert(alert)
    audit.record(request, "alert.retract", alert, alert.headline)
    return redirect("newsroom:dashboard")


@newsroom_view("read_audit")
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("user")[:200]
    return render(request, "newsroom/audit.html", {"entries": entries})
