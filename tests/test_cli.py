"""The ``livenews`` command, run as a subprocess against the test database."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from livenews.sources.models import Source
from tests.support.feeds import Item, rss


def test_sources_add_rejects_a_non_url_with_one_clear_line(cli):
    result = cli("sources", "add", "not-a-url")

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "Error: not a web address: 'not-a-url' (expected http:// or https://…)"
    ]
    assert "Traceback" not in result.stderr


def test_sources_import_of_a_missing_file_fails_with_one_clear_line(cli, tmp_path):
    result = cli("sources", "import", str(tmp_path / "missing.opml"))

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"Error: no such file: {tmp_path / 'missing.opml'}"
    ]


def test_sources_import_of_a_broken_file_fails_with_one_clear_line(cli, tmp_path):
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline")

    result = cli("sources", "import", str(broken))

    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not valid OPML" in result.stderr


def test_sources_add_list_export_and_import_round_trip(cli, tmp_path):
    added = cli(
        "sources",
        "add",
        "https://news.example.org/feed.xml",
        "--name",
        "Example News",
        "--section",
        "World",
    )
    assert added.returncode == 0, added.stderr
    assert cli("sources", "add", "https://news.example.org/feed.xml").returncode == 1

    listed = json.loads(cli("sources", "list", "--json").stdout)
    assert [(s["name"], s["section"], s["health"]) for s in listed] == [
        ("Example News", "world", "waiting")
    ]

    exported = cli("sources", "export")
    assert exported.returncode == 0
    opml = tmp_path / "out.opml"
    opml.write_text(exported.stdout)
    Source.objects.all().delete()

    imported = cli("sources", "import", str(opml))
    assert imported.returncode == 0, imported.stderr
    assert "imported 1 new source(s)" in imported.stdout
    source = Source.objects.get()
    assert (source.url, source.name, source.section) == (
        "https://news.example.org/feed.xml",
        "Example News",
        "world",
    )


def test_ingest_once_stores_items_and_records_failures_without_failing(
    cli, feed_server
):
    item = Item(
        guid="c1",
        title="Lighthouse keepers of Skarn vote to stay on",
        link="https://example.org/c1",
        published=datetime(2026, 3, 1, tzinfo=UTC),
    )
    Source.objects.create(url=feed_server.serve("/ok.xml", rss([item])), name="ok")
    Source.objects.create(url=feed_server.url("/gone.xml"), name="gone")

    result = cli("ingest", "--once")

    assert result.returncode == 0, result.stderr
    assert "stored 1 new article(s), 1 failing" in result.stdout
    assert "HTTP 404 Not Found" in result.stderr
    assert Source.objects.get(name="gone").consecutive_failures == 1


def test_createuser_makes_each_role(cli):
    from django.contrib.auth.models import User

    for role in ("admin", "editor", "reporter"):
        result = cli(
            "createuser",
            f"{role}1",
            "--role",
            role,
            "--password-stdin",
            input="a long enough password\n",
        )
        assert result.returncode == 0, result.stderr
        assert "sign in at /newsroom/" in result.stdout
        user = User.objects.get(username=f"{role}1")
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.is_staff
        assert user.is_superuser == (role == "admin")
        assert user.check_password("a long enough password")


def test_createuser_refuses_a_short_password_and_an_unknown_role(cli):
    short = cli(
        "createuser", "sam", "--role", "editor", "--password-stdin", input="abc\n"
    )
    assert short.returncode != 0
    assert short.stderr.startswith("Error: This password is too short.")
    unknown = cli(
        "createuser", "sam", "--role", "chief", "--password-stdin", input="x\n"
    )
    assert unknown.returncode != 0
    assert "Traceback" not in unknown.stderr


def test_python_dash_m_shows_help(cli):
    result = cli("--help")
    assert result.returncode == 0
    for command in (
        "serve",
        "web",
        "worker",
        "ingest",
        "sources",
        "createuser",
        "demo",
    ):
        assert command in result.stdout


def test_web_with_two_workers_serves_pages(cli):
    import subprocess
    import sys

    import httpx

    from tests.support.webprocs import free_port, wait_until_up

    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "livenews",
            "web",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=cli.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", proc)
        answers = {httpx.get(f"http://127.0.0.1:{port}/").status_code for _ in range(6)}
        assert answers == {200}
    finally:
        proc.terminate()
        proc.wait(15)
