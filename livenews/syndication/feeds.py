"""RSS 2.0 and Atom 1.0 out of a FeedChannel, on Django's syndication framework.

Django's generators do the XML; these subclasses add the full sanitized body
(``content:encoded`` in RSS, ``<content type="html">`` in Atom) and give an
empty feed a fixed date instead of "now", so its bytes, and so its ETag, do
not change from one request to the next.
"""

from __future__ import annotations

import mimetypes
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed

from livenews.syndication import websub
from livenews.syndication.channels import FeedChannel, FeedItem, site_name, tag_uri

# The date an empty feed reports: any fixed value keeps its ETag stable.
EMPTY_FEED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


class _FixedDateMixin:
    items: list[dict[str, Any]]

    def latest_post_date(self) -> datetime:
        if not self.items:
            return EMPTY_FEED_DATE
        latest: datetime = super().latest_post_date()  # type: ignore[misc]
        return latest


class RssFeedWithContent(_FixedDateMixin, Rss201rev2Feed):
    feed: dict[str, Any]

    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS}

    def add_root_elements(self, handler: Any) -> None:
        super().add_root_elements(handler)
        if self.feed.get("hub"):
            handler.addQuickElement(
                "atom:link", None, {"rel": "hub", "href": self.feed["hub"]}
            )

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class AtomFeedWithContent(_FixedDateMixin, Atom1Feed):
    feed: dict[str, Any]

    def add_root_elements(self, handler: Any) -> None:
        super().add_root_elements(handler)
        if self.feed.get("hub"):
            handler.addQuickElement(
                "link", "", {"rel": "hub", "href": self.feed["hub"]}
            )

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


def image_type(url: str) -> str:
    """Guess an image's MIME type from its address (JPEG when it says nothing)."""
    guessed, _ = mimetypes.guess_type(url.split("?", 1)[0])
    return guessed if guessed and guessed.startswith("image/") else "image/jpeg"


def feed_path(channel: FeedChannel, extension: str) -> str:
    """Return the site path of ``channel``'s feed in one format."""
    path = f"/feeds/{channel.slug}.{extension}"
    if channel.query:
        path += "?" + urlencode({"q": channel.query})
    return path


class ChannelFeed(Feed):  # type: ignore[type-arg]
    """Render the FeedChannel passed as ``channel`` in ``feed_type``'s format."""

    def __init__(self, feed_type: type[Rss201rev2Feed] | type[Atom1Feed]) -> None:
        self.feed_type = feed_type
        self.extension = "atom" if feed_type is AtomFeedWithContent else "rss"

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.host = request.get_host().split(":", 1)[0]
        return kwargs["channel"]

    def title(self, obj: FeedChannel) -> str:
        return obj.title

    def link(self, obj: FeedChannel) -> str:
        return obj.link

    def description(self, obj: FeedChannel) -> str:
        return obj.description

    def subtitle(self, obj: FeedChannel) -> str:
        return obj.description

    def feed_url(self, obj: FeedChannel) -> str:
        return feed_path(obj, self.extension)

    def feed_guid(self, obj: FeedChannel) -> str:
        query = f"?q={quote(obj.query)}" if obj.query else ""
        return f"tag:{self.host},2026:feed:{obj.slug}{query}"

    def author_name(self, obj: FeedChannel) -> str:
        return site_name()  # Atom needs an author for entries that name none

    def items(self, obj: FeedChannel) -> list[FeedItem]:
        return obj.items

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_description(self, item: FeedItem) -> str:
        return item.summary or item.content_html

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_guid(self, item: FeedItem) -> str:
        return tag_uri(self.host, item)

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedItem) -> datetime:
        return item.published

    def item_updateddate(self, item: FeedItem) -> datetime:
        return item.updated

    def item_author_name(self, item: FeedItem) -> str | None:
        return ", ".join(item.authors) or None

    def item_categories(self, item: FeedItem) -> list[str]:
        return item.categories

    def item_enclosures(self, item: FeedItem) -> list[Enclosure]:
        # The length is unknown without fetching the image; "0" is the
        # convention RSS readers accept for that.
        if not item.image:
            return []
        return [Enclosure(item.image, "0", image_type(item.image))]

    def feed_extra_kwargs(self, obj: FeedChannel) -> dict[str, Any]:
        return {"hub": websub.hub_url() if websub.is_enabled() else ""}

    def item_extra_kwargs(self, item: FeedItem) -> dict[str, Any]:
        return {"content_html": item.content_html}
