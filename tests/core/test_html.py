"""sanitize_html keeps an allow-list; html_to_text and plain_line give text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from livenews.core.html import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    html_to_text,
    plain_line,
    sanitize_html,
)

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<script>/*</script>*/alert(1)</script>",
    '<a href="javascript:alert(1)">j</a>',
    '<a href="JaVaScRiPt:alert(1)">j</a>',
    '<a href="&#106;avascript:alert(1)">j</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">j</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097script:alert(1)">j</a>',
    '<a href="java&#x09;script:alert(1)">j</a>',
    '<a href="java\nscript:alert(1)">j</a>',
    '<a href=" javascript:alert(1)">j</a>',
    '<a href="vbscript:msgbox(1)">v</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="javascript:alert(1)">',
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"//>',
    '<IMG SRC=x ONERROR="alert(1)">',
    '<img src="x" "onerror=alert(1)">',
    "<img/src=x/onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    '<a href="https://ok.example/" onclick="alert(1)">click</a>',
    '<form action="https://evil.example/"><input name="q"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<<script>script>alert(1)<</script>/script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    "<!--<script>alert(1)</script>-->",
    "<p>unclosed <b>bold <a href='javascript:alert(1)'>x",
]

SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _Collect(HTMLParser):
    """Collect every start tag with its attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collect()
    collector.feed(html)
    collector.close()
    return collector.tags


def assert_harmless(html: str) -> None:
    """Fail unless ``html`` holds only allowed tags, attributes and URL schemes."""
    assert "<script" not in html.lower()
    for tag, attrs in parse_tags(html):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name)
            if name in {"href", "src", "cite"} and value and ":" in value:
                assert value.strip().lower().startswith(SAFE_SCHEMES), (tag, value)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_neutralised(payload: str) -> None:
    assert_harmless(sanitize_html(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_wrapped_in_text_is_neutralised(payload: str) -> None:
    cleaned = sanitize_html(f"<p>before {payload} after</p>")
    assert_harmless(cleaned)
    assert "before" in cleaned


def test_script_and_its_content_are_dropped() -> None:
    assert sanitize_html("<p>Hi</p><script>steal()</script>") == "<p>Hi</p>"


def test_style_and_its_content_are_dropped() -> None:
    assert sanitize_html("<style>p{color:red}</style><p>Hi</p>") == "<p>Hi</p>"


def test_iframe_is_dropped() -> None:
    assert sanitize_html('<iframe src="https://e.example/"></iframe>after') == "after"


def test_event_handler_attributes_are_dropped() -> None:
    cleaned = sanitize_html('<img src="https://e.example/a.png" onerror="x()">')
    assert parse_tags(cleaned) == [("img", {"src": "https://e.example/a.png"})]


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
    ],
)
def test_unsafe_link_loses_its_href_but_keeps_its_text(href: str) -> None:
    cleaned = sanitize_html(f'<a href="{href}">read</a>')
    [(tag, attrs)] = parse_tags(cleaned)
    assert tag == "a"
    assert "href" not in attrs
    assert cleaned.endswith(">read</a>")


def test_svg_with_script_leaves_nothing() -> None:
    assert sanitize_html("<svg onload=alert(1)><script>alert(1)</script></svg>") == ""


def test_safe_link_is_kept_with_noopener_rel() -> None:
    cleaned = sanitize_html('<a href="https://news.example/a?b=1" title="T">A</a>')
    [(tag, attrs)] = parse_tags(cleaned)
    assert tag == "a"
    assert attrs["href"] == "https://news.example/a?b=1"
    assert attrs["title"] == "T"
    assert set((attrs["rel"] or "").split()) == {"noopener", "noreferrer", "nofollow"}


def test_mailto_and_relative_links_are_kept() -> None:
    cleaned = sanitize_html(
        '<a href="mailto:desk@news.example">m</a><a href="/r">r</a>'
    )
    hrefs = [attrs.get("href") for _, attrs in parse_tags(cleaned)]
    assert hrefs == ["mailto:desk@news.example", "/r"]


def test_allowed_formatting_survives() -> None:
    fragment = (
        "<h2>Head</h2><p><strong>Bold</strong> and <em>it</em></p>"
        "<ul><li>one</li></ul><blockquote>quote</blockquote>"
        '<figure><img src="https://e.example/p.jpg" alt="Pic"><figcaption>c'
        "</figcaption></figure>"
    )
    assert sanitize_html(fragment) == fragment


def test_disallowed_attributes_are_removed_from_allowed_tags() -> None:
    cleaned = sanitize_html('<p class="x" style="color:red" id="y">text</p>')
    assert cleaned == "<p>text</p>"


def test_broken_markup_is_closed() -> None:
    assert sanitize_html("<p>a <b>bold") == "<p>a <b>bold</b></p>"


def test_comments_are_stripped() -> None:
    assert sanitize_html("<p>a<!-- secret -->b</p>") == "<p>ab</p>"


def test_html_to_text_breaks_paragraphs_and_unescapes_entities() -> None:
    fragment = "<p>Fish &amp; chips</p><p>Caf&eacute;&nbsp;open &lt;now&gt;</p>"
    assert html_to_text(fragment) == "Fish & chips\nCafé open <now>"


def test_html_to_text_puts_list_items_and_breaks_on_own_lines() -> None:
    fragment = "<ul><li>one</li><li>two</li></ul>line<br>next<br/>last"
    assert html_to_text(fragment).splitlines() == ["one", "two", "line", "next", "last"]


def test_html_to_text_folds_whitespace_within_lines() -> None:
    assert html_to_text("<p>  many \t  spaces\n\n here </p>") == "many spaces\nhere"


def test_html_to_text_drops_script_and_style_content() -> None:
    fragment = "<p>shown</p><script>hidden()</script><style>.h{}</style>"
    assert html_to_text(fragment) == "shown"


@pytest.mark.parametrize(
    ("fragment", "lines"),
    [
        ("Lead<p>Para</p>", ["Lead", "Para"]),
        ("<div>Alpha</div><div>Beta</div>", ["Alpha", "Beta"]),
        ("<h1>Head</h1>Body", ["Head", "Body"]),
        ("<table><tr><td>cell</td><td>next</td></tr></table>", ["cell", "next"]),
        ("<section>One</section><section>Two</section>", ["One", "Two"]),
        ('<p class="x">a</p><br class="y">b', ["a", "b"]),
    ],
)
def test_html_to_text_never_glues_words_of_separate_blocks(
    fragment: str, lines: list[str]
) -> None:
    assert html_to_text(fragment).splitlines() == lines


def test_html_to_text_keeps_inline_words_together() -> None:
    assert html_to_text("<p>un<b>break</b>able <param>x</p>") == "unbreakable x"


def test_html_to_text_of_escaped_markup_is_literal_text() -> None:
    assert html_to_text("&lt;script&gt;alert(1)&lt;/script&gt;") == (
        "<script>alert(1)</script>"
    )


def test_plain_line_strips_tags_and_joins_lines() -> None:
    assert plain_line("  <b>Big</b>\n news:  <i>rates</i> &amp; jobs ") == (
        "Big news: rates & jobs"
    )


def test_plain_line_drops_script_content() -> None:
    assert plain_line("<script>alert(1)</script>Headline") == "Headline"


def test_plain_line_of_empty_markup_is_empty() -> None:
    assert plain_line("<img src=x onerror=alert(1)><br>") == ""
