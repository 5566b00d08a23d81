"""Bill runs the central service executes (issue 13, "Where runs execute"): through the real
stack, PostgreSQL, uvicorn on loopback and two `utilitydesk server --jobs-only` processes."""

from __future__ import annotations

import time
from datetime import date

import httpx
import pytest
from sqlalchemy import func, select, text

from app.domain.core.clock import FixedClock
from app.models.billing import Bill, BillingException, BillLine, BillRun, LedgerEntry
from app.models.central import BillRunChunk, ChangeLogEntry
from app.models.consumers import ServiceAccount
from app.models.system import OutboxEntry
from app.runtime import open_runtime
from app.services.registry import Services
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.server.app import create_app
from sync.server.central_runs import bill_chunk
from sync.server.config import ServerConfig
from tests.billing_fixtures import CYCLE, build_world
from tests.factories import NOW, PASSWORD, seed_users
from tests.job_helpers import job_worker_processes
from tests.sync_helpers import serving
from tests.tariff_fixtures import actor

pytestmark = pytest.mark.postgres
ACCOUNTS = 23
CHUNK = 4
BILL_DATE = date(2025, 4, 20)
HEADERS = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}


def populate(runtime) -> None:
    """The same consumers in any database: electricity, dual fuel, and two without reads."""
    world = build_world(runtime, Services(runtime.app))
    for n in range(ACCOUNTS):
        if n % 11 == 5:
            world.consumer(f"No reads {n}")  # a Missing Meter Readings exception
            continue
        meters = {"electricity": [(date(2025, 3, 16), "10"), (date(2025, 4, 16), str(40 + 7 * n))]}
        if n % 3 == 0:
            meters["gas"] = [(date(2025, 3, 16), "5"), (date(2025, 4, 16), str(9 + n))]
        world.consumer(f"Consumer {n}", meters=meters)


def totals(runtime_or_central) -> dict[str, str]:
    with runtime_or_central.sessions() as session:
        rows = session.execute(select(ServiceAccount.account_no, Bill.total, Bill.status)
                               .join(Bill, Bill.service_account_id == ServiceAccount.id)).all()
    return {number: f"{total} {status}" for number, total, status in rows}


@pytest.fixture
def local_totals(tmp_path):
    """The same cycle billed on a desktop without a central service."""
    runtime = open_runtime(tmp_path / "local", lock=False, clock=FixedClock(NOW))
    try:
        seed_users(runtime)
        populate(runtime)
        services = Services(runtime.app)
        specialist = actor(runtime, "specialist")
        run_id = services.billing.start_run(specialist, services.billing.cycle_scope(CYCLE), BILL_DATE)
        services.billing.execute(specialist, run_id)
        yield totals(runtime.app)
    finally:
        runtime.close()


@pytest.fixture
def central(tmp_path, pg_url):
    runtime = open_runtime(tmp_path / "central", lock=False, database_url=pg_url, clock=FixedClock(NOW))
    seed_users(runtime)
    populate(runtime)
    runtime.close()
    app = create_app(ServerConfig(database_url=pg_url, run_chunk_accounts=CHUNK))
    with serving(app) as (url, _server, _thread):
        yield app.state.central, url
    app.state.central.engine.dispose()


