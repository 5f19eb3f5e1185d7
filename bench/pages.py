"""Scenario ``pages``: the front page, served by livenews and by nginx.

Set-up: a fresh SQLite database gets ~50 stories the way production gets them:
a feed farm process (``bench.feedfarm``) serves 5 feeds of 10 items, they are
added with ``livenews sources import`` and stored with ``livenews ingest
--once``. Then ``livenews web --workers 2`` (uvicorn, two processes, as nginx
has two) serves the portal; the
front page is fetched once and the same (uncompressed) bytes are written into
the root of an nginx (``worker_processes 2``) with two servers: ``gzip off``
(the reference) and ``gzip on`` (level 1; the edge issue targets >= 1x of it).

Measured: ``wrk -t2 -c64 -d10s --latency`` (a separate process, after a 2 s
warm-up run) against ``/`` of each target, in interleaved rounds (3; 1 with
``--quick``), the order rotating each round so that slow or fast periods of the
VM hit every target alike. Every request carries ``Accept-Encoding: gzip`` as a
browser's would, except target ``livenews-identity``: the same livenews without
that header, so it sends the same uncompressed bytes as plain nginx. Figures:
req/s, p50/p99 latency (medians over rounds), and ratios to nginx (median of
the per-round ratios). The JSON records the headers livenews answered with
(page cache hit, gzip variant...).
"""

from __future__ import annotations

import subprocess
from typing import Any

from bench import harness, nginx
from bench.ingest import write_opml

FEEDS, ITEMS = 5, 10
TARGETS = ("livenews", "livenews-identity", "nginx", "nginx-gzip")
HEADERS = ("Accept-Encoding: gzip",)
# livenews-identity: the same page asked without Accept-Encoding, so livenews
# sends the same uncompressed bytes as plain nginx (the strictest comparison).
HEADERS_OF = {"livenews-identity": ()}
SHOWN_HEADERS = (
    "content-encoding",
    "content-length",
    "cache-control",
    "etag",
    "last-modified",
    "vary",
    "x-cache",
    "age",
    "server",
)


def parameters(quick: bool) -> dict[str, Any]:
    return {
        "quick": quick,
        "stories_seeded": FEEDS * ITEMS,
        "rounds": 1 if quick else 3,
        "wrk": {"threads": 2, "connections": 64, "duration_s": 5 if quick else 10},
        "warmup_s": 2,
        "headers": list(HEADERS),
        "nginx_workers": 2,
        "targets": list(TARGETS),
    }


def seed_stories(procs: harness.Processes, env: dict[str, str], opml_path: Any) -> str:
    """Serve a small farm, import its feeds and ingest them once."""
    argv = [harness.PYTHON, "-m", "bench.feedfarm", "--feeds", str(FEEDS)]
    farm = procs.start(
        "feedfarm", [*argv, "--items", str(ITEMS)], stdout=subprocess.PIPE
    )
    assert farm.popen.stdout is not None
    ready = harness.LineReader(farm.popen.stdout, farm).read_json("READY ", 60)
    write_opml(opml_path, ready["port"], FEEDS)
    harness.run_livenews(["sources", "import", str(opml_path)], env, 120)
    out = harness.run_livenews(["ingest", "--once"], env, 300)
    farm.stop()
    return out.strip()


def nginx_servers(plain: int, gzipped: int, root: str) -> str:
    return f"""
    sendfile on;
    tcp_nopush on;
    server {{ listen 127.0.0.1:{plain}; root {root}; index index.html; gzip off; }}
    server {{
        listen 127.0.0.1:{gzipped}; root {root}; index index.html;
        gzip on; gzip_comp_level 1; gzip_types text/html;
    }}
"""


