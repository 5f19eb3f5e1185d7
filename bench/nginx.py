"""nginx for the references: a private configuration, in the foreground.

Each scenario's nginx gets its own prefix directory (config, pid, logs, temp
files) and listens on 127.0.0.1 only; it runs with ``daemon off`` as a child of
the bench, so it is stopped by its PID like every other server.
"""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import time
from collections.abc import Sequence
from pathlib import Path

from bench import harness, machine

NGINX_TEMPLATE = """\
{main}
worker_processes {workers};
{user}
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
daemon off;
worker_rlimit_nofile {nofile};
events {{ worker_connections {connections}; }}
http {{
    access_log off;
    types {{ text/html html; }}
    default_type application/octet-stream;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    keepalive_requests 1000000;
{http}
}}
"""


def start_nginx(
    procs: harness.Processes,
    prefix: Path,
    http: str,
    ports: Sequence[int],
    workers: int = 2,
    main: str = "",
) -> harness.Proc:
    """Start nginx in the foreground on a config of our own; wait for its ports."""
    harness.ensure_tools("nginx")
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    user = ""
    if os.geteuid() == 0:
        # nginx run by root hands its workers to an unprivileged user.
        import pwd

        with contextlib.suppress(KeyError):
            pwd.getpwnam("www-data")
            user = "user www-data;"
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    conf = prefix / "nginx.conf"
    conf.write_text(
        NGINX_TEMPLATE.format(
            main=main,
            workers=workers,
            user=user,
            prefix=prefix,
            nofile=nofile,
            connections=max(1024, nofile // 2),
            http=http,
        )
    )
    nginx = machine.find_tool("nginx") or "nginx"
    argv = [nginx, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    proc = procs.start(f"nginx-{prefix.name}", argv)
    deadline = time.monotonic() + 15
    for port in ports:
        while True:
            if proc.popen.poll() is not None:
                error = (prefix / "error.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"nginx exited: {error}{proc.log_tail()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=1),
            ):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"nginx not listening on {port}")
            time.sleep(0.05)
    return proc
