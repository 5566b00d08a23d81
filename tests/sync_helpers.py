"""Sync test worlds: a live central service on loopback, a fault-injecting proxy, enrolled desktops."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import keyring
import uvicorn

from app.domain.core.permissions import Role
from app.models.billing import LedgerEntry
from app.models.consumers import Consumer
from app.models.db import make_engine, upgrade
from app.models.payments import Payment
from app.models.reference import ServiceCentre, Zone
from app.models.users import User
from app.runtime import Runtime, open_runtime
from app.services.core.auth import hash_password
from app.services.core.context import Actor
from app.services.core.work import unit_of_work
from sync.client import SyncAgent
from sync.keyring_store import CredentialStore, MemoryKeyring
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.server.app import create_app
from sync.server.config import ServerConfig
from sync.server.state import Central
from tests.factories import PASSWORD, USERNAMES

WEBHOOK_SECRET = "whsec_test_secret"
HEADERS = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}


@dataclass
class World:
    """What seed_world made on the central database."""

    centre_id: str
    other_centre_id: str
    zone_id: str
    other_zone_id: str
    consumer_ids: list[str]
    other_consumer_id: str


@dataclass
class LiveServer:
    url: str
    central: Central
    world: World
    server: uvicorn.Server
    thread: threading.Thread

    def client(self, token: str | None = None, **headers: str) -> httpx.Client:
        auth = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=HEADERS | auth | headers, timeout=30)

    def login(self, username: str, password: str = PASSWORD) -> str:
        with self.client() as http:
            response = http.post("/v1/auth/login", json={"username": username, "password": password})
            response.raise_for_status()
            return response.json()["token"]

    def enrolment_code(self, centre_code: str = "CSC") -> str:
        with self.client(self.login("admin")) as http:
            response = http.post("/v1/enrolment-codes", json={"centre_code": centre_code})
            response.raise_for_status()
            return response.json()["code"]


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as the server command does
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.contextmanager
def live_server(database_url: str, **config: object) -> Iterator[LiveServer]:
    """Migrate, seed, and serve the real app with uvicorn in a thread on a free loopback port."""
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    app = create_app(ServerConfig(database_url=database_url, stripe_webhook_secret=WEBHOOK_SECRET, **config))
    central: Central = app.state.central
    world = seed_world(central)
    try:
        with serving(app) as (url, server, thread):
            yield LiveServer(url, central, world, server, thread)
    finally:
        central.engine.dispose()


@contextlib.contextmanager
def serving(app) -> Iterator[tuple[str, uvicorn.Server, threading.Thread]]:
    """The app on a free loopback port, uvicorn in a thread: (base URL, server, thread)."""
    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    host, port = sock.getsockname()
    try:
        yield f"http://{host}:{port}", server, thread
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def seed_world(central: Central, consumers: int = 3) -> World:
    """Two centres with a zone each, one user per role in the first centre, a few consumers."""
    hashed = hash_password(PASSWORD)
    with central.sessions() as session, session.begin():
        centre, other = ServiceCentre(code="CSC", name="Central"), ServiceCentre(code="NSC", name="North")
        session.add_all([centre, other])
        session.flush()
        zone, other_zone = Zone(code="Z1", name="Zone 1", centre_id=centre.id), \
            Zone(code="Z2", name="Zone 2", centre_id=other.id)
        session.add_all([zone, other_zone])
        for role, username in USERNAMES.items():
            session.add(User(username=username, full_name=username.title(), role=role.value,
                             password_hash=hashed, centre_id=None if role is Role.UTILITY_ADMINISTRATOR else centre.id))
        session.add(User(username="north_cashier", full_name="North Cashier", role=Role.CUSTOMER_SERVICE_EXECUTIVE.value,
                         password_hash=hashed, centre_id=other.id))
        session.flush()
        ids = [_consumer(session, zone.id, f"C-{n:04d}") for n in range(consumers)]
        other_id = _consumer(session, other_zone.id, "N-0001")
    return World(centre.id, other.id, zone.id, other_zone.id, ids, other_id)


def _consumer(session, zone_id: str, account_no: str) -> str:
    consumer = Consumer(account_no=account_no, name=f"Consumer {account_no}", category="Residential",
                        service_address="1 Main St", billing_address="1 Main St", zone_id=zone_id,
                        registered_on=date(2020, 1, 1))
    session.add(consumer)
    session.flush()
    return consumer.id


# desktops --------------------------------------------------------------------------------------

@dataclass
class Desktop:
    runtime: Runtime
    agent: SyncAgent
    actor: Actor = field(default=None)  # type: ignore[assignment]

    def close(self) -> None:
        self.agent.close()
        self.runtime.close()


@contextlib.contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def open_desktop(folder: Path, server_url: str, *, clock=None, **agent_options) -> Desktop:
    runtime = open_runtime(folder, lock=False, clock=clock)
    agent = SyncAgent(runtime.app, server_url, CredentialStore(runtime.app.device_id), **agent_options)
    return Desktop(runtime, agent)


def enrolled_desktop(server: LiveServer, folder: Path, username: str = "cashier", *,
                     server_url: str | None = None, clock=None, **agent_options) -> Desktop:
    desktop = open_desktop(folder, server_url or server.url, clock=clock, **agent_options)
    desktop.agent.enrol(server.enrolment_code())
    token = desktop.agent.login(username, PASSWORD)
    desktop.actor = Actor(user_id=token.user_id, username=token.username, full_name=token.username,
                          role=Role(token.role), centre_id=token.centre_id)
    return desktop


def record_payment(desktop: Desktop, consumer_id: str, number: str, amount: str = "10.00") -> str:
    """A payment and its ledger entry, written as the payments service does: one unit of work."""
    with unit_of_work(desktop.runtime.app, desktop.actor) as work:
        payment = Payment(payment_no=f"PAY-{number}", transaction_no=f"TXN-{number}",
                          receipt_no=f"R-{number}", consumer_id=consumer_id, payment_type="Bill",
                          channel="Walk-in", method="Cash", amount=Decimal(amount), paid_at=work.now,
                          received_by=desktop.actor.username)
        work.record(payment)
        work.record(LedgerEntry(consumer_id=consumer_id, entry_type="payment", amount=-Decimal(amount),
                                source_type="payment", source_id=payment.id, posted_at=work.now))
        return payment.id


# fault injection ---------------------------------------------------------------------------------

class FaultProxy:
    """A TCP proxy on loopback in front of the service, which can lose responses, cut or delay.

    drop_responses(n, path): the next n responses to requests for path are read
    from the service (so the request has been committed) and then thrown away by
    closing the connection.
    """

    def __init__(self, upstream_url: str) -> None:
        host, port = upstream_url.removeprefix("http://").split(":")
        self.upstream = (host, int(port))
        self.listener = free_socket()
        self.listener.listen(64)
        self._drops = 0
        self._drop_path = b""
        self._cuts = 0
        self.delay = 0.0
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.listener.getsockname()
        return f"http://{host}:{port}"

    def drop_responses(self, count: int = 1, path: str = "/v1/push") -> None:
        with self._lock:
            self._drops, self._drop_path = count, path.encode()

    def cut_connections(self, count: int = 1) -> None:
        with self._lock:
            self._cuts = count

    def close(self) -> None:
        self._closed = True
        self.listener.close()

    def _take(self, name: str) -> bool:
        with self._lock:
            if getattr(self, name) > 0:
                setattr(self, name, getattr(self, name) - 1)
                return True
            return False

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self._take("_cuts"):
                client.close()
                continue
            upstream = socket.create_connection(self.upstream)
            upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            last_request = [b""]  # the request line the next response answers
            threading.Thread(target=self._pump, args=(client, upstream, last_request, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, last_request, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, last_request: list[bytes],
              is_response: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if not is_response and chunk[:1].isalpha():
                    last_request[0] = chunk.split(b"\r\n", 1)[0]
                if is_response and self.delay:
                    time.sleep(self.delay)
                if is_response and self._drop_path and self._drop_path in last_request[0] \
                        and self._take("_drops"):
                    break  # the service committed and answered; the desktop never hears it
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()


# a real `utilitydesk server` process ----------------------------------------------------------------

@contextlib.contextmanager
def server_process(database_url: str, *, workers: int = 2, log_file: Path | None = None,
                   log_level: str = "WARNING", extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`utilitydesk server` in a subprocess (uvicorn workers); yields its URL once /health answers."""
    import os
    import subprocess
    import sys

    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    command = [sys.executable, "-m", "app.cli", "server", "--database-url", database_url,
               "--port", str(port), "--workers", str(workers), "--log-level", log_level,
               "--stripe-webhook-secret", WEBHOOK_SECRET]
    log = open(log_file or os.devnull, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                               env=os.environ | (extra_env or {}))
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


