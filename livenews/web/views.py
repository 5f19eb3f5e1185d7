"""Public pages: front, section, story, article, topic, source, about, errors."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils.translation import gettext as _

from livenews.articles.models import Article
from livenews.articles.sections import SECTIONS, is_section_slug
from livenews.core.timeutil import now
from livenews.sources.models import Source
from livenews.sources.queries import list_sources
from livenews.stories.lifecycle import VELOCITY_WINDOW
from livenews.stories.models import Story, Topic
from livenews.web import queries
from livenews.web.cachekeys import cache_with
from livenews.web.jsonld import json_ld
from livenews.web.pagemeta import PageMeta, absolute_url, page_context
from livenews.web.sectionnames import is_standard, section_label
from livenews.web.sourcehealth import describe_health

TOP_STORIES = 20


def _with_live_badges(stories: list[Story]) -> list[Story]:
    """Set ``live_blog_id`` on each story (None unless a live blog is live)."""
    live = queries.get_live_blogs_by_story([s.pk for s in stories])
    for story in stories:
        story.live_blog_id = live.get(story.pk)  # type: ignore[attr-defined]
    return stories


def front_page(request: HttpRequest) -> HttpResponse:
    ranked = queries.rank_open_stories()
    top_ids = [r.pk for r in ranked[:TOP_STORIES]]
    section_ids = queries.group_by_section(ranked[TOP_STORIES:], list(SECTIONS))
    shown = queries.get_story_cards(
        top_ids + [pk for _slug, ids in section_ids for pk in ids]
    )
    by_id = {story.pk: story for story in _with_live_badges(shown)}
    top = [by_id[pk] for pk in top_ids if pk in by_id]
    sections = [
        (slug, [by_id[pk] for pk in ids if pk in by_id]) for slug, ids in section_ids
    ]
    latest = queries.list_latest_articles()
    context = {
        "stories": top,
        "sections": sections,
        "latest": latest,
        "source_summary": None if latest else queries.get_source_summary(),
        "channels": "front",
        **page_context(
            request,
            PageMeta(
                title=_("Top stories"),
                description=_(
                    "Live news from many sources, grouped into stories and "
                    "updated as it happens."
                ),
                image=next((s.lead_image_url for s in top if s.lead_image_url), ""),
            ),
        ),
    }
    return cache_with(render(request, "web/front.html", context), "front")


def section_page(request: HttpRequest, slug: str) -> HttpResponse:
    if not is_section_slug(slug) or not (
        is_standard(slug) or queries.has_section(slug)
    ):
        raise Http404("no such section")
    name = section_label(slug)
    ranked = queries.rank_open_stories(section=slug)[:30]
    stories = _with_live_badges(queries.get_story_cards([r.pk for r in ranked]))
    context = {
        "section": slug,
        "section_name": name,
        "stories": stories,
        "latest": queries.list_section_latest(slug),
        "channels": f"section:{slug}",
        **page_context(
            request,
            PageMeta(
                title=name,
                description=_("The latest %(section)s news, from many sources.")
                % {"section": name},
                trail=[(_("Top stories"), "/"), (name, request.path)],
            ),
        ),
    }
    page = render(request, "web/section.html", context)
    # A story that leaves the section carries only its own key: list it too.
    keys = [f"section:{slug}", *(f"story:{s.pk}" for s in stories)]
    return cache_with(page, *keys)


def _story_trail(story: Story) -> list[tuple[str, str]]:
    trail = [(_("Top stories"), "/")]
    if story.section:
        trail.append((section_label(story.section), f"/section/{story.section}/"))
    trail.append((story.display_headline, story.get_absolute_url()))
    return trail


def settled_pace(story: Story) -> float | None:
    """Return the story's articles per hour once it is older than the window
    the pace counts over: before that, its first minutes' articles divided by
    six hours read as a slow story ("0.8 articles/hour" for five in a minute)."""
    if story.velocity and now() - story.first_seen_at >= VELOCITY_WINDOW:
        return story.velocity
    return None


def story_page(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(
        Story.objects.select_related("headline_article"), pk=story_id
    )
    if story.merged_into_id is not None:
        return redirect("web:story", story_id=story.merged_into_id)
    timeline = queries.list_story_timeline(story)
    lead = story.headline_article
    context = {
        "story": story,
        "lead": lead if lead is not None and not lead.hidden else None,
        "timeline": timeline,
        "pace": settled_pace(story),
        "topics": list(story.topics.all()),
        "liveblog": queries.get_story_liveblog(story),
        "channels": f"story:{story.pk}",
        **page_context(
            request,
            PageMeta(
                title=story.display_headline,
                description=story.summary,
                image=story.lead_image_url,
                kind="article",
                trail=_story_trail(story),
                published=story.first_seen_at.isoformat(),
                modified=story.updated_at.isoformat(),
            ),
        ),
    }
    return cache_with(render(request, "web/story.html", context), f"story:{story.pk}")


def topic_page(request: HttpRequest, slug: str) -> HttpResponse:
    # Not marked for the page cache: no event names a topic yet.
    topic = get_object_or_404(Topic, slug=slug)
    stories = _with_live_badges(queries.list_topic_stories(topic))
    context = {
        "topic": topic,
        "stories": stories,
        **page_context(
            request,
            PageMeta(
                title=topic.name,
                description=_("Stories about %(topic)s, from many sources.")
                % {"topic": topic.name},
                trail=[(_("Top stories"), "/"), (topic.name, request.path)],
            ),
        ),
    }
    return render(request, "web/topic.html", context)


def article_structured_data(request: HttpRequest, article: Article) -> str:
    """Return the article's JSON-LD ``NewsArticle`` (``dateModified`` moves with
    corrections)."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "datePublished": article.published_at.isoformat(),
        "dateModified": (article.updated_at or article.published_at).isoformat(),
        "mainEntityOfPage": absolute_url(request, article.get_absolute_url()),
        "publisher": {"@type": "Organization", "name": str(article.source)},
    }
    if article.language:
        data["inLanguage"] = article.language
    if article.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if article.lead_image_url:
        data["image"] = [article.lead_image_url]
    if article.url:
        data["isBasedOn"] = article.url
    return json_ld(data)


