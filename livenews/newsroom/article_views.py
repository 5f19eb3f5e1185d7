"""The newsroom's own articles: draft, schedule, publish, correct in the open."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from livenews.articles.actions import ArticleError, correct_article
from livenews.core.html import sanitize_html
from livenews.core.timeutil import as_utc, now
from livenews.newsroom import audit
from livenews.newsroom.access import newsroom_view
from livenews.newsroom.markdown import render_markdown
from livenews.newsroom.models import Draft
from livenews.newsroom.publishing import PublishError, publish_draft
from livenews.newsroom.roles import may


def _own_or_editor(request: HttpRequest, draft: Draft) -> None:
    if draft.author_id != request.user.pk and not may(request.user, "publish_article"):
        raise PermissionDenied("only its author or an editor may change this draft")


@newsroom_view("draft_article")
def article_list(request: HttpRequest) -> HttpResponse:
    drafts = Draft.objects.select_related("author", "article")[:100]
    return render(request, "newsroom/articles.html", {"drafts": drafts})


@newsroom_view("draft_article")
def new_article(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        title = request.POST.get("title", "").strip()[:500]
        body = request.POST.get("body", "")
        if not title or not body.strip():
            messages.error(request, "An article needs a title and some text.")
        else:
            draft = Draft.objects.create(
                title=title, body_source=body, author_id=request.user.pk
            )
            audit.record(request, "draft.create", draft, title)
            return redirect("newsroom:article", draft.pk)
    return render(request, "newsroom/article_edit.html", {"draft": None})


def _parse_when(raw: str) -> datetime | None:
    try:
        return as_utc(datetime.fromisoformat(raw))
    except ValueError:
        return None


@newsroom_view("draft_article")
def edit_article(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = get_object_or_404(Draft.objects.select_related("article"), pk=draft_id)
    if request.method == "POST":
        _own_or_editor(request, draft)
        if draft.status == "published":
            raise PermissionDenied("a published article is changed by a correction")
        draft.title = (
            request.POST.get("title", draft.title).strip()[:500] or draft.title
        )
        draft.body_source = request.POST.get("body", draft.body_source)
        draft.updated_at = now()
        intent = request.POST.get("intent", "save")
        if intent in ("publish", "schedule") and not may(
            request.user, "publish_article"
        ):
            raise PermissionDenied("an editor publishes")
        if intent == "schedule":
            when = _parse_when(request.POST.get("publish_at", ""))
            if when is None or when <= now():
                messages.error(request, "Give a publication time in the future (UTC).")
                return redirect("newsroom:article", draft.pk)
            draft.status, draft.publish_at = "scheduled", when
        elif intent == "save" and draft.status == "scheduled":
            draft.status, draft.publish_at = "draft", None
        draft.save()
        audit.record(request, f"draft.{intent}", draft, draft.title)
        if intent == "publish":
            try:
                article = publish_draft(draft)
            except PublishError as exc:
                messages.error(request, str(exc))
            else:
                audit.record(request, "article.publish", article, article.title)
        return redirect("newsroom:article", draft.pk)
    context = {
        "draft": draft,
        "preview": sanitize_html(render_markdown(draft.body_source)),
        "can_publish": may(request.user, "publish_article"),
        "can_correct": may(request.user, "correct_article"),
    }
    return render(request, "newsroom/article_edit.html", context)


@require_POST
@newsroom_view("correct_article")
def correct(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = get_object_or_404(Draft.objects.select_related("article"), pk=draft_id)
    if draft.article is None:
        raise PermissionDenied("only a published article takes corrections")
    body = request.POST.get("body", draft.body_source)
    try:
        correct_article(
            draft.article,
            title=request.POST.get("title", draft.article.title),
            body_html=render_markdown(body),
            note=request.POST.get("note", ""),
            editor=request.user.get_username(),
        )
    except ArticleError as exc:
        messages.error(request, str(exc))
        return redirect("newsroom:article", draft.pk)
    draft.body_source = body
    draft.title = draft.article.title[:500]
    draft.updated_at = now()
    draft.save()
    audit.record(
        request, "article.correct", draft.article, request.POST.get("note", "")
    )
    return redirect("newsroom:article", draft.pk)
