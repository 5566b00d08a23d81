"""Sync as the desktop shows it: the link to the central service, queued and refused operations."""

from __future__ import annotations

import ipaddress
import platform
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.core.errors import SyncError, ValidationError
from app.models.system import OutboxEntry, PulledQuarantine
from app.services.core import changes as areas
from app.services.core.changes import Changes
from app.services.core.context import Actor, AppContext
from app.services.core.serialize import row_to_dict
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work
from sync import local, quarantine
from sync.cli_sync import remember_server
from sync.client import Progress, SyncAgent, SyncReport
from sync.keyring_store import CredentialStore
from sync.records import SERVER_COLUMNS, entity_class

# A pull reports how many rows it applied, not where: screens refresh on all of these.
EVERY_AREA = Changes.of(areas.SETTINGS, areas.USERS, areas.PAYMENTS, areas.LEDGER, areas.CREDIT_NOTES,
                        areas.TARIFFS, areas.PLANS, areas.REQUESTS, areas.CASH, areas.BILLS)
# The column that names a record to a person, first found wins.
RECORD_NAMES = ("receipt_no", "payment_no", "credit_note_no", "invoice_no", "request_no", "account_no",
                "username", "key", "code", "name")
# The column that says who last changed a record, first found wins.
CHANGED_BY = ("last_updated_by", "changed_by", "voided_by", "closed_by", "approved_by", "resolved_by")
QUIET_FIELDS = SERVER_COLUMNS | {"last_updated_at"}


@dataclass(frozen=True)
class SyncOverview:
    pending: int  # queued operations not yet accepted by the central service
    problems: int  # rejected or in conflict, waiting for a person
    last_sync: datetime | None  # in the utility's time zone


@dataclass(frozen=True)
class FieldChange:
    field: str
    mine: str
    central: str


@dataclass(frozen=True)
class SyncProblemView:
    """One refused operation, as the "Sync problems" dialog shows it."""

    seq: int
    entity: str
    record_type: str  # "Payment"
    record: str  # "PAY-2025-0001", or the start of the id
    operation: str
    state: str  # "Rejected" or "Conflict"
    reason: str
    recorded_at: datetime  # in the utility's time zone
    changed_by: str  # conflicts: who changed the central record, where the record says
    changed_at: datetime | None
    differences: tuple[FieldChange, ...]
    can_discard: bool


class SyncStatusService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def overview(self) -> SyncOverview:
        with self.app.sessions() as session:
            counts = dict(session.execute(select(OutboxEntry.state, func.count()).where(
                OutboxEntry.state.in_((local.PENDING, *local.PROBLEM_STATES))).group_by(OutboxEntry.state)).all())
            last = local.get_state(session, local.LAST_SYNC)
            zone = _zone(session)
            held = quarantine.count(session)
        return SyncOverview(pending=counts.get(local.PENDING, 0),
                            problems=sum(counts.get(state, 0) for state in local.PROBLEM_STATES) + held,
                            last_sync=datetime.fromisoformat(last).astimezone(zone) if last else None)

    def problems(self) -> list[SyncProblemView]:
        with self.app.sessions() as session:
            zone = _zone(session)
            return ([_describe(session, problem, zone) for problem in local.sync_problems(session)]
                    + [_held(session, row, zone) for row in quarantine.held_rows(session)])

    def retry(self, actor: Actor, seqs: list[int]) -> Changes:
        """Send refused operations again (audited); a conflict goes on top of the central version."""
        with unit_of_work(self.app, actor) as work:
            for seq in sorted(seqs):
                entry = work.session.get(OutboxEntry, seq)
                if entry is None or entry.state not in local.PROBLEM_STATES:
                    continue  # already sent again as a follower of an earlier one
                was = entry.state
                again = local.retry_problem(work.session, seq, work.now)
                work.audit("sync.retry", entry.entity, entry.entity_id, outbox_seq=seq, was=was,
                           queued_as=again)
        return EVERY_AREA

    def discard(self, actor: Actor, seq: int) -> Changes:
        """Give up this desktop's change of a mutable record; the central version stays (audited)."""
        with unit_of_work(self.app, actor) as work:
            entry = work.session.get(OutboxEntry, seq)
            mine = dict(entry.payload) if entry is not None else {}
            problem = local.discard_problem(work.session, seq)
            work.audit("sync.discard", problem.entity, problem.entity_id, outbox_seq=seq,
                       reason=problem.reason, discarded=_summary(mine))
        return EVERY_AREA


