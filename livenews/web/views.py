"""Public pages: front, story, article, source health."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from livenews.articles.models import Article
from livenews.sources.queries import list_sources
from livenews.stories.models import Story, Topic
from livenews.web import queries
from livenews.web.cachekeys import cache_with
from livenews.web.jsonld import json_ld


def front_page(request: HttpRequest) -> HttpResponse:
    stories = queries.list_front_stories()
    latest = queries.list_latest_articles()
    context = {
        "stories": stories,
        "latest": latest,
        "source_summary": None if latest else queries.get_source_summary(),
        "channels": "front",
    }
    return cache_with(render(request, "web/front.html", context), "front")


def story_page(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=story_id)
    if story.merged_into_id is not None:
        return redirect("web:story", story_id=story.merged_into_id)
    articles = list(queries.list_story_articles(story))
    context = {
        "story": story,
        "articles": articles,
        "topics": list(story.topics.all()),
        "channels": f"story:{story.pk}",
    }
    return cache_with(render(request, "web/story.html", context), f"story:{story.pk}")


def topic_page(request: HttpRequest, slug: str) -> HttpResponse:
    # Not marked for the page cache: no event names a topic yet.
    topic = get_object_or_404(Topic, slug=slug)
    stories = queries.list_topic_stories(topic)
    return render(request, "web/topic.html", {"topic": topic, "stories": stories})


def article_structured_data(request: HttpRequest, article: Article) -> str:
    """Return the article's JSON-LD ``NewsArticle`` (``dateModified`` moves with
    corrections)."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "datePublished": article.published_at.isoformat(),
        "dateModified": (article.updated_at or article.published_at).isoformat(),
        "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
        "publisher": {"@type": "Organization", "name": str(article.source)},
    }
    if article.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if article.lead_image_url:
        data["image"] = [article.lead_image_url]
    if article.url:
        data["isBasedOn"] = article.url
    return json_ld(data)


def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.select_related("source", "story"), pk=article_id, hidden=False
    )
    keys = [f"article:{article.pk}"]
    if article.story_id:
        keys.append(f"story:{article.story_id}")
    context = {
        "article": article,
        "corrections": queries.list_corrections(article),
        "structured_data": article_structured_data(request, article),
    }
    return cache_with(render(request, "web/article.html", context), *keys)


def sources_page(request: HttpRequest) -> HttpResponse:
    page = render(request, "web/sources.html", {"sources": list(list_sources())})
    return cache_with(page, "sources")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)
