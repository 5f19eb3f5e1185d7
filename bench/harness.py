"""Shared plumbing for the scenarios: ports, processes, tools, wrk, results.

Every server a scenario starts listens on 127.0.0.1 on a free port, runs in its
own session (so its children die with it) and is stopped by its PID in a
``finally``: ``Processes.stop_all`` runs even when a scenario fails. Every wait
is bounded by a deadline.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import psutil

from bench import machine

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = sys.executable
LIVENEWS = str(Path(PYTHON).with_name("livenews"))
# "nginx" exists in every Debian and Ubuntu release (nginx-light does not).
APT_PACKAGES = ["nginx", "wrk", "libnginx-mod-nchan"]

# With ``--rev``, every livenews process runs a snapshot of that commit instead
# of the working tree (which others may be editing mid-change).
_snapshot: dict[str, str] = {}


def use_revision(rev: str, into: Path) -> str:
    """Extract ``livenews/`` at ``rev`` into ``into``; run every process on it."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", rev],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "livenews"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    _snapshot.update(root=str(into), commit=commit, rev=rev)
    return commit


def source_root() -> Path:
    """Return where livenews is imported from: the snapshot or the repository."""
    return Path(_snapshot.get("root", REPO))


def source_env(env: dict[str, str] | None) -> dict[str, str] | None:
    """Put the snapshot ahead of the repository (which still provides ``bench``)."""
    if not _snapshot:
        return env
    merged = dict(os.environ if env is None else env)
    merged["PYTHONPATH"] = f"{_snapshot['root']}:{REPO}"
    return merged


class Skip(Exception):
    """The scenario (or one of its references) cannot run here; says why."""


