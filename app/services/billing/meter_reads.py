"""Actual meter reads: entered one at a time or imported from CSV, all or nothing.

Every read is checked by the domain's rules against the meter's previous read (the one
already stored, or an earlier row of the same file). An import with any bad row imports
nothing and names every bad row, its field and the rule.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.billing.reads import MeterFacts, Reading, ReadReason, check_read
from app.domain.core.errors import ImportRefused, ValidationError
from app.domain.core.permissions import Permission
from app.models.consumers import Consumer, Meter, MeterRead, MeterType, ServiceAccount
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.payments.queries import local_today

COLUMNS = ("account_no", "meter_no", "read_on", "reading")
OPTIONAL = ("register", "reason")


@dataclass(frozen=True)
class ReadEntry:
    account_no: str
    meter_no: str
    read_on: date
    reading: Decimal
    register: str = "total"
    reason: ReadReason = ReadReason.NONE


@dataclass(frozen=True)
class ReadProblem:
    row: int  # 1-based data row (the header is row 0)
    field: str
    rule: str

    def describe(self) -> str:
        return f"row {self.row}: {self.field}: {self.rule}"


class ReadsRefused(ImportRefused):
    def __init__(self, problems: list[ReadProblem]) -> None:
        super().__init__("file", problems)


@dataclass(frozen=True)
class ReadsImported:
    count: int


def enter_read(app: AppContext, actor: Actor, entry: ReadEntry) -> None:
    actor.require(Permission.RUN_BILLING)
    with unit_of_work(app, actor) as work:
        try:
            store_reads(work, [entry], local_today(app, load_settings(work.session)))
        except ReadsRefused as refused:  # one read: its own field and rule
            raise ValidationError(refused.problems[0].field, refused.problems[0].rule) from None
        work.audit("meter_read_entered", "meter", entry.meter_no, account_no=entry.account_no,
                   read_on=entry.read_on.isoformat(), reading=str(entry.reading))


def import_reads(app: AppContext, actor: Actor, path: Path) -> ReadsImported:
    actor.require(Permission.RUN_BILLING)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise ValidationError("file", f"Cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ValidationError("file", f"{path.name} is not a CSV text file (UTF-8)") from None
    entries = parse_reads(text)
    with unit_of_work(app, actor) as work:
        store_reads(work, entries, local_today(app, load_settings(work.session)))
        work.audit("meter_reads_imported", "meter_read", path.name, rows=len(entries))
        return ReadsImported(len(entries))


def parse_reads(text: str) -> list[ReadEntry]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ReadsRefused([ReadProblem(0, "header", f"missing column(s): {', '.join(missing)}")])
    reader.fieldnames = header
    entries, problems = [], []
    for index, row in enumerate(reader, start=1):
        try:
            entries.append(_entry(row))
        except ValidationError as error:
            problems.append(ReadProblem(index, error.field, error.rule))
    if problems:
        raise ReadsRefused(problems)
    if not entries:
        raise ReadsRefused([ReadProblem(0, "file", "has no reads")])
    return entries


def _entry(row: dict[str, str | None]) -> ReadEntry:
    values = {key: (row.get(key) or "").strip() for key in (*COLUMNS, *OPTIONAL)}
    for name in COLUMNS:
        if not values[name]:
            raise ValidationError(name, "is required")
    try:
        read_on = date.fromisoformat(values["read_on"])
    except ValueError:
        raise ValidationError("read_on", f"'{values['read_on']}' is not a date (YYYY-MM-DD)") from None
    try:
        reading = Decimal(values["reading"])
    except InvalidOperation:
        raise ValidationError("reading", f"'{values['reading']}' is not a number") from None
    if not reading.is_finite():
        raise ValidationError("reading", "must be a number")
    try:
        reason = ReadReason(values["reason"].capitalize() if values["reason"] else "")
    except ValueError:
        raise ValidationError("reason", "must be empty, 'Meter change' or 'Rollover'") from None
    return ReadEntry(values["account_no"], values["meter_no"], read_on, reading,
                     values["register"] or "total", reason)


def store_reads(work: Work, entries: list[ReadEntry], today: date) -> None:
    problems, latest = [], {}
    for index, entry in enumerate(entries, start=1):
        try:
            meter, facts, consumer_no = _meter(work.session, entry.meter_no)
            key = (meter.id, entry.register)
            previous = latest.get(key) or _previous(work.session, meter.id, entry.register)
            new = Reading(entry.read_on, entry.reading, reason=entry.reason, register=entry.register)
            # the consumer's own account number names their account as well as the service's
            account_no = facts.account_no if entry.account_no == consumer_no else entry.account_no
            check_read(new, facts, account_no, previous, today)
            latest[key] = new
            work.record(MeterRead(meter_id=meter.id, read_on=entry.read_on, register=entry.register,
                                  reading=entry.reading, read_type="Actual", reason=entry.reason.value))
        except ValidationError as error:
            problems.append(ReadProblem(index, error.field, error.rule))
    if problems:
        raise ReadsRefused(problems)  # the unit of work rolls back every row written


def _meter(session: Session, meter_no: str) -> tuple[Meter, MeterFacts, str | None]:
    row = session.execute(
        select(Meter, MeterType, ServiceAccount.account_no, Consumer.account_no)
        .join(MeterType, MeterType.id == Meter.meter_type_id)
        .outerjoin(ServiceAccount, ServiceAccount.id == Meter.service_account_id)
        .outerjoin(Consumer, Consumer.id == ServiceAccount.consumer_id)
        .where(Meter.meter_no == meter_no)).first()
    if row is None:
        raise ValidationError("meter_no", f"No meter '{meter_no}'")
    meter, kind, account_no, consumer_no = row
    registers = tuple(r.strip() for r in kind.registers.split(",") if r.strip()) or ("total",)
    return meter, MeterFacts(meter.meter_no, account_no, registers, meter.dial_digits), consumer_no


def _previous(session: Session, meter_id: str, register: str) -> Reading | None:
    read = session.execute(select(MeterRead).where(
        MeterRead.meter_id == meter_id, MeterRead.register == register)
        .order_by(MeterRead.read_on.desc())).scalars().first()
    return None if read is None else Reading(read.read_on, read.reading, register=register)
