"""A bill run the central service executes, asked for from a desktop: the desktop names the
scope, follows the run's progress as it would a local run's, then pulls the bills by the
normal sync. Offline (no central service configured) the desktop runs billing itself."""

from __future__ import annotations

import time
from collections.abc import Callable

from app.domain.core.errors import ValidationError
from app.runtime import Runtime
from app.services.billing.runs import RunProgress
from sync.client import SyncAgent
from sync.keyring_store import CredentialStore
from sync.run_protocol import BillRunRequest, BillRunView

POLL_SECONDS = 1.0


def as_progress(view: BillRunView) -> RunProgress:
    return RunProgress(view.run_id, view.label, view.state, view.accounts_total, view.billed,
                       view.skipped, view.failed, view.seconds, view.bills_per_second)


def central_agent(runtime: Runtime) -> SyncAgent:
    if not runtime.device.server_url:
        raise ValidationError("central", "this desktop is not connected to a central service "
                                         "(enrol it with `utilitydesk sync --server URL ...`)")
    credentials = CredentialStore(runtime.app.device_id, folder=runtime.paths.root)
    return SyncAgent(runtime.app, runtime.device.server_url, credentials, ca_file=runtime.device.ca_file)


def run_centrally(agent: SyncAgent, request: BillRunRequest,
                  progress: Callable[[RunProgress], None] | None = None, *, pull: bool = True,
                  poll: float = POLL_SECONDS, should_stop: Callable[[], bool] | None = None) -> RunProgress:
    """Asks the service to run it, reports its progress until it ends, then (pull) syncs so the
    bills are on this desktop. should_stop only stops following: the service's run goes on."""
    view = agent.start_bill_run(request)
    while True:
        if progress is not None:
            progress(as_progress(view))
        if view.state != "Running" or (should_stop is not None and should_stop()):
            break
        time.sleep(poll)
        view = agent.bill_run(view.run_id)
    if pull and view.state != "Running":
        agent.sync_once()
    return as_progress(view)