def _zone(session: Session) -> ZoneInfo:
    return ZoneInfo(load_settings(session).time_zone)


def _describe(session: Session, problem: local.SyncProblem, zone: ZoneInfo) -> SyncProblemView:
    entry = session.get(OutboxEntry, problem.seq)
    mine = dict(entry.payload) if entry is not None else {}
    current = _current_row(session, problem) if problem.state == "Conflict" else {}
    changed_at = current.get("updated_at")
    return SyncProblemView(
        seq=problem.seq, entity=problem.entity, record_type=record_type(problem.entity),
        record=_record_name(mine or current, problem.entity_id), operation=problem.operation,
        state=problem.state, reason=problem.reason, recorded_at=problem.created_at.astimezone(zone),
        changed_by=next((str(current[k]) for k in CHANGED_BY if current.get(k)), ""),
        changed_at=datetime.fromisoformat(changed_at).astimezone(zone) if changed_at else None,
        differences=_differences(mine, current) if current else (),
        can_discard=local.can_discard(problem.entity, problem.state))


def _held(session: Session, row: quarantine.Held, zone: ZoneInfo) -> SyncProblemView:
    """A received row kept aside (sync.quarantine): listed until it applies; nothing to retry by hand."""
    payload = session.get(PulledQuarantine, row.id).payload
    return SyncProblemView(
        seq=-row.id, entity=row.entity, record_type=record_type(row.entity),
        record=_record_name(payload, row.entity_id), operation="receive", state=quarantine.QUARANTINED,
        reason=f"{row.reason} Tried {row.attempts} time(s); tried again at each sync.",
        recorded_at=row.first_seen.astimezone(zone), changed_by="", changed_at=None, differences=(),
        can_discard=False)


def _current_row(session: Session, problem: local.SyncProblem) -> dict:
    """After a conflict the local row holds the central service's version (sync.local.record_results)."""
    cls = entity_class(problem.entity)
    row = session.get(cls, problem.entity_id) if cls is not None else None
    return row_to_dict(row) if row is not None else {}


def _differences(mine: dict, central: dict) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(key.replace("_", " "), _text(mine[key]), _text(central.get(key)))
                 for key in mine if key not in QUIET_FIELDS and mine[key] != central.get(key))


def _summary(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if key not in QUIET_FIELDS}


def _record_name(payload: dict, entity_id: str) -> str:
    return next((str(payload[k]) for k in RECORD_NAMES if payload.get(k)), entity_id[:8])


def _text(value: object) -> str:
    return "—" if value in (None, "") else str(value)


def record_type(entity: str) -> str:
    """"service_requests" -> "Service request"."""
    words = entity.replace("_", " ")
    for plural, singular in (("ies", "y"), ("ses", "s"), ("s", "")):
        if words.endswith(plural):
            words = words[: -len(plural)] + singular
            break
    return words[:1].upper() + words[1:]


# connecting this desktop to a central service -----------------------------------------------------

CONNECT_STEPS = 5  # enrol, sign in, reference data, accounts, changes


@dataclass(frozen=True)
class ConnectStep:
    step: int  # 1..CONNECT_STEPS
    text: str


@dataclass(frozen=True)
class Connected:
    server_url: str
    centre_id: str
    report: SyncReport | None  # None when the first sync failed
    problem: str  # why it failed; the background sync tries again
    downloaded: int = 0  # rows of the first download (bootstrap) and the changes after it
    notice: str = ""  # where the secrets are kept, when not in a system keyring (said once, here)


