"""``python -m tools.webcheck.screenshots``: README pictures of the demo portal.

The front, story and live blog pages at a phone's and a desktop's size, in
light mode, plus the front page on a phone in dark mode; each is the first
screen only (what a reader sees before scrolling), at one device pixel per
CSS pixel so the PNGs stay small. They go to ``docs/screenshots/``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

from tools.webcheck.portal import demo_portal

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

SIZES: dict[str, dict[str, Any]] = {
    "phone": {
        "viewport": {"width": 375, "height": 812},
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 720}},
}
Scheme = Literal["light", "dark"]
SHOTS: list[tuple[str, str, Scheme]] = [
    ("front", "phone", "light"),
    ("front", "desktop", "light"),
    ("story", "phone", "light"),
    ("story", "desktop", "light"),
    ("liveblog", "phone", "light"),
    ("liveblog", "desktop", "light"),
    ("front", "phone", "dark"),
]


def shot_name(kind: str, size: str, scheme: str) -> str:
    suffix = "" if scheme == "light" else f"-{scheme}"
    return f"{kind}-{size}{suffix}.png"


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(f"screenshots need Debian's chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_portal() as portal, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        for kind, size, scheme in SHOTS:
            context = browser.new_context(
                **SIZES[size], device_scale_factor=1, color_scheme=scheme
            )
            page = context.new_page()
            page.goto(portal.url(kind), wait_until="load")
            # Relative times and the live badge settle on the first tick.
            page.wait_for_timeout(300)
            path = OUT / shot_name(kind, size, scheme)
            page.screenshot(path=str(path), full_page=False, animations="disabled")
            print(f"{path.relative_to(REPO)}  {path.stat().st_size // 1024} KB")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
