"""``python -m bench [ingest|pages|sse ...] [--quick] [--rev REV]``: run, write JSON.

With no scenario named, all run in turn. Each writes
``bench/results/<scenario>.json``; a scenario whose tools are missing writes
its JSON with ``skipped`` and the reason. A short table goes to stdout.
``--rev HEAD`` measures a snapshot of that commit instead of the working tree,
for when the tree is in the middle of someone's change.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

from bench import (
    buslatency,
    edge_misses,
    edge_revalidate,
    edge_storm,
    freshness,
    harness,
    ingest,
    pages,
    render,
    search,
    soak,
    sse,
    sse10k,
)

# One line per scenario, in the order `python -m bench` runs them.
SCENARIOS = {
    "ingest": ingest,
    "soak": soak,
    "pages": pages,
    "render": render,
    "revalidate": edge_revalidate,
    "misses": edge_misses,
    "storm": edge_storm,
    "search": search,
    "sse": sse,
    "sse10k": sse10k,
    "freshness": freshness,
    "buslatency": buslatency,
}


def stop_on_signal(signum: int, frame: FrameType | None) -> None:
    # Turn SIGTERM into an exception so every finally stops its servers.
    raise KeyboardInterrupt(f"signal {signum}")


def run_one(name: str, quick: bool) -> dict[str, Any]:
    module = SCENARIOS[name]
    started = time.monotonic()
    print(f"== {name}{' (quick)' if quick else ''}", file=sys.stderr, flush=True)
    try:
        result = module.run(quick)
    except harness.Skip as exc:
        result = harness.skipped(name, str(exc), module.parameters(quick))
    except Exception as exc:
        traceback.print_exc()
        result = harness.skipped(name, f"failed: {exc}", module.parameters(quick))
        result["failed"] = True
    result["duration_s"] = round(time.monotonic() - started, 1)
    path = harness.write_result(name, result)
    print(f"   wrote {path.relative_to(harness.REPO)}", file=sys.stderr, flush=True)
    return result


def print_table(results: dict[str, dict[str, Any]]) -> None:
    rows = [["scenario / figure", "measured", "reference", "ratio"]]
    for name, result in results.items():
        if result.get("skipped"):
            rows.append([name, "skipped", result["reason"][:60], ""])
            continue
        try:
            rows.extend(SCENARIOS[name].table_rows(result))
        except (KeyError, TypeError, ValueError) as exc:  # one bad row set only
            rows.append([name, "no table", f"{type(exc).__name__}: {exc}"[:60], ""])
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("scenarios", nargs="*", help=f"any of {', '.join(SCENARIOS)}")
    parser.add_argument("--quick", action="store_true", help="smaller, shorter runs")
    parser.add_argument(
        "--rev",
        help="measure this commit (a snapshot) instead of the working tree",
    )
    args = parser.parse_args()
    unknown = sorted(set(args.scenarios) - set(SCENARIOS))
    if unknown:
        parser.error(
            f"unknown scenario {', '.join(unknown)}; pick from {list(SCENARIOS)}"
        )
    signal.signal(signal.SIGTERM, stop_on_signal)
    harness.raise_fd_limit()  # inherited by every server and client started
    results = {}
    with tempfile.TemporaryDirectory(prefix="livenews-bench-src-") as snapshot:
        if args.rev:
            commit = harness.use_revision(args.rev, Path(snapshot))
            print(f"measuring livenews at {commit}", file=sys.stderr)
        for name in args.scenarios or list(SCENARIOS):
            results[name] = run_one(name, args.quick)
    print()
    print_table(results)
    return 1 if any(r.get("failed") for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
