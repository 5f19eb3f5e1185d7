"""OPML import and export: folders are sections, entities are refused."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from livenews.sources.opml import OpmlError, OpmlFeed, parse_opml, render_opml

NESTED = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="Loose" title="Loose Feed" type="rss"
             xmlUrl="https://loose.example.com/feed" htmlUrl="https://loose.example.com/"/>
    <outline text="World">
      <outline text="Wire" type="rss" xmlUrl="https://wire.example.com/rss"/>
      <outline text="Europe">
        <outline text="Euro Daily" xmlUrl="https://eu.example.com/atom"/>
      </outline>
      <outline text="Unnamed folder without title or text"/>
      <outline text="">
        <outline text="In an unlabelled folder" xmlUrl="https://inner.example.com/f"/>
      </outline>
    </outline>
    <outline text="Tech" title="Technology">
      <outline text="Gadgets" xmlUrl="  https://gadgets.example.com/feed.xml  "/>
      <outline text="Tagged" category="science" xmlUrl="https://tagged.example.com/f"/>
    </outline>
  </body>
</opml>
"""


def test_nested_folders_give_the_innermost_folder_as_section() -> None:
    feeds = parse_opml(NESTED)
    assert [(f.url, f.section) for f in feeds] == [
        ("https://loose.example.com/feed", ""),
        ("https://wire.example.com/rss", "world"),
        ("https://eu.example.com/atom", "europe"),
        ("https://inner.example.com/f", "world"),
        ("https://gadgets.example.com/feed.xml", "technology"),
        ("https://tagged.example.com/f", "science"),
    ]


def test_feed_name_prefers_title_and_site_url_is_read() -> None:
    loose = parse_opml(NESTED)[0]
    assert loose == OpmlFeed(
        url="https://loose.example.com/feed",
        name="Loose Feed",
        site_url="https://loose.example.com/",
        section="",
    )


def test_name_falls_back_to_text() -> None:
    assert parse_opml(NESTED)[1].name == "Wire"


def test_str_input_is_accepted() -> None:
    assert len(parse_opml(NESTED.decode())) == 6


@pytest.mark.parametrize(
    "url",
    ["ftp://files.example.com/feed", "javascript:alert(1)", "/relative/feed", "feed"],
)
def test_outline_with_non_http_xml_url_is_skipped(url: str) -> None:
    doc = (
        '<opml version="2.0"><body>'
        f'<outline text="bad" xmlUrl="{url}"/>'
        '<outline text="good" xmlUrl="https://good.example.com/f"/>'
        "</body></opml>"
    ).encode()
    assert [f.url for f in parse_opml(doc)] == ["https://good.example.com/f"]


def test_render_then_parse_round_trips() -> None:
    feeds = [
        OpmlFeed("https://a.example.com/feed", "Alpha & Co", "https://a.example.com/"),
        OpmlFeed("https://b.example.com/rss?x=1&y=2", "Bêta <news>", "", "world"),
        OpmlFeed(
            "https://c.example.com/atom", "Gamma", "https://c.example.com/", "world"
        ),
        OpmlFeed("https://d.example.com/f", "Delta", "", "tech"),
    ]
    assert parse_opml(render_opml(feeds)) == feeds


def test_render_groups_each_section_into_one_folder() -> None:
    feeds = [
        OpmlFeed("https://a.example.com/f", "A", section="world"),
        OpmlFeed("https://b.example.com/f", "B", section="tech"),
        OpmlFeed("https://c.example.com/f", "C", section="world"),
    ]
    body = ET.fromstring(render_opml(feeds)).find("body")
    assert body is not None
    folders = {
        folder.get("text"): [o.get("xmlUrl") for o in folder]
        for folder in body.findall("outline")
    }
    assert folders == {
        "world": ["https://a.example.com/f", "https://c.example.com/f"],
        "tech": ["https://b.example.com/f"],
    }


def test_render_writes_opml_2_with_title_and_rss_outlines() -> None:
    root = ET.fromstring(render_opml([OpmlFeed("https://a.example.com/f")], "Mine"))
    assert root.tag == "opml"
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "Mine"
    outline = root.find("body/outline")
    assert outline is not None
    assert outline.attrib == {
        "type": "rss",
        "text": "https://a.example.com/f",
        "xmlUrl": "https://a.example.com/f",
    }


XXE_DOCS = [
    b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "file:///etc/passwd">'
    b'<opml version="2.0"><body/></opml>',
    b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<opml version="2.0"><body><outline text="&x;" xmlUrl="https://a.example/f"/>'
    b"</body></opml>",
    b'<!doctype opml [<!entity x "y">]><opml version="2.0"><body/></opml>',
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<opml version="2.0"><body><outline text="&lol2;"/></body></opml>',
]


@pytest.mark.parametrize("doc", XXE_DOCS, ids=["system", "entity", "lower", "lolz"])
def test_doctype_and_entities_are_refused(doc: bytes) -> None:
    with pytest.raises(OpmlError, match="XXE guard"):
        parse_opml(doc)


def test_doctype_in_utf16_document_is_refused() -> None:
    doc = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE opml [<!ENTITY x "https://evil.example/feed">]>'
        '<opml version="2.0"><body><outline text="t" xmlUrl="&x;"/></body></opml>'
    )
    with pytest.raises(OpmlError, match="XXE guard"):
        parse_opml(doc.encode("utf-16"))


def test_utf16_document_without_doctype_is_read() -> None:
    doc = (
        '<?xml version="1.0" encoding="UTF-16"?><opml version="2.0"><body>'
        '<outline text="Ünïcode" xmlUrl="https://u.example.com/f"/></body></opml>'
    )
    assert parse_opml(doc.encode("utf-16")) == [
        OpmlFeed("https://u.example.com/f", "Ünïcode")
    ]


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        (b'<rss version="2.0"><channel/></rss>', "not an OPML file"),
        (b'<opml version="2.0"><head/></opml>', "not an OPML file"),
        (b"<outline><body/></outline>", "not an OPML file"),
        (b"<opml><body>", "not valid OPML"),
        (b"this is not xml", "not valid OPML"),
        (b"", "not valid OPML"),
        (
            '<?xml version="1.0" encoding="UTF-16-LE"?><opml/>'.encode("utf-16-le"),
            "not valid OPML",
        ),
        (
            b'<?xml version="1.0" encoding="Shift_JIS"?><opml/>',
            "not valid OPML",
        ),
        (b'<?xml version="1.0" encoding="x-nonesuch"?><opml/>', "not valid OPML"),
    ],
    ids=[
        "rss",
        "no-body",
        "wrong-root",
        "truncated",
        "text",
        "empty",
        "utf16le-no-bom",
        "multibyte-encoding",
        "unknown-encoding",
    ],
)
def test_documents_that_are_not_opml_are_refused(doc: bytes, reason: str) -> None:
    with pytest.raises(OpmlError, match=reason):
        parse_opml(doc)
