"""keep_first_entries and the entity guard: caps applied before feedparser reads."""

from __future__ import annotations

import pytest

from livenews.sources.parsers import NotAFeed, keep_first_entries, parse_feed


def rss_with(count: int) -> bytes:
    items = "".join(
        f'<item><title>t{n}</title><guid isPermaLink="false">g{n}</guid></item>'
        for n in range(count)
    )
    return (
        f'<rss version="2.0"><channel><title>Feed</title>{items}'
        "<link>https://e.org/</link></channel></rss>"
    ).encode()


def atom_with(count: int) -> bytes:
    entries = "".join(
        f"<entry><id>g{n}</id><title>t{n}</title></entry>" for n in range(count)
    )
    return (
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Feed</title>{entries}</feed>'
    ).encode()


@pytest.mark.parametrize("render", [rss_with, atom_with], ids=["rss", "atom"])
def test_only_the_first_entries_are_parsed(render):
    feed = parse_feed(render(1000), max_entries=7)
    assert [e.guid for e in feed.entries] == [f"g{n}" for n in range(7)]
    assert feed.title == "Feed"


def test_what_follows_the_entries_is_kept():
    trimmed = keep_first_entries(rss_with(10), 2)
    assert trimmed.count(b"<item>") == 2
    assert trimmed.endswith(b"<link>https://e.org/</link></channel></rss>")


def test_a_feed_under_the_cap_is_untouched():
    body = rss_with(5)
    assert keep_first_entries(body, 5) is body
    assert keep_first_entries(body, 50) is body


def test_rss_items_list_of_rss_1_0_is_not_an_entry():
    body = (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/"><channel><title>F</title><items><rdf:Seq>'
        b'<rdf:li resource="https://e.org/1"/></rdf:Seq></items></channel>'
        b'<item rdf:about="https://e.org/1"><title>one</title>'
        b"<link>https://e.org/1</link></item>"
        b'<item rdf:about="https://e.org/2"><title>two</title>'
        b"<link>https://e.org/2</link></item></rdf:RDF>"
    )
    assert [e.title for e in parse_feed(body, max_entries=1).entries] == ["one"]


def test_json_feed_items_are_capped():
    items = ",".join(f'{{"id": "{n}", "title": "t{n}"}}' for n in range(30))
    body = f'{{"version": "https://jsonfeed.org/version/1.1", "items": [{items}]}}'
    assert len(parse_feed(body.encode(), max_entries=4).entries) == 4


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le", "utf-16-be", "utf-16"])
def test_entity_declarations_are_refused_in_any_encoding(codec):
    body = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "b">]>'
        '<rss version="2.0"><channel><item><title>&a;</title></item></channel></rss>'
    ).encode(codec)
    with pytest.raises(NotAFeed, match="declares XML entities"):
        parse_feed(body)


def test_a_doctype_without_entities_is_still_read():
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD '
        b'RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
        b'<rss version="0.91"><channel><title>Old</title><item><title>x</title>'
        b"<link>https://e.org/x</link></item></channel></rss>"
    )
    assert [e.title for e in parse_feed(body).entries] == ["x"]
