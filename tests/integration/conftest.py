"""Integration fixtures: the central service on PostgreSQL, over real HTTP on loopback."""

from __future__ import annotations

import pytest

from tests.sync_helpers import live_server, memory_keyring


@pytest.fixture
def server(pg_url):
    """A live central service (uvicorn on a loopback port) on a fresh PostgreSQL database.
    A test module may define its own `server` when it needs another set-up."""
    with memory_keyring(), live_server(pg_url) as live:
        yield live