def token(url: str, role_user: str) -> str:
    answer = httpx.post(f"{url}/v1/auth/login", headers=HEADERS,
                        json={"username": role_user, "password": PASSWORD}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def client(url: str, bearer: str | None) -> httpx.Client:
    auth = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return httpx.Client(base_url=url, headers=HEADERS | auth, timeout=30)


def wait_completed(http: httpx.Client, run_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = http.get(f"/v1/bill-runs/{run_id}").json()
        if view["state"] == "Completed":
            return view
        time.sleep(0.2)
    raise AssertionError(f"run not completed: {view}")


def test_two_job_workers_bill_a_cycle_as_a_local_run_does(central, local_totals, pg_url):
    service, url = central
    http = client(url, token(url, "specialist"))
    with job_worker_processes(pg_url, count=2, chunk_accounts=CHUNK):
        started = http.post("/v1/bill-runs", json={"cycle": CYCLE, "bill_date": BILL_DATE.isoformat()})
        assert started.status_code == 202, started.text
        run = started.json()
        assert (run["chunks_total"], run["accounts_total"]) == (6, ACCOUNTS)
        done = wait_completed(http, run["run_id"])
        assert (done["billed"], done["failed"], done["chunks_done"]) == (ACCOUNTS - 2, 2, 6)
        # asked again: a new run that finds every account billed and bills nobody twice
        again = http.post("/v1/bill-runs", json={"cycle": CYCLE, "bill_date": BILL_DATE.isoformat()})
        assert again.status_code == 202 and again.json()["run_id"] != run["run_id"]
        repeat = wait_completed(http, again.json()["run_id"])
        assert (repeat["billed"], repeat["skipped"]) == (0, ACCOUNTS - 2)
    assert totals(service) == local_totals
    with service.sessions() as session:
        workers = set(session.execute(select(BillRunChunk.worker)
                                      .where(BillRunChunk.run_id == run["run_id"])).scalars())
        assert len(workers) == 2, workers  # both processes took chunks
        bills = session.execute(select(func.count(Bill.id))).scalar_one()
        assert bills == ACCOUNTS - 2
        assert session.execute(select(func.count(func.distinct(Bill.invoice_no)))).scalar_one() == bills
        # every row billed centrally reaches desktops by the normal pull; nothing waits in the outbox
        for model in (Bill, BillLine, LedgerEntry, BillingException, BillRun):
            rows = session.execute(select(func.count()).select_from(model)).scalar_one()
            logged = session.execute(select(func.count(func.distinct(ChangeLogEntry.entity_id)))
                                     .where(ChangeLogEntry.entity == model.__tablename__)).scalar_one()
            assert (model.__tablename__, logged) == (model.__tablename__, rows)
        assert session.execute(select(func.count()).select_from(OutboxEntry)).scalar_one() == 0
        located = session.execute(select(func.count()).where(
            ChangeLogEntry.entity == "bill_lines", ChangeLogEntry.zone_id.is_(None))).scalar_one()
        assert located == 0  # each line is in its consumer's zone, so that zone's desktops pull it


def test_a_chunk_billed_twice_bills_nobody_twice(central, pg_url):
    service, url = central
    http = client(url, token(url, "specialist"))
    run = http.post("/v1/bill-runs", json={"cycle": CYCLE, "bill_date": BILL_DATE.isoformat()}).json()
    repeated = http.post("/v1/bill-runs", json={"cycle": CYCLE}).json()  # while it runs
    assert (repeated["run_id"], repeated["existing"], run["existing"]) == (run["run_id"], True, False)
    with service.sessions() as session:
        jobs = session.execute(text(
            "SELECT args FROM procrastinate_jobs WHERE args->>'run_id' = :run ORDER BY id"),
            {"run": run["run_id"]}).scalars().all()
    first = jobs[0]
    args = (first["run_id"], first["chunk_no"], first["after"], first["through"], first["chunks"],
            first["username"])
    assert bill_chunk(service, *args, worker="a") == (4, 0, 0)
    assert bill_chunk(service, *args, worker="b") is None  # the job run again: its chunk is done
    view = http.get(f"/v1/bill-runs/{run['run_id']}").json()
    assert (view["billed"], view["chunks_done"], view["state"]) == (4, 1, "Running")
    with service.sessions() as session:
        assert session.execute(select(func.count(Bill.id))).scalar_one() == 4
    # every job gave up (an outage): asking again resumes the run with the chunks not done
    with service.sessions() as session, session.begin():
        session.execute(text("UPDATE procrastinate_jobs SET status = 'failed'"))
    resumed = http.post("/v1/bill-runs", json={"cycle": CYCLE}).json()
    assert (resumed["run_id"], resumed["existing"], resumed["chunks_total"]) == (run["run_id"], True, 6)
    with service.sessions() as session:
        queued = session.execute(text("SELECT args->>'chunk_no' FROM procrastinate_jobs"
                                      " WHERE status = 'todo' ORDER BY id")).scalars().all()
    assert queued == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize(("user", "body", "status"), [
    (None, {"cycle": CYCLE}, 401),
    ("forged", {"cycle": CYCLE}, 401),
    ("cashier", {"cycle": CYCLE}, 403),
    ("specialist", {"cycle": CYCLE, "zone": "NZ"}, 422),
    ("specialist", {"cycle": "x" * 161}, 422),
    ("specialist", {"zone": "NZ", "month": "2025-13"}, 422),
    ("specialist", {"cycle": "No such cycle"}, 404),
])
def test_a_run_request_the_service_must_refuse_is_refused(central, user, body, status):
    service, url = central
    bearer = {None: None, "forged": "not-a-token"}.get(user) if user in (None, "forged") \
        else token(url, user)
    answer = client(url, bearer).post("/v1/bill-runs", json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["kind"]
    with service.sessions() as session:
        assert session.execute(select(func.count(BillRun.id))).scalar_one() == 0


def test_progress_of_another_run_or_role(central):
    _service, url = central
    assert client(url, token(url, "cashier")).get("/v1/bill-runs/x").status_code == 403
    assert client(url, token(url, "specialist")).get("/v1/bill-runs/x").status_code == 404



def test_the_desktop_follows_a_central_run_to_its_end(central, tmp_path):
    """What `bills generate --central` and the run dialog do: ask, show progress, end."""
    from sync.central_billing import run_centrally
    from sync.client import SyncAgent
    from sync.keyring_store import CredentialStore
    from sync.run_protocol import BillRunRequest
    from tests.job_helpers import job_worker_threads
    from tests.sync_helpers import memory_keyring

    service, url = central
    desktop = open_runtime(tmp_path / "desk", lock=False, clock=FixedClock(NOW))
    seen = []
    with memory_keyring(), job_worker_threads(service.config, count=2):
        credentials = CredentialStore(desktop.app.device_id, folder=tmp_path / "desk")
        credentials.save_token(token(url, "manager"))
        agent = SyncAgent(desktop.app, url, credentials)
        try:
            result = run_centrally(agent, BillRunRequest(cycle=CYCLE, bill_date=BILL_DATE), seen.append,
                                   pull=False, poll=0.1)
        finally:
            agent.close()
            desktop.close()
    assert (result.state, result.billed, result.failed) == ("Completed", ACCOUNTS - 2, 2)
    assert seen[0].state == "Running" and seen[-1] == result
    assert [p.done for p in seen] == sorted(p.done for p in seen)  # progress only grows
