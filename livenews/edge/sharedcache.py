"""Cached pages shared by every web node through Redis (``LIVENEWS_PAGE_CACHE_URL``).

The edge looks in its own memory first, then here, and renders only when both
miss; a render is stored in both. So a fleet of web nodes renders each page
once per change instead of once per node.

Freshness across nodes uses one Redis counter and a mark per cache key:

* ``invalidate(keys)`` (run by every node for every event it receives)
  increments ``counter`` and sets ``inv:<key>`` to the new value for each key,
  then deletes the entries listed in ``set:<key>``.
* ``get(url)`` returns the current ``counter`` (the *snapshot*) and the entry,
  if every key of the entry has ``inv:<key>`` not above the snapshot the entry
  was stored with.
* ``put(url, page, snapshot)`` stores the page only if no key of it was
  invalidated after ``snapshot``, the counter read before its render began.

Each is one Lua script, so atomic. A render that began before an invalidation
(on any node) and finishes after it is refused by ``put``, and an entry that
survived a delete is refused by ``get``. Between receiving an event and
Redis acknowledging its invalidation a node distrusts Redis for those keys
(``pending``); if the invalidation fails it distrusts them for one TTL, after
which every older entry has expired. ``inv:<key>`` marks live twice the TTL
(at least ten minutes) for the same reason.

Entries are JSON metadata and the three bodies, never pickles: whoever can
write to Redis cannot make a node run code.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable

import redis.asyncio as redis

from livenews.edge.pagecache import CachedPage

log = logging.getLogger(__name__)

GET = """
local counter = tonumber(redis.call('GET', ARGV[1] .. 'counter') or '0')
local e = redis.call('HMGET', KEYS[1], 'keys', 'snap', 'page')
if not e[3] then return {counter} end
local snap = tonumber(e[2])
for k in string.gmatch(e[1], '%S+') do
  if tonumber(redis.call('GET', ARGV[1] .. 'inv:' .. k) or '0') > snap then
    return {counter}
  end
end
return {counter, e[3], e[1]}
"""

PUT = """
local snap = tonumber(ARGV[2])
for k in string.gmatch(ARGV[4], '%S+') do
  if tonumber(redis.call('GET', ARGV[1] .. 'inv:' .. k) or '0') > snap then
    return 0
  end
end
redis.call('HSET', KEYS[1], 'keys', ARGV[4], 'snap', ARGV[2], 'page', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
for k in string.gmatch(ARGV[4], '%S+') do
  redis.call('SADD', ARGV[1] .. 'set:' .. k, KEYS[1])
  redis.call('PEXPIRE', ARGV[1] .. 'set:' .. k, ARGV[3])
end
return 1
"""

INVALIDATE = """
local c = redis.call('INCR', ARGV[1] .. 'counter')
for k in string.gmatch(ARGV[2], '%S+') do
  redis.call('SET', ARGV[1] .. 'inv:' .. k, c, 'PX', ARGV[3])
  local members = redis.call('SMEMBERS', ARGV[1] .. 'set:' .. k)
  for _, m in ipairs(members) do redis.call('DEL', m) end
  redis.call('DEL', ARGV[1] .. 'set:' .. k)
end
return c
"""


def check_page_cache_url(url: str) -> None:
    """Raise ValueError unless ``url`` names a Redis server."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(
            f"LIVENEWS_PAGE_CACHE_URL must be redis://, rediss:// or unix://: {url!r}"
        )


def prefix_for(database: str) -> str:
    """Return the key prefix of one portal (its database) in a shared Redis."""
    digest = hashlib.blake2b(database.encode(), digest_size=6).hexdigest()
    return f"livenews:pages:{digest}:"


def encode_page(page: CachedPage) -> bytes:
    headers = page.headers
    meta = {
        "status": page.status,
        "headers": [[n.decode("latin-1"), v.decode("latin-1")] for n, v in headers],
        "etag": page.etag,
        "created": time.time(),
        "sizes": [len(page.body), len(page.gzip_body), len(page.br_body)],
    }
    head = json.dumps(meta, separators=(",", ":")).encode()
    return head + b"\n" + page.body + page.gzip_body + page.br_body


