"""The desktop's sync agent: clock check, push the outbox, bootstrap, pull, refill number leases.

Usable from a background thread: it holds no Qt object, opens its own database
sessions and serialises its own runs.
"""

from __future__ import annotations

import logging
import queue
import ssl
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from app.domain.core.errors import SyncError
from app.services.core.context import AppContext
from app.services.core.settings import load_settings
from sync import local
from sync.keyring_store import CredentialStore
from sync.protocol import (
    MAX_CLOCK_SKEW_SECONDS,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    BootstrapPage,
    BootstrapPlan,
    EnrolResponse,
    ErrorBody,
    LeaseResponse,
    PullResponse,
    PushResponse,
    ServerInfo,
    TokenResponse,
)

log = logging.getLogger("utilitydesk.sync")
RETRIES = 2
BOOTSTRAP_PAGE = 5000  # rows per bootstrap page (the server allows up to 5000)
FETCHERS, PAGES_AHEAD = 3, 2  # bootstrap downloads running ahead of the local writes


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
                 progress: Callable[[Progress], None] | None = None, ca_file: str = "") -> None:
        self.app = app
        self.credentials = credentials or CredentialStore(app.device_id)
        self.batch_size, self.page_size, self.progress = batch_size, page_size, progress
        self.bootstrap_page_size = bootstrap_page_size
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

    # one sync ----------------------------------------------------------------------

    def sync_once(self) -> SyncReport:
        with self._run_lock:
            info = self.handshake()
            requeued = self._detect_restore(info)
            pushed = self.push_pending()
            bootstrapped = False
            if not self._cursor():
                self.bootstrap()
                bootstrapped = True
            pulled, cursor = self.pull_all()
            leased = self.refill_leases(info)
            self._set_state(local.LAST_SYNC, self.app.clock.now().isoformat())
        return SyncReport(pushed=pushed.total(), applied=pushed["applied"], duplicates=pushed["duplicate"],
                          conflicts=pushed["conflict"], rejected=pushed["rejected"], pulled=pulled,
                          cursor=cursor, bootstrapped=bootstrapped, leased_blocks=leased,
                          requeued=requeued)

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

    def push_pending(self) -> Counter[str]:
        """Pending outbox rows in order, in batches; returns how many got each result."""
        totals: Counter[str] = Counter()
        while True:
            with self.app.sessions() as session:
                operations = local.pending_operations(session, self.batch_size)
            if not operations:
                return totals
            body = {"operations": [op.model_dump(mode="json") for op in operations]}
            answer = PushResponse.model_validate(self._call("POST", "/v1/push", json=body))
            with self.app.sessions() as session, session.begin():
                totals += local.record_results(session, answer.results)
                local.set_state(session, local.ACKED_SEQ, str(answer.applied_seq))

    # bootstrap and pull ----------------------------------------------------------------

    def bootstrap(self) -> int:
        plan = BootstrapPlan.model_validate(self._call("GET", "/v1/bootstrap"))
        total, entity_rows = 0, Counter[str]()
        # Bulk load: pages commit without an fsync each (see local.bulk_load); the cursor below
        # is written with the usual durability, after the last page.
        with local.bulk_load(self.app.sessions.kw["bind"]) as connection:
            for entity, rows in self._pages(plan.entities):
                if rows:  # an empty page costs no local transaction
                    with self.app.sessions(bind=connection) as session, session.begin():  # a page, atomically
                        local.defer_foreign_keys(session)
                        local.apply_rows(session, entity, rows)
                entity_rows[entity] += len(rows)
                total += len(rows)
                if self.progress is not None:
                    phase = "reference" if entity in plan.reference_entities else "accounts"
                    self.progress(Progress(phase, entity, entity_rows[entity], total))
        with self.app.sessions() as session, session.begin():
            local.set_state(session, local.CURSOR, plan.start_cursor)
            local.set_state(session, local.EPOCH, plan.epoch)
        return total

    def _pages(self, entities: list[str]) -> Iterator[tuple[str, list[dict]]]:
        """Every bootstrap page, in entity order (parents before children), then page order.

        Downloads run ahead of the caller: each entity's pages are fetched in turn by one of a few
        threads (small reference entities would otherwise cost a round trip each) and wait,
        at most PAGES_AHEAD per entity, while the caller applies the page before them.
        """
        stop = threading.Event()
        queues = {entity: queue.Queue(PAGES_AHEAD) for entity in entities}

        def fetch_all(entity: str) -> None:
            after, pages = "", queues[entity]
            while not stop.is_set():
                try:
                    page, rows = self._fetch_page(entity, after)
                except BaseException as error:  # handed to the caller, in order
                    _put(pages, error, stop)
                    return
                _put(pages, (page.next_after is None, rows), stop)
                if page.next_after is None:
                    return
                after = page.next_after

        with ThreadPoolExecutor(FETCHERS, thread_name_prefix="utilitydesk-bootstrap") as pool:
            for entity in entities:
                pool.submit(fetch_all, entity)
            try:
                for entity in entities:
                    while True:
                        item = queues[entity].get()
                        if isinstance(item, BaseException):
                            raise item
                        last, rows = item
                        yield entity, rows
                        if last:
                            break
            finally:
                stop.set()

    def _fetch_page(self, entity: str, after: str) -> tuple[BootstrapPage, list[dict]]:
        return _bootstrap_page(self._call("GET", f"/v1/bootstrap/{entity}",
                                          params={"after": after, "limit": self.bootstrap_page_size}))

    def pull_all(self) -> tuple[int, str]:
        pulled = 0
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
            if not page.more:
                return pulled, page.cursor

    def _apply_page(self, page: PullResponse) -> int:
        """One page, one local transaction: the rows and the cursor move together."""
        with self.app.sessions() as session, session.begin():
            local.defer_foreign_keys(session)
            applied = sum(local.apply_rows(session, c.entity, [c.payload]) for c in page.changes)
            local.set_state(session, local.CURSOR, page.cursor)
            local.set_state(session, local.EPOCH, page.epoch)
        return applied

    # number leases ------------------------------------------------------------------------

    def refill_leases(self, info: ServerInfo) -> int:
        """Ask for a block of each series this user issues once fewer than the low-water mark remain."""
        with self.app.sessions() as session:
            low_water = load_settings(session).get("numbering.low_water_mark")
            short = [s for s in info.leasable_series if local.remaining_numbers(session, s) < low_water]
        answers = [LeaseResponse.model_validate(self._call("POST", "/v1/leases", json={"series": s, "blocks": 1}))
                   for s in short]
        if answers:
            with self.app.sessions() as session, session.begin():
                for answer in answers:
                    for block in answer.blocks:
                        local.store_leased_block(session, answer.series, block.first, block.last)
        return len(short)

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
            raise _refusal(response)
        return response.json() if response.content else {}

    def _send(self, method: str, path: str, headers: dict, kwargs: dict) -> httpx.Response:
        # Every call may be repeated safely: pushes are idempotent, a lost lease only leaves a gap.
        for attempt in range(RETRIES + 1):
            try:
                return self.http.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError as error:
                if attempt == RETRIES:
                    raise SyncError("offline", f"The central service cannot be reached ({error}).") from error
                log.info("retrying %s %s after %s", method, path, error)
        raise AssertionError("unreachable")


