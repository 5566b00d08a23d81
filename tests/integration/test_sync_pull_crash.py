"""A desktop killed (SIGKILL, as in a power cut) while it applies a pulled page from a live
central service: after a restart the database is intact, the audit chain verifies, the pages
committed before the kill are there whole and the page being applied is not there at all, and
the pull resumes from its cursor to the state of a desktop whose pull was never interrupted.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.models.billing import LedgerEntry
from app.models.payments import Payment
from app.services.core.audit import verify
from app.services.core.work import unit_of_work
from sync import local
from sync.protocol import PullResponse
from tests.crash import kill_at_marker, needs_sigkill
from tests.sync_helpers import Desktop, enrolled_desktop, open_desktop, record_payment

pytestmark = [pytest.mark.postgres,
              needs_sigkill]

PAYMENTS = 20  # a payment and its ledger entry each: 40 changes
PAGE = 6  # seven pages

CHILD = """
import sys, time
from pathlib import Path

import keyring

from app.runtime import open_runtime
from sync import client
from sync.client import SyncAgent
from sync.keyring_store import CredentialStore, MemoryKeyring

folder, url, token, page_size = sys.argv[1:5]
keyring.set_keyring(MemoryKeyring())
runtime = open_runtime(Path(folder), lock=False)
credentials = CredentialStore(runtime.app.device_id)
credentials.save_token(token)
set_states, pages = client._set_states, []


def set_states_then_wait(session, state):
    set_states(session, state)
    pages.append(state)
    if len(pages) == 3:  # the third page's rows and cursor are written but not committed
        session.flush()
        print("INSIDE", flush=True)
        time.sleep(120)


client._set_states = set_states_then_wait
SyncAgent(runtime.app, url, credentials, page_size=int(page_size)).pull_all()
print("FINISHED", flush=True)
"""


def pulled_rows(desktop: Desktop) -> dict[str, object]:
    with desktop.runtime.app.sessions() as session:
        return {"payments": session.execute(
                    select(Payment.id, Payment.receipt_no, Payment.amount).order_by(Payment.id)).all(),
                "ledger": session.execute(
                    select(LedgerEntry.id, LedgerEntry.source_id, LedgerEntry.amount)
                    .order_by(LedgerEntry.id)).all(),
                "cursor": local.get_state(session, local.CURSOR)}


def checked(folder: Path, server) -> Desktop:
    """The desktop reopened after the kill: integrity check and audit chain first."""
    desktop = open_desktop(folder, server.url)
    with desktop.runtime.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    with desktop.runtime.app.sessions() as session:
        chain = verify(session)
    assert chain.intact and chain.entries_checked > 0, chain
    return desktop


def pages_from(server, token: str, cursor: str, count: int) -> list[PullResponse]:
    """The change log as the server pages it from `cursor`, read without applying anything."""
    pages = []
    with server.client(token) as http:
        for _ in range(count):
            response = http.get("/v1/changes", params={"cursor": cursor, "limit": PAGE})
            response.raise_for_status()
            pages.append(PullResponse.model_validate(response.json()))
            cursor = pages[-1].cursor
    return pages


def ids_of(pages: list[PullResponse], entity: str) -> set[str]:
    return {change.entity_id for page in pages for change in page.changes if change.entity == entity}


def test_killed_while_applying_a_page_then_resumed_gives_the_state_of_an_uninterrupted_pull(
        server, tmp_path):
    folder, twin_folder = tmp_path / "desk", tmp_path / "twin"
    desk = enrolled_desktop(server, folder)
    other = enrolled_desktop(server, tmp_path / "other", username="supervisor")
    try:
        desk.agent.sync_once()  # bootstrapped: its cursor is set
        with unit_of_work(desk.runtime.app, desk.actor) as work:  # something in the audit chain
            work.audit("sync_checked", "device", desk.runtime.app.device_id)
        other.agent.sync_once()
        paid = [record_payment(other, server.world.consumer_ids[n % 3], f"{7000 + n}", f"{n + 1}.25")
                for n in range(PAYMENTS)]
        assert other.agent.sync_once().applied == 2 * PAYMENTS
        start = pulled_rows(desk)["cursor"]
        token = desk.agent.credentials.token
    finally:
        other.close()
        desk.close()
    shutil.copytree(folder, twin_folder)

    # the twin pulls without interruption; the xmin fence may hold rows back for a moment
    twin = open_desktop(twin_folder, server.url, page_size=PAGE)
    twin.agent.credentials.save_token(token)
    try:
        deadline = time.monotonic() + 10
        while len(pulled_rows(twin)["payments"]) < PAYMENTS and time.monotonic() < deadline:
            twin.agent.pull_all()
        straight = pulled_rows(twin)
        pages = pages_from(server, token, start, 3)
    finally:
        twin.close()
    assert {row.id for row in straight["payments"]} == set(paid)
    assert all(len(page.changes) == PAGE for page in pages)

    kill_at_marker(CHILD, [str(folder), server.url, token, str(PAGE)], "INSIDE")

    desk = checked(folder, server)
    try:
        killed = pulled_rows(desk)
        # the two committed pages whole, with their cursor; nothing of the third
        assert killed["cursor"] == pages[1].cursor
        assert {row.id for row in killed["payments"]} == ids_of(pages[:2], "payments")
        assert {row.id for row in killed["ledger"]} == ids_of(pages[:2], "ledger_entries")
        assert not {row.id for row in killed["payments"]} & ids_of(pages[2:], "payments")

        desk.agent.credentials.save_token(token)
        desk.agent.page_size = PAGE
        pulled, cursor = desk.agent.pull_all()  # resumes from the cursor the kill left
        assert pulled == 2 * PAYMENTS - 2 * PAGE
        resumed = pulled_rows(desk)
        # the cursor itself carries the cluster's transaction fence, which moves on with
        # every transaction in PostgreSQL: the rows are what must be the same
        assert (resumed["payments"], resumed["ledger"]) == (straight["payments"], straight["ledger"])
        assert cursor == resumed["cursor"] != killed["cursor"]
    finally:
        desk.close()
    desk = checked(folder, server)
    desk.close()
