"""Decode a compressed response body piece by piece, never past a size cap.

httpx decompresses each network chunk in one call, so one 64 KB chunk of a gzip
bomb becomes ~64 MB in memory before any cap can look at it. Here every
decompressor is asked for at most ``PIECE`` bytes at a time, and the caller
stops as soon as the decoded total passes its cap: memory stays near
cap + PIECE whatever the compression ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is pinned in requirements
    brotli = None

PIECE = 64 * 1024


class DecodeError(ValueError):
    """The body is not valid for its Content-Encoding."""


def accepted_encodings() -> str:
    """Return the Accept-Encoding this process can decode within a cap."""
    return "gzip, deflate, br" if brotli is not None else "gzip, deflate"


class BoundedDecoder:
    """Decode one body; feed raw chunks to ``decode`` and iterate the pieces."""

    def __init__(self, content_encoding: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise DecodeError(f"unsupported Content-Encoding: {content_encoding}")
        self.coding = codings[0] if codings else ""
        self._zlib: Any = None
        self._brotli: Any = None
        if self.coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        elif self.coding == "deflate":
            self._zlib = zlib.decompressobj()
        elif self.coding == "br" and brotli is not None:
            self._brotli = brotli.Decompressor()
        elif self.coding:
            raise DecodeError(f"unsupported Content-Encoding: {self.coding}")

    def decode(self, data: bytes) -> Iterator[bytes]:
        """Yield the decoded pieces of ``data``, each at most PIECE bytes or so."""
        try:
            if self._zlib is not None:
                yield from self._decode_zlib(data)
            elif self._brotli is not None:
                yield from self._decode_brotli(data)
            else:
                yield data
        except (zlib.error, getattr(brotli, "error", zlib.error)) as exc:
            raise DecodeError(f"corrupt {self.coding} body: {exc}") from exc

    def _decode_zlib(self, data: bytes) -> Iterator[bytes]:
        while data:
            piece = self._zlib.decompress(data, PIECE)
            if piece:
                yield piece
            data = self._zlib.unconsumed_tail
            if self._zlib.eof:
                return

    def _decode_brotli(self, data: bytes) -> Iterator[bytes]:
        piece = self._brotli.process(data, output_buffer_limit=PIECE)
        while piece:
            yield piece
            if self._brotli.is_finished():
                return
            piece = self._brotli.process(b"", output_buffer_limit=PIECE)
