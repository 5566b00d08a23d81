"""Read-only tariffs for other systems: the published tariffs, their versions, and quotes rated
by the same engine as the desktop's bills and `tariff quote` (app.services.tariffs.quotes).

A tariff's code in the URL is its id or its name (any case). Any signed-in user who may view
tariffs may read them; these paths do not need the desktop's sync protocol header.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Body, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission
from app.domain.tariffs.model import TariffStatus
from app.services.tariffs.quotes import quote_json, quote_versions
from app.services.tariffs.records import TariffState, load_states, version_of
from sync.server.deps import Authenticated, central_of
from sync.server.errors import ApiError, error_responses

router = APIRouter(prefix="/v1/tariffs", tags=["tariffs"], responses=error_responses(400, 401, 403, 422))

MAX_QUANTITY = Decimal("1000000000")  # units or kW: far beyond any one meter's period
MAX_PERIOD_DAYS = 3660
Code = Annotated[str, Path(min_length=1, max_length=160, description="The tariff's id or name")]
Quantity = Annotated[Decimal, Field(ge=0, le=MAX_QUANTITY, max_digits=16, decimal_places=6)]


class TariffVersionView(BaseModel):
    version: int
    valid_from: date
    valid_to: date | None = Field(description="None: open-ended")
    change_summary: str
    document: dict = Field(description="The rate structure as the desktop stores it: rates in "
                                       "millionths (_e6), money in minor units")


class TariffSummary(BaseModel):
    id: str
    name: str
    utility: str
    rate_type: str
    unit: str
    currency: str
    status: TariffStatus = Field(description="Today, in the central service's clock")
    valid_from: date
    valid_to: date | None
    current_version: int = Field(description="The newest published version")
    consumer_categories: list[str] = Field(description="Empty: every category")


class TariffList(BaseModel):
    tariffs: list[TariffSummary]


class TariffDetail(TariffSummary):
    versions: list[TariffVersionView] = Field(description="Published versions, oldest first")


class QuoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period_start: date
    period_end: date = Field(description="Inclusive; on or after period_start")
    units: Quantity | None = Field(None, description="Consumption in the tariff's meter unit")
    units_by_period: dict[Annotated[str, Field(max_length=60)], Quantity] | None = Field(
        None, max_length=12, description="Time-of-use tariffs: units per period name (peak, ...)")
    demand_kw: Quantity | None = Field(None, description="Sanctioned load or demand, for per-kW charges")


class QuantityView(BaseModel):
    quantity: str
    unit: str


class QuoteLine(BaseModel):
    description: str
    quantity: str
    rate: str | None
    amount: str


class QuoteView(BaseModel):
    """The same JSON as the desktop's `utilitydesk tariff quote`."""

    tariff: str
    version: int
    factor: str
    metered: QuantityView
    billed: QuantityView
    basis: str
    lines: list[QuoteLine]
    total: str


@router.get("", response_model=TariffList)
def list_tariffs(request: Request, caller: Authenticated) -> TariffList:
    """Every tariff with a published version."""
    caller.require(Permission.VIEW_TARIFFS)
    central = central_of(request)
    with central.sessions() as session:
        today = central.now().date()
        return TariffList(tariffs=[_summary(state, today) for state in load_states(session)
                                   if state.published])


@router.get("/{code}", response_model=TariffDetail, responses=error_responses(404))
def tariff(request: Request, caller: Authenticated, code: Code) -> TariffDetail:
    """One tariff and its published versions."""
    caller.require(Permission.VIEW_TARIFFS)
    central = central_of(request)
    with central.sessions() as session:
        state = _find(load_states(session), code)
        versions = [TariffVersionView(version=r.version_no, valid_from=r.valid_from, valid_to=r.valid_to,
                                      change_summary=r.change_summary, document=r.document)
                    for r in sorted(state.published, key=lambda r: r.version_no)]
        return TariffDetail(**_summary(state, central.now().date()).model_dump(), versions=versions)


@router.post("/{code}/quote", response_model=QuoteView, responses=error_responses(404))
def quote(request: Request, caller: Authenticated, code: Code,
          body: Annotated[QuoteRequest, Body()]) -> QuoteView:
    """A billing period rated under the tariff's versions in force, as a bill would be."""
    caller.require(Permission.VIEW_TARIFFS)
    _check_period(body)
    with central_of(request).sessions() as session:
        state = _find(load_states(session), code)
        versions = state.in_force()
    try:
        result = quote_versions(state.row.name, versions, body.period_start, body.period_end,
                                units=body.units, units_by_period=body.units_by_period,
                                load_kw=body.demand_kw)
    except ValidationError as error:
        raise ApiError(422, "invalid_request", str(error)) from None
    except ArithmeticError:
        raise ApiError(422, "invalid_request", "The values are too large to rate") from None
    return QuoteView.model_validate(quote_json(result))


def _check_period(body: QuoteRequest) -> None:
    if body.period_end < body.period_start:
        raise ApiError(422, "invalid_request", "period_end: must not be before period_start")
    if (body.period_end - body.period_start).days >= MAX_PERIOD_DAYS:
        raise ApiError(422, "invalid_request", f"period_end: a quote covers at most {MAX_PERIOD_DAYS} days")
    if (body.units is None) == (body.units_by_period is None):
        raise ApiError(422, "invalid_request", "units: give either units or units_by_period")


def _find(states: list[TariffState], code: str) -> TariffState:
    wanted = code.strip().casefold()
    for state in states:
        if state.published and wanted in (state.row.id.casefold(), state.row.name.casefold()):
            return state
    raise ApiError(404, "not_found", f"No published tariff '{code.strip()}'")


def _summary(state: TariffState, today: date) -> TariffSummary:
    newest = max(state.published, key=lambda record: record.version_no)
    version = version_of(newest)
    start, end = state.span()
    return TariffSummary(id=state.row.id, name=state.row.name, utility=version.utility.value,
                         rate_type=version.rate_type.value, unit=version.unit.value,
                         currency=version.currency, status=state.status(today), valid_from=start,
                         valid_to=end, current_version=newest.version_no,
                         consumer_categories=list(state.categories))

