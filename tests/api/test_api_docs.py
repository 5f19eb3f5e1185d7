"""Meta test: every API operation is documented in docs/api.md."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_api_operation_is_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    text = (ROOT / "docs/api.md").read_text()
    for path, operations in schema["paths"].items():
        for method in operations:
            assert f"`{method.upper()} {path}`" in text, (method, path)
