"""Facts about the machine and the code measured, recorded with every result."""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import resource
import shutil
import subprocess
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

NCHAN_MODULE = Path("/usr/lib/nginx/modules/ngx_nchan_module.so")
PACKAGES = [
    "django",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "a2wsgi",
    "httpx",
    "feedparser",
    "nh3",
    "psutil",
]


def find_tool(name: str) -> str | None:
    """Return the path of a command, looking in sbin too (nginx lives there)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def tool_version(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=10, check=False
        )
    except OSError:
        return "absent"
    text = (done.stdout + done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def git_revision(repo: Path, snapshot: dict[str, str]) -> dict[str, Any]:
    """Return the commit and, since others edit the tree, what differs from it."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", "-C", str(repo), *args],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            ).stdout
        except OSError:
            return ""

    if snapshot:
        return {
            "commit": snapshot["commit"],
            "rev": snapshot["rev"],
            "snapshot": True,
        }
    diff = git("diff", "HEAD")
    changed = [line[3:] for line in git("status", "--porcelain").splitlines()]
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip() or "unknown",
        "uncommitted_diff_sha1": hashlib.sha1(diff.encode()).hexdigest()[:12]
        if diff
        else None,
        "uncommitted_paths": [p for p in changed if not p.startswith("bench/")],
    }


def machine_facts(repo: Path, snapshot: dict[str, str]) -> dict[str, Any]:
    """Return what the figures depend on: cores, CPU, memory, versions, load."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "nginx": tool_version([find_tool("nginx") or "nginx", "-v"]),
        "nchan_module": NCHAN_MODULE.exists(),
        "wrk": tool_version(["wrk", "-v"]),
        "open_files_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "livenews_tree": git_revision(repo, snapshot),
    }
