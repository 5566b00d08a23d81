"""Where a bootstrap's time goes: a desktop downloading a centre from an in-process server on PostgreSQL.

Times the server's page answers and the desktop's applying of pages separately and writes a
cProfile of the desktop side (the thread that applies pages). Not a figure:
`python -m bench.profile_bootstrap` to look; BENCH_BOOTSTRAP_CONSUMERS sets the centre's size.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.bench_sync import _add_consumers
from tests.conftest import PG_ADMIN_URL
from tests.factories import PASSWORD
from tests.sync_helpers import live_server, memory_keyring, open_desktop

CONSUMERS = int(os.environ.get("BENCH_BOOTSTRAP_CONSUMERS", 5000))


def main() -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"utilitydesk_prof_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _profile(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _profile(url: str) -> None:

    with memory_keyring(), live_server(url) as server, tempfile.TemporaryDirectory() as folder:
        _add_consumers(url, server.world.zone_id, CONSUMERS)
        desk = open_desktop(Path(folder) / "desk", server.url)
        try:
            desk.agent.enrol(server.enrolment_code())
            desk.agent.login("cashier", PASSWORD)
            fetching, applying = [0.0], [0.0]
            fetch, apply = desk.agent._fetch_page, desk.agent._apply_or_keep

            def timed_fetch(*args):
                started = time.perf_counter()
                try:
                    return fetch(*args)
                finally:
                    fetching[0] += time.perf_counter() - started

            def timed_apply(*args):
                started = time.perf_counter()
                try:
                    return apply(*args)
                finally:
                    applying[0] += time.perf_counter() - started

            desk.agent._fetch_page, desk.agent._apply_or_keep = timed_fetch, timed_apply
            profile = cProfile.Profile()
            started = time.perf_counter()
            profile.enable()
            rows = desk.agent.bootstrap()
            profile.disable()
            elapsed = time.perf_counter() - started
        finally:
            desk.close()
    print(f"bootstrap of {rows:,} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s; "
          f"page downloads {fetching[0]:.2f} s (summed over the fetching "
          f"threads, server in-process), applying pages {applying[0]:.2f} s")
    profile.dump_stats("/tmp/bootstrap_apply.prof")
    pstats.Stats("/tmp/bootstrap_apply.prof").sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