class SyncLink:
    """This desktop's tie to a central service: the URL in config.toml, the secrets in the keyring."""

    def __init__(self, app: AppContext, config_file: Path | None, server_url: str = "", *,
                 credentials: CredentialStore | None = None,
                 transport: httpx.BaseTransport | None = None, ca_file: str = "") -> None:
        self.app, self.config_file, self.server_url = app, config_file, server_url
        self.ca_file = ca_file
        folder = config_file.parent if config_file is not None else None  # the data folder
        self.credentials = credentials or CredentialStore(app.device_id, folder=folder)
        self.transport = transport
        self._enrolled_with = ""  # a code is single-use: a second try (wrong password) skips it

    @property
    def configured(self) -> bool:
        return bool(self.server_url)

    def agent(self, progress: Callable[[Progress], None] | None = None) -> SyncAgent:
        return SyncAgent(self.app, self.server_url, self.credentials, transport=self.transport,
                         progress=progress, ca_file=self.ca_file)

    def sign_out(self) -> None:
        """At logout: the next user's changes go up under the next user's own sign-in."""
        self.credentials.forget_token()

    def connect(self, actor: Actor, server_url: str, enrolment_code: str, username: str, password: str,
                progress: Callable[[ConnectStep], None]) -> Connected:
        """Enrol, sign in, remember the server, then the first sync (reference data first)."""
        url = check_server_url(server_url)
        for field, value in (("Enrolment code", enrolment_code), ("Username", username), ("Password", password)):
            if not value.strip():
                raise ValidationError(field, "is required")
        if self.config_file is None:
            raise ValidationError("Server URL", "this desktop has no config file to keep it in")
        rows = [0]

        def downloading(step: Progress) -> None:
            rows[0] = step.total_rows
            progress(download_step(step))

        agent = SyncAgent(self.app, url, self.credentials, transport=self.transport, progress=downloading,
                          ca_file=self.ca_file)
        try:
            centre = self._enrol(agent, url, enrolment_code.strip(), progress)
            progress(ConnectStep(2, f"Signing in as {username}…"))
            agent.login(username.strip(), password)
            self._remember(actor, url, username.strip(), centre)
            connected = self._first_sync(agent, url, centre, progress)
        finally:
            agent.close()
        pulled = connected.report.pulled if connected.report is not None else 0
        return replace(connected, downloaded=rows[0] + pulled, notice=self.credentials.notice)

    def _enrol(self, agent: SyncAgent, url: str, code: str, progress: Callable[[ConnectStep], None]) -> str:
        if self._enrolled_with == f"{url} {code}":
            return ""
        progress(ConnectStep(1, "Enrolling this desktop…"))
        centre = agent.enrol(code, name=platform.node()).centre_id
        self._enrolled_with = f"{url} {code}"
        return centre

    def _remember(self, actor: Actor, url: str, username: str, centre: str) -> None:
        assert self.config_file is not None
        remember_server(self.config_file, url)
        self.server_url = url
        self.app.self_lease = False  # numbers now come from the server's leases only
        with unit_of_work(self.app, actor) as work:
            work.audit("sync.connect", "device", self.app.device_id, server_url=url, signed_in_as=username,
                       centre_id=centre)

    def _first_sync(self, agent: SyncAgent, url: str, centre: str,
                    progress: Callable[[ConnectStep], None]) -> Connected:
        progress(ConnectStep(3, "Downloading reference data…"))
        try:
            report = agent.sync_once()
        except SyncError as error:
            return Connected(url, centre, None, error.message)
        progress(ConnectStep(CONNECT_STEPS, f"Done: {report.pulled:,} changes received."))
        return Connected(url, centre, report, "")


def download_step(progress: Progress) -> ConnectStep:
    reference = progress.phase == "reference"
    return ConnectStep(3 if reference else 4,
                       f"{'Reference data' if reference else 'Accounts'}: {progress.entity.replace('_', ' ')} "
                       f"{progress.entity_rows:,} rows ({progress.total_rows:,} in all)")


def check_server_url(text: str) -> str:
    """https, or http for a service on this computer (tests, a one-machine install)."""
    url = text.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Server URL", "must be a web address such as https://sync.example.org")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise ValidationError("Server URL", "must start with https:// (http:// only on this computer)")
    return url


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