# --- ports and waiting ---------------------------------------------------------


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(port: int, path: str, deadline_s: float, proc: Proc | None = None) -> int:
    """Wait until ``GET path`` on 127.0.0.1:port answers; return its status."""
    deadline = time.monotonic() + deadline_s
    last_error = ""
    while time.monotonic() < deadline:
        if proc is not None and proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited early:\n{proc.log_tail()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            return status
        except OSError as exc:
            last_error = str(exc)
            time.sleep(0.1)
    raise TimeoutError(f"127.0.0.1:{port}{path} not answering: {last_error}")


def http_get(port: int, path: str, headers: dict[str, str] | None = None) -> bytes:
    """Return the body of ``GET path`` on 127.0.0.1:port (raise unless 200)."""
    return http_get_full(port, path, headers)[1]


def http_get_full(
    port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[dict[str, str], bytes]:
    """Return the headers (lower-cased names) and body of ``GET path``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    return {k.lower(): v for k, v in response.getheaders()}, body


# --- processes -------------------------------------------------------------------


class Proc:
    """A child process in its own session, with its output in a log file."""

    def __init__(self, name: str, popen: subprocess.Popen[Any], log: Path) -> None:
        self.name = name
        self.popen = popen
        self.log = log

    @property
    def pid(self) -> int:
        return self.popen.pid

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, grace: float = 5.0, sig: int = signal.SIGTERM) -> None:
        """Signal the process (and its session) by PID; kill it after ``grace``."""
        if self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)  # the group whose leader is our child
        try:
            self.popen.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait(5)


class Processes:
    """Start children and stop every one of them, in reverse order, at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.procs: list[Proc] = []

    def start(
        self,
        name: str,
        argv: Sequence[str],
        env: dict[str, str] | None = None,
        stdout: int | IO[Any] | None = None,
        stdin: int | None = None,
        cwd: Path | None = None,
    ) -> Proc:
        log = self.workdir / f"{name}.log"
        with log.open("ab") as err:
            popen = subprocess.Popen(
                list(argv),
                env=source_env(env),
                cwd=cwd or source_root(),
                stdin=stdin if stdin is not None else subprocess.DEVNULL,
                stdout=stdout if stdout is not None else err,
                stderr=err,
                start_new_session=True,
            )
        proc = Proc(name, popen, log)
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()
        self.procs.clear()


@contextlib.contextmanager
def workspace(prefix: str) -> Iterator[tuple[Path, Processes]]:
    """Yield a fresh temporary directory and a process set, both cleaned up."""
    path = Path(tempfile.mkdtemp(prefix=f"livenews-bench-{prefix}-"))
    path.chmod(0o755)  # nginx workers run as another user and read files here
    procs = Processes(path)
    try:
        yield path, procs
    finally:
        procs.stop_all()
        if os.environ.get("BENCH_KEEP_TMP"):
            print(f"  (kept {path})", file=sys.stderr)
        else:
            shutil.rmtree(path, ignore_errors=True)


def livenews_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Return an environment for a livenews process on its own data directory."""
    env = dict(os.environ)
    for name in list(env):
        if name.startswith("LIVENEWS_") or name == "DJANGO_SETTINGS_MODULE":
            del env[name]
    env.update(
        LIVENEWS_DATA_DIR=str(data_dir),
        LIVENEWS_ALLOW_PRIVATE_SOURCES="1",
        LIVENEWS_STARTER_SOURCES="0",
        DJANGO_SETTINGS_MODULE="livenews.settings",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_livenews(args: Sequence[str], env: dict[str, str], timeout: float) -> str:
    """Run one ``livenews`` command to completion; return its stdout."""
    done = subprocess.run(
        [LIVENEWS, *args],
        env=source_env(env),
        cwd=source_root(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"livenews {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def tree_rss(pid: int) -> int:
    """Return the resident memory in bytes of ``pid`` and all its descendants."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += proc.memory_info().rss
    return total


def tree_cpu_seconds(pid: int) -> float:
    """Return user+system CPU seconds used so far by ``pid`` and its descendants."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def wait_idle(pid: int, deadline_s: float = 30.0, cores: float = 0.1) -> float:
    """Wait until ``pid``'s tree uses less than ``cores`` CPUs; return seconds waited.

    A server still draining the backlog of the last load run would otherwise
    steal CPU from the next measurement on this 2-core machine.
    """
    started = time.monotonic()
    while time.monotonic() - started < deadline_s:
        before = tree_cpu_seconds(pid)
        time.sleep(0.3)
        if (tree_cpu_seconds(pid) - before) / 0.3 < cores:
            break
    return round(time.monotonic() - started, 1)


def raise_fd_limit() -> int:
    """Raise this process's open-file limit to the hard limit; return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- tools -----------------------------------------------------------------------

_apt_tried = False


def apt_install(packages: Sequence[str]) -> list[str]:
    """Install each package with apt-get (updating the lists once if one fails).

    One at a time, so a package missing from this release (the nchan module
    on some) does not stop the others. Return the packages that failed.
    """
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

    def install(name: str) -> bool:
        done = subprocess.run(
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", name],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=600,
            check=False,
        )
        return done.returncode == 0

    failed = [name for name in packages if not install(name)]
    if failed:  # a fresh machine has no package lists yet
        subprocess.run(
            ["apt-get", "update", "-q"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=600,
            check=False,
        )
        failed = [name for name in failed if not install(name)]
    return failed


def ensure_tools(*names: str) -> None:
    """Make sure each command exists, installing with apt once if allowed; else Skip."""
    global _apt_tried
    missing = [n for n in names if not machine.find_tool(n)]
    if missing and not _apt_tried and os.geteuid() == 0 and shutil.which("apt-get"):
        _apt_tried = True
        print(f"  installing {' '.join(APT_PACKAGES)} with apt-get", file=sys.stderr)
        failed = apt_install(APT_PACKAGES)
        if failed:
            print(f"  apt-get could not install {' '.join(failed)}", file=sys.stderr)
        missing = [n for n in names if not machine.find_tool(n)]
    if missing:
        how = "not root or no apt-get" if not _apt_tried else "apt-get install failed"
        raise Skip(f"{', '.join(missing)} not installed ({how})")


# --- wrk -------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
_LATENCY = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.M)


def parse_wrk(text: str) -> dict[str, Any]:
    """Return req/s, latency percentiles (ms), requests and errors from wrk output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if rps is None:
        raise ValueError(f"no Requests/sec in wrk output:\n{text}")
    out: dict[str, Any] = {"rps": float(rps.group(1))}
    for pct, value, unit in _LATENCY.findall(text):
        out[f"p{pct}_ms"] = round(float(value) * _UNITS[unit], 3)
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+), ([\d.]+\w+) read", text)
    if total:
        out["requests"] = int(total.group(1))
        out["read"] = total.group(4)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non_2xx_3xx"] = int(non2xx.group(1)) if non2xx else 0
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    out["socket_errors"] = sum(map(int, sock.groups())) if sock else 0
    return out


def run_wrk(
    url: str,
    threads: int,
    connections: int,
    duration_s: int,
    headers: Sequence[str] = (),
    timeout_s: int = 30,
) -> dict[str, Any]:
    """Run wrk (a separate process) against ``url``; return the parsed figures.

    The request timeout is raised from wrk's 2 s so that a slow server's
    latency is measured rather than dropped as socket timeouts.
    """
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s}s"]
    argv += ["--latency", f"--timeout={timeout_s}s"]
    for header in headers:
        argv += ["-H", header]
    argv.append(url)
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=duration_s + timeout_s + 30,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.stderr.strip()}")
    return parse_wrk(done.stdout)


# --- figures and results -----------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def wrk_figures(
    rounds: Sequence[dict[str, dict[str, Any]]], targets: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Return each target's median req/s, p50 and p99 over rounds of wrk runs."""
    figures = {}
    for target in targets:
        runs = [r[target] for r in rounds]
        figures[target] = {
            "rps_median": round(median([r["rps"] for r in runs]) or 0, 1),
            "p50_ms_median": median([r["p50_ms"] for r in runs]),
            "p99_ms_median": median([r["p99_ms"] for r in runs]),
            "rounds": runs,
        }
    return figures


def percentile(sorted_values: Sequence[float], pct: float) -> float | None:
    """Return the nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return None
    rank = max(
        0, min(len(sorted_values) - 1, round(pct / 100 * len(sorted_values)) - 1)
    )
    return sorted_values[rank]


def ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return round(value / reference, 4)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_result(scenario: str, result: dict[str, Any]) -> Path:
    """Write ``bench/results/<scenario>.json`` (scenario, date and machine first)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    facts = machine.machine_facts(REPO, _snapshot)
    document = {"scenario": scenario, "date": utc_now(), "machine": facts}
    document.update(result)
    path = RESULTS_DIR / f"{scenario}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def skipped(scenario: str, reason: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """Return the result of a scenario that could not run, with the reason."""
    return {
        "skipped": True,
        "reason": reason,
        "parameters": parameters,
        "figures": {},
        "reference": {},
        "ratios": {},
        "notes": [f"skipped: {reason}"],
    }


class LineReader:
    """Read lines from a child's pipe with a deadline (select on the raw fd)."""

    def __init__(self, stream: IO[bytes], owner: Proc | None = None) -> None:
        self.fd = stream.fileno()
        self.buffer = b""
        self.owner = owner

    def readline(self, deadline_s: float) -> str | None:
        """Return the next line, or None at end of stream; TimeoutError on deadline."""
        deadline = time.monotonic() + deadline_s
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line within {deadline_s:g} s")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    rest, self.buffer = self.buffer, b""
                    return rest.decode() if rest else None
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()

    def read_json(self, prefix: str, deadline_s: float) -> dict[str, Any]:
        """Skip lines until one starts with ``prefix``; return its JSON payload."""
        deadline = time.monotonic() + deadline_s
        while True:
            line = self.readline(max(0.0, deadline - time.monotonic()))
            if line is None:
                where = ""
                if self.owner is not None:
                    where = f" ({self.owner.name} log:\n{self.owner.log_tail(15)})"
                raise RuntimeError(f"stream ended before a {prefix!r} line{where}")
            if line.startswith(prefix):
                return dict(json.loads(line[len(prefix) :]))
