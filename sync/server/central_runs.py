"""Bill runs the central service executes: recorded like a desktop's, billed in chunks by job workers.

Starting a run records it (runs.start_run, the desktop's own use case) and defers one
procrastinate job per chunk of accounts in the same transaction: the run and its jobs exist
together or not at all. A job worker bills its chunk with the desktop's chunk code
(chunks.bill_range) against this database, and marks the chunk done in the same transaction,
so a job run twice finds its chunk done; an account billed by anything else first is skipped
through the unique key. Everything the use cases write for desktops (they queue outbox rows, as
on a desktop) becomes change-log rows at commit (changelog.drain_outbox), so bills, lines,
ledger rows, exceptions and the run's record reach desktops by the normal pull.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import event, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound, PermissionDenied, ValidationError
from app.domain.core.numbering import NumberFormat
from app.domain.core.permissions import Permission, Role
from app.domain.core.settings import Settings
from app.models.billing import BillRun
from app.models.central import BillRunChunk
from app.models.db import session_factory
from app.models.users import User
from app.services.billing import scope as run_scopes
from app.services.billing.chunks import bill_range, chunk_bounds, run_progress
from app.services.billing.runs import RACE_RETRIES, RUNNING, finish_run, start_run
from app.services.core.context import Actor, AppContext
from app.services.core.work import unit_of_work
from sync.run_protocol import BillRunRequest, BillRunView
from sync.server.changelog import drain_outbox
from sync.server.errors import ApiError
from sync.server.leases import lease_blocks
from sync.server.queue import BILL_CHUNK, BILLING_QUEUE, queue_app
from sync.server.state import Central

log = logging.getLogger("utilitydesk.billing")


def service_context(central: Central) -> AppContext:
    """The desktop's use cases run on the central database: what they queue for the central
    service (outbox rows) is logged for the devices instead, in the same transaction."""
    sessions = session_factory(central.engine)
    event.listen(sessions, "before_commit", lambda session: drain_outbox(session, central.now()))
    return AppContext(sessions=sessions, device_id="central", device_code="CENTRAL",
                      clock=central.config.clock, self_lease=False)


def actor_of(session: Session, username: str) -> Actor:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        raise ApiError(403, "forbidden", f"{username} may not run billing")
    return Actor(user_id=user.id, username=user.username, full_name=user.full_name,
                 role=Role(user.role), centre_id=user.centre_id)


def start_central_run(central: Central, username: str, body: BillRunRequest) -> BillRunView:
    """Records the run and queues its chunks; a scope already running is not started again."""
    if central.dialect != "postgresql":
        raise ApiError(503, "no_job_queue", "This central service runs on SQLite, which has no job "
                                            "queue: run billing on the desktop.")
    context = service_context(central)
    with context.sessions() as session:
        actor = actor_of(session, username)
        try:
            actor.require(Permission.RUN_BILLING)
            scope = _scope(session, body)
        except PermissionDenied as error:
            raise ApiError(403, "forbidden", error.message) from None
        except NotFound as error:
            raise ApiError(404, "not_found", error.message) from None
        except ValidationError as error:
            raise ApiError(422, "bad_run", error.message) from None
    # the run commits first (start_run is one unit of work), then its jobs, under a lock that
    # a second request for the same scope waits on and then finds the run the first one made
    with context.sessions() as session, session.begin():
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                        {"key": f"bill-run|{scope.label}|{scope.period_start}"})
        running = session.execute(select(BillRun.id).where(
            BillRun.scope_label == scope.label, BillRun.period_start == scope.period_start,
            BillRun.state == RUNNING).order_by(BillRun.started_at.desc()).limit(1)).scalar()
        if running is not None:
            _requeue_lost_chunks(session, central, running)
            return progress_of(central, running, existing=True)
        run_id = start_run(context, actor, scope, body.bill_date, as_draft=body.as_draft)
        bounds = chunk_bounds(context, run_id, central.config.run_chunk_accounts)
        connection = session.connection().connection.driver_connection
        queue_app(central.config.database_url).configure_task(
            BILL_CHUNK, connection=connection, queue=BILLING_QUEUE).batch_defer(
            *({"run_id": run_id, "chunk_no": n, "after": after, "through": through,
               "chunks": len(bounds), "username": actor.username}
              for n, (after, through) in enumerate(bounds)))
        if not bounds:
            finish_run(context, actor, run_id)
    log.info("central bill run queued", extra={"run": run_id, "chunks": len(bounds), "user": username})
    return progress_of(central, run_id)


def _requeue_lost_chunks(session: Session, central: Central, run_id: str) -> int:
    """A running run none of whose jobs is still queued or being worked on (a chunk that failed
    all its retries, an outage) is resumed: its chunks not yet done are queued again."""
    lost = session.execute(text(
        "SELECT args FROM procrastinate_jobs j WHERE task_name = :task AND args->>'run_id' = :run"
        " AND NOT EXISTS (SELECT 1 FROM bill_run_chunks c WHERE c.run_id = :run"
        "                 AND c.chunk_no = (j.args->>'chunk_no')::int)"
        " AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs o WHERE o.task_name = :task"
        "                 AND o.args->>'run_id' = :run AND o.status IN ('todo', 'doing'))"
        " ORDER BY id"), {"task": BILL_CHUNK, "run": run_id}).scalars().all()
    todo = list({args["chunk_no"]: args for args in lost}.values())
    if todo:
        connection = session.connection().connection.driver_connection
        queue_app(central.config.database_url).configure_task(
            BILL_CHUNK, connection=connection, queue=BILLING_QUEUE).batch_defer(*todo)
        log.warning("central bill run resumed", extra={"run": run_id, "chunks": len(todo)})
    return len(todo)


def _scope(session: Session, body: BillRunRequest):
    if body.cycle and not (body.zone or body.month):
        return run_scopes.cycle_scope(session, body.cycle.strip())
    if body.zone and body.month and not body.cycle:
        return run_scopes.zone_scope(session, body.zone.strip(), body.month.strip())
    raise ApiError(422, "bad_run", "Name either a cycle, or a zone and a month (YYYY-MM).")


def progress_of(central: Central, run_id: str, *, existing: bool = False) -> BillRunView:
    context = AppContext(sessions=central.sessions, device_id="central", clock=central.config.clock)
    progress = run_progress(context, run_id, central.now())
    if progress is None:
        raise ApiError(404, "no_such_run", f"No bill run {run_id}")
    with central.sessions() as session:
        done = session.execute(select(func.count()).where(BillRunChunk.run_id == run_id)).scalar_one()
        total = session.execute(text(
            "SELECT count(DISTINCT args->>'chunk_no') FROM procrastinate_jobs"
            " WHERE task_name = :task AND args->>'run_id' = :run"),
            {"task": BILL_CHUNK, "run": run_id}).scalar_one() if central.dialect == "postgresql" else 0
    return BillRunView(run_id=progress.run_id, label=progress.label, state=progress.state,
                       accounts_total=progress.accounts_total, billed=progress.billed,
                       skipped=progress.skipped, failed=progress.failed, seconds=progress.seconds,
                       bills_per_second=progress.bills_per_second, chunks_total=total,
                       chunks_done=done, existing=existing)


def bill_chunk(central: Central, run_id: str, chunk_no: int, after: str, through: str, chunks: int,
               username: str, worker: str = "") -> tuple[int, int, int] | None:
    """A job: bills one chunk once (None: it was billed before); the last chunk ends the run."""
    context = service_context(central)
    with context.sessions() as session:
        actor = actor_of(session, username)
    counts = None
    for attempt in range(RACE_RETRIES):
        try:
            with unit_of_work(context, actor) as work:
                if not _claim(work.session, run_id, chunk_no, worker, work.now):
                    break
                counts = bill_range(work, run_id, (after, through), central_invoice_numbers(central))
                chunk = work.session.get(BillRunChunk, (run_id, chunk_no))
                chunk.billed, chunk.skipped, chunk.failed = counts
            break
        except IntegrityError:  # a racing run took an account or a number first: bill it again
            if attempt == RACE_RETRIES - 1:
                raise
    with context.sessions() as session:
        done = session.execute(select(func.count()).where(BillRunChunk.run_id == run_id)).scalar_one()
    if done >= chunks:
        finish_run(context, actor, run_id)
    return counts


def _claim(session: Session, run_id: str, chunk_no: int, worker: str, now) -> bool:
    """The chunk's row, inserted with the chunk's bills: a second claimant waits for the first
    one's commit, then finds the row (or, if the first rolled back, takes the chunk)."""
    return session.execute(
        pg_insert(BillRunChunk).values(run_id=run_id, chunk_no=chunk_no, billed=0, skipped=0, failed=0,
                                       worker=worker[:80], finished_at=now)
        .on_conflict_do_nothing().returning(BillRunChunk.chunk_no)).scalar_one_or_none() is not None


def central_invoice_numbers(central: Central):
    """A chunk's invoice numbers: a block of exactly its size leased from the series every
    desktop leases from, in a transaction of its own (the series row is locked only for the
    lease, not for the chunk). A chunk rolled back leaves its block unused: a gap, never a
    number twice."""

    def issue(_session: Session, settings: Settings, count: int, on: date) -> list[str]:
        if count <= 0:
            return []
        with central.sessions() as own, own.begin():
            block = lease_blocks(own, "invoice", 1, None, central.now(), size=count)[0]
        template = NumberFormat.parse(settings.number_format("invoice"))
        return [template.format(seq, on) for seq in range(block.first, block.last + 1)]

    return issue