def decode_page(data: bytes, keys: frozenset[str], now: float) -> CachedPage:
    """Rebuild a page; its age counts from when the node that rendered it stored it."""
    head, _, rest = data.partition(b"\n")
    meta = json.loads(head)
    plain, gz, _ = meta["sizes"]
    pairs = meta["headers"]
    body, gz_body, br_body = rest[:plain], rest[plain : plain + gz], rest[plain + gz :]
    return CachedPage(
        status=int(meta["status"]),
        headers=[(n.encode("latin-1"), v.encode("latin-1")) for n, v in pairs],
        body=body,
        keys=keys,
        gzip_body=gz_body,
        br_body=br_body,
        etag=str(meta["etag"]),
        size=len(body) + len(gz_body) + len(br_body) + 512,
        created=now - max(0.0, time.time() - float(meta["created"])),
    )


class SharedPageCache:
    def __init__(self, url: str, ttl: float, prefix: str) -> None:
        check_page_cache_url(url)
        self.client = redis.Redis.from_url(url, socket_timeout=2.0)
        self.ttl_ms = max(1, int(ttl * 1000))
        self.mark_ms = max(2 * self.ttl_ms, 600_000)
        self.prefix = prefix
        self._get = self.client.register_script(GET)
        self._put = self.client.register_script(PUT)
        self._invalidate = self.client.register_script(INVALIDATE)
        self.pending: dict[str, int] = {}  # key: invalidations not yet acknowledged
        self.distrusted: dict[str, float] = {}  # key: until (loop time)

    def entry_key(self, url: str) -> str:
        return f"{self.prefix}page:{url}"

    def is_trusted(self, keys: Iterable[str], now: float) -> bool:
        """Return False while an invalidation of one of ``keys`` is unconfirmed."""
        for key in keys:
            if key in self.pending:
                return False
            until = self.distrusted.get(key)
            if until is not None:
                if now < until:
                    return False
                del self.distrusted[key]
        return True

    async def get(self, url: str, now: float) -> tuple[int, CachedPage | None]:
        """Return the snapshot counter and the valid entry for ``url``, if any."""
        found = await self._get(keys=[self.entry_key(url)], args=[self.prefix])
        counter = int(found[0])
        if len(found) < 3:
            return counter, None
        keys = frozenset(found[2].decode().split())
        if not keys or not self.is_trusted(keys, now):
            return counter, None
        return counter, decode_page(found[1], keys, now)

    async def put(self, url: str, page: CachedPage, snapshot: int) -> bool:
        """Store ``page`` unless one of its keys was invalidated after ``snapshot``."""
        stored = await self._put(
            keys=[self.entry_key(url)],
            args=[
                self.prefix,
                snapshot,
                self.ttl_ms,
                " ".join(sorted(page.keys)),
                encode_page(page),
            ],
        )
        return bool(stored)

    def begin_invalidation(self, keys: Iterable[str]) -> list[str]:
        """Distrust ``keys`` now (synchronously, as the event is received)."""
        names = sorted(set(keys))
        for key in names:
            self.pending[key] = self.pending.get(key, 0) + 1
        return names

    async def finish_invalidation(self, keys: list[str], now: float) -> None:
        """Invalidate ``keys`` in Redis; on failure distrust them for one TTL."""
        try:
            await self._invalidate(args=[self.prefix, " ".join(keys), self.mark_ms])
        except (redis.RedisError, OSError):
            log.exception("shared page cache: invalidation failed (%s)", keys)
            for key in keys:
                self.distrusted[key] = now + self.ttl_ms / 1000
        finally:
            for key in keys:
                left = self.pending.get(key, 1) - 1
                if left:
                    self.pending[key] = left
                else:
                    self.pending.pop(key, None)
