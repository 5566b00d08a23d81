"""Where a push's time goes: one counter pushing batches to an in-process server on PostgreSQL.

Counts the SQL statements (and driver round trips) per push and the time spent in them, and
writes a cProfile of the server side. Not a figure: `python -m bench.profile_push` to look.
"""

from __future__ import annotations

import cProfile
import pstats
import random
import time
from collections import Counter

from sqlalchemy import event

from bench.bench_sync import _enrol, _payment_ops
from bench.scratch_db import scratch_database
from tests.sync_helpers import live_server, memory_keyring

PUSHES = 200


def main() -> None:
    with scratch_database("prof") as url:
        _profile(url)


def _profile(url: str) -> None:
    import httpx

    from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

    with memory_keyring(), live_server(url) as server:
        token = _enrol(server.url, 0)
        statements: Counter[str] = Counter()
        spent = [0.0]
        engine = server.central.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):
            conn.info["started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):
            spent[0] += time.perf_counter() - conn.info.pop("started")
            statements[" ".join(statement.split())[:90]] += 1

        import sync.server.routes_sync as routes

        server_side = cProfile.Profile()
        applying = [0.0]
        apply_batch = routes.apply_batch

        def profiled(*args, **kwargs):  # in the worker thread: cProfile follows one thread
            started = time.perf_counter()
            server_side.enable()
            try:
                return apply_batch(*args, **kwargs)
            finally:
                server_side.disable()
                applying[0] += time.perf_counter() - started

        routes.apply_batch = profiled
        rng, seq = random.Random(1), 0
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}
        consumers = server.world.consumer_ids
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
            started = time.perf_counter()
            for _ in range(PUSHES):
                operations = []
                for _ in range(10):
                    seq += 2
                    operations += _payment_ops(seq - 1, rng.choice(consumers), f"P{seq:07d}")
                http.post("/v1/push", json={"operations": operations}).raise_for_status()
            elapsed = time.perf_counter() - started
        total = sum(statements.values())
        print(f"{PUSHES} pushes of 20 ops in {elapsed:.2f} s: {elapsed / PUSHES * 1000:.1f} ms a push, "
              f"{total / PUSHES:.1f} statements a push, {spent[0] / elapsed:.0%} of the time in them "
              f"({spent[0] / PUSHES * 1000:.1f} ms a push)")
        for statement, count in statements.most_common(25):
            print(f"  {count / PUSHES:6.2f}/push  {statement}")
        print(f"apply_batch: {applying[0] / PUSHES * 1000:.1f} ms a push (the rest of the request: HTTP, "
              f"JSON, validation, auth, commit)")
        server_side.dump_stats("/tmp/push_apply.prof")
        pstats.Stats("/tmp/push_apply.prof").sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