def check_skew(server_time: datetime, local_time: datetime) -> None:
    skew = local_time - server_time
    if abs(skew) > timedelta(seconds=MAX_CLOCK_SKEW_SECONDS):
        minutes = round(abs(skew).total_seconds() / 60)
        direction = "ahead of" if skew > timedelta(0) else "behind"
        raise SyncError("clock_skew", f"This computer's clock is {minutes} minutes {direction} the central "
                                      "service's. Correct the date and time, then sync again.")


def tls_verification(ca_file: str) -> ssl.SSLContext | bool:
    """The system's trusted CAs, or only the utility's own CA when one is configured."""
    if not ca_file:
        return True
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as error:
        raise SyncError("tls", f"The CA file {ca_file} cannot be used: {error}") from error


def _put(pages: queue.Queue, item: object, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            pages.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


def _bootstrap_page(body: dict) -> tuple[BootstrapPage, list[dict]]:
    """The page's envelope validated as a BootstrapPage; its rows kept as the plain dicts they are.

    Validating thousands of rows into the model only to read them back as dicts is most of the
    cost of a page; apply_rows reads every field it writes (sync.records.table_values).
    """
    rows = body.get("rows") if isinstance(body, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, dict) and "id" in row for row in rows):
        raise SyncError("server_error", "The central service sent a bootstrap page that cannot be read.")
    return BootstrapPage.model_validate({**body, "rows": []}), rows


def _refusal(response: httpx.Response) -> SyncError:
    try:
        body = ErrorBody.model_validate(response.json())
        return SyncError(body.kind, body.message)
    except ValueError:
        return SyncError("server_error", f"The central service answered {response.status_code}.")
