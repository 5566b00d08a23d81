"""The desktop's sync agent: clock check, push the outbox, bootstrap, pull, refill number leases.

Usable from a background thread: it holds no Qt object, opens its own database
sessions and serialises its own runs.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from app.domain.core.errors import SyncError
from app.domain.core.numbering import usage_rate
from app.services.core.context import AppContext
from app.services.core.settings import load_settings
from sync import local, quarantine
from sync.keyring_store import CredentialStore
from sync.pages import bootstrap_page, pages_in_order
from sync.protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    BootstrapPage,
    BootstrapPlan,
    Change,
    EnrolResponse,
    LeaseResponse,
    PullResponse,
    PushResponse,
    ServerInfo,
    TokenResponse,
)
from sync.run_protocol import BillRunRequest, BillRunView
from sync.wire import check_skew, refusal, tls_verification

log = logging.getLogger("utilitydesk.sync")
RETRIES = 2
BOOTSTRAP_PAGE = 5000  # rows per bootstrap page (the server allows up to 5000)
ATTEMPT_SECONDS = 120.0  # a whole sync attempt, against a stalled server (a bootstrap: between pages)
PUSH_ROUND = 400  # operations pushed per sync at most (2 batches): what arrives meanwhile goes next time
HISTORY_DAYS = 90  # payments, credit notes and receipts a bootstrap brings, plus everything open
MAX_LEASE_BLOCKS = 10  # sync.protocol.LeaseRequest
LEASE_HORIZON = 10.0  # seconds of numbers kept in hand: a few sync rounds, a slow one included


@dataclass(frozen=True)
class SyncReport:
    pushed: int = 0
    applied: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0
    cursor: str = ""
    bootstrapped: bool = False
    leased_blocks: int = 0
    requeued: int = 0
    quarantined: int = 0  # pulled rows kept aside because they cannot apply yet (sync problems)


@dataclass(frozen=True)
class Progress:
    """Bootstrap progress: which entity, rows of it so far, rows overall; reference data first."""

    phase: str  # "reference" or "accounts"
    entity: str
    entity_rows: int
    total_rows: int


class SyncAgent:
    def __init__(self, app: AppContext, server_url: str, credentials: CredentialStore | None = None, *,
                 transport: httpx.BaseTransport | None = None, timeout: float = 30.0,
                 batch_size: int = 200, page_size: int = 1000, bootstrap_page_size: int = BOOTSTRAP_PAGE,
                 progress: Callable[[Progress], None] | None = None, ca_file: str = "",
                 attempt_timeout: float = ATTEMPT_SECONDS, push_round: int = PUSH_ROUND,
                 history_days: int = HISTORY_DAYS) -> None:
        self.app = app
        self.credentials = credentials or CredentialStore(app.device_id)
        self.batch_size, self.page_size, self.progress = batch_size, page_size, progress
        self.bootstrap_page_size = bootstrap_page_size
        self.timeout, self.attempt_timeout, self.push_round = timeout, attempt_timeout, push_round
        self.history_days = history_days
        self._deadline: float | None = None  # monotonic time this sync attempt gives up at
        self._left_after: dict[str, tuple[float, int]] = {}  # series -> (when, numbers left) at last refill
        self._last_check: dict[str, tuple[float, int]] = {}  # series -> (when, numbers left) at last look
        self._info: ServerInfo | None = None  # this round's handshake, for refills between pull pages
        self._leased = 0  # blocks leased in this round
        self.http = httpx.Client(base_url=server_url.rstrip("/"), timeout=timeout, transport=transport,
                                 headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)},
                                 verify=tls_verification(ca_file))
        self._run_lock = threading.Lock()

    def close(self) -> None:
        self.http.close()

    # enrolment and login ---------------------------------------------------------

    def enrol(self, enrolment_code: str, name: str = "") -> EnrolResponse:
        answer = EnrolResponse.model_validate(self._call("POST", "/v1/devices/enrol", json={
            "enrolment_code": enrolment_code, "device_id": self.app.device_id,
            "device_code": self.app.device_code, "name": name}, auth=False))
        self.credentials.save_device_secret(answer.device_secret)
        return answer

    def login(self, username: str, password: str) -> TokenResponse:
        answer = TokenResponse.model_validate(self._call("POST", "/v1/auth/login", json={
            "username": username, "password": password, "device_id": self.app.device_id,
            "device_secret": self.credentials.device_secret}, auth=False))
        self.credentials.save_token(answer.token)
        return answer

    def logout(self) -> None:
        self._call("POST", "/v1/auth/logout")
        self.credentials.forget_token()

    # a bill run the central service executes (sync.central_billing) --------------------

    def start_bill_run(self, request: BillRunRequest) -> BillRunView:
        return BillRunView.model_validate(self._call("POST", "/v1/bill-runs",
                                                     json=request.model_dump(mode="json")))

    def bill_run(self, run_id: str) -> BillRunView:
        return BillRunView.model_validate(self._call("GET", f"/v1/bill-runs/{run_id}"))

    # one sync ----------------------------------------------------------------------

    def sync_once(self) -> SyncReport:
        """One round: leases first when short, a bounded push, bootstrap or pull, leases again.

        The whole attempt is bounded (attempt_timeout): a stalled server costs that, not 30 s x 3
        tries per call; a SyncError of kind "timeout" says so.
        """
        with self._run_lock:
            self._deadline = time.monotonic() + self.attempt_timeout
            try:
                return self._round()
            finally:
                self._deadline = None

    def _round(self) -> SyncReport:
        info = self._info = self.handshake()
        requeued = self._detect_restore(info)
        self._leased = 0
        self.refill_leases(info)  # before pushing, and between batches: an online counter never runs out
        pushed = self.push_pending(self.push_round, info)
        bootstrapped = False
        if not self._cursor():
            self.bootstrap()
            bootstrapped = True
        pulled, cursor = self.pull_all()
        self.refill_leases(info)
        with self.app.sessions() as session:
            held = quarantine.count(session)
        self._set_state(local.LAST_SYNC, self.app.clock.now().isoformat())
        return SyncReport(pushed=pushed.total(), applied=pushed["applied"], duplicates=pushed["duplicate"],
                          conflicts=pushed["conflict"], rejected=pushed["rejected"], pulled=pulled,
                          cursor=cursor, bootstrapped=bootstrapped, leased_blocks=self._leased,
                          requeued=requeued, quarantined=held)

    def handshake(self) -> ServerInfo:
        """The server's clock decides; refuse to sync when ours is more than 5 minutes off."""
        before = self.app.clock.now()
        info = ServerInfo.model_validate(self._call("GET", "/v1/hello"))
        after = self.app.clock.now()
        check_skew(info.server_time, before + (after - before) / 2)
        return info

    def _detect_restore(self, info: ServerInfo) -> int:
        """A new epoch, or a server that forgot what it acknowledged: re-push and re-download."""
        with self.app.sessions() as session, session.begin():
            epoch = local.get_state(session, local.EPOCH)
            acked = int(local.get_state(session, local.ACKED_SEQ, "0"))
            if not epoch or (epoch == info.epoch and info.device_applied_seq >= acked):
                return 0
            log.warning("central database restored (epoch %s -> %s): re-bootstrapping", epoch, info.epoch)
            local.set_state(session, local.CURSOR, "")
            local.set_state(session, local.ACKED_SEQ, str(info.device_applied_seq))
            return local.requeue_after(session, info.device_applied_seq)

    # push ----------------------------------------------------------------------------

    def push_pending(self, limit: int | None = None, info: ServerInfo | None = None) -> Counter[str]:
        """Pending outbox rows in order, in batches, at most `limit` of them; how many got each result.

        Bounded, so that a counter taking payments all the time does not keep one sync pushing
        what keeps arriving while the pull and the lease refill wait; each batch's results are
        one short local transaction.
        """
        totals: Counter[str] = Counter()
        sent = 0
        while limit is None or sent < limit:
            size = self.batch_size if limit is None else min(self.batch_size, limit - sent)
            with self.app.sessions() as session:
                operations = local.pending_operations(session, size)
            if not operations:
                return totals
            body = {"operations": [op.model_dump(mode="json") for op in operations]}
            answer = PushResponse.model_validate(self._call("POST", "/v1/push", json=body))
            with self.app.sessions() as session, session.begin():
                totals += local.record_results(session, answer.results)
                local.set_state(session, local.ACKED_SEQ, str(answer.applied_seq))
            sent += len(operations)
            if info is not None:
                self.refill_leases(info)  # a cheap local check unless the counter is running short
        return totals

    # bootstrap and pull ----------------------------------------------------------------

    def bootstrap(self) -> int:
        plan = BootstrapPlan.model_validate(self._call("GET", "/v1/bootstrap"))
        total, entity_rows = 0, Counter[str]()
        # Bulk load: pages commit without an fsync each (see local.bulk_load); the cursor below
        # is written with the usual durability, after the last page.
        with local.bulk_load(self.app.sessions.kw["bind"]) as connection:
            for entity, rows in pages_in_order(self._fetch_page, plan.entities):
                self._renew_deadline()  # a first download takes as long as it takes while it moves
                if rows:  # an empty page costs no local transaction
                    self._apply_or_keep([quarantine.Pulled(entity, row) for row in rows], {}, connection)
                entity_rows[entity] += len(rows)
                total += len(rows)
                if self.progress is not None:
                    phase = "reference" if entity in plan.reference_entities else "accounts"
                    self.progress(Progress(phase, entity, entity_rows[entity], total))
        with self.app.sessions() as session, session.begin():
            local.set_state(session, local.CURSOR, plan.start_cursor)
            local.set_state(session, local.EPOCH, plan.epoch)
        return total

    def _fetch_page(self, entity: str, after: str) -> tuple[BootstrapPage, list[dict]]:
        return bootstrap_page(self._call("GET", f"/v1/bootstrap/{entity}", params={
            "after": after, "limit": self.bootstrap_page_size, "history_days": self.history_days}))

    def pull_all(self) -> tuple[int, str]:
        pulled = self._retry_kept()
        while True:
            cursor = self._cursor()
            try:
                page = PullResponse.model_validate(self._call(
                    "GET", "/v1/changes", params={"cursor": cursor, "limit": self.page_size}))
            except SyncError as error:
                if error.kind != "epoch_changed":
                    raise
                self.bootstrap()
                continue
            pulled += self._apply_page(page)
            if self._info is not None:
                self.refill_leases(self._info)  # a long pull does not leave a busy counter short
            if not page.more:
                return pulled + self._retry_kept(), page.cursor

    def _apply_page(self, page: PullResponse) -> int:
        """One page, one local transaction: the rows and the cursor move together."""
        return self._apply_or_keep(_pulled(page.changes), {local.CURSOR: page.cursor, local.EPOCH: page.epoch})

    def _apply_or_keep(self, changes: list[quarantine.Pulled], state: dict[str, str],
                       bind: Connection | None = None) -> int:
        """Rows in one transaction, with `state` (the cursor); should the database refuse them, the
        rows one by one, what cannot apply kept aside (sync.quarantine), and the state all the same:
        one row that cannot apply never stops the pages after it."""
        sessions = self.app.sessions if bind is None else lambda: self.app.sessions(bind=bind)
        try:
            with sessions() as session, session.begin():
                local.defer_foreign_keys(session)
                applied = sum(local.apply_rows(session, entity, rows) for entity, rows in _runs(changes))
                _set_states(session, state)
            return applied
        except (SQLAlchemyError, ValueError) as error:
            log.warning("%d pulled rows cannot be applied together (%s): applying them one by one",
                        len(changes), error)
        with sessions() as session, session.begin():
            applied, left = quarantine.apply_each(session, changes)
            quarantine.keep(session, left, self.app.clock.now())
            _set_states(session, state)
        return applied

    def _retry_kept(self) -> int:
        with self.app.sessions() as session:
            if not quarantine.count(session):
                return 0
        with self.app.sessions() as session, session.begin():
            return quarantine.retry(session)

    # number leases ------------------------------------------------------------------------

    def refill_leases(self, info: ServerInfo) -> int:
        """Lease blocks of each series this user issues that is below what the next LEASE_HORIZON
        seconds need at the rate used since the last refill, plus the low-water mark."""
        with self.app.sessions() as session:
            settings = load_settings(session)
            low_water, size = settings.get("numbering.low_water_mark"), settings.get("numbering.lease_block_size")
            left = {s: local.remaining_numbers(session, s) for s in info.leasable_series}
        now, wanted = time.monotonic(), {}
        for series, remaining in left.items():
            rate = max(usage_rate(self._left_after.get(series), now, remaining),  # since the last refill
                       usage_rate(self._last_check.get(series), now, remaining))  # since the last look: a burst
            self._last_check[series] = (now, remaining)
            need = low_water + math.ceil(rate * LEASE_HORIZON)
            if remaining < need:
                wanted[series] = min(MAX_LEASE_BLOCKS, max(1, math.ceil((need - remaining) / size)))
        answers = [LeaseResponse.model_validate(self._call("POST", "/v1/leases", json={
            "series": series, "blocks": blocks})) for series, blocks in wanted.items()]
        leased = 0
        if answers:
            with self.app.sessions() as session, session.begin():
                for answer in answers:
                    for block in answer.blocks:
                        local.store_leased_block(session, answer.series, block.first, block.last)
                        left[answer.series] += block.last - block.first + 1
                        leased += 1
        for series in wanted.keys() | (left.keys() - self._left_after.keys()):
            self._left_after[series] = (now, left[series])
            self._last_check[series] = (now, left[series])
        self._leased += leased
        return leased

    # plumbing ----------------------------------------------------------------------------

    def _cursor(self) -> str:
        with self.app.sessions() as session:
            return local.get_state(session, local.CURSOR)

    def _set_state(self, key: str, value: str) -> None:
        with self.app.sessions() as session, session.begin():
            local.set_state(session, key, value)

    def _call(self, method: str, path: str, *, auth: bool = True, **kwargs) -> dict:
        headers = {}
        if auth:
            token = self.credentials.token
            if not token:
                raise SyncError("unauthenticated", "Log in to the central service first.")
            headers["Authorization"] = f"Bearer {token}"
        response = self._send(method, path, headers, kwargs)
        if response.status_code >= 400:
            raise refusal(response)
        return response.json() if response.content else {}

    def _send(self, method: str, path: str, headers: dict, kwargs: dict) -> httpx.Response:
        # Every call may be repeated safely: pushes are idempotent, a lost lease only leaves a gap.
        for attempt in range(RETRIES + 1):
            try:
                return self.http.request(method, path, headers=headers, timeout=self._time_left(), **kwargs)
            except httpx.TransportError as error:
                self._time_left()  # out of time: say so, rather than "cannot be reached"
                if attempt == RETRIES:
                    raise SyncError("offline", f"The central service cannot be reached ({error}).") from error
                log.info("retrying %s %s after %s", method, path, error)
        raise AssertionError("unreachable")

    def _time_left(self) -> float:
        """Seconds the next call may take: the call timeout, within what is left of the attempt."""
        if self._deadline is None:
            return self.timeout
        left = self._deadline - time.monotonic()
        if left <= 0.05:
            raise SyncError("timeout", f"The central service did not finish answering within "
                                       f"{self.attempt_timeout:.0f} s; this sync stopped and will be tried again.")
        return min(self.timeout, left)

    def _renew_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline = max(self._deadline, time.monotonic() + self.attempt_timeout)


def _pulled(changes: list[Change]) -> list[quarantine.Pulled]:
    return [quarantine.Pulled(change.entity, change.payload) for change in changes]


def _runs(changes: list[quarantine.Pulled]) -> list[tuple[str, list[dict]]]:
    """Consecutive changes of one entity as one bulk apply, in the page's order."""
    runs: list[tuple[str, list[dict]]] = []
    for change in changes:
        if runs and runs[-1][0] == change.entity:
            runs[-1][1].append(change.payload)
        else:
            runs.append((change.entity, [change.payload]))
    return runs


def _set_states(session, state: dict[str, str]) -> None:
    for key, value in state.items():
        local.set_state(session, key, value)

