"""The page cache on its own: LRU by bytes, invalidation by key, no stale puts."""

from __future__ import annotations

from livenews.edge.pagecache import PageCache, build_page


def page(body: bytes, *keys: str, created: float = 0.0):
    return build_page(
        200, [(b"content-type", b"text/html")], body, frozenset(keys), created
    )


def test_invalidation_drops_exactly_the_pages_with_the_key():
    cache = PageCache()
    cache.put("/", page(b"front", "front", "alerts"), cache.seq)
    cache.put("/story/1/", page(b"one", "story:1", "alerts"), cache.seq)
    cache.put("/story/2/", page(b"two", "story:2", "alerts"), cache.seq)

    assert cache.invalidate({"story:1", "front"}) == 2

    assert cache.get("/", 0) is None
    assert cache.get("/story/1/", 0) is None
    assert cache.get("/story/2/", 0).body == b"two"
    assert cache.invalidate({"alerts"}) == 1
    assert len(cache) == 0 and cache.size == 0


def test_a_render_that_overlapped_an_invalidation_of_its_keys_is_not_stored():
    cache = PageCache()
    started = cache.seq
    cache.invalidate({"story:1"})
    assert not cache.put("/story/1/", page(b"old", "story:1"), started)
    assert cache.get("/story/1/", 0) is None
    # An invalidation of other keys does not matter.
    assert cache.put("/story/2/", page(b"fine", "story:2"), started)


def test_memory_stays_within_the_bound_least_recently_used_first():
    one = page(b"x" * 20_000, "a")
    cache = PageCache(max_bytes=one.size * 3)
    for n in range(3):
        cache.put(f"/{n}", page(b"x" * 20_000, "a"), cache.seq)
    cache.get("/0", 0)  # recently used now
    cache.put("/3", page(b"x" * 20_000, "a"), cache.seq)

    assert cache.size <= cache.max_bytes
    assert cache.get("/1", 0) is None
    assert cache.get("/0", 0) is not None and cache.get("/3", 0) is not None


def test_entries_expire_after_the_ttl():
    cache = PageCache(ttl=60)
    cache.put("/sources/", page(b"s", "sources", created=100.0), cache.seq)
    assert cache.get("/sources/", 159.0) is not None
    assert cache.get("/sources/", 161.0) is None


def test_variants_decode_to_the_same_bytes_and_the_etag_follows_the_body():
    import gzip

    import brotli

    body = b"<p>" + b"news " * 2000 + b"</p>"
    entry = page(body, "front")
    assert gzip.decompress(entry.gzip_body) == body
    assert brotli.decompress(entry.br_body) == body
    assert entry.etag != page(body + b"!", "front").etag
    assert len(entry.br_body) < len(body) / 10
