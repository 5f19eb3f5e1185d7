"""Scenario ``revalidate``: ``If-None-Match`` revalidations answered with 304.

Set-up: ``bench.edge_site`` without the big story, ``livenews web --workers
2``; nginx (2 workers, ``etag on``, the default) serves the same front page
bytes as a static file. Each target's own ``ETag`` for ``/`` is read first,
and a request with it must answer 304. Measured: ``wrk -t2 -c64 -d10s`` with
``If-None-Match: <that etag>`` (a separate process, after a 2 s warm-up), in
interleaved rounds (3; 1 with ``--quick``): 304s per second, p50/p99, and the
ratio to nginx (median of per-round ratios).
"""

from __future__ import annotations

import http.client
from typing import Any

from bench import harness, nginx
from bench.edge_site import start_site

TARGETS = ("livenews", "nginx")


def parameters(quick: bool) -> dict[str, Any]:
    return {
        "quick": quick,
        "rounds": 1 if quick else 3,
        "wrk": {"threads": 2, "connections": 64, "duration_s": 5 if quick else 10},
        "warmup_s": 2,
        "nginx_workers": 2,
        "web_workers": 2,
    }


def status_and_etag(port: int, etag: str = "") -> tuple[int, str, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/", headers={"If-None-Match": etag} if etag else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.getheader("etag") or "", len(body)


def run(quick: bool) -> dict[str, Any]:
    params = parameters(quick)
    harness.ensure_tools("wrk", "nginx")
    wrk = params["wrk"]
    with harness.workspace("revalidate") as (tmp, procs):
        site = start_site(procs, tmp, articles=0)
        page = harness.http_get(site.port, "/")
        www = tmp / "www"
        www.mkdir()
        (www / "index.html").write_bytes(page)
        plain = harness.free_port()
        server = f"server {{ listen 127.0.0.1:{plain}; root {www}; etag on; }}"
        nginx.start_nginx(procs, tmp / "nginx", server, [plain])
        ports = {"livenews": site.port, "nginx": plain}
        etags, checks = {}, {}
        for target, port in ports.items():
            status_and_etag(port)  # fill the page cache
            etags[target] = status_and_etag(port)[1]
            status, _, size = status_and_etag(port, etags[target])
            checks[target] = {"status": status, "body_bytes": size}
            if status != 304:
                raise RuntimeError(f"{target} answered {status} to its own ETag")
        rounds: list[dict[str, dict[str, Any]]] = []
        for number in range(params["rounds"]):
            order = TARGETS[number % 2 :] + TARGETS[: number % 2]
            this_round = {}
            for target in order:
                url = f"http://127.0.0.1:{ports[target]}/"
                headers = (f"If-None-Match: {etags[target]}",)
                harness.run_wrk(url, 2, wrk["connections"], params["warmup_s"], headers)
                harness.wait_idle(site.web.pid)
                this_round[target] = harness.run_wrk(
                    url, wrk["threads"], wrk["connections"], wrk["duration_s"], headers
                )
            rounds.append(this_round)
        params.update(page_bytes=len(page), etags=etags, checks=checks)
    figures = harness.wrk_figures(rounds, TARGETS)
    per_round = [r["livenews"]["rps"] / r["nginx"]["rps"] for r in rounds]
    return {
        "command": "python -m bench revalidate" + (" --quick" if quick else ""),
        "parameters": params,
        "figures": {"livenews": figures["livenews"]},
        "reference": {"nginx": figures["nginx"]},
        "ratios": {"livenews_vs_nginx": round(harness.median(per_round) or 0, 4)},
        "notes": [
            "every answer is a 304 without a body (checked once per target first)",
            "wrk, nginx and livenews share the same 2 vCPUs",
        ],
    }


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    rows = []
    every = {**result["figures"], **result["reference"]}
    for target in TARGETS:
        f = every[target]
        ratio = result["ratios"]["livenews_vs_nginx"] if target == "livenews" else 1
        rows.append(
            [
                f"revalidate / {target} (304/s)",
                f"{f['rps_median']:,.0f}",
                f"p50 {f['p50_ms_median']} ms, p99 {f['p99_ms_median']} ms",
                f"{ratio:.4f}x nginx",
            ]
        )
    return rows