HEALTHY_WITHIN_S = 60  # the benchmarks, on a loaded machine, allow longer


def _wait_healthy(url: str, process) -> None:
    deadline = time.monotonic() + HEALTHY_WITHIN_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not become healthy within {HEALTHY_WITHIN_S} s")


def prepare_central(database_url: str) -> World:
    """Migrate and seed a central database without serving it."""
    from sync.server.state import open_central

    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    central = open_central(ServerConfig(database_url=database_url))
    try:
        return seed_world(central)
    finally:
        central.engine.dispose()


# a loopback SMTP server -----------------------------------------------------------------------------

class SmtpSink:
    """Just enough SMTP to receive messages on loopback; keeps each message's raw text."""

    def __init__(self) -> None:
        self.listener = free_socket()
        self.listener.listen(8)
        self.messages: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.listener.getsockname()
        return f"smtp://{host}:{port}?from=noreply@utility.example"

    def close(self) -> None:
        self.listener.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with client, client.makefile("rb") as reader:
                self._session(client, reader)

    def _session(self, client: socket.socket, reader) -> None:
        client.sendall(b"220 sink ready\r\n")
        while line := reader.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                client.sendall(b"354 go ahead\r\n")
                body = b"".join(iter(lambda: reader.readline(), b".\r\n"))
                self.messages.append(body.decode("utf-8", "replace"))
                client.sendall(b"250 queued\r\n")
            elif verb == b"QUIT":
                client.sendall(b"221 bye\r\n")
                return
            else:
                client.sendall(b"250 ok\r\n")
