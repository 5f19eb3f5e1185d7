"""Retry-After parsing and the bounded decoder, without a network."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime

import brotli
import pytest

from livenews.sources.decompress import PIECE, BoundedDecoder, DecodeError
from livenews.sources.fetcher import retry_after_seconds

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120),
        (" 30 ", 30),
        ("Sat, 28 Nov 2026 10:42:00 GMT", 42 * 60),
        ("Sat, 28 Nov 2026 09:00:00 GMT", 0),  # in the past: no wait
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date(header, seconds):
    assert retry_after_seconds(header, NOW) == seconds


@pytest.mark.parametrize(
    ("coding", "pack"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("br", brotli.compress),
        ("", lambda data: data),
        ("identity", lambda data: data),
    ],
)
def test_decoder_yields_small_pieces_that_add_up(coding, pack):
    data = bytes(range(256)) * 4000 + bytes(3 * PIECE)
    decoder = BoundedDecoder(coding)
    pieces = [p for chunk in [pack(data)] for p in decoder.decode(chunk)]
    assert b"".join(pieces) == data
    if coding not in ("", "identity"):
        assert max(len(p) for p in pieces) <= 2 * PIECE


def test_unknown_and_corrupt_encodings_are_decode_errors():
    with pytest.raises(DecodeError, match="unsupported Content-Encoding: compress"):
        BoundedDecoder("compress")
    with pytest.raises(DecodeError, match="corrupt gzip body"):
        list(BoundedDecoder("gzip").decode(b"not gzip at all"))
