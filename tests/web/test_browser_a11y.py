"""Every public page in Chromium at phone and desktop sizes: it renders, logs no
error, fits a 320 px screen, has a sound structure, and works by keyboard.

The site is the demo portal of ``make check-web`` (tools/webcheck/demo_site):
the sample feeds ingested through the real pipeline, a live blog, a correction
and a breaking alert. axe-core runs on each page too when the pinned npm tools
are installed (``make check-web`` installs them); the structure checks below
run always.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest

from tools.webcheck.demo_site import build

pytestmark = pytest.mark.browser

AXE = (
    Path(__file__).resolve().parents[2]
    / "tools/webcheck/node_modules/axe-core/axe.min.js"
)
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
NARROWEST = {
    "viewport": {"width": 320, "height": 640},
    "is_mobile": True,
    "has_touch": True,
}

# Structure a screen reader user relies on; returns the problems found.
STRUCTURE_PROBLEMS = """() => {
  const problems = [];
  const say = (text) => problems.push(text);
  if (!document.documentElement.lang) say("no lang on <html>");
  if (!document.title.trim()) say("empty <title>");
  if (document.querySelectorAll("main").length !== 1) say("not one <main>");
  if (document.querySelectorAll("h1").length !== 1) say("not one <h1>");
  let previous = 0;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = Number(h.tagName[1]);
    const text = h.textContent.trim();
    if (previous && level > previous + 1) say("skip to " + h.tagName + " " + text);
    previous = level;
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) say("img without alt: " + img.src);
    const sized = img.getAttribute("width") && img.getAttribute("height");
    if (!sized) say("img without width and height: " + img.src);
  }
  const controls = "input:not([type=hidden]), select, textarea";
  for (const control of document.querySelectorAll(controls)) {
    const named = control.labels.length || control.getAttribute("aria-label");
    if (!named) say("unlabelled " + control.outerHTML);
  }
  for (const link of document.querySelectorAll("a[href]")) {
    const named = link.textContent.trim() || link.getAttribute("aria-label")
      || link.querySelector("img[alt]:not([alt=''])");
    if (!named) say("link without text: " + link.href);
  }
  return problems;
}"""


def build_demo_site() -> dict[str, str]:
    """Build the demo site in a worker thread (Playwright owns this one's loop)."""
    result: list[dict[str, Any]] = []
    worker = threading.Thread(target=lambda: result.append(build()))
    worker.start()
    worker.join(120)
    assert result, "the demo site was not built"
    return result[0]["pages"]


def watch_errors(page: Any, errors: list[str]) -> None:
    def on_console(message: Any) -> None:
        # Chromium reports the 404 page's own status as a console error.
        if message.type == "error" and "status of 404" not in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_page_renders_soundly_without_console_errors(browser, edge_server, size):
    pages = build_demo_site()
    context = browser.new_context(**(PHONE if size == "phone" else DESKTOP))
    page = context.new_page()
    errors: list[str] = []
    watch_errors(page, errors)
    for kind, path in pages.items():
        response = page.goto(edge_server.url(path))
        assert response is not None
        assert response.status == (404 if kind == "not-found" else 200), kind
        assert page.locator("main h1").first.is_visible(), kind
        assert page.evaluate(STRUCTURE_PROBLEMS) == [], kind
        page.wait_for_timeout(150)  # let the deferred scripts run
    assert errors == []
    context.close()


def test_no_page_scrolls_sideways_on_a_320_px_screen(browser, edge_server):
    pages = build_demo_site()
    context = browser.new_context(**NARROWEST)
    page = context.new_page()
    for kind, path in pages.items():
        page.goto(edge_server.url(path))
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{kind} is {overflow}px wider than the screen"
    context.close()


def test_keyboard_reaches_main_through_the_skip_link_and_opens_a_story(
    browser, edge_server
):
    build_demo_site()
    page = browser.new_page(**DESKTOP)
    page.goto(edge_server.url("/"))

    page.keyboard.press("Tab")
    skip = page.evaluate("() => document.activeElement.className")
    assert skip == "skip"
    assert page.locator(".skip").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')")

    for _ in range(40):
        if page.evaluate("() => !!document.activeElement.closest('.story-card h2')"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached a story headline")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, "focus is visible"
    headline = page.evaluate("() => document.activeElement.textContent.trim()")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/story/\d+/$"))
    assert page.locator("h1").inner_text().strip() == headline


@pytest.mark.skipif(
    not AXE.exists(),
    reason="axe-core is not installed (make check-web installs tools/webcheck)",
)
@pytest.mark.parametrize(
    ("size", "scheme"), [("phone", "light"), ("desktop", "light"), ("phone", "dark")]
)
def test_axe_finds_no_violations_on_any_page(browser, edge_server, size, scheme):
    pages = build_demo_site()
    # The page's CSP forbids injected scripts; the test's own axe is let in.
    context = browser.new_context(
        **(PHONE if size == "phone" else DESKTOP), color_scheme=scheme, bypass_csp=True
    )
    page = context.new_page()
    source = AXE.read_text("utf-8")
    found = {}
    for kind, path in pages.items():
        page.goto(edge_server.url(path))
        page.evaluate(source)
        violations = page.evaluate(
            "async () => (await axe.run()).violations"
            ".map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        if violations:
            found[kind] = violations
    assert found == {}
    context.close()
