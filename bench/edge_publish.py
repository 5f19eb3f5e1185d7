"""Publish ``story.updated`` events of one story at a fixed rate, for ``storm``.

``python -m bench.edge_publish --story 12 --rate 100 --seconds 10 --record F``
commits each event as the project does (``emit`` inside
``transaction.atomic()``) in this separate process, and writes to F one
``[event_id, committed_unix_time]`` row per event, the time taken right after
the commit returned. The events name ``front`` and ``story:12``, so each one
invalidates the front page. One ``RESULT {json}`` line reports the rate kept.
"""

from __future__ import annotations

import argparse
import json
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", type=int, required=True)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--record", required=True)
    args = parser.parse_args()
    from livenews.cli import setup_django

    setup_django()
    from django.db import transaction

    from livenews.core.timeutil import now
    from livenews.events.outbox import emit
    from livenews.events.types import StoryUpdated

    rows: list[list[float]] = []
    count = int(args.rate * args.seconds)
    print("STARTED", flush=True)  # Django is set up: the load may begin
    start = time.monotonic() + 0.2
    late = 0.0
    for seq in range(count):
        wait = start + seq / args.rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        late = max(late, -wait)
        with transaction.atomic():
            row = emit(
                StoryUpdated(
                    story_id=args.story,
                    headline=f"Storm update {seq}",
                    url=f"/story/{args.story}/",
                    article_count=seq + 1,
                    source_count=1,
                    updated_at=now().isoformat(),
                )
            )
        rows.append([row.id, time.time()])
    with open(args.record, "w") as out:
        json.dump(rows, out)
    took = time.monotonic() - start
    result = {
        "published": count,
        "seconds": round(took, 2),
        "rate_kept": round(count / took, 1),
        "late_ms_max": round(late * 1000, 1),
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
