"""The billing history, simulated day by day: meter reads, bills rated by the engine, exceptions.

Days are walked in order so that every document number follows its date; on each day the
meters due for reading are read and billed at 06:00, then the day's payments are taken
(accounting.py). Only what happened before `today` exists; a cycle whose billing window
contains today is Running and part-billed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.demo.accounting import Cashier
from app.demo.bulk import BulkWriter, DemoIds, LocalTime
from app.demo.consumers import DemoAccount, DemoConsumer, Population
from app.demo.cycles import SEASON, Cycle
from app.demo.numbers import DemoNumbers
from app.demo.reference import Reference
from app.demo.tariffs import TOU_REGISTERS, TariffBook
from app.domain.core.permissions import Role
from app.domain.core.settings import Settings
from app.models.billing import Bill, BillingCycle, BillingException, BillLine
from app.models.consumers import MeterRead

ESTIMATED_SHARE = 0.02
EXCEPTION_SHARE = 0.0026  # the dashboard sample's 68 bills not generated of 26,410
# category, severity, weight, message, resolution
EXCEPTIONS = (
    ("Missing meter read", "High", 35, "No reading received for {account} in the billing window",
     "Estimated from the consumer's average; bill released as Estimated"),
    ("Negative consumption", "High", 10, "Reading is below the previous reading for {account}",
     "Meter rollover confirmed with a check read; reading corrected"),
    ("Tariff not found", "Critical", 8, "No tariff version is assigned to {account} for this period",
     "Tariff assignment corrected and the account re-rated"),
    ("High consumption variance", "Medium", 25,
     "Consumption of {account} is more than 150% of the same period last year",
     "Verified with the consumer and a check read; bill released"),
    ("Customer data discrepancy", "Medium", 15, "Billing address of {account} does not match the service address",
     "Consumer record updated"),
    ("Print format error", "Low", 7, "Bill of {account} exceeds the page layout of the print template",
     "Template adjusted and the bill re-printed"),
)
ESCALATION_HOURS = {"Critical": 4, "High": 24, "Medium": 72, "Low": 168}
T_BILL, T_LINE, T_READ = Bill.__table__, BillLine.__table__, MeterRead.__table__
T_EXCEPTION = BillingException.__table__


@dataclass
class HistoryResult:
    cycles: dict[tuple[str, int, int], Cycle]
    cashier: Cashier


class HistoryRun:
    def __init__(self, writer: BulkWriter, ids: DemoIds, rng: random.Random, numbers: DemoNumbers,
                 local: LocalTime, tariffs: TariffBook, ref: Reference, settings: Settings,
                 population: Population, cycles: dict[tuple[str, int, int], Cycle]) -> None:
        self.writer, self.rng, self.numbers, self.local = writer, rng, numbers, local
        self.tariffs, self.ref, self.population, self.cycles = tariffs, ref, population, cycles
        self.today = population.today
        self.new_bill, self.new_line = ids.maker("bills"), ids.maker("bill_lines")
        self.new_read = ids.maker("meter_reads")
        self.add_bill, self.add_line = writer.appender(T_BILL), writer.appender(T_LINE)
        self.add_read = writer.appender(T_READ)
        self.new_exception = ids.maker("billing_exceptions")
        self.cashier = Cashier(writer, ids, rng, numbers, local, ref, settings, population)
        self.exception_share = self._exception_share()
        self.bills = 0
        self.resolvers = (ref.full_name(Role.BILLING_SPECIALIST), ref.full_name(Role.BILLING_MANAGER))

    def _exception_share(self) -> float:
        """Bills not generated: the sample's rate, but at least a handful per cycle."""
        accounts = sum(len(c.accounts) for c in self.population.consumers)
        per_cycle = max(1.0, accounts / 4)
        return min(0.2, max(EXCEPTION_SHARE, 3 / per_cycle))

    def run(self, progress) -> HistoryResult:
        self._write_cycles()
        by_day = self._consumers_by_read_day()
        months = {(cycle.year, cycle.month) for cycle in self.cycles.values()}
        day = min(cycle.window_start for cycle in self.cycles.values())
        while day <= self.today:
            if (day.year, day.month) in months:
                for consumer in by_day.get(day.day, ()):
                    self._read_day(consumer, day)
            self.cashier.run_until(day)
            self.writer.flush_if_full()
            if day.day == 28:
                progress("history", f"{day:%b %Y}: {self.bills:,} bills so far")
            day += timedelta(days=1)
        self.cashier.finish()
        self._update_cycles()
        return HistoryResult(self.cycles, self.cashier)

    def _consumers_by_read_day(self) -> dict[int, list[DemoConsumer]]:
        by_day: dict[int, list[DemoConsumer]] = {}
        for consumer in self.population.consumers:
            by_day.setdefault(consumer.zone.read_day + consumer.route_offset, []).append(consumer)
        return by_day

    def _write_cycles(self) -> None:
        for cycle in self.cycles.values():
            cycle.deadline = self.local.at(cycle.window_end + timedelta(days=2), 18)
            self.writer.add(BillingCycle.__table__, {
                "id": cycle.id, "name": cycle.name, "zone_id": self.ref.zone_ids[cycle.zone.code],
                "period_start": cycle.period_start, "period_end": cycle.period_end,
                "deadline": cycle.deadline, "status": cycle.status, "accounts_total": 0,
            })
        self.writer.flush()

    def _update_cycles(self) -> None:
        """Accounts per cycle: those read so far, and for a cycle still open all it will bill."""
        self.writer.flush()
        for cycle in self.cycles.values():
            if cycle.status != "Completed":
                cycle.expected = self._billable_accounts(cycle)
        self.writer.update(BillingCycle.__table__, [{"id": cycle.id, "accounts_total": cycle.expected}
                                                    for cycle in self.cycles.values()])

    def _billable_accounts(self, cycle: Cycle) -> int:
        return sum(
            1 for consumer in self.population.consumers
            if consumer.zone is cycle.zone
            and (consumer.disconnected_on is None
                 or consumer.disconnected_on >= cycle.window_start + timedelta(days=consumer.route_offset))
            for account in consumer.accounts if account.connected_on <= cycle.period_start)

    # one consumer's read day --------------------------------------------------------------

    def _read_day(self, consumer: DemoConsumer, day: date) -> None:
        if consumer.disconnected_on is not None and day > consumer.disconnected_on:
            return
        cycle = self.cycles[(consumer.zone.code, day.year, day.month)]
        billed = False
        for account in consumer.accounts:
            if account.connected_on > cycle.period_start:
                continue
            cycle.expected += 1
            if not account.readings:
                self._opening_read(account, cycle.period_start)
            if self.rng.random() < self.exception_share:
                held = self._exception(consumer, account, cycle, day)
                if held is None:
                    continue
                bill_day, estimated = held
            else:
                bill_day, estimated = day, self.rng.random() < ESTIMATED_SHARE
            self._bill(consumer, account, cycle, day, bill_day, estimated)
            billed = True
        if billed:
            self.cashier.bill_cycle_done(consumer, day)

    def _opening_read(self, account: DemoAccount, day: date) -> None:
        registers = 3 if account.tou else 1
        account.readings = [self.rng.randrange(1_000, 90_000) for _ in range(registers)]
        self._write_reads(account, day, "Actual")

    def _write_reads(self, account: DemoAccount, day: date, read_type: str) -> None:
        if not account.tou:
            self.add_read({"id": self.new_read(), "meter_id": account.meter_id, "read_on": day,
                                     "register": "total", "reading": Decimal(account.readings[0]),
                                     "read_type": read_type})
            return
        for register, reading in zip(TOU_REGISTERS, account.readings, strict=True):
            self.add_read({"id": self.new_read(), "meter_id": account.meter_id, "read_on": day,
                           "register": register, "reading": Decimal(reading), "read_type": read_type})

    def _units(self, account: DemoAccount, cycle: Cycle, estimated: bool) -> int:
        middle = cycle.period_start + timedelta(days=cycle.days // 2)
        expected = account.base_units * SEASON[account.utility][middle.month - 1] * cycle.days / 30
        noise = 1.0 if estimated else self.rng.uniform(0.86, 1.14)
        step = account.step
        return max(0, round(expected * noise / step) * step)

    def _bill(self, consumer: DemoConsumer, account: DemoAccount, cycle: Cycle, read_day: date,
              bill_day: date, estimated: bool) -> None:
        units = self._units(account, cycle, estimated)
        by_period = None
        if account.tou:
            peak = round(units * self.rng.uniform(0.2, 0.3))
            off_peak = round(units * self.rng.uniform(0.25, 0.35))
            parts = (peak, units - peak - off_peak, off_peak)
            account.readings = [r + u for r, u in zip(account.readings, parts, strict=True)]
            by_period = tuple(zip(TOU_REGISTERS.values(), parts, strict=True))
        else:
            account.readings[0] += units
        self._write_reads(account, read_day, "Estimated" if estimated else "Actual")
        rated = self.tariffs.rate(account.group, cycle.period_start, cycle.period_end, units, by_period,
                                  account.load_kw)
        bill_id = self.new_bill()
        invoice = self.numbers.next("invoice", bill_day)
        due = bill_day + timedelta(days=15)
        self.add_bill({
            "id": bill_id, "invoice_no": invoice, "consumer_id": consumer.id,
            "service_account_id": account.id, "cycle_id": cycle.id,
            "tariff_version_id": rated.version_row_id, "period_start": cycle.period_start,
            "period_end": cycle.period_end, "bill_date": bill_day, "due_date": due,
            "consumption": Decimal(units), "bill_type": "Estimated" if estimated else "Actual",
            "status": "Approved", "total": rated.total,
        })
        new_line, add_line = self.new_line, self.add_line
        for template in rated.line_rows:
            add_line({**template, "id": new_line(), "bill_id": bill_id})
        cycle.billed += 1
        self.bills += 1
        consumer.bills_issued += 1
        self.cashier.post_bill(consumer, bill_id, invoice, rated.total, bill_day, due)

    # exceptions -----------------------------------------------------------------------------

    def _exception(self, consumer: DemoConsumer, account: DemoAccount, cycle: Cycle,
                   day: date) -> tuple[date, bool] | None:
        """Records a billing exception. Resolved (the cycle is complete): the day the bill went
        out and whether it was estimated. Still open (the cycle is Running): None, no bill."""
        category, severity, message, resolution = self._pick_exception()
        opened = self.local.at(day, 6, self.rng.randrange(5, 55))
        row = {"id": self.new_exception(), "cycle_id": cycle.id, "consumer_id": consumer.id,
               "category": category, "severity": severity,
               "message": message.format(account=account.account_no), "opened_at": opened,
               "status": "Open", "assigned_to": "", "resolved_at": None, "resolved_by": "",
               "resolution": ""}
        resolved_on = min(day + timedelta(days=self.rng.choice((0, 1, 1, 2))), self.today - timedelta(days=1))
        if cycle.status == "Completed" and resolved_on >= day:
            row.update(status="Resolved", assigned_to=self.rng.choice(self.resolvers),
                       resolved_at=self.local.at(resolved_on, self.rng.randrange(10, 17), self.rng.randrange(60)),
                       resolution=resolution)
            row["resolved_by"] = row["assigned_to"]
            self.writer.add(T_EXCEPTION, row)
            return resolved_on, category == "Missing meter read"
        age_hours = (self.today - day).days * 24 + 6
        if age_hours > ESCALATION_HOURS[severity]:
            row.update(status="Escalated", assigned_to=self.resolvers[1])
        if category != "Missing meter read":
            self._advance_unbilled(account, cycle, day)
        self.writer.add(T_EXCEPTION, row)
        return None

    def _advance_unbilled(self, account: DemoAccount, cycle: Cycle, day: date) -> None:
        """The meter was read though the bill is held: the register moves on all the same."""
        units = self._units(account, cycle, False)
        if account.tou:
            account.readings[1] += units
        else:
            account.readings[0] += units
        self._write_reads(account, day, "Actual")

    def _pick_exception(self) -> tuple[str, str, str, str]:
        total = sum(weight for _, _, weight, _, _ in EXCEPTIONS)
        pick = self.rng.random() * total
        for category, severity, weight, message, resolution in EXCEPTIONS:
            pick -= weight
            if pick < 0:
                return category, severity, message, resolution
        category, severity, _, message, resolution = EXCEPTIONS[-1]
        return category, severity, message, resolution
