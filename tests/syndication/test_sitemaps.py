"""Sitemaps: index, per-day files, the Google News sitemap, robots.txt.

The XSDs in tests/data/xsd were written for these tests from the protocols'
rules (see their headers); the 48-hour window is checked here, as it depends
on the clock.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import xmlschema

from livenews.core.timeutil import now

pytestmark = pytest.mark.django_db

XSD = Path(__file__).resolve().parents[1] / "data" / "xsd"
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "n": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture(scope="module")
def sitemap_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD / "sitemap.xsd"))


def test_the_schemas_refuse_what_google_news_refuses(sitemap_schema):
    def news(language: str, title: str) -> str:
        return (
            f'<urlset xmlns="{NS["s"]}" xmlns:news="{NS["n"]}"><url>'
            "<loc>https://example.org/a/</loc><news:news><news:publication>"
            f"<news:name>x</news:name><news:language>{language}</news:language>"
            "</news:publication>"
            "<news:publication_date>2026-11-28T10:00:00+00:00</news:publication_date>"
            f"<news:title>{title}</news:title></news:news></url></urlset>"
        )

    assert sitemap_schema.is_valid(news("en", "A title"))
    assert not sitemap_schema.is_valid(news("english", "A title"))
    assert not sitemap_schema.is_valid(news("en", " "))


def test_news_sitemap_lists_only_the_last_48_hours_and_validates(
    client, newsroom, sitemap_schema
):
    started = now()
    response = client.get("/sitemaps/news.xml")

    assert response.status_code == 200
    sitemap_schema.validate(response.content)
    root = ET.fromstring(response.content)
    urls = root.findall("s:url", NS)
    locs = [u.findtext("s:loc", namespaces=NS) for u in urls]
    inside = newsroom.articles  # 1 h, 2 h and 47 h old; hidden and 50 h ones left out
    assert locs == [f"http://testserver/article/{a.pk}/" for a in inside]
    for url in urls:
        published = datetime.fromisoformat(
            url.findtext("n:news/n:publication_date", namespaces=NS)
        )
        assert started - timedelta(hours=48) < published <= started
        assert url.findtext("n:news/n:publication/n:name", namespaces=NS) == "livenews"
        assert url.findtext("n:news/n:title", namespaces=NS).startswith("Dockers")
    languages = [
        u.findtext("n:news/n:publication/n:language", namespaces=NS) for u in urls
    ]
    assert languages == ["en", "de", "en"]


def test_empty_news_sitemap_still_validates(client, db, sitemap_schema):
    sitemap_schema.validate(client.get("/sitemaps/news.xml").content)


def test_index_lists_the_news_sitemap_and_one_sitemap_per_day(
    client, newsroom, sitemap_schema
):
    response = client.get("/sitemap.xml")
    sitemap_schema.validate(response.content)
    locs = [
        e.text for e in ET.fromstring(response.content).findall("s:sitemap/s:loc", NS)
    ]
    published = [a.published_at for a in [*newsroom.articles, newsroom.old_article]]
    days = sorted({p.date().isoformat() for p in published}, reverse=True)
    assert locs == [
        "http://testserver/sitemaps/news.xml",
        *[f"http://testserver/sitemaps/day/{day}.xml" for day in days],
    ]


def test_day_sitemap_lists_that_days_articles(client, newsroom, sitemap_schema):
    article = newsroom.old_article
    day = article.published_at.date().isoformat()
    response = client.get(f"/sitemaps/day/{day}.xml")
    sitemap_schema.validate(response.content)
    locs = [e.text for e in ET.fromstring(response.content).findall("s:url/s:loc", NS)]
    assert f"http://testserver/article/{article.pk}/" in locs
    assert f"http://testserver/article/{newsroom.hidden_article.pk}/" not in locs
    assert client.get("/sitemaps/day/1999-01-01.xml").status_code == 404
    assert client.get("/sitemaps/day/2026-02-30.xml").status_code == 404


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemaps/news.xml", "/robots.txt"])
def test_sitemaps_answer_conditional_requests(client, newsroom, url):
    first = client.get(url)
    assert first["ETag"] and first["Cache-Control"].startswith("public")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_robots_txt_names_the_sitemaps(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/sitemaps/news.xml" in text
    assert "Disallow: /admin/" in text
