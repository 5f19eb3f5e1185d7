"""Run the edge under uvicorn, ending live streams first on shutdown.

uvicorn waits for open responses before it runs the lifespan shutdown; an SSE
stream never finishes by itself, so without this every shutdown would wait for
the graceful timeout and then cancel the streams with an error.
"""

from __future__ import annotations

import socket
from typing import Any

import uvicorn

# Page-cache hits are answered inside the HTTP protocol, below ASGI.
HTTP_PROTOCOL = "livenews.edge.fasthits:FastHitProtocol"


class EdgeServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: Any) -> None:
        super().__init__(config)
        self.edge_app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.edge_app.state.hub.close_clients()
        await super().shutdown(sockets)


def build_server(app: Any, **options: Any) -> EdgeServer:
    """Return a uvicorn server for ``app`` (options as for ``uvicorn.Config``)."""
    options.setdefault("log_level", "warning")
    options.setdefault("access_log", False)
    options.setdefault("timeout_graceful_shutdown", 3)
    options.setdefault("http", HTTP_PROTOCOL)
    return EdgeServer(uvicorn.Config(app, lifespan="on", **options), app)
