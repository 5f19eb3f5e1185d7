"""Find the socket transport under an ASGI stream, so the hub can write to it.

ASGI gives an app only ``send``: each message costs the server a dict, a few
checks and a coroutine step, and each client needs a task woken to call it. For
thousands of streams that is most of the fan-out (docs/design-notes.md, "Live
at 5,000 streams"). Under uvicorn's httptools protocol, once the response
headers are out and the body is chunked, a body chunk is nothing but
``<hex size>\\r\\n<bytes>\\r\\n`` written to the connection's transport, which
the hub can do itself with bytes framed once for every client.

uvicorn runs each request in a task whose coroutine is its
``RequestResponseCycle.run_asgi``; the cycle holds the transport. This module
returns that transport only when everything checks out: the cycle is
uvicorn's httptools one, it serves this very ``scope``, its response has
started, is chunked and not complete. Anything else (another server, h11, a
middleware that copies the scope) returns ``None`` and the stream uses ``send``.
"""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any, cast

CYCLE_MODULE = "uvicorn.protocols.http.httptools_impl"
TRANSPORT_METHODS = ("write", "get_write_buffer_size", "is_closing", "abort")


def direct_transport(scope: MutableMapping[str, Any]) -> asyncio.WriteTransport | None:
    """Return the transport to write chunked body bytes to, or ``None``."""
    task = asyncio.current_task()
    coro = task.get_coro() if task is not None else None
    frame = getattr(coro, "cr_frame", None)
    if frame is None:
        return None
    cycle = frame.f_locals.get("self")
    kind = type(cycle)
    if kind.__module__ != CYCLE_MODULE or kind.__name__ != "RequestResponseCycle":
        return None
    transport: Any = getattr(cycle, "transport", None)
    if (
        getattr(cycle, "scope", None) is not scope
        or getattr(cycle, "chunked_encoding", None) is not True
        or not getattr(cycle, "response_started", False)
        or getattr(cycle, "response_complete", True)
        # uvloop's transports are not asyncio.WriteTransport subclasses.
        or not all(hasattr(transport, name) for name in TRANSPORT_METHODS)
        or transport.is_closing()
    ):
        return None
    return cast("asyncio.WriteTransport", transport)
