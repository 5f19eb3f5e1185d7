"""The newsroom menu shows each role exactly the pages it may open.

An editor saw "Sources" and a reporter "Stories", both answering 403. For
every role, each menu link opens (200) and each menu page left out answers
403: the menu follows the views' own permissions.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

MENU_PAGES = {
    "Desk": "newsroom:dashboard",
    "Articles": "newsroom:articles",
    "Stories": "newsroom:stories",
    "Sources": "newsroom:sources",
}


def menu_labels(page: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Newsroom">(.*?)</nav>', page, re.S)
    assert nav is not None
    return re.findall(r'<a href="/newsroom/[^"]*">([^<]+)</a>', nav.group(1))


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", ["Desk", "Articles", "Stories", "Sources"]),
        ("editor", ["Desk", "Articles", "Stories"]),
        ("reporter", ["Desk", "Articles"]),
    ],
)
def test_menu_shows_only_the_pages_the_role_may_open(signed_in, role, expected):
    client, _ = signed_in(role)
    dashboard = client.get(reverse("newsroom:dashboard"))
    assert dashboard.status_code == 200
    shown = menu_labels(dashboard.content.decode())
    assert shown == expected
    for label, url_name in MENU_PAGES.items():
        status = client.get(reverse(url_name)).status_code
        assert status == (200 if label in shown else 403), (label, status)
