"""HostGate: per-host concurrency and minimum gap between request starts."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from itertools import pairwise

from livenews.sources.fetcher import HostGate


def run_through_gate(gate: HostGate, urls: list[str], hold: float = 0.0):
    starts: dict[str, list[float]] = defaultdict(list)
    most_inside: dict[str, int] = defaultdict(int)
    inside: dict[str, int] = defaultdict(int)

    async def one(url: str) -> None:
        host = url.split("/")[2].lower()
        async with gate.slot(url):
            starts[host].append(asyncio.get_running_loop().time())
            inside[host] += 1
            most_inside[host] = max(most_inside[host], inside[host])
            await asyncio.sleep(hold)
            inside[host] -= 1

    async def main() -> None:
        await asyncio.gather(*(one(url) for url in urls))

    asyncio.run(main())
    return starts, most_inside


def test_request_starts_to_one_host_are_spaced_by_the_gap():
    urls = [f"http://a.example/{n}" for n in range(4)]
    urls += [f"http://b.example:8080/{n}" for n in range(2)]

    starts, _ = run_through_gate(HostGate(concurrency=4, min_gap=0.1), urls)

    for host in ("a.example", "b.example:8080"):
        gaps = [later - earlier for earlier, later in pairwise(sorted(starts[host]))]
        assert min(gaps) >= 0.099, host  # asyncio may wake a clock tick early


def test_requests_inside_one_host_never_exceed_its_limit():
    urls = [f"http://a.example/{n}" for n in range(6)]
    urls += [f"http://A.EXAMPLE/x{n}" for n in range(2)]  # the same host

    _, most_inside = run_through_gate(HostGate(2, 0.0), urls, hold=0.02)

    assert most_inside["a.example"] == 2  # reached, never passed
