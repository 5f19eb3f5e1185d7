"""Every article link in the demo wire's feeds opens the sample's page.

The portal's "Read the original" followed these links into a 404: the wire
served only feeds. Each released item now has a page with its text, marked
as a sample; links of unreleased items and unknown ids stay 404.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import httpx

from livenews.demo.wire import DemoWire


def test_every_article_link_in_the_feeds_answers_with_the_sample():
    ticks = [0.0]
    demo = DemoWire(every=1.0, clock=lambda: ticks[0])
    # All samples, and a few of the second round (new ids), released.
    ticks[0] = float(len(demo.samples) + 3)
    demo.start()
    try:
        links = []
        for url, _name, _section in demo.feed_urls():
            feed = ET.fromstring(httpx.get(url).content)
            for item in feed.iter("item"):
                links.append((item.findtext("link"), item.findtext("title")))
        assert len(links) == len(demo.samples) + 4
        for link, title in links:
            assert link is not None and title is not None
            page = httpx.get(link)
            assert page.status_code == 200, link
            assert page.headers["content-type"].startswith("text/html")
            text = page.text
            assert "not real news" in text and "(sample)" in text
            assert f"<h1>{escape(title)}</h1>" in text

        first_guid = links[0][0].rsplit("/", 1)[1]
        unknown = demo.base_url + "/articles/" + first_guid.replace("demo-", "demo-0")
        assert httpx.get(unknown).status_code == 404
        ticks[0] = 0.0  # back before the second round: its pages are not out yet
        assert "-1-" in first_guid  # the feed's newest item is of the second round
        assert httpx.get(links[0][0]).status_code == 404
    finally:
        demo.stop()
