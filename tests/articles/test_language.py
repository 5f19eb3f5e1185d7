# ruff: noqa: RUF001  (news texts in other scripts, on purpose)
"""Language: declared by the feed where it says so, else detected (lingua)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from livenews.articles.language import (
    LANGUAGES,
    agreed_language,
    detect_language,
    primary_subtag,
)
from livenews.articles.normalize import normalize_entry
from livenews.sources.parsers import ParsedEntry, parse_feed

FETCHED = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LEADS = {
    "en": "Dockers at the port stopped the cranes on Tuesday as the strike spread "
    "to the state factories, union leaders said.",
    "fr": "Les dockers du port ont arrêté les grues mardi, alors que la grève "
    "s'étendait aux usines d'État, selon les syndicats.",
    "de": "Die Hafenarbeiter stoppten am Dienstag die Kräne, während sich der "
    "Streik auf die staatlichen Fabriken ausweitete.",
    "es": "Los estibadores del puerto detuvieron las grúas el martes mientras la "
    "huelga se extendía a las fábricas estatales.",
    "ru": "Портовые рабочие во вторник остановили краны, забастовка "
    "распространилась на государственные заводы.",
    "uk": "Портові робітники у вівторок зупинили крани, страйк поширився на "
    "державні заводи, повідомили профспілки.",
    "zh": "港口工人周二停止了起重机的工作，罢工蔓延到国有工厂。",
    "ar": "أوقف عمال الميناء الرافعات يوم الثلاثاء مع امتداد الإضراب إلى مصانع الدولة.",
}


@pytest.mark.parametrize("code", sorted(LEADS))
def test_a_news_lead_is_detected_in_its_language(code):
    assert code in LANGUAGES
    assert detect_language(LEADS[code]) == code


def test_no_text_is_no_language():
    assert detect_language("") == ""
    assert detect_language("   ") == ""


@pytest.mark.parametrize(
    ("tag", "code"),
    [("en-US", "en"), ("fr", "fr"), ("zh_TW", "zh"), (" PT-br ", "pt"), ("12", "")],
)
def test_a_declared_tag_gives_its_primary_language(tag, code):
    assert primary_subtag(tag) == code


def entry(text: str) -> ParsedEntry:
    return ParsedEntry(guid="g", url="https://e.example/1", title="", summary_html=text)


def test_normalize_detects_the_language_of_an_undeclared_entry():
    item = normalize_entry(entry(LEADS["es"]), FETCHED)
    assert item is not None and item.language == "es"


def test_the_feeds_declared_language_wins_over_detection():
    item = normalize_entry(entry(LEADS["es"]), FETCHED, feed_language="ca-ES")
    assert item is not None and item.language == "ca"


@pytest.mark.parametrize(
    ("body", "declared"),
    [
        (
            b"<rss version='2.0'><channel><title>t</title><language>fr-FR</language>"
            b"</channel></rss>",
            "fr-FR",
        ),
        (
            b"<feed xmlns='http://www.w3.org/2005/Atom' xml:lang='de'>"
            b"<title>t</title></feed>",
            "de",
        ),
        (
            b"<rss version='0.91'><channel><title>t</title><language>it</language>"
            b"</channel></rss>",  # feedparser's path
            "it",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "title": "t",'
            b' "language": "pt-BR", "items": []}',
            "pt-BR",
        ),
    ],
)
def test_feeds_declare_their_language(body, declared):
    assert parse_feed(body).language == declared


@pytest.mark.parametrize(
    ("detected", "agreed"),
    [
        (["en", "en", "en"], "en"),
        (["en", "en", "en", "fr"], "en"),  # decided on the first three
        (["en", "en"], ""),  # too few yet
        (["en", "fr", "en"], ""),
        (["", "", ""], ""),
    ],
)
def test_a_feeds_language_is_agreed_by_its_first_three_entries(detected, agreed):
    assert agreed_language(detected) == agreed
