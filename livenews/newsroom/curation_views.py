"""Curation and the sources desk: editors' decisions the algorithm never undoes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from livenews.articles.models import Article
from livenews.newsroom import audit
from livenews.newsroom.access import newsroom_view
from livenews.sources.actions import SourceError, add_source
from livenews.sources.models import Source
from livenews.stories import actions as story_actions
from livenews.stories.models import Story


@newsroom_view("curate")
def stories(request: HttpRequest) -> HttpResponse:
    open_stories = (
        Story.objects.filter(merged_into__isnull=True)
        .exclude(status="closed")
        .order_by("-pinned", "-updated_at")[:100]
    )
    return render(request, "newsroom/stories.html", {"stories": open_stories})


@newsroom_view("curate")
def story(request: HttpRequest, story_id: int) -> HttpResponse:
    item = get_object_or_404(Story, pk=story_id)
    articles = item.articles.select_related("source").order_by("-published_at")
    # A story already covered live links to its running blog instead of "Go live".
    running = item.liveblogs.filter(status="live").first()
    return render(
        request,
        "newsroom/story.html",
        {"story": item, "articles": articles, "running_liveblog": running},
    )


@require_POST
@newsroom_view("curate")
def set_headline(request: HttpRequest, story_id: int) -> HttpResponse:
    item = get_object_or_404(Story, pk=story_id)
    story_actions.set_editor_headline(item, request.POST.get("headline", ""))
    audit.record(request, "story.headline", item, item.editor_headline)
    return redirect("newsroom:story", item.pk)


@require_POST
@newsroom_view("curate")
def set_pinned(request: HttpRequest, story_id: int) -> HttpResponse:
    item = get_object_or_404(Story, pk=story_id)
    pinned = request.POST.get("pinned") == "1"
    story_actions.set_pinned(item, pinned)
    audit.record(request, "story.pin" if pinned else "story.unpin", item)
    return redirect("newsroom:story", item.pk)


@require_POST
@newsroom_view("curate")
def set_boost(request: HttpRequest, story_id: int) -> HttpResponse:
    item = get_object_or_404(Story, pk=story_id)
    try:
        story_actions.set_boost(item, float(request.POST.get("boost", "")))
    except ValueError:
        messages.error(request, "The boost is a number, e.g. 1 or -0.5.")
        return redirect("newsroom:story", item.pk)
    audit.record(request, "story.boost", item, f"{item.boost:g}")
    return redirect("newsroom:story", item.pk)


@require_POST
@newsroom_view("curate")
def set_summary(request: HttpRequest, story_id: int) -> HttpResponse:
    item = get_object_or_404(Story, pk=story_id)
    story_actions.set_editor_summary(item, request.POST.get("summary", ""))
    audit.record(request, "story.summary", item, item.summary[:200])
    return redirect("newsroom:story", item.pk)


@require_POST
@newsroom_view("curate")
def merge(request: HttpRequest, story_id: int) -> HttpResponse:
    gone = get_object_or_404(Story, pk=story_id)
    raw = request.POST.get("into", "")
    keep = Story.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if keep is None or keep.pk == gone.pk:
        messages.error(request, "Give the number of another story to merge into.")
        return redirect("newsroom:story", gone.pk)
    story_actions.merge_stories(keep, gone)
    audit.record(request, "story.merge", keep, f"merged story {gone.pk}")
    return redirect("newsroom:story", keep.pk)


@require_POST
@newsroom_view("curate")
def split(request: HttpRequest, story_id: int) -> HttpResponse:
    item = get_object_or_404(Story, pk=story_id)
    ids = [int(v) for v in request.POST.getlist("article") if v.isdigit()]
    try:
        new = story_actions.split_story(item, ids)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("newsroom:story", item.pk)
    audit.record(request, "story.split", new, f"split from story {item.pk}")
    return redirect("newsroom:story", new.pk)


@require_POST
@newsroom_view("curate")
def hide_article(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    hidden = request.POST.get("hidden") == "1"
    story_actions.set_article_hidden(article, hidden)
    audit.record(request, "article.hide" if hidden else "article.show", article)
    return (
        redirect("newsroom:story", article.story_id)
        if article.story_id
        else redirect("newsroom:stories")
    )


@newsroom_view("manage_sources")
def sources(request: HttpRequest) -> HttpResponse:
    rows = Source.objects.order_by("-consecutive_failures", "-stalled", "name")
    return render(request, "newsroom/sources.html", {"sources": rows})


@require_POST
@newsroom_view("manage_sources")
def add(request: HttpRequest) -> HttpResponse:
    try:
        source = add_source(
            request.POST.get("url", ""), section=request.POST.get("section", "")
        )
    except SourceError as exc:
        messages.error(request, str(exc))
    else:
        audit.record(request, "source.add", source, source.url)
        messages.success(
            request,
            f"Added {source.url}; a page is checked for its feed on the first fetch.",
        )
    return redirect("newsroom:sources")


@require_POST
@newsroom_view("manage_sources")
def pause(request: HttpRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=source_id)
    source.paused = request.POST.get("paused") == "1"
    if not source.paused:
        source.next_poll_at = None  # poll again now
    source.save(update_fields=["paused", "next_poll_at"])
    audit.record(request, "source.pause" if source.paused else "source.resume", source)
    return redirect("newsroom:sources")


@require_POST
@newsroom_view("manage_sources")
def hide_source(request: HttpRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=source_id)
    source.paused = True
    source.save(update_fields=["paused"])
    for article in source.articles.filter(hidden=False):
        story_actions.set_article_hidden(article, True)
    audit.record(request, "source.hide", source, source.url)
    return redirect("newsroom:sources")
