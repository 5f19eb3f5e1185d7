"""Scenario ``search``: full-text search over 1,000,000 articles on SQLite FTS5.

Set-up, in one worker process (``python -m bench.search --worker``): a fresh
SQLite database migrated by Django, then N synthetic articles (default
1,000,000; ``--quick`` 100,000) written straight into it with ``executemany``
(articles, their stories, and their search documents, whose triggers fill the
FTS5 index), not through Django row by row. The documents are made by the
project's own ``textfold.document_text``, as the indexer makes them.

The text: 30,000 pseudo-words drawn with Zipf frequencies (titles 8 words,
bodies 40), in English to the indexer (Snowball stems 11 % of the words, ~20 %
of the running text, "stuple" → "stupl", but merges almost none, so match
counts stay those of an unstemmed corpus), 5 % of articles in Chinese (runs
of common words without spaces), 0.5 % naming Zürich; sections, languages,
sources, 200,000 stories with 1-20 sources, publication dates over two years
rising with the id, 0.5 % hidden.

Measured: ``search_articles()`` — the whole search a page does (parse, the
pending-queue check, candidates, ranking, the page's articles, snippets) — for
typical queries: a common word (~7 % of articles), two and three words, a rare
word (~0.02 %), a phrase, a prefix, Chinese, an accent-folded word, and a common
word with a section filter and with a date range. Each query runs ``ROUNDS``
times after one warm-up; figures are p50/p99 over all runs, and p50 per query.
Issue target: **p50 < 20 ms over 1,000,000 articles**.

References, same process, same database:

* **raw FTS5**: the bare ``MATCH … ORDER BY rowid DESC LIMIT 1000`` of the same
  queries (no join, ranking, filters or snippets): what our layers add.
* **LIKE scan**: ``title LIKE '%w%' OR body_text LIKE '%w%'`` newest 20, the
  search one would write without a full-text index (rare word; 3 runs).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import harness

TARGET_P50_MS = 20.0
ROUNDS = 15
VOCABULARY = 30_000
STORY_SIZE = 5
CHINESE_WORDS = (
    "北京 上海 会议 政府 经济 发展 国际 市场 公司 记者 报道 表示 今天 中国 "
    "美国 日本 世界 全国 地区 城市 工作 问题 情况 国家 人民 企业 投资 增长 "
    "银行 技术 科学 研究 学生 学校 医院 健康 天气 交通 旅游 文化 体育 比赛 "
    "足球 音乐 电影 新闻 网络 手机 能源 环境 气候 农业 工业 价格 消费 出口"
).split()


# JSON columns (text in SQLite, checked by json_valid) and their empty values.
JSON_LISTS = {"authors", "recent_fetch_ms"}
JSON_OBJECTS = {"cluster_state"}


def parameters(quick: bool) -> dict[str, Any]:
    return {
        "quick": quick,
        "articles": 100_000 if quick else 1_000_000,
        "rounds": ROUNDS,
        "vocabulary": VOCABULARY,
        "worker_budget_s": 900 if quick else 3600,
    }


# --- synthetic text ---------------------------------------------------------------


def make_vocabulary(rng: random.Random) -> list[str]:
    """Return distinct pseudo-words, most frequent first."""
    onsets = "b c d f g h k l m n p r s t v w z br cr dr gr pl st tr".split()
    vowels = "a e i o u ai ea ou".split()
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < VOCABULARY:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(2, 4))
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class TextMaker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = make_vocabulary(self.rng)
        weights = [1.0 / (rank + 1) for rank in range(VOCABULARY)]
        total = 0.0
        self.cumulative = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)

    def latin(self, count: int) -> str:
        return " ".join(
            self.rng.choices(self.words, cum_weights=self.cumulative, k=count)
        )

    def chinese(self, count: int) -> str:
        return "".join(self.rng.choices(CHINESE_WORDS, k=count)) + "。"


# --- bulk load ----------------------------------------------------------------------


def _sqlite_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def insert_rows(
    conn: sqlite3.Connection,
    table: str,
    columns: list[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """Insert rows, filling the table's other NOT NULL columns with zero values."""
    info = conn.execute(f"PRAGMA table_info({table})").fetchall()
    fill: dict[str, Any] = {}
    for _, name, kind, notnull, default, pk in info:
        if name in columns or pk or not notnull or default is not None:
            continue
        kind = kind.lower()
        if name in JSON_LISTS:
            fill[name] = "[]"
        elif name in JSON_OBJECTS:
            fill[name] = "{}"
        elif "char" in kind or "text" in kind:
            fill[name] = ""
        elif "datetime" in kind:
            fill[name] = "2026-01-01 00:00:00"
        else:
            fill[name] = 0
    names = columns + list(fill)
    extra = tuple(fill.values())
    sql = (
        f"INSERT INTO {table} ({', '.join(names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    conn.executemany(sql, (row + extra for row in rows))


def build(db_path: str, articles: int, now: datetime) -> dict[str, Any]:
    """Fill the database; return what was built and how long it took."""
    from livenews.articles.sections import SECTIONS
    from livenews.search.textfold import document_text

    maker = TextMaker(42)
    rng = random.Random(7)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    started = time.monotonic()
    sources = 200
    insert_rows(
        conn,
        "sources_source",
        ["id", "url", "name", "section"],
        [
            (n, f"https://s{n}.example.org/feed", f"Outlet {n}", "")
            for n in range(1, sources + 1)
        ],
    )
    stories = articles // STORY_SIZE + 1
    insert_rows(
        conn,
        "stories_story",
        [
            "id",
            "headline",
            "source_count",
            "article_count",
            "first_seen_at",
            "updated_at",
        ],
        [
            (
                n,
                f"Story {n}",
                min(int(rng.paretovariate(1.2)), 20),
                STORY_SIZE,
                _sqlite_time(now),
                _sqlite_time(now),
            )
            for n in range(1, stories + 1)
        ],
    )
    conn.commit()
    span = timedelta(days=730)
    batch = 20_000
    text_s = 0.0
    for first in range(1, articles + 1, batch):
        rows = []
        documents = []
        t0 = time.monotonic()
        for pk in range(first, min(first + batch, articles + 1)):
            if rng.random() < 0.05:
                title, body, language = maker.chinese(4), maker.chinese(15), "zh"
            else:
                title, body, language = (
                    maker.latin(8).capitalize(),
                    maker.latin(40),
                    "en",
                )
                if rng.random() < 0.005:
                    body = "Zürich " + body
            published = (
                now - span * (1 - pk / articles) - timedelta(minutes=rng.random() * 600)
            )
            rows.append(
                (
                    pk,
                    rng.randint(1, sources),
                    f"g{pk}",
                    f"{pk:064x}",
                    title,
                    body[:300],
                    body,
                    body,
                    language,
                    _sqlite_time(published),
                    f"{pk:064x}",
                    int(rng.random() < 0.005),
                    rng.choice(SECTIONS),
                    pk // STORY_SIZE + 1,
                )
            )
            row = rows[-1]
            documents.append(
                (
                    pk,
                    row[9],
                    row[11],
                    0,
                    row[1],
                    row[13],
                    row[12],
                    language,
                    document_text(title, language),
                    document_text(body, language),
                )
            )
        text_s += time.monotonic() - t0
        insert_rows(
            conn,
            "articles_article",
            [
                "id",
                "source_id",
                "guid",
                "guid_hash",
                "title",
                "summary",
                "body_html",
                "body_text",
                "language",
                "published_at",
                "content_hash",
                "hidden",
                "section",
                "story_id",
            ],
            rows,
        )
        conn.executemany(
            "INSERT INTO search_searchdocument (article_id, published_at, hidden, "
            "is_copy, source_id, story_id, section, language, title, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            documents,
        )
        conn.commit()
    # The triggers queued every article; the documents above already index them.
    conn.execute("DELETE FROM search_pendingarticle")
    conn.commit()
    load_s = time.monotonic() - started
    t0 = time.monotonic()
    conn.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    conn.commit()
    optimize_s = time.monotonic() - t0
    conn.execute("ANALYZE")
    conn.commit()
    fts_bytes = sum(
        conn.execute(
            "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ? "
            "AND aggregate = TRUE",
            (name,),
        ).fetchone()[0]
        for name in ("search_fts_data", "search_fts_idx")
    )
    conn.close()
    return {
        "articles": articles,
        "build_s": round(load_s, 1),
        "text_generation_s": round(text_s, 1),
        "optimize_s": round(optimize_s, 1),
        "db_bytes": os.path.getsize(db_path),
        "fts_index_bytes": fts_bytes,
    }


# --- measuring ----------------------------------------------------------------------


def queries(words: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    common, mid, mid2, rare = words[49], words[499], words[999], words[19_999]
    return {
        "common word": (common, {}),
        "two words": (f"{common} {mid}", {}),
        "three words": (f"{words[29]} {words[59]} {words[99]}", {}),
        "rare word": (rare, {}),
        "phrase": (f'"{words[9]} {words[19]}"', {}),
        "prefix": (f"{mid2[:5]}*", {}),
        "chinese": ("北京", {}),
        "accent folded": ("zurich", {}),
        "common + section": (common, {"section": "politics"}),
        "mid + last 30 days": (mid, {"since": "recent"}),
    }


def measure(now: datetime, rounds: int) -> dict[str, Any]:
    from django.db import connection

    from livenews.search.filters import SearchFilters
    from livenews.search.queries import portal_languages, search_articles
    from livenews.search.query import parse_query, to_fts5

    words = TextMaker(42).words
    plan = queries(words)
    per_query: dict[str, dict[str, Any]] = {}
    all_ms: list[float] = []
    raw_ms: list[float] = []
    for name, (text, options) in plan.items():
        since = (now - timedelta(days=30)).date() if options.get("since") else None
        filters = SearchFilters(section=options.get("section", ""), since=since)
        first = search_articles(text, filters, at=now)  # warm-up
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            search_articles(text, filters, at=now)
            times.append((time.perf_counter() - t0) * 1000)
        all_ms.extend(times)
        raw = []
        if not options:
            match = to_fts5(parse_query(text, portal_languages()))
            sql = (
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                "ORDER BY rowid DESC LIMIT 1000"
            )
            with connection.cursor() as cursor:
                for _ in range(rounds):
                    t0 = time.perf_counter()
                    cursor.execute(sql, [match])
                    cursor.fetchall()
                    raw.append((time.perf_counter() - t0) * 1000)
            raw_ms.extend(raw)
        per_query[name] = {
            "query": text,
            "filters": {k: str(v) for k, v in filters.as_params().items()},
            "matches": first.total,
            "capped": first.capped,
            "p50_ms": round(harness.median(times) or 0, 2),
            "max_ms": round(max(times), 2),
            "raw_fts5_p50_ms": round(harness.median(raw) or 0, 2) if raw else None,
        }
    like = []
    rare = plan["rare word"][0]
    with connection.cursor() as cursor:
        for _ in range(3):
            t0 = time.perf_counter()
            cursor.execute(
                "SELECT id FROM articles_article WHERE hidden = 0 AND "
                "(title LIKE %s OR body_text LIKE %s) ORDER BY id DESC LIMIT 20",
                [f"%{rare}%", f"%{rare}%"],
            )
            cursor.fetchall()
            like.append((time.perf_counter() - t0) * 1000)
    all_ms.sort()
    raw_ms.sort()
    return {
        "search_p50_ms": round(harness.percentile(all_ms, 50) or 0, 2),
        "search_p99_ms": round(harness.percentile(all_ms, 99) or 0, 2),
        "runs": len(all_ms),
        "per_query": per_query,
        "raw_fts5_p50_ms": round(harness.percentile(raw_ms, 50) or 0, 2),
        "raw_fts5_p99_ms": round(harness.percentile(raw_ms, 99) or 0, 2),
        "like_scan_rare_word_median_ms": round(harness.median(like) or 0, 1),
    }


def worker(articles: int, rounds: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    db_path = str(connection.settings_dict["NAME"])
    connection.close()
    built = build(db_path, articles, now)
    print("BUILT " + json.dumps(built), flush=True)
    measured = measure(now, rounds)
    print("RESULT " + json.dumps({"built": built, "measured": measured}), flush=True)


def run(quick: bool) -> dict[str, Any]:
    """Run the scenario and return its result document (without machine facts)."""
    params = parameters(quick)
    with harness.workspace("search") as (tmp, _procs):
        env = harness.livenews_env(tmp / "data")
        argv = [
            harness.PYTHON,
            "-m",
            "bench.search",
            "--worker",
            "--articles",
            str(params["articles"]),
            "--rounds",
            str(params["rounds"]),
        ]
        done = subprocess.run(
            argv,
            env=harness.source_env(env),
            capture_output=True,
            text=True,
            timeout=params["worker_budget_s"],
            cwd=harness.source_root(),
            check=False,
        )
        lines = [
            line for line in done.stdout.splitlines() if line.startswith("RESULT ")
        ]
        if done.returncode or not lines:
            raise RuntimeError(f"worker failed: {done.stderr[-2000:]}")
        data = json.loads(lines[-1][len("RESULT ") :])
    built, measured = data["built"], data["measured"]
    params["worker"] = " ".join(argv[1:])
    figures = {
        "build": built,
        "search_p50_ms": measured["search_p50_ms"],
        "search_p99_ms": measured["search_p99_ms"],
        "runs": measured["runs"],
        "per_query": measured["per_query"],
    }
    reference = {
        "target_p50_ms": TARGET_P50_MS,
        "raw_fts5_p50_ms": measured["raw_fts5_p50_ms"],
        "raw_fts5_p99_ms": measured["raw_fts5_p99_ms"],
        "like_scan_rare_word_median_ms": measured["like_scan_rare_word_median_ms"],
    }
    ratios = {
        "p50_vs_target": harness.ratio(measured["search_p50_ms"], TARGET_P50_MS),
        "p50_vs_raw_fts5": harness.ratio(
            measured["search_p50_ms"], measured["raw_fts5_p50_ms"]
        ),
        "like_scan_vs_search_rare_word": harness.ratio(
            measured["like_scan_rare_word_median_ms"],
            measured["per_query"]["rare word"]["p50_ms"],
        ),
    }
    return {
        "command": "python -m bench search" + (" --quick" if quick else ""),
        "parameters": params,
        "figures": figures,
        "reference": reference,
        "ratios": ratios,
        "notes": [
            "search = livenews.search.queries.search_articles, page 1, one process",
            "raw FTS5 = MATCH ... ORDER BY rowid DESC LIMIT 1000, unfiltered queries",
        ],
    }


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    """Return rows (what, figure, reference, ratio) for the stdout table."""
    f, r, q = result["figures"], result["reference"], result["ratios"]
    n = f["build"]["articles"]
    rows = [
        [
            f"search p50 over {n:,} articles (ms)",
            f"{f['search_p50_ms']:.2f}",
            f"target {r['target_p50_ms']:.0f}",
            _ratio(q["p50_vs_target"]),
        ],
        [
            "  p99 (ms) / raw FTS5 p50",
            f"{f['search_p99_ms']:.2f}",
            f"raw {r['raw_fts5_p50_ms']:.2f}",
            _ratio(q["p50_vs_raw_fts5"]),
        ],
        [
            "  LIKE scan, rare word (ms)",
            f"{r['like_scan_rare_word_median_ms']:.0f}",
            f"search {f['per_query']['rare word']['p50_ms']:.2f}",
            _ratio(q["like_scan_vs_search_rare_word"]),
        ],
        [
            "  build (s)",
            f"{f['build']['build_s']:.0f}",
            f"{f['build']['db_bytes'] / 1e9:.2f} GB",
            "",
        ],
    ]
    for name, figures in f["per_query"].items():
        rows.append(
            [
                f"  {name} ({figures['matches']} matches)",
                f"{figures['p50_ms']:.2f}",
                "",
                "",
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    if args.worker:
        worker(args.articles, args.rounds)
        return
    print(json.dumps(run(args.articles <= 100_000), indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
