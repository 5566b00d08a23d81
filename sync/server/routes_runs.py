"""Bill runs the central service executes: start one, and follow its progress."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request

from app.domain.core.permissions import Permission
from sync.protocol import NO_NUL
from sync.run_protocol import BillRunRequest, BillRunView
from sync.server.central_runs import progress_of, start_central_run
from sync.server.deps import Authenticated, central_of
from sync.server.errors import error_responses

router = APIRouter(prefix="/v1", tags=["billing"], responses=error_responses(400, 401, 403, 422, 426))


@router.post("/bill-runs", status_code=202, response_model=BillRunView,
             responses=error_responses(404, 503))
def start_bill_run(body: BillRunRequest, request: Request, caller: Authenticated) -> BillRunView:
    """Records the run and queues its chunks for the job workers; a scope already being run
    answers with that run (existing: true) instead of starting another."""
    caller.require(Permission.RUN_BILLING)
    return start_central_run(central_of(request), caller.username, body)


@router.get("/bill-runs/{run_id}", response_model=BillRunView, responses=error_responses(404))
def bill_run_progress(request: Request, caller: Authenticated,
                      run_id: str = Path(max_length=36, pattern=NO_NUL["pattern"])) -> BillRunView:
    caller.require(Permission.RUN_BILLING, Permission.VIEW_BILLING)
    return progress_of(central_of(request), run_id)
