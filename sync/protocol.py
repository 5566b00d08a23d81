"""The wire format shared by the desktop's sync agent and the central service (pydantic)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PROTOCOL_VERSION = 1
MIN_PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-UtilityDesk-Protocol"
MAX_CLOCK_SKEW_SECONDS = 300
MAX_BATCH = 500
MAX_PAGE = 2000

OperationKind = Literal["insert", "update", "delete", "command"]
ResultStatus = Literal["applied", "duplicate", "conflict", "rejected"]


class Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ErrorBody(Wire):
    """Every refusal: a kind the agent can act on and a sentence a person can read."""

    kind: str
    message: str


NO_NUL = {"pattern": "^[^\\x00]*$"}  # documents what Asked refuses


def text(max_length: int, default: Any = ..., **options: Any) -> Any:
    """A request's text field: bounded, and documented as free of NUL characters."""
    return Field(default, max_length=max_length, json_schema_extra=NO_NUL, **options)


class Asked(Wire):
    """A request body: its text fields go to the database, which cannot hold a NUL character."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain a NUL character")
        return value


class LoginRequest(Asked):
    username: str = text(80)
    password: str = text(200)
    device_id: str | None = text(36, None)
    device_secret: str | None = text(200, None)


class TokenResponse(Wire):
    token: str
    expires_at: datetime
    user_id: str
    username: str
    role: str
    centre_id: str | None
    device_id: str | None


class EnrolmentCodeRequest(Asked):
    centre_code: str = text(20)
    valid_hours: int = Field(default=72, ge=1, le=24 * 30)


class EnrolmentCodeResponse(Wire):
    code: str
    centre_id: str
    expires_at: datetime


class EnrolRequest(Asked):
    enrolment_code: str = text(40)
    device_id: str = text(36, min_length=1)
    device_code: str = text(20, min_length=1)
    name: str = text(120, "")


class EnrolResponse(Wire):
    device_id: str
    device_secret: str
    centre_id: str
    zone_ids: list[str]
    centre_code: str = ""  # for people: "Enrolled … in centre Central Service Centre (CSC)"
    centre_name: str = ""


class ServerInfo(Wire):
    """The handshake: server time (authoritative), epoch, and where this device stands."""

    server_time: datetime
    epoch: str
    protocol_version: int
    min_protocol_version: int
    device_id: str
    device_applied_seq: int
    centre_id: str
    zone_ids: list[str]
    leasable_series: list[str]


class Operation(Wire):
    """One outbox row of a desktop, pushed in the desktop's sequence order.

    Strict: `true` is not a sequence or a version. The payload is any JSON value on the wire, so
    that a payload which is not an object is that operation's rejection, not the whole push's.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    seq: int = Field(ge=1)
    entity: str
    entity_id: str
    operation: OperationKind
    payload: Any
    base_version: int | None = Field(default=None, ge=0)
    # The username of whoever made the change: a claim the server checks, never a credential
    # (docs/sync-security.md). Empty (older desktops): the token's user.
    actor: str = Field(default="", max_length=80)


class PushRequest(Wire):
    operations: list[Operation] = Field(max_length=MAX_BATCH)


class OperationResult(Wire):
    seq: int
    entity: str
    entity_id: str
    status: ResultStatus
    version: int | None = None
    reason: str = ""
    current: dict[str, Any] | None = None


class PushResponse(Wire):
    results: list[OperationResult]
    applied_seq: int


class Change(Wire):
    entity: str
    entity_id: str
    operation: str
    version: int
    payload: dict[str, Any]


class PullResponse(Wire):
    epoch: str
    changes: list[Change]
    cursor: str
    more: bool


class BootstrapPlan(Wire):
    """The entities to download, reference data first, and the cursor to pull from afterwards."""

    epoch: str
    entities: list[str]
    reference_entities: list[str]
    start_cursor: str


class BootstrapPage(Wire):
    entity: str
    rows: list[dict[str, Any]]
    next_after: str | None


class LeaseRequest(Asked):
    series: str = text(40)
    blocks: int = Field(default=1, ge=1, le=10)


class LeasedBlock(Wire):
    first: int
    last: int


class LeaseResponse(Wire):
    series: str
    blocks: list[LeasedBlock]


class RefusedWebhookView(Wire):
    """A signed gateway event the service refused, for an administrator to look at."""

    id: int
    provider: str
    received_at: datetime
    event_id: str
    reason: str
    body: str


class WebhookResponse(Wire):
    event_id: str
    duplicate: bool
    outcome: str


def format_cursor(epoch: str, txid: int, seq: int) -> str:
    return f"{epoch}:{txid}:{seq}"


def parse_cursor(cursor: str) -> tuple[str, int, int]:
    """(epoch, txid, seq); raises ValueError on a cursor that is not ours."""
    epoch, txid, seq = cursor.rsplit(":", 2)
    return epoch, int(txid), int(seq)
