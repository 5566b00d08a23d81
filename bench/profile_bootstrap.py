"""Where a bootstrap's time goes: a desktop downloading a centre from 2 server workers on PostgreSQL.

Times the server's page answers (2 uvicorn workers, as the bench) and the desktop's applying of pages separately and writes a
cProfile of the desktop side (the thread that applies pages). Not a figure:
`python -m bench.profile_bootstrap` to look; BENCH_BOOTSTRAP_CONSUMERS sets the centre's size.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path

from bench.bench_sync import _add_consumers, _client
from bench.scratch_db import scratch_database
from tests import sync_helpers
from tests.factories import PASSWORD
from tests.sync_helpers import memory_keyring, open_desktop, prepare_central, server_process

CONSUMERS = int(os.environ.get("BENCH_BOOTSTRAP_CONSUMERS", 5000))


def main() -> None:
    with scratch_database("prof") as url:
        _profile(url)


def _profile(url: str) -> None:
    sync_helpers.HEALTHY_WITHIN_S = 300

    world = prepare_central(url)
    _add_consumers(url, world.zone_id, CONSUMERS)
    with memory_keyring(), server_process(url, workers=2) as server, tempfile.TemporaryDirectory() as folder, \
            _client(server) as http:
        admin = http.post("/v1/auth/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
        code = http.post("/v1/enrolment-codes", json={"centre_code": "CSC"},
                         headers={"Authorization": f"Bearer {admin}"}).json()["code"]
        desk = open_desktop(Path(folder) / "desk", server)
        try:
            desk.agent.enrol(code)
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
          f"threads; 2 server workers), applying pages {applying[0]:.2f} s")
    profile.dump_stats("/tmp/bootstrap_apply.prof")
    pstats.Stats("/tmp/bootstrap_apply.prof").sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
