"""Payment plans for delinquent accounts (Recovery Executive): create, list, modify, monitor.

Installments are the plan's payable items: the counter pays them through
PaymentsService.record_payment (type Installment). Paid installments are never
edited; a modification tombstones the unpaid ones and schedules new ones, and a
PaymentPlanRevision keeps the history. Compliance checks mark missed
installments (an audit entry each, once), default or complete plans, and queue a
notification to the recovery team for each plan that defaults; defaulted plans
are flagged for the disconnection workflow.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.core.errors import PermissionDenied, ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import Permission, Role, can
from app.domain.core.settings import Settings
from app.domain.payments import installments as rules
from app.domain.payments.installments import InstallmentState, PlanStatus, PlanTerms, ValidTerms
from app.models.consumers import Consumer
from app.models.payments import Installment, PaymentPlan, PaymentPlanRevision
from app.models.system import AuditEntry
from app.models.users import User
from app.services.core.changes import PAYMENTS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.inbox import Recipient, notify
from app.services.core.numbering import issue_number
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.payments import payment_plan_queries as queries
from app.services.payments.payment_plan_queries import (
    InstallmentLine,
    PlanDetails,
    PlanFilter,
    PlanRow,
)
from app.services.payments.queries import balance, local_today

PAYMENT_PLANS = "payment_plans"  # a Changes area
MISSED_ACTION = "installment_missed"
ALL_PLANS = PlanFilter()


@dataclass(frozen=True)
class PlanDraft:
    """What the Create plan form starts from."""

    consumer_id: str
    consumer_name: str
    account_no: str
    outstanding: Money  # from the ledger
    today: date
    active_plan_no: str | None


@dataclass(frozen=True)
class PlanRequest:
    consumer_id: str | None
    total: object
    down_payment: object
    count: object
    frequency: object
    start_date: date | None
    seconds_taken: int | None = None

    @property
    def terms(self) -> PlanTerms:
        return PlanTerms(self.total, self.down_payment, self.count, self.frequency, self.start_date)


@dataclass(frozen=True)
class ComplianceAlert:
    plan_id: str
    plan_no: str
    consumer_name: str
    account_no: str
    missed: int
    missed_amount: Money
    oldest_missed: date
    status: PlanStatus  # after this check


@dataclass(frozen=True)
class ComplianceReport:
    checked_on: date
    plans_checked: int
    newly_missed: int
    alerts: tuple[ComplianceAlert, ...]
    defaulted: tuple[str, ...]  # plan numbers
    completed: tuple[str, ...]
    changes: Changes


@dataclass(frozen=True)
class FlaggedConsumer:
    """A consumer whose plan defaulted: a candidate for disconnection for non-payment."""

    consumer_id: str
    name: str
    account_no: str
    plan_id: str
    plan_no: str
    outstanding: Money
    defaulted_at: datetime


def _bump(work: Work, row: object) -> None:
    """A mutable synced row changed: new version, queued as an update against the old one."""
    base = row.version
    row.version, row.updated_at = base + 1, work.now
    work.record(row, "update", base_version=base)


class PaymentPlansService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def _today(self, session: Session) -> tuple[Settings, date]:
        settings = load_settings(session)
        return settings, local_today(self.app, settings)

    # creating -------------------------------------------------------------------------------

    def draft(self, actor: Actor, consumer_id: str) -> PlanDraft:
        actor.require(Permission.MANAGE_PAYMENT_PLANS)
        with self.app.sessions() as session:
            settings, today = self._today(session)
            consumer = _consumer(session, consumer_id)
            active = _active_plan_no(session, consumer_id)
            return PlanDraft(consumer.id, consumer.name, consumer.account_no,
                             Money(balance(session, consumer.id), settings.currency), today, active)

    def create_plan(self, actor: Actor, request: PlanRequest) -> PlanDetails:
        actor.require(Permission.MANAGE_PAYMENT_PLANS)
        if not request.consumer_id:
            raise ValidationError("Consumer", "is required")
        with unit_of_work(self.app, actor) as work:
            settings, today = self._today(work.session)
            consumer = _consumer(work.session, request.consumer_id)
            active = _active_plan_no(work.session, consumer.id)
            if active:
                raise ValidationError("Consumer", f"already has an active payment plan ({active})")
            outstanding = Money(balance(work.session, consumer.id), settings.currency)
            terms = rules.validate_terms(request.terms, outstanding=outstanding, today=today)
            plan = self._write_plan(work, settings, consumer, terms, today)
            work.audit("payment_plan_created", "payment_plan", plan.id, plan_no=plan.plan_no,
                       account_no=consumer.account_no, total=terms.total.amount,
                       down_payment=terms.down_payment.amount, installments=terms.count,
                       frequency=terms.frequency.value, start_date=terms.start_date)
            work.track("payment_plan_created",
                       plan_terms=f"{terms.count} x {terms.frequency.value}",
                       total=terms.total.amount, down_payment=terms.down_payment.amount,
                       customer_risk_score=None, negotiation_time=request.seconds_taken,
                       approval_required=False)
            work.track("customer_plan_setup", plan_type=terms.frequency.value,
                       customer_initiated=None, terms_modified=False)
            plan_id = plan.id
        return self.plan_details(actor, plan_id)

    def _write_plan(self, work: Work, settings: Settings, consumer: Consumer, terms: ValidTerms,
                    today: date) -> PaymentPlan:
        number = issue_number(work.session, settings, "payment_plan", on=today,
                              device_code=self.app.device_code, self_lease=self.app.self_lease)
        plan = PaymentPlan(plan_no=number.text, consumer_id=consumer.id, total_amount=terms.total.amount,
                           down_payment=terms.down_payment.amount, installments_count=terms.count,
                           frequency=terms.frequency.value, start_date=terms.start_date,
                           status=PlanStatus.ACTIVE.value, created_by=work.actor.full_name,
                           created_at=work.now)
        work.record(plan)
        schedule = rules.plan_schedule(terms, today)
        for item in schedule:
            work.record(Installment(plan_id=plan.id, number=item.number, amount=item.amount.amount,
                                    due_date=item.due_date))
        first, last = schedule[-terms.count], schedule[-1]
        # neutral facts (ISO days, "45.50 USD"): screens write them as the settings say then
        down = f"; down payment {terms.down_payment} due {today.isoformat()}" \
            if terms.down_payment else ""
        each = first.amount if first.amount == last.amount else f"{first.amount}, last {last.amount}"
        work.record(PaymentPlanRevision(
            plan_id=plan.id, changed_by=work.actor.full_name, changed_at=work.now,
            summary=f"Plan created: {terms.count} {terms.frequency.value.lower()} installments of "
                    f"{each} from {terms.start_date.isoformat()}{down}"))
        return plan

    # reading ----------------------------------------------------------------------------------

    def plan_details(self, actor: Actor, plan_id: str) -> PlanDetails:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            settings, today = self._today(session)
            return queries.plan_details(session, plan_id, settings.currency, today)

    def list_plans(self, actor: Actor, flt: PlanFilter = ALL_PLANS, offset: int = 0,
                   limit: int = 100, sort: str = "created", descending: bool = True) -> list[PlanRow]:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            settings, today = self._today(session)
            return queries.list_plans(session, flt, today, settings.currency, offset, limit, sort,
                                      descending)

    def count_plans(self, actor: Actor, flt: PlanFilter = ALL_PLANS) -> int:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            return queries.count_plans(session, flt)

    # modifying ----------------------------------------------------------------------------------

    def modify_plan(self, actor: Actor, plan_id: str, terms: rules.ModifyTerms) -> PlanDetails:
        """Reschedule the installments nobody has paid anything on; paid ones stay as they are."""
        actor.require(Permission.MANAGE_PAYMENT_PLANS)
        with unit_of_work(self.app, actor) as work:
            settings, today = self._today(work.session)
            plan = queries.plan_row(work.session, plan_id)
            if plan.status == PlanStatus.COMPLETED:
                raise ValidationError("Plan", "is completed; it cannot be modified")
            before = queries.plan_details(work.session, plan.id, settings.currency, today)
            untouched = [i for i in before.installments if not i.paid]
            unpaid = sum((i.amount for i in untouched), Money.zero(settings.currency))
            first_number = max(i.number for i in before.installments) + 1
            schedule = rules.reschedule(unpaid, terms, today, first_number)
            reason = rules.check_reason(terms.reason)
            self._replace(work, untouched, plan.id, schedule)
            summary = _revision_text(untouched, schedule, reason, plan.status)
            plan.installments_count = sum(1 for i in before.installments if i.paid
                                          and i.number != rules.DOWN_PAYMENT_NUMBER) + len(schedule)
            plan.frequency, status_before = str(terms.frequency), plan.status
            plan.status = PlanStatus.ACTIVE.value  # a renegotiated default is live again
            _bump(work, plan)
            work.record(PaymentPlanRevision(plan_id=plan.id, summary=summary,
                                            changed_by=actor.full_name, changed_at=work.now))
            work.audit("payment_plan_modified", "payment_plan", plan.id, plan_no=plan.plan_no,
                       reason=reason, status_before=status_before, replaced=len(untouched),
                       installments=len(schedule), frequency=plan.frequency, unpaid=unpaid.amount)
            work.track("collection_activity", activity_type="plan_modified",
                       customer_response="renegotiated", outcome=plan.status,
                       follow_up_scheduled=schedule[0].due_date)
            work.track("customer_plan_setup", plan_type=plan.frequency, customer_initiated=None,
                       terms_modified=True)
        return self.plan_details(actor, plan_id)

    @staticmethod
    def _replace(work: Work, untouched: list[InstallmentLine], plan_id: str,
                 schedule: list[rules.ScheduledInstallment]) -> None:
        for line in untouched:
            row = work.session.get(Installment, line.installment_id)
            row.deleted = True
            _bump(work, row)
        for item in schedule:
            work.record(Installment(plan_id=plan_id, number=item.number, amount=item.amount.amount,
                                    due_date=item.due_date))

    # compliance ---------------------------------------------------------------------------------

    def check_compliance(self, actor: Actor, today: date | None = None) -> ComplianceReport:
        """Mark missed installments, list plans with missed ones, default or complete plans."""
        actor.require(Permission.MANAGE_PAYMENT_PLANS)
        with unit_of_work(self.app, actor) as work:
            settings, local = self._today(work.session)
            today = today or local
            plans = work.session.execute(
                select(PaymentPlan, Consumer).join(Consumer, Consumer.id == PaymentPlan.consumer_id)
                .where(PaymentPlan.status == PlanStatus.ACTIVE.value, PaymentPlan.deleted.is_(False))
                .order_by(PaymentPlan.plan_no)).all()
            by_plan: dict[str, list] = defaultdict(list)
            for installment, open_ in queries.installment_rows(work.session, [p.id for p, _c in plans]):
                by_plan[installment.plan_id].append((installment, open_))
            lines = {pid: queries.installment_lines(rows, settings.currency, today) for pid, rows in by_plan.items()}
            newly = self._mark_missed(work, lines)
            alerts, defaulted, completed = [], [], []
            for plan, consumer in plans:
                plan_lines = lines.get(plan.id, ())
                outcome = rules.plan_outcome([i.state for i in plan_lines])
                if outcome is not PlanStatus.ACTIVE:
                    self._conclude(work, plan, consumer, outcome, plan_lines)
                    (defaulted if outcome is PlanStatus.DEFAULTED else completed).append(plan.plan_no)
                missed = [i for i in plan_lines if i.state is InstallmentState.MISSED]
                if missed:
                    alerts.append(ComplianceAlert(
                        plan.id, plan.plan_no, consumer.name, consumer.account_no, len(missed),
                        sum((i.open_amount for i in missed), Money.zero(settings.currency)),
                        missed[0].due_date, outcome))
                    work.track("compliance_check", plan_id=plan.plan_no, payment_status="missed",
                               missed=len(missed), alert_response_time=None,
                               action_taken=outcome.value)
            work.audit("compliance_checked", "payment_plan", "*", checked_on=today,
                       plans=len(plans), newly_missed=newly, alerts=len(alerts),
                       defaulted=defaulted, completed=completed)
        return ComplianceReport(today, len(plans), newly, tuple(alerts), tuple(defaulted),
                                tuple(completed), Changes.of(PAYMENT_PLANS, PAYMENTS))

    @staticmethod
    def _mark_missed(work: Work, lines: dict[str, tuple[InstallmentLine, ...]]) -> int:
        missed = {i.installment_id: (pid, i) for pid, plan_lines in lines.items()
                  for i in plan_lines if i.state is InstallmentState.MISSED}
        if not missed:
            return 0
        known = set(work.session.execute(select(AuditEntry.entity_id).where(
            AuditEntry.action == MISSED_ACTION, AuditEntry.entity_id.in_(list(missed)))).scalars())
        for installment_id, (plan_id, line) in missed.items():
            if installment_id not in known:
                work.audit(MISSED_ACTION, "installment", installment_id, plan_id=plan_id,
                           number=line.number, due_date=line.due_date, open=line.open_amount.amount,
                           grace_days=rules.GRACE_DAYS)
        return len(set(missed) - known)

    def _conclude(self, work: Work, plan: PaymentPlan, consumer: Consumer, outcome: PlanStatus,
                  lines: tuple[InstallmentLine, ...]) -> None:
        before = plan.status
        plan.status = outcome.value
        _bump(work, plan)
        missed = sum(i.state is InstallmentState.MISSED for i in lines)
        text = (f"Defaulted after {missed} missed installments; flagged for disconnection."
                if outcome is PlanStatus.DEFAULTED else "Completed: every installment is paid.")
        work.record(PaymentPlanRevision(plan_id=plan.id, summary=text,
                                        changed_by=work.actor.full_name, changed_at=work.now))
        work.audit(f"payment_plan_{outcome.value.lower()}", "payment_plan", plan.id,
                   plan_no=plan.plan_no, before=before, after=outcome.value, missed=missed)
        if outcome is PlanStatus.DEFAULTED:
            self._notify_recovery(work, plan, consumer, missed)

    @staticmethod
    def _notify_recovery(work: Work, plan: PaymentPlan, consumer: Consumer, missed: int) -> None:
        users = work.session.execute(select(User).where(
            User.role == Role.RECOVERY_EXECUTIVE.value, User.active.is_(True))).scalars().all()
        subject = f"Payment plan {plan.plan_no} defaulted: {consumer.name} ({consumer.account_no})"
        body = (f"{consumer.name} ({consumer.account_no}) has missed {missed} installments of "
                f"payment plan {plan.plan_no}. The plan is Defaulted and the account is flagged "
                "for the disconnection workflow.")
        notify(work, [Recipient(user.username, user.email) for user in users], subject, body,
               "payment_plan_defaulted", f"payment_plan:{plan.id}", key=f"payment_plan_defaulted:{plan.id}")

    def plans_flagged_for_disconnection(self, actor: Actor) -> list[FlaggedConsumer]:
        """Consumers whose latest plan defaulted and who have no active plan since."""
        if not (can(actor.role, Permission.MANAGE_PAYMENT_PLANS)
                or can(actor.role, Permission.VIEW_REQUESTS)):
            raise PermissionDenied(f"A {actor.role.value} may not see plans flagged for disconnection")
        active = select(PaymentPlan.consumer_id).where(PaymentPlan.status == PlanStatus.ACTIVE.value,
                                                       PaymentPlan.deleted.is_(False))
        with self.app.sessions() as session:
            currency = load_settings(session).currency
            rows = session.execute(
                select(PaymentPlan, Consumer).join(Consumer, Consumer.id == PaymentPlan.consumer_id)
                .where(PaymentPlan.status == PlanStatus.DEFAULTED.value,
                       PaymentPlan.deleted.is_(False), PaymentPlan.consumer_id.not_in(active))
                .order_by(PaymentPlan.updated_at.desc())).all()
            flagged: dict[str, FlaggedConsumer] = {}
            for plan, consumer in rows:
                flagged.setdefault(consumer.id, FlaggedConsumer(
                    consumer.id, consumer.name, consumer.account_no, plan.id, plan.plan_no,
                    Money(balance(session, consumer.id), currency), plan.updated_at))
            return list(flagged.values())


# queries and helpers -----------------------------------------------------------------------

def _consumer(session: Session, consumer_id: str) -> Consumer:
    consumer = session.get(Consumer, consumer_id)
    if consumer is None:
        raise ValidationError("Consumer", "was not found")
    return consumer


def _active_plan_no(session: Session, consumer_id: str) -> str | None:
    return session.execute(select(PaymentPlan.plan_no).where(
        PaymentPlan.consumer_id == consumer_id, PaymentPlan.status == PlanStatus.ACTIVE.value,
        PaymentPlan.deleted.is_(False))).scalars().first()


def _revision_text(replaced: list[InstallmentLine], schedule: list[rules.ScheduledInstallment],
                   reason: str, status: str) -> str:
    """In neutral facts (ISO days, "45.50 USD"), which the screen writes as the settings say."""
    first, last = schedule[0], schedule[-1]
    unpaid = sum((i.amount for i in replaced), Money.zero(first.amount.currency))
    amounts = (f"{first.amount} each" if first.amount == last.amount
               else f"{first.amount} each, last {last.amount}")
    old = ", ".join(f"{i.label} {i.amount} due {i.due_date.isoformat()}" for i in replaced)
    text = (f"Rescheduled {unpaid} unpaid ({old}) as {len(schedule)} installments "
            f"#{first.number}-#{last.number} ({amounts}) from {first.due_date.isoformat()}. "
            f"Reason: {reason}")
    return f"Reactivated from {status}. {text}" if status != PlanStatus.ACTIVE else text
