"""The money side of the history: bills on the ledger, payments by each consumer's habits,
allocations, overpayment credit notes, voids, late fees and deposits applied at disconnection.

The ledger holds debits (bills, service charges, voided payments put back) as positive and
credits (payments, deposits applied) as negative. A payment is credited whole; what it paid
is in its allocations, and an amount left on account is an Overpayment credit note (which
later pays a bill through a credit note application, not through the ledger).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import random
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from app.demo.bulk import BulkWriter, DemoIds, LocalTime
from app.demo.consumers import DemoConsumer, Population
from app.demo.numbers import DemoNumbers
from app.demo.reference import Reference
from app.domain.core.permissions import Role
from app.domain.core.settings import Settings
from app.models.billing import LedgerEntry, ServiceCharge
from app.models.consumers import SecurityDeposit
from app.models.payments import CreditNote, CreditNoteApplication, Payment, PaymentAllocation

CENT = Decimal("0.01")
ZERO = Decimal(0)
LATE_FEE = Decimal("25.00")
CASH_STEPS = tuple(Decimal(step) for step in (1, 10, 50, 100, 500))  # how people round cash up
# channel -> (weight, ((method, weight), ...)); channels and modes not listed get small weights
CHANNEL_MIX = {
    "Walk-in": (33, (("Cash", 60), ("Debit Card", 14), ("Credit Card", 10), ("UPI", 11), ("Cheque", 5))),
    "Online Portal": (25, (("Online Banking", 40), ("Credit Card", 25), ("Debit Card", 20), ("UPI", 15))),
    "Mobile App": (22, (("UPI", 70), ("Debit Card", 15), ("Credit Card", 15))),
    "Bank Counter": (9, (("Cash", 50), ("Cheque", 30), ("Bank Transfer", 20))),
    "Kiosk": (6, (("Cash", 60), ("Debit Card", 40))),
    "Field Collection": (5, (("Cash", 80), ("Cheque", 20))),
}
ONLINE = frozenset({"Online Portal", "Mobile App"})
COUNTER = frozenset({"Walk-in", "Bank Counter"})
VOID_REASONS = ("Wrong consumer account selected", "Duplicate entry", "Cheque returned unpaid",
                "Amount entered incorrectly")
NOTES = ("Customer paid in full", "Paid by a family member", "Payment for the current bill",
         "Customer asked for a printed receipt")
PAYMENT, DISCONNECT = 0, 1
T_PAYMENT, T_ALLOC, T_LEDGER = Payment.__table__, PaymentAllocation.__table__, LedgerEntry.__table__
T_CN, T_CN_APP, T_CHARGE = CreditNote.__table__, CreditNoteApplication.__table__, ServiceCharge.__table__
# open item: [kind, id, remaining, due date, label, late fee charged, bill / service date]
KIND, ID, REMAINING, DUE, LABEL, FEE, DATED = range(7)


def channel_mix(settings: Settings) -> tuple[Weighted, dict[str, Weighted]]:
    """Weights of the channels and, per channel, of the payment modes the settings offer."""
    modes = settings.payment_modes
    channels, methods = [], {}
    for channel in settings.channels:
        weight, mix = CHANNEL_MIX.get(channel, (3, ()))
        offered = tuple((mode, w) for mode, w in mix if mode in modes) or tuple((m, 1) for m in modes)
        channels.append((channel, weight))
        methods[channel] = Weighted(offered)
    return Weighted(tuple(channels)), methods


class Weighted:
    """A weighted choice made with one random number (it runs for every payment)."""

    def __init__(self, pairs: tuple[tuple[str, int], ...]) -> None:
        self.values = [value for value, _ in pairs]
        self.bounds = list(itertools.accumulate(weight for _, weight in pairs))

    def pick(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_right(self.bounds, rng.random() * self.bounds[-1])]


def _items_dated(allocations: list[tuple[dict, list]]) -> dict[str, object]:
    """A payment's item_dated_on and item_count (as record_payment writes them): the date of
    the items it paid when they share one, else NULL (the KPI reads the allocations)."""
    dates = {item[DATED] for allocation, item in allocations if allocation["amount"] > 0}
    if len(dates) != 1:
        return {"item_dated_on": None, "item_count": None}
    count = sum(1 for allocation, _ in allocations if allocation["amount"] > 0)
    return {"item_dated_on": dates.pop(), "item_count": count}


class Cashier:
    def __init__(self, writer: BulkWriter, ids: DemoIds, rng: random.Random, numbers: DemoNumbers,
                 local: LocalTime, ref: Reference, settings: Settings, population: Population) -> None:
        self.writer, self.rng, self.numbers, self.local, self.ref = writer, rng, numbers, local, ref
        self.today = population.today
        self.consumers = population.consumers
        self.new_payment, self.new_alloc = ids.maker("payments"), ids.maker("payment_allocations")
        self.new_ledger, self.new_cn = ids.maker("ledger_entries"), ids.maker("credit_notes")
        self.new_cn_app, self.new_charge = ids.maker("credit_note_applications"), ids.maker("service_charges")
        self.channels, self.methods = channel_mix(settings)
        self.add_payment, self.add_allocation = writer.appender(T_PAYMENT), writer.appender(T_ALLOC)
        self.add_ledger = writer.appender(T_LEDGER)
        self.expiry = timedelta(days=settings.credit_note_expiry_days)
        self.supervisor = ref.full_name(Role.SUPERVISOR)
        self.collector = ref.full_name(Role.RECOVERY_EXECUTIVE)
        self.cashiers = {code: ref.cashiers(code) or ("System",) for code in ref.centre_ids}
        self.deposit_status: dict[int, str] = {}
        self._events: list[tuple] = []
        self._seq = 0
        for consumer in self.consumers:
            if consumer.disconnected_on is not None:
                self._push(consumer.disconnected_on, 12 * 60, DISCONNECT, consumer.index)

    # bills -------------------------------------------------------------------------------------

    def post_bill(self, consumer: DemoConsumer, bill_id: str, invoice: str, total: Decimal,
                  day: date, due: date) -> None:
        posted = self.local.at(day, 6)
        self._ledger(consumer, "bill", total, "bill", bill_id, f"Bill {invoice}", posted)
        if total > 0:
            item = ["bill", bill_id, total, due, invoice, False, day]
            consumer.open_items.append(item)
            self._apply_credits(consumer, item, posted)

    def _apply_credits(self, consumer: DemoConsumer, item: list, when: datetime) -> None:
        if not consumer.credits:
            return
        for credit in consumer.credits:
            if not credit[2] or credit[1] <= 0 or item[REMAINING] <= 0:
                continue
            amount = min(credit[1], item[REMAINING])
            credit[1] -= amount
            item[REMAINING] -= amount
            self.writer.add(T_CN_APP, {"id": self.new_cn_app(), "credit_note_id": credit[0],
                                       "bill_id": item[ID], "service_charge_id": None, "amount": amount,
                                       "applied_by": "System", "applied_at": when})
        consumer.credits = [credit for credit in consumer.credits if credit[1] > 0]
        consumer.open_items = [entry for entry in consumer.open_items if entry[REMAINING] > 0]

    def bill_cycle_done(self, consumer: DemoConsumer, day: date) -> None:
        """The consumer's bills of this cycle are out: when will they pay, and how?"""
        profile, rng = consumer.profile, self.rng
        if profile == "delinquent" and consumer.stop_paying_from and day >= consumer.stop_paying_from:
            return
        if profile == "good":
            delay = int(rng.triangular(0, 25, 5))
        elif profile == "late":
            delay = 16 + int(rng.random() * 35)
        else:
            delay = 2 + int(rng.random() * 39)
        mode = "partial" if profile == "partial" and rng.random() < 0.65 else "full"
        self._schedule(consumer, day + timedelta(days=delay), mode)

    def _schedule(self, consumer: DemoConsumer, day: date, mode: str, void_allowed: bool = True) -> None:
        if day > self.today:
            return  # not paid yet
        rng = self.rng
        channel = self.channels.pick(rng)
        method = self.methods[channel].pick(rng)
        if day == self.today:
            # Today's payments (the counter looks alive) fall in the first opening hours,
            # whatever the hour the demo is built: the result depends on the date alone.
            minute = 8 * 60 + int(rng.random() * 90)
        elif channel in ONLINE:
            minute = 7 * 60 + int(rng.random() * 16 * 60)
        else:
            minute = 9 * 60 + 30 + int(rng.random() * 8 * 60)
        self._push(day, minute, PAYMENT, consumer.index, mode, channel, method, void_allowed)

    def _push(self, day: date, minute: int, kind: int, index: int, *payload: object) -> None:
        self._seq += 1
        heapq.heappush(self._events, (day.toordinal(), minute, self._seq, kind, index, payload))

    def run_until(self, day: date) -> None:
        events, last = self._events, day.toordinal()
        while events and events[0][0] <= last:
            ordinal, minute, _, kind, index, payload = heapq.heappop(events)
            on = date.fromordinal(ordinal)
            if kind == DISCONNECT:
                self._disconnect(self.consumers[index], on)
            else:
                self._pay(self.consumers[index], on, minute, *payload)

    def finish(self) -> None:
        self._events.clear()
        for consumer in self.consumers:
            if consumer.deposit is None:
                continue
            deposit_id, amount, use_in_bill = consumer.deposit
            status = self.deposit_status.get(consumer.index)
            if status is None:
                status = "Refunded" if consumer.disconnected_on and not consumer.open_items else "Held"
            self.writer.add(SecurityDeposit.__table__, {
                "id": deposit_id, "consumer_id": consumer.id, "amount": amount,
                "deposited_on": consumer.registered_on, "use_in_bill": use_in_bill, "status": status})

    # payments ------------------------------------------------------------------------------------

    def _pay(self, consumer: DemoConsumer, day: date, minute: int, mode: str, channel: str, method: str,
             void_allowed: bool) -> None:
        outstanding = sum((item[REMAINING] for item in consumer.open_items), ZERO)
        due_now = outstanding - sum((credit[1] for credit in consumer.credits), ZERO)
        if due_now <= 0:
            return
        rng = self.rng
        amount = due_now
        if mode == "partial":
            part = (due_now * Decimal(40 + int(rng.random() * 46)) / 100).quantize(Decimal(10), ROUND_FLOOR)
            amount = part if part >= 10 else due_now
        kept = ZERO
        tendered = change = None
        if method == "Cash":
            if channel == "Walk-in" and mode == "full" and rng.random() < 0.05:
                tendered = _round_up(amount, Decimal(100))
                kept = tendered - amount  # the customer leaves the change on account
                amount, change = tendered, ZERO
            else:
                tendered = _round_up(amount, CASH_STEPS[int(rng.random() * len(CASH_STEPS))])
                change = tendered - amount
        voided = void_allowed and channel in COUNTER and not kept and rng.random() < 0.004
        paid_at = self.local.at(day, minute // 60, minute % 60, int(rng.random() * 60))
        payment_id = self.new_payment()
        allocations = self._allocate(consumer, payment_id, amount - kept, apply=not voided)
        received_by = self._receiver(consumer, channel)
        row = self._payment_row(consumer, payment_id, day, paid_at, amount, tendered, change, channel,
                                method, received_by, allocations, mode)
        if voided:
            row.update(status="Voided", void_reason=rng.choice(VOID_REASONS), voided_by=self.supervisor,
                       voided_at=paid_at + timedelta(minutes=rng.randrange(10, 240)))
        self.add_payment(row)
        for allocation, _ in allocations:
            self.add_allocation(allocation)
        label = f"Payment {row['payment_no']} ({row['receipt_no']})"
        self._ledger(consumer, "payment", -amount, "payment", payment_id, label, paid_at)
        if voided:
            self._ledger(consumer, "payment_void", amount, "payment", payment_id, f"Void of {label}",
                         row["voided_at"])
            self._schedule(consumer, day + timedelta(days=1), mode, void_allowed=False)
            return
        if kept:
            self._credit_note(consumer, payment_id, kept, received_by, paid_at, day)
        consumer.last_payment = (day, amount, method)
        self._late_fees(consumer, allocations, day)

    def _allocate(self, consumer: DemoConsumer, payment_id: str, amount: Decimal,
                  apply: bool) -> list[tuple[dict, list]]:
        """Oldest open item first; returns (allocation row, open item) pairs."""
        allocations, left = [], amount
        for item in consumer.open_items:
            if left <= 0:
                break
            take = item[REMAINING] if item[REMAINING] <= left else left
            left -= take
            is_bill = item[KIND] == "bill"
            allocations.append(({"id": self.new_alloc(), "payment_id": payment_id,
                                 "bill_id": item[ID] if is_bill else None,
                                 "service_charge_id": None if is_bill else item[ID],
                                 "installment_id": None, "amount": take}, item))
            if apply:
                item[REMAINING] -= take
        if apply:
            consumer.open_items = [item for item in consumer.open_items if item[REMAINING] > 0]
        return allocations

    def _settle(self, consumer: DemoConsumer, amount: Decimal) -> None:
        """Pays open items oldest first without a payment (a deposit applied)."""
        for item in consumer.open_items:
            take = min(item[REMAINING], amount)
            item[REMAINING] -= take
            amount -= take
        consumer.open_items = [item for item in consumer.open_items if item[REMAINING] > 0]

    def _payment_row(self, consumer: DemoConsumer, payment_id: str, day: date, paid_at: datetime,
                     amount: Decimal, tendered: Decimal | None, change: Decimal | None, channel: str,
                     method: str, received_by: str, allocations: list[tuple[dict, list]],
                     mode: str) -> dict:
        rng, age = self.rng, (self.today - day).days
        online = channel in ONLINE
        settled = age > 2
        payment_no = self.numbers.next("payment", day)
        cheque_pending = method in ("Cheque", "Bank Transfer") and age <= 4
        notes = "Part payment; balance promised next week" if mode == "partial" else (
            rng.choice(NOTES) if rng.random() < 0.05 else "")
        return {
            "id": payment_id, "payment_no": payment_no, "transaction_no": self.numbers.next("transaction", day),
            "receipt_no": self.numbers.next("receipt", day), "consumer_id": consumer.id,
            "payment_type": "Bill" if any(a["bill_id"] for a, _ in allocations) else "Service",
            "channel": channel, "method": method, "amount": amount, "tendered": tendered,
            "change_given": change, "paid_at": paid_at, "status": "Posted",
            "verification": "Pending" if cheque_pending else "Verified", "received_by": received_by,
            "notes": notes,
            "gateway_ref": (f"pi_{self.numbers.last_used('payment'):010d}{rng.getrandbits(48):012x}"
                            if online else None),
            "webhook_status": ("Settled" if settled else "In Settlement") if online else "",
            "settlement_status": ("Success" if settled else "In Progress") if online else "",
            "settled_at": paid_at + timedelta(days=2) if online and settled else None,
            "cash_session_id": None, "void_reason": "", "voided_by": "", "voided_at": None,
            **_items_dated(allocations),
        }

    def _receiver(self, consumer: DemoConsumer, channel: str) -> str:
        if channel == "Walk-in":
            cashiers = self.cashiers[consumer.zone.centre_code]
            return cashiers[int(self.rng.random() * len(cashiers))]
        if channel == "Field Collection":
            return self.collector
        return {"Bank Counter": "Bank", "Kiosk": "Kiosk"}.get(channel, "System")

    def _credit_note(self, consumer: DemoConsumer, payment_id: str, amount: Decimal, created_by: str,
                     when: datetime, day: date) -> None:
        note_id = self.new_cn()
        self.writer.add(T_CN, {
            "id": note_id, "credit_note_no": self.numbers.next("credit_note", day), "payment_id": payment_id,
            "consumer_id": consumer.id, "amount": amount, "reason": "Overpayment",
            "remarks": "Customer left the change on account", "created_by": created_by,
            "created_at": when, "expires_on": day + self.expiry})
        consumer.credits.append([note_id, amount, self.rng.random() < 0.7])

    def _late_fees(self, consumer: DemoConsumer, allocations: list[tuple[dict, list]], day: date) -> None:
        if consumer.profile == "good":
            return
        for _, item in allocations:
            if item[KIND] != "bill" or item[FEE] or item[DUE] + timedelta(days=5) >= day:
                continue
            item[FEE] = True
            if self.rng.random() < 0.35:
                self.service_charge(consumer, "Late Fee", LATE_FEE, item[DUE] + timedelta(days=5), "4200")

    def service_charge(self, consumer: DemoConsumer, description: str, amount: Decimal, day: date,
                       gl_code: str) -> str:
        charge_id = self.new_charge()
        self.writer.add(T_CHARGE, {"id": charge_id, "consumer_id": consumer.id, "description": description,
                                   "amount": amount, "service_date": day, "gl_code": gl_code})
        self._ledger(consumer, "service_charge", amount, "service_charge", charge_id, description,
                     self.local.at(day, 6))
        consumer.open_items.append(["service_charge", charge_id, amount, day + timedelta(days=15),
                                    description, True, day])
        return charge_id

    def _disconnect(self, consumer: DemoConsumer, day: date) -> None:
        """Final settlement: a deposit marked 'use in bill' pays what is still owed."""
        if consumer.deposit is None:
            return
        deposit_id, amount, use_in_bill = consumer.deposit
        owed = sum((item[REMAINING] for item in consumer.open_items), ZERO)
        if not use_in_bill or owed <= 0:
            return
        applied = min(amount, owed)
        self._ledger(consumer, "deposit_applied", -applied, "security_deposit", deposit_id,
                     "Security deposit applied at disconnection", self.local.at(day, 12))
        self._settle(consumer, applied)
        self.deposit_status[consumer.index] = "Applied"

    def _ledger(self, consumer: DemoConsumer, entry_type: str, amount: Decimal, source_type: str,
                source_id: str, description: str, posted_at: datetime) -> None:
        self.add_ledger({"id": self.new_ledger(), "consumer_id": consumer.id, "entry_type": entry_type,
                         "amount": amount, "source_type": source_type, "source_id": source_id,
                         "description": description, "posted_at": posted_at})


def _round_up(amount: Decimal, step: Decimal) -> Decimal:
    return ((amount / step).to_integral_value(ROUND_CEILING) * step).quantize(CENT)
