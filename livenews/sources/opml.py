"""Read and write OPML subscription lists; outline folders become sections."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.dom import minidom

from livenews.core.urlnorm import is_http_url


class OpmlError(ValueError):
    """The OPML file cannot be read; the message says why."""


_XXE_REFUSED = "OPML with a DOCTYPE or entities is refused (XXE guard)"


class _RefuseDoctype(ET.TreeBuilder):
    """Stop at a DOCTYPE however the document is encoded (UTF-16 hides it from
    the byte check), before any entity it declares is expanded."""

    def doctype(self, name: str, pubid: str, system: str) -> None:
        raise OpmlError(_XXE_REFUSED)


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    name: str = ""
    site_url: str = ""
    section: str = ""


def parse_opml(text: bytes | str) -> list[OpmlFeed]:
    """Return the feeds in an OPML document (folders give their ``section``)."""
    data = text.encode() if isinstance(text, str) else text
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise OpmlError(_XXE_REFUSED)
    try:
        # S314 is safe here: DOCTYPE/entities are refused above and by the target
        parser = ET.XMLParser(target=_RefuseDoctype())  # noqa: S314
        root = ET.fromstring(data, parser=parser)  # noqa: S314
    except OpmlError:
        raise
    except (ET.ParseError, ValueError, LookupError) as exc:
        # ValueError/LookupError: an encoding expat cannot read (Shift_JIS…)
        raise OpmlError(f"not valid OPML: {exc}") from exc
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise OpmlError("not an OPML file: no <opml><body>")
    feeds: list[OpmlFeed] = []

    def walk(node: ET.Element, section: str) -> None:
        for outline in node.findall("outline"):
            url = (outline.get("xmlUrl") or "").strip()
            label = (outline.get("title") or outline.get("text") or "").strip()
            if url:
                if is_http_url(url):
                    feeds.append(
                        OpmlFeed(
                            url=url,
                            name=label,
                            site_url=(outline.get("htmlUrl") or "").strip(),
                            section=(outline.get("category") or section).strip(),
                        )
                    )
            else:
                walk(outline, label.lower() or section)

    walk(body, "")
    return feeds


def render_opml(feeds: list[OpmlFeed], title: str = "livenews sources") -> str:
    """Return an OPML 2.0 document with one folder per section."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        parent = body
        if feed.section:
            if feed.section not in folders:
                folders[feed.section] = ET.SubElement(
                    body, "outline", text=feed.section, title=feed.section
                )
            parent = folders[feed.section]
        attrs = {"type": "rss", "text": feed.name or feed.url, "xmlUrl": feed.url}
        if feed.name:
            attrs["title"] = feed.name
        if feed.site_url:
            attrs["htmlUrl"] = feed.site_url
        ET.SubElement(parent, "outline", attrs)
    raw = ET.tostring(root, encoding="unicode")
    return minidom.parseString(raw).toprettyxml(indent="  ")  # noqa: S318
