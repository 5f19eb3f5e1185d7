"""Sitemaps: an index, one sitemap per day, a Google News sitemap, robots.txt.

Django's sitemaps framework pages by count and has no news extension, so the
XML is written here: per-day files keep each one small and stable (a past
day's sitemap changes only when its articles do, so crawlers get 304s), and
the news sitemap follows Google's rules: articles of the last 48 hours, at
most 1,000, each with its publication's name and language, title and date.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Max, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest, HttpResponse

from livenews.articles.models import Article
from livenews.core.cachekeys import mark_cacheable
from livenews.core.timeutil import now
from livenews.syndication.conditional import finish

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NEWS_WINDOW = timedelta(hours=48)
NEWS_MAX_URLS = 1000  # Google News sitemap limit
DAY_MAX_URLS = 50_000  # sitemaps.org limit per file
XML_TYPE = "application/xml; charset=utf-8"

ET.register_namespace("", SITEMAP_NS)
ET.register_namespace("news", NEWS_NS)


def _visible_articles() -> QuerySet[Article]:
    return Article.objects.filter(hidden=False, duplicate_of__isnull=True)


def _xml_response(
    request: HttpRequest, root: ET.Element, last_modified: datetime | None
) -> HttpResponse:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    response = HttpResponse(body, content_type=XML_TYPE)
    mark_cacheable(response, "front")
    return finish(
        request, response, last_modified, int(settings.LIVENEWS["FEED_MAX_AGE"])
    )


def _sub(parent: ET.Element, tag: str, text: str, ns: str = SITEMAP_NS) -> None:
    ET.SubElement(parent, f"{{{ns}}}{tag}").text = text


def _w3c(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def last_change(article: Article) -> datetime:
    """Return when the article last changed: its correction, else publication."""
    return max(article.updated_at or article.published_at, article.published_at)


def news_language(code: str) -> str:
    """Return the ISO 639 code Google News wants (``zh-cn``/``zh-tw`` kept whole)."""
    code = (code or str(settings.LIVENEWS["SITE_LANGUAGE"])).strip().lower()
    code = code.replace("_", "-")
    if code in ("zh-cn", "zh-tw"):
        return code
    base = code.split("-", 1)[0]
    return base if 2 <= len(base) <= 3 and base.isalpha() else "en"


def sitemap_index(request: HttpRequest) -> HttpResponse:
    """List the news sitemap and one sitemap per day that has articles."""
    days = (
        _visible_articles()
        .annotate(day=TruncDate("published_at", tzinfo=UTC))
        .values("day")
        .annotate(newest=Max("published_at"))
        .order_by("-day")
    )
    root = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
    news = ET.SubElement(root, f"{{{SITEMAP_NS}}}sitemap")
    _sub(news, "loc", request.build_absolute_uri("/sitemaps/news.xml"))
    newest_of_all: datetime | None = None
    for row in days:
        day: date = row["day"]
        entry = ET.SubElement(root, f"{{{SITEMAP_NS}}}sitemap")
        _sub(entry, "loc", request.build_absolute_uri(f"/sitemaps/day/{day}.xml"))
        _sub(entry, "lastmod", _w3c(row["newest"]))
        newest_of_all = max(filter(None, (newest_of_all, row["newest"])))
    if newest_of_all is not None:
        _sub(news, "lastmod", _w3c(newest_of_all))
    return _xml_response(request, root, newest_of_all)


def day_sitemap(request: HttpRequest, year: int, month: int, day: int) -> HttpResponse:
    """List the article pages published on one UTC day."""
    try:
        start = datetime.combine(date(year, month, day), time(0), tzinfo=UTC)
    except ValueError as exc:
        raise Http404("no such day") from exc
    articles = list(
        _visible_articles()
        .filter(published_at__gte=start, published_at__lt=start + timedelta(days=1))
        .order_by("published_at", "id")
        .only("id", "published_at", "updated_at")[:DAY_MAX_URLS]
    )
    if not articles:
        raise Http404("no articles that day")
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for article in articles:
        url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        _sub(url, "loc", request.build_absolute_uri(article.get_absolute_url()))
        _sub(url, "lastmod", _w3c(last_change(article)))
    return _xml_response(request, root, max(last_change(a) for a in articles))


def list_news_articles(moment: datetime) -> list[Article]:
    """Return the articles a Google News sitemap may list at ``moment``."""
    return list(
        _visible_articles()
        .filter(published_at__gt=moment - NEWS_WINDOW, published_at__lte=moment)
        .only("id", "title", "language", "published_at")
        .order_by("-published_at", "-id")[:NEWS_MAX_URLS]
    )


def news_sitemap(request: HttpRequest) -> HttpResponse:
    """List the last 48 hours' articles with Google News tags."""
    articles = list_news_articles(now())
    name = str(settings.LIVENEWS["SITE_NAME"])
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for article in articles:
        url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        _sub(url, "loc", request.build_absolute_uri(article.get_absolute_url()))
        news = ET.SubElement(url, f"{{{NEWS_NS}}}news")
        publication = ET.SubElement(news, f"{{{NEWS_NS}}}publication")
        _sub(publication, "name", name, NEWS_NS)
        _sub(publication, "language", news_language(article.language), NEWS_NS)
        _sub(news, "publication_date", _w3c(article.published_at), NEWS_NS)
        _sub(news, "title", article.title, NEWS_NS)
    newest = articles[0].published_at if articles else None
    return _xml_response(request, root, newest)


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Allow crawling, keep crawlers out of the back office, name the sitemaps."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /live/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        f"Sitemap: {request.build_absolute_uri('/sitemaps/news.xml')}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    mark_cacheable(response, "robots")
    return finish(request, response, None, 3600)