def _article_trail(article: Article) -> list[tuple[str, str]]:
    story = article.story
    trail = _story_trail(story)[:-1] if story else [(_("Top stories"), "/")]
    if story is not None:
        trail.append((story.display_headline, story.get_absolute_url()))
    trail.append((article.title, article.get_absolute_url()))
    return trail


def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.select_related("source", "story"), pk=article_id, hidden=False
    )
    keys = [f"article:{article.pk}"]
    if article.story_id:
        keys.append(f"story:{article.story_id}")
    context = {
        "article": article,
        "channels": f"article:{article.pk}",
        "corrections": queries.list_corrections(article),
        "structured_data": article_structured_data(request, article),
        **page_context(
            request,
            PageMeta(
                title=article.title,
                description=article.summary or article.body_text,
                image=article.lead_image_url,
                kind="article",
                trail=_article_trail(article),
                published=article.published_at.isoformat(),
                modified=(article.updated_at or article.published_at).isoformat(),
            ),
        ),
    }
    return cache_with(render(request, "web/article.html", context), *keys)


def source_page(request: HttpRequest, source_id: int) -> HttpResponse:
    # Not marked for the page cache: a source's health changes without an event.
    source = get_object_or_404(Source, pk=source_id)
    context = {
        "source": source,
        "health": describe_health(source),
        "articles": queries.list_source_articles(source),
        **page_context(
            request,
            PageMeta(
                title=str(source),
                description=_("The latest from %(source)s, and its health.")
                % {"source": str(source)},
                trail=[(_("Sources"), "/sources/"), (str(source), request.path)],
            ),
        ),
    }
    return render(request, "web/source.html", context)


def sources_page(request: HttpRequest) -> HttpResponse:
    context = {
        "sources": list(list_sources()),
        **page_context(request, PageMeta(title=_("Sources"))),
    }
    return cache_with(render(request, "web/sources.html", context), "sources")


def about_page(request: HttpRequest) -> HttpResponse:
    meta = PageMeta(
        title=_("About"),
        description=_("How this site gathers, groups and shows the news."),
    )
    context = page_context(request, meta)
    return cache_with(render(request, "web/about.html", context), "about")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = page_context(request, PageMeta(title=_("Page not found")))
    return render(request, "web/404.html", context, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render the 500 page from its template alone: no database, no context
    processors, nothing that may be what failed."""
    page = loader.get_template("web/500.html").render({})
    return HttpResponseServerError(page)