def run(quick: bool) -> dict[str, Any]:
    """Run the scenario and return its result document (without machine facts)."""
    params = parameters(quick)
    harness.ensure_tools("wrk", "nginx")
    wrk = params["wrk"]
    with harness.workspace("pages") as (tmp, procs):
        env = harness.livenews_env(tmp / "data")
        seeded = seed_stories(procs, env, tmp / "sources.opml")
        port = harness.free_port()
        web = procs.start(
            "livenews-web",
            [
                harness.LIVENEWS,
                "web",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            env=env,
        )
        harness.wait_http(port, "/", 60, web)
        page = harness.http_get(port, "/")
        # What a browser gets, second request (a page cache may fill on the first).
        harness.http_get(port, "/", dict(h.split(": ", 1) for h in HEADERS))
        headers, body = harness.http_get_full(
            port, "/", dict(h.split(": ", 1) for h in HEADERS)
        )
        params["livenews_answer"] = {
            "bytes": len(body),
            **{k: v for k, v in headers.items() if k in SHOWN_HEADERS},
        }
        www = tmp / "www"
        www.mkdir()
        (www / "index.html").write_bytes(page)
        plain, gzipped = harness.free_port(), harness.free_port()
        nginx.start_nginx(
            procs,
            tmp / "nginx",
            nginx_servers(plain, gzipped, str(www)),
            [plain, gzipped],
        )
        gz_size = len(harness.http_get(gzipped, "/", {"Accept-Encoding": "gzip"}))
        ports = {
            "livenews": port,
            "livenews-identity": port,
            "nginx": plain,
            "nginx-gzip": gzipped,
        }
        rounds: list[dict[str, dict[str, Any]]] = []
        for number in range(params["rounds"]):
            turn = number % len(TARGETS)
            order = TARGETS[turn:] + TARGETS[:turn]
            this_round = {}
            for target in order:
                url = f"http://127.0.0.1:{ports[target]}/"
                sent = HEADERS_OF.get(target, HEADERS)
                harness.run_wrk(url, 2, wrk["connections"], params["warmup_s"], sent)
                waited = harness.wait_idle(web.pid)
                ours = target.startswith("livenews")
                cpu0 = harness.tree_cpu_seconds(web.pid) if ours else 0
                figures = harness.run_wrk(
                    url, wrk["threads"], wrk["connections"], wrk["duration_s"], sent
                )
                if ours:
                    used = harness.tree_cpu_seconds(web.pid) - cpu0
                    figures["server_cpu_cores"] = round(used / wrk["duration_s"], 2)
                figures["idle_wait_s"] = [waited, harness.wait_idle(web.pid)]
                this_round[target] = figures
            rounds.append(this_round)
        params.update(
            page_bytes=len(page),
            page_gzip_bytes=gz_size,
            seeded=seeded,
            commands={
                "livenews": f"livenews web --host 127.0.0.1 --port {port} --workers 2",
                "nginx": "nginx -p PREFIX -c nginx.conf (see bench/nginx.py)",
                "wrk": "wrk -t{threads} -c{connections} -d{duration_s}s --latency "
                "--timeout=30s -H 'Accept-Encoding: gzip' URL".format(**wrk),
            },
        )
    return summarize(params, rounds)


def summarize(params: dict[str, Any], rounds: list[dict[str, Any]]) -> dict[str, Any]:
    figures = harness.wrk_figures(rounds, TARGETS)

    def per_round(a: str, b: str) -> float | None:
        values = [r[a]["rps"] / r[b]["rps"] for r in rounds if r[b]["rps"]]
        found = harness.median(values)
        return None if found is None else round(found, 4)

    ratios = {
        "livenews_vs_nginx": per_round("livenews", "nginx"),
        "livenews_identity_vs_nginx": per_round("livenews-identity", "nginx"),
        "livenews_vs_nginx_gzip": per_round("livenews", "nginx-gzip"),
        "nginx_gzip_vs_nginx": per_round("nginx-gzip", "nginx"),
    }
    notes = [
        "ratios are medians of per-round req/s ratios",
        "parameters.livenews_answer shows what livenews sent for / under the wrk "
        "headers (size, encoding, caching headers): whether a page cache or "
        "pre-compressed variant answered, or Django rendered",
        "wrk, nginx and livenews share the same 2 vCPUs",
    ]
    errors = {
        t: sum(r["non_2xx_3xx"] + r["socket_errors"] for r in figures[t]["rounds"])
        for t in TARGETS
    }
    if any(errors.values()):
        notes.append(f"non-2xx answers or socket errors per target: {errors}")
    return {
        "command": "python -m bench pages" + (" --quick" if params["quick"] else ""),
        "parameters": params,
        "figures": {
            "livenews": figures["livenews"],
            "livenews-identity": figures["livenews-identity"],
        },
        "reference": {"nginx": figures["nginx"], "nginx-gzip": figures["nginx-gzip"]},
        "ratios": ratios,
        "notes": notes,
    }


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    """Return rows (what, figure, reference, ratio) for the stdout table."""
    rows = []
    every = {**result["figures"], **result["reference"]}
    ratio_of = {
        "livenews": result["ratios"]["livenews_vs_nginx"],
        "livenews-identity": result["ratios"].get("livenews_identity_vs_nginx"),
        "nginx": 1.0,
        "nginx-gzip": result["ratios"]["nginx_gzip_vs_nginx"],
    }
    for target in TARGETS:
        f = every[target]
        rows.append(
            [
                f"pages / {target} (req/s)",
                f"{f['rps_median']:,.0f}",
                f"p50 {f['p50_ms_median']} ms, p99 {f['p99_ms_median']} ms",
                f"{ratio_of[target]:.4f}x nginx",
            ]
        )
    rows.append(
        [
            "  livenews vs nginx gzip",
            "",
            "",
            f"{result['ratios']['livenews_vs_nginx_gzip']:.4f}x",
        ]
    )
    return rows
