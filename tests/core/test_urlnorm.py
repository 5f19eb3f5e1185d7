"""is_http_url accepts web addresses only; canonical_url strips tracking."""

from __future__ import annotations

import pytest

from livenews.core.urlnorm import canonical_url, is_http_url


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "https://example.com/path?q=1#frag",
        "HTTPS://EXAMPLE.COM/",
        "https://sub.example.co.uk:8443/x",
        "http://[::1]:8000/feed",
        "  https://example.com/padded  ",
    ],
)
def test_http_and_https_urls_with_a_host_are_accepted(url: str) -> None:
    assert is_http_url(url) is True


@pytest.mark.parametrize(
    "url",
    [
        "",
        "example.com",
        "/relative/path",
        "//example.com/protocol-relative",
        "http://",
        "http:///no-host",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,hi",
        "mailto:desk@example.com",
        "http://[::1",
    ],
)
def test_other_urls_are_refused(url: str) -> None:
    assert is_http_url(url) is False


@pytest.mark.parametrize(
    "param",
    [
        "utm_source=rss",
        "utm_medium=feed",
        "UTM_Campaign=spring",
        "utm_anything=1",
        "fbclid=abc",
        "gclid=def",
        "dclid=1",
        "msclkid=2",
        "mc_cid=3",
        "mc_eid=4",
        "igshid=5",
        "ref_src=twsrc",
    ],
)
def test_tracking_parameter_is_removed(param: str) -> None:
    assert canonical_url(f"https://e.example/a?{param}") == "https://e.example/a"


def test_other_parameters_keep_their_order_around_removed_ones() -> None:
    url = "https://e.example/s?z=1&utm_source=x&a=2&fbclid=y&m=3"
    assert canonical_url(url) == "https://e.example/s?z=1&a=2&m=3"


def test_repeated_parameters_are_kept() -> None:
    url = "https://e.example/s?tag=a&tag=b&gclid=z"
    assert canonical_url(url) == "https://e.example/s?tag=a&tag=b"


def test_fragment_is_removed() -> None:
    assert canonical_url("https://e.example/a#comments") == "https://e.example/a"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://e.example:80/a", "http://e.example/a"),
        ("https://e.example:443/a", "https://e.example/a"),
        ("https://e.example:80/a", "https://e.example:80/a"),
        ("http://e.example:443/a", "http://e.example:443/a"),
        ("http://e.example:8080/a", "http://e.example:8080/a"),
    ],
)
def test_only_the_default_port_of_the_scheme_is_removed(
    url: str, expected: str
) -> None:
    assert canonical_url(url) == expected


def test_scheme_and_host_are_lowercased_but_path_is_not() -> None:
    assert canonical_url("HTTPS://News.Example.COM/World/Story") == (
        "https://news.example.com/World/Story"
    )


def test_empty_path_becomes_slash() -> None:
    assert canonical_url("https://e.example") == "https://e.example/"


def test_surrounding_whitespace_is_ignored() -> None:
    assert canonical_url("  https://e.example/a?b=1  ") == "https://e.example/a?b=1"


def test_parameter_names_that_only_contain_ref_are_kept() -> None:
    url = "https://e.example/a?ref=home&utm=1&preference=x"
    assert canonical_url(url) == url


def test_same_story_with_different_tracking_gives_the_same_canonical_url() -> None:
    a = canonical_url("https://E.example/story?id=7&utm_source=rss#top")
    b = canonical_url("https://e.example:443/story?fbclid=XYZ&id=7")
    assert a == b == "https://e.example/story?id=7"
