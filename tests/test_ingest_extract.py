"""`livenews extract URL|FILE.html`: what full-text extraction makes of a page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livenews.articles.extract import extract_page

PAGE = Path(__file__).parent / "data" / "pages" / "strike.html"


def test_extraction_keeps_the_article_and_drops_the_chrome():
    page = extract_page(PAGE.read_text(), "https://times.example.org/a")

    assert page.title == "Dockers strike at Port Mirel for a third day"
    assert page.authors == ("Ana Ruiz",)
    assert page.date.startswith("2026-11-27")
    assert page.language == "en"
    assert page.lead_image == "https://times.example.org/img/cranes.jpg"
    assert "halting the unloading of twelve ships" in page.body_text
    assert "perishable cargo" in page.body_text
    for chrome in ("Ten recipes", "All rights reserved", "trackEverything"):
        assert chrome not in page.body_text


def test_a_page_without_an_article_gives_empty_fields():
    page = extract_page("<html><body></body></html>")
    assert page.body_text == ""
    assert page.authors == ()


@pytest.mark.django_db(transaction=True)
def test_extract_command_reads_a_file_and_a_url(cli, feed_server):
    from_file = cli("extract", str(PAGE))
    url = feed_server.serve(
        "/story.html", PAGE.read_bytes(), content_type="text/html; charset=utf-8"
    )
    from_url = cli("extract", url)

    assert from_file.returncode == 0, from_file.stderr
    assert from_url.returncode == 0, from_url.stderr
    by_file, by_url = json.loads(from_file.stdout), json.loads(from_url.stdout)
    assert by_file["title"] == by_url["title"]
    assert by_file["authors"] == ["Ana Ruiz"]
    assert "twelve ships" in by_url["body_text"]
    # rel=canonical wins over the address it was fetched from
    assert by_url["url"] == "https://times.example.org/2026/11/27/dockers-strike"
    assert set(by_file) == {
        "url",
        "title",
        "authors",
        "date",
        "language",
        "lead_image",
        "body_text",
    }


@pytest.mark.django_db(transaction=True)
def test_extract_command_fails_with_one_clear_line(cli, feed_server):
    missing = cli("extract", "no-such-page.html")
    gone = cli("extract", feed_server.url("/gone.html"))

    assert missing.returncode != 0
    assert missing.stderr.strip().endswith(
        "no such file or web address: no-such-page.html"
    )
    assert gone.returncode != 0
    assert len(gone.stderr.strip().splitlines()) == 1
    assert "HTTP 404 Not Found" in gone.stderr
