"""The specs' sample consumers, kept as dated history with their own numbers and figures.

John Doe (payments spec): two bills, two service charges, an installment plan and the cash
payment R-5001 that left $4.50 on account as credit note CN-46129. John Michael Smith
(disconnection spec): $456.78 outstanding, a $200.00 deposit, request DIS-2024-001234 and
service order SO-2024-005678. Their bills are rated by the engine: the consumption is the
one whose rating gives the sample's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from app.demo.accounting import T_ALLOC, T_LEDGER, T_PAYMENT
from app.demo.bulk import BulkWriter, DemoIds, LocalTime
from app.demo.consumers import DemoAccount, DemoConsumer, write_account
from app.demo.history import T_BILL, T_LINE, T_READ
from app.demo.numbers import DemoNumbers
from app.demo.plans import PlanBook
from app.demo.reference import ZONES, Reference
from app.demo.tariffs import TariffBook
from app.domain.core.permissions import Role
from app.models.billing import ServiceCharge
from app.models.consumers import Consumer, SecurityDeposit
from app.models.payments import CreditNote, Installment, PaymentPlan, PaymentPlanRevision
from app.models.requests import (
    Communication,
    Notification,
    RequestEvent,
    ServiceOrder,
    ServiceRequest,
)

D = Decimal
STEP = D("0.001")
JOHN_SMITH_DUE = (D("142.35"), D("158.90"), D("149.10"), D("156.43"))  # Aug-Nov 2024: 606.78


class SampleError(RuntimeError):
    """A sample total the engine cannot produce from any consumption."""


def units_for_total(tariffs: TariffBook, group: str, start: date, end: date, target: Decimal) -> Decimal:
    """The roundest consumption (to 0.001 unit) whose rating is exactly `target`."""
    def total(thousandths: int) -> Decimal:
        return tariffs.rate(group, start, end, D(thousandths) * STEP).total

    low, high = 0, 10_000_000  # thousandths of a unit
    while low < high:
        middle = (low + high) // 2
        if total(middle) < target:
            low = middle + 1
        else:
            high = middle
    exact = [n for n in range(low, low + 2_000) if total(n) == target]
    if not exact:
        raise SampleError(f"No consumption rates to {target} on {group} for {start} - {end}")
    middle = (exact[0] + exact[-1]) // 2
    return D(max(exact, key=lambda n: (_roundness(n), -abs(n - middle)))) * STEP


def _roundness(thousandths: int) -> int:
    zeros = 0
    while thousandths and thousandths % 10 == 0 and zeros < 6:
        thousandths //= 10
        zeros += 1
    return zeros


@dataclass
class Samples:
    writer: BulkWriter
    ids: DemoIds
    numbers: DemoNumbers
    local: LocalTime
    tariffs: TariffBook
    ref: Reference
    plans: PlanBook

    def write(self) -> None:
        self._john_doe()
        self._john_smith()

    # shared pieces ------------------------------------------------------------------------------

    def _consumer(self, account_no: str, name: str, zone_code: str, sub: str, registered: date,
                  address: str, phone: str, email: str, meter_serial: int) -> DemoConsumer:
        zone = next(z for z in ZONES if z.code == zone_code)
        consumer = DemoConsumer(0, self.ids.new("consumers"), account_no, name, "Residential", sub, zone,
                                "Active", False, registered, "good", 0, [])
        self.writer.add(Consumer.__table__, {
            "id": consumer.id, "account_no": account_no, "name": name, "phone": phone, "email": email,
            "category": "Residential", "sub_category": sub, "vip": False, "status": "Active",
            "service_address": address, "billing_address": address,
            "zone_id": self.ref.zone_ids[zone_code], "registered_on": registered,
            "locked_by": None, "locked_until": None})
        account = DemoAccount(self.ids.new("service_accounts"), f"{account_no}-E", "electricity", "res_e",
                              self.ids.new("meters"), registered, 0.0)
        consumer.accounts.append(account)
        write_account(self.writer, self.ref, self.tariffs, consumer, account, self.plans.ids["prb"],
                      D(5), {"meter": meter_serial - 1})
        return consumer

    def _bill(self, consumer: DemoConsumer, invoice: str, start: date, end: date, bill_day: date,
              units: Decimal, reading: Decimal) -> tuple[str, Decimal, Decimal]:
        """Reads the meter, rates and writes the bill; returns (bill id, total, new reading)."""
        account = consumer.accounts[0]
        rated = self.tariffs.rate(account.group, start, end, units)
        bill_id = self.ids.new("bills")
        reading += units
        self._read(account, bill_day, reading)
        self.writer.add(T_BILL, {
            "id": bill_id, "invoice_no": invoice, "consumer_id": consumer.id,
            "service_account_id": account.id, "cycle_id": None, "tariff_version_id": rated.version_row_id,
            "period_start": start, "period_end": end, "bill_date": bill_day,
            "due_date": bill_day + timedelta(days=15), "consumption": units, "bill_type": "Actual",
            "status": "Approved", "total": rated.total})
        for number, line in enumerate(rated.lines, start=1):
            self.writer.add(T_LINE, {"id": self.ids.new("bill_lines"), "bill_id": bill_id, "line_no": number,
                                     "kind": line.kind, "description": line.description,
                                     "quantity": line.quantity, "rate": line.rate, "amount": line.amount})
        self._ledger(consumer, "bill", rated.total, "bill", bill_id, f"Bill {invoice}",
                     self.local.at(bill_day, 6))
        return bill_id, rated.total, reading

    def _read(self, account: DemoAccount, day: date, reading: Decimal) -> None:
        self.writer.add(T_READ, {"id": self.ids.new("meter_reads"), "meter_id": account.meter_id,
                                 "read_on": day, "register": "total", "reading": reading,
                                 "read_type": "Actual"})

    def _ledger(self, consumer: DemoConsumer, entry_type: str, amount: Decimal, source_type: str,
                source_id: str, description: str, posted_at: datetime) -> None:
        self.writer.add(T_LEDGER, {"id": self.ids.new("ledger_entries"), "consumer_id": consumer.id,
                                   "entry_type": entry_type, "amount": amount, "source_type": source_type,
                                   "source_id": source_id, "description": description,
                                   "posted_at": posted_at})

    def _payment(self, consumer: DemoConsumer, numbers: tuple[str, str, str], paid_at: datetime,
                 amount: Decimal, allocations: list[tuple[str, Decimal]], channel: str, method: str,
                 received_by: str, tendered: Decimal | None = None, notes: str = "") -> str:
        payment_id = self.ids.new("payments")
        payment_no, transaction_no, receipt_no = numbers
        online = channel != "Walk-in"
        self.writer.add(T_PAYMENT, {
            "id": payment_id, "payment_no": payment_no, "transaction_no": transaction_no,
            "receipt_no": receipt_no, "consumer_id": consumer.id, "payment_type": "Bill",
            "channel": channel, "method": method, "amount": amount, "tendered": tendered,
            "change_given": None if tendered is None else tendered - amount, "paid_at": paid_at,
            "status": "Posted", "verification": "Verified", "received_by": received_by, "notes": notes,
            "gateway_ref": f"pi_sample_{payment_no}" if online else None,
            "webhook_status": "Settled" if online else "", "settlement_status": "Success" if online else "",
            "settled_at": paid_at + timedelta(days=2) if online else None, "cash_session_id": None,
            "void_reason": "", "voided_by": "", "voided_at": None,
            "item_dated_on": None, "item_count": None})  # the KPI reads the allocations
        for bill_id, part in allocations:
            self.writer.add(T_ALLOC, {"id": self.ids.new("payment_allocations"), "payment_id": payment_id,
                                      "bill_id": bill_id, "service_charge_id": None, "installment_id": None,
                                      "amount": part})
        self._ledger(consumer, "payment", -amount, "payment", payment_id,
                     f"Payment {payment_no} ({receipt_no})", paid_at)
        return payment_id

    def _next_numbers(self, day: date) -> tuple[str, str, str]:
        return (self.numbers.next("payment", day), self.numbers.next("transaction", day),
                self.numbers.next("receipt", day))

    def _service_charge(self, consumer: DemoConsumer, description: str, amount: Decimal, day: date,
                        gl_code: str) -> None:
        charge_id = self.ids.new("service_charges")
        self.writer.add(ServiceCharge.__table__, {"id": charge_id, "consumer_id": consumer.id,
                                                  "description": description, "amount": amount,
                                                  "service_date": day, "gl_code": gl_code})
        self._ledger(consumer, "service_charge", amount, "service_charge", charge_id, description,
                     self.local.at(day, 6))

    # John Doe ---------------------------------------------------------------------------------------

    def _john_doe(self) -> None:
        doe = self._consumer("WU-10001", "John Doe", "NZ", "Single Family", date(2021, 3, 8),
                             "123 Main Street, Cityville", "(555) 123-4567", "john.doe@email.com", 9_000_001)
        reading = D("48210.000")
        self._read(doe.accounts[0], date(2025, 3, 1), reading)
        march, april = (date(2025, 3, 1), date(2025, 3, 31)), (date(2025, 4, 1), date(2025, 4, 30))
        units = units_for_total(self.tariffs, "res_e", *march, D("145.50"))
        march_id, _, reading = self._bill(doe, self.numbers.take("invoice", "INV-2025-001234"), *march,
                                          march[1], units, reading)
        units = units_for_total(self.tariffs, "res_e", *april, D("152.25"))
        self._bill(doe, self.numbers.take("invoice", "INV-2025-001567"), *april, april[1], units, reading)
        self._service_charge(doe, "Late Fee", D("25.00"), date(2025, 4, 10), "4200")
        self._service_charge(doe, "Reconnection Fee", D("75.00"), date(2025, 4, 18), "4300")
        paid_at = self.local.at(date(2025, 4, 20), 11, 42)
        numbers = (self.numbers.take("payment", "PAY-2025-004521"),
                   self.numbers.take("transaction", "TXN-2025-008934"), self.numbers.take("receipt", "R-5001"))
        payment_id = self._payment(doe, numbers, paid_at, D("150.00"), [(march_id, D("145.50"))], "Walk-in",
                                   "Cash", "Jane Smith", tendered=D("150.00"), notes="Customer paid in full")
        self.writer.add(CreditNote.__table__, {
            "id": self.ids.new("credit_notes"), "credit_note_no": self.numbers.take("credit_note", "CN-46129"),
            "payment_id": payment_id, "consumer_id": doe.id, "amount": D("4.50"), "reason": "Overpayment",
            "remarks": "Customer overpaid due to billing adjustment", "created_by": "Jane Smith",
            "created_at": paid_at, "expires_on": date(2026, 4, 20)})
        self._installment_plan(doe)

    def _installment_plan(self, doe: DemoConsumer) -> None:
        plan_id = self.ids.new("payment_plans")
        created = self.local.at(date(2025, 3, 28), 15, 10)
        recovery = self.ref.full_name(Role.RECOVERY_EXECUTIVE)
        self.writer.add(PaymentPlan.__table__, {
            "id": plan_id, "plan_no": self.numbers.take("payment_plan", "PP-2025-0034"),
            "consumer_id": doe.id, "total_amount": D("202.50"), "down_payment": D("0.00"),
            "installments_count": 3, "frequency": "Monthly", "start_date": date(2025, 4, 15),
            "status": "Active", "created_by": recovery, "created_at": created})
        for number, due in enumerate((date(2025, 4, 15), date(2025, 5, 15), date(2025, 6, 15)), start=1):
            self.writer.add(Installment.__table__, {"id": self.ids.new("installments"), "plan_id": plan_id,
                                                    "number": number, "amount": D("67.50"), "due_date": due})
        self.writer.add(PaymentPlanRevision.__table__, {
            "id": self.ids.new("payment_plan_revisions"), "plan_id": plan_id,
            # the day as ISO, as the service writes it: screens show it in the date format setting
            "summary": "Plan created: 3 monthly installments of 67.50 from 2025-04-15",
            "changed_by": recovery, "changed_at": created})

    # John Michael Smith -----------------------------------------------------------------------------

    def _john_smith(self) -> None:
        smith = self._consumer("ACC-2024-001789", "John Michael Smith", "EZ", "Standard", date(2024, 1, 15),
                               "123 Oak Street, Springfield, IL 62701", "(555) 123-4567",
                               "john.smith@email.com", 9_000_002)
        self.writer.add(SecurityDeposit.__table__, {
            "id": self.ids.new("security_deposits"), "consumer_id": smith.id, "amount": D("200.00"),
            "deposited_on": date(2024, 1, 15), "use_in_bill": True, "status": "Held"})
        reading = D("12650.000")
        self._read(smith.accounts[0], date(2024, 1, 15), reading)
        unpaid = []
        for month in range(2, 12):
            start, bill_day = date(2024, month - 1, 15), date(2024, month, 15)
            end = bill_day - timedelta(days=1)
            if month >= 8:
                units = units_for_total(self.tariffs, "res_e", start, end, JOHN_SMITH_DUE[month - 8])
            else:
                units = D(1000 + (month * 37) % 180)
            invoice = self.numbers.next("invoice", bill_day)
            bill_id, total, reading = self._bill(smith, invoice, start, end, bill_day, units, reading)
            if month < 8:
                paid_on = bill_day + timedelta(days=9)
                self._payment(smith, self._next_numbers(paid_on), self.local.at(paid_on, 20, 15), total,
                              [(bill_id, total)], "Online Portal", "Online Banking", "System")
            else:
                unpaid.append((bill_id, total))
        # Oct 15, 2024: $150.00 online, oldest bill first; $456.78 stays outstanding
        (august, august_total), (september, _) = unpaid[0], unpaid[1]
        last = date(2024, 10, 15)
        self._payment(smith, self._next_numbers(last), self.local.at(last, 19, 5), D("150.00"),
                      [(august, august_total), (september, D("150.00") - august_total)],
                      "Online Portal", "Online Banking", "System")
        self._disconnection_request(smith)

    def _disconnection_request(self, smith: DemoConsumer) -> None:
        created = self.local.at(date(2024, 12, 10), 9, 30)
        acknowledged = self.local.at(date(2024, 12, 10), 11, 0)
        request_id = self.ids.new("service_requests")
        number = self.numbers.take("disconnection_request", "DIS-2024-001234")
        self.writer.add(ServiceRequest.__table__, {
            "id": request_id, "request_no": number, "consumer_id": smith.id, "request_type": "Disconnection",
            "reason_code": "NP-001", "reason": "Non-payment of bills", "priority": "High",
            "preferred_date": date(2024, 12, 15), "time_slot": "10:00-12:00",
            "notes": "Customer requested morning slot due to work schedule", "status": "In progress",
            "notify_customer": True, "required_approval": True, "created_by": "Sarah Johnson",
            "created_at": created, "last_updated_by": "Sarah Johnson", "last_updated_at": created,
            "acknowledged_at": acknowledged, "responded_at": None, "resolved_at": None, "closed_at": None,
            "close_reason": ""})
        so_number = self.numbers.take("service_order", "SO-2024-005678")
        self.writer.add(ServiceOrder.__table__, {
            "id": self.ids.new("service_orders"), "so_no": so_number, "request_id": request_id,
            "consumer_id": smith.id, "template": "Residential Disconnection", "order_type": "Disconnection",
            "name": "Residential Disconnection - John Smith", "status": "Assigned", "priority": "High",
            "scheduled_date": date(2024, 12, 15), "time_slot": "10:00-12:00",
            "remarks": "Customer will be available between 10 AM - 12 PM. Bring standard disconnection tools.",
            "created_by": "Lisa Wilson", "created_at": acknowledged, "assigned_to": "Mike Thompson",
            "assigned_at": acknowledged, "approved_by": "", "completed_at": None})
        events = (
            ("Request created", f"{number}: Non-payment of bills (NP-001), priority High", "Sarah Johnson", created),
            ("Customer notified", "Email sent to john.smith@email.com", "Sarah Johnson",
             created + timedelta(minutes=1)),
            ("Acknowledged", "Status: Pending → In progress", "Sarah Johnson", acknowledged),
            ("Service order created", f"{so_number} assigned to Mike Thompson (Field Technician)",
             "Lisa Wilson", acknowledged),
        )
        for event, detail, user, at in events:
            self.writer.add(RequestEvent.__table__, {"id": self.ids.new("request_events"),
                                                     "request_id": request_id, "event": event,
                                                     "detail": detail, "user_name": user, "at": at})
        self.writer.add(Communication.__table__, {
            "id": self.ids.new("communications"), "request_id": request_id, "consumer_id": smith.id,
            "audience": "Internal", "channel": "Note",
            "body": "Customer requested morning slot due to work schedule", "created_by": "Sarah Johnson",
            "created_at": created})
        body = (f"Dear John Michael Smith, disconnection request {number} for account ACC-2024-001789 is "
                "scheduled for Dec 15, 2024 between 10:00 and 12:00.")
        self.writer.add(Communication.__table__, {
            "id": self.ids.new("communications"), "request_id": request_id, "consumer_id": smith.id,
            "audience": "Consumer", "channel": "Email", "body": body, "created_by": "Sarah Johnson",
            "created_at": created + timedelta(minutes=1)})
        self.writer.add(Notification.__table__, {
            "id": self.ids.new("notifications"), "kind": "request_created", "recipient": "john.smith@email.com",
            "subject": f"Disconnection request {number}", "body": body, "status": "Sent", "attempts": 1,
            "created_at": created + timedelta(minutes=1), "sent_at": created + timedelta(minutes=2)})
