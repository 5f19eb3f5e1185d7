"""Serve a freshly built demo portal on a free 127.0.0.1 port, for the checkers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Portal:
    base_url: str
    pages: dict[str, str]  # kind -> path, from demo_site

    def url(self, kind: str) -> str:
        return self.base_url + self.pages[kind]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"livenews web exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("livenews web did not answer within 60 s")


@contextmanager
def demo_portal() -> Iterator[Portal]:
    """Build the demo database in a temporary directory and serve it."""
    with tempfile.TemporaryDirectory(prefix="livenews-webcheck-") as data_dir:
        env = {
            **os.environ,
            "LIVENEWS_DATA_DIR": data_dir,
            "LIVENEWS_STARTER_SOURCES": "0",
            "LIVENEWS_LOG_LEVEL": "WARNING",
        }
        env.pop("LIVENEWS_DATABASE_URL", None)
        built = subprocess.run(
            [sys.executable, "-m", "tools.webcheck.demo_site"],
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        pages = json.loads(built.stdout.strip().splitlines()[-1])["pages"]
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [sys.executable, "-m", "livenews", "web", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base_url, process)
            yield Portal(base_url, pages)
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(15)
