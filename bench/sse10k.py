"""Scenario ``sse10k``: 10,000 streams at 1 event/s on one web process, vs nchan.

The ``sse`` scenario's set-up and measurement (``bench/sse.py``) under the
live issue's second load: 10,000 idle-most-of-the-time streams on one
``livenews web`` process, one ~1 KB event a second for 3 s of warm-up and 15 s
measured (8 s with ``--quick``). Besides delivery and latency it reports the
server's memory per idle stream: RSS with every stream open, before the first
event, minus RSS before the first stream, over the streams opened (target
< 30 KB).

nginx + nchan runs the same load with two workers: this machine's hard limit
of open files (20,000) gives an nginx worker at most 10,000 connections
(``bench/nginx.py`` sets ``worker_connections`` to half of it), one fewer
than 10,000 streams plus the publisher need.
"""

from __future__ import annotations

from typing import Any

from bench import sse

STREAMS = 10_000


def parameters(quick: bool) -> dict[str, Any]:
    return sse.parameters(
        quick, streams=STREAMS, rate=1.0, nchan_workers=2, scenario="sse10k"
    )


def run(quick: bool) -> dict[str, Any]:
    """Run the scenario and return its result document (without machine facts)."""
    return sse.run_load(parameters(quick))


table_rows = sse.table_rows
