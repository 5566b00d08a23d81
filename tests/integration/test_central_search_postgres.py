"""Search on PostgreSQL (the central service): the same answers as the desktop's FTS5 search, from
trigram indexes (migration 0020) rather than by reading every consumer."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.domain.core.clock import FixedClock
from app.runtime import open_runtime
from app.services.dashboard.search import search_query
from app.services.registry import Services
from tests.dashboard_fixtures import build_world
from tests.factories import NOW, seed_users
from tests.payment_fixtures import actor

pytestmark = pytest.mark.postgres
TRIGRAM_INDEXES = {"ix_consumers_name_trgm", "ix_consumers_service_address_trgm",
                   "ix_consumers_account_no_trgm", "ix_payments_receipt_no_trgm",
                   "ix_service_requests_request_no_trgm"}


@pytest.fixture
def pg_runtime(tmp_path, pg_url):
    runtime = open_runtime(tmp_path / "d", lock=False, database_url=pg_url, clock=FixedClock(NOW))
    seed_users(runtime)
    yield runtime
    runtime.close()


def test_the_central_search_finds_what_the_desktop_finds(pg_runtime):
    build_world(pg_runtime)
    lists, manager = Services(pg_runtime.app).dashboard_lists, actor(pg_runtime, "manager")
    # The figures of tests/integration/test_dashboard_service.py's search test, on SQLite.
    assert {hit.consumer for hit in lists.search(manager, "SMI", all_cycles=True)} == {"Asha Smith"}
    assert lists.search_count(manager, "smi", all_cycles=True) == 4
    assert lists.search_count(manager, "lake road", all_cycles=True) == 13
    assert lists.search_count(manager, "acc-0003", all_cycles=True) == 3
    assert lists.search_count(manager, "pa", all_cycles=True) == 2
    assert lists.search_count(manager, "100%_", all_cycles=True) == 0  # LIKE's wildcards are text


def test_the_searched_columns_have_trigram_indexes_that_the_planner_uses(pg_runtime):
    with pg_runtime.app.sessions() as session:
        names = set(session.execute(text("SELECT indexname FROM pg_indexes")).scalars())
        assert names >= TRIGRAM_INDEXES
        # A table this small is read whole when allowed: forbid that to see what the index offers.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        query = search_query("smith", all_cycles=True, dialect="postgresql")
        compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(session.execute(text(f"EXPLAIN {compiled}")).scalars())
    assert "ix_consumers_name_trgm" in plan
