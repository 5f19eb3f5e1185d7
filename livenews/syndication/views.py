"""Feed endpoints: one view per thing a feed follows, each in three formats."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404

from livenews.articles.models import Article
from livenews.articles.sections import SECTIONS, is_section_slug
from livenews.core.cachekeys import mark_cacheable
from livenews.live.models import LiveBlog
from livenews.stories.models import Story, Topic
from livenews.syndication import channels
from livenews.syndication.conditional import finish
from livenews.syndication.feeds import (
    AtomFeedWithContent,
    ChannelFeed,
    RssFeedWithContent,
)
from livenews.syndication.jsonfeed import render_json_feed

FORMATS = ("rss", "atom", "json")


def max_age() -> int:
    return int(settings.LIVENEWS["FEED_MAX_AGE"])


def render_channel(
    request: HttpRequest, channel: channels.FeedChannel, fmt: str
) -> HttpResponse:
    """Answer with ``channel`` in ``fmt`` (rss, atom or json), with validators."""
    response: HttpResponse
    if fmt == "json":
        response = render_json_feed(request, channel)
    else:
        kind = AtomFeedWithContent if fmt == "atom" else RssFeedWithContent
        response = ChannelFeed(kind)(request, channel=channel)
        response["Content-Type"] = (
            "application/atom+xml; charset=utf-8"
            if fmt == "atom"
            else "application/rss+xml; charset=utf-8"
        )
    mark_cacheable(response, *channel.cache_keys)
    return finish(request, response, channel.updated, max_age())


def front_feed(request: HttpRequest, fmt: str) -> HttpResponse:
    return render_channel(request, channels.front_channel(), fmt)


def story_feed(request: HttpRequest, story_id: int, fmt: str) -> HttpResponse:
    story = get_object_or_404(Story, pk=story_id)
    if story.merged_into_id is not None:
        target = f"/feeds/story/{story.merged_into_id}.{fmt}"
        return HttpResponseRedirect(target, status=301)
    return render_channel(request, channels.story_channel(story), fmt)


def liveblog_feed(request: HttpRequest, liveblog_id: int, fmt: str) -> HttpResponse:
    liveblog = get_object_or_404(LiveBlog, pk=liveblog_id)
    return render_channel(request, channels.liveblog_channel(liveblog), fmt)


def topic_feed(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    return render_channel(request, channels.topic_channel(topic), fmt)


def section_feed(request: HttpRequest, section: str, fmt: str) -> HttpResponse:
    if not is_section_slug(section) or not (
        section in SECTIONS or Article.objects.filter(section=section).exists()
    ):
        raise Http404("no such section")
    return render_channel(request, channels.section_channel(section), fmt)


def search_feed(request: HttpRequest, fmt: str) -> HttpResponse:
    channel = channels.search_channel(request.GET.get("q", ""))
    return render_channel(request, channel, fmt)
