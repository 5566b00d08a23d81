"""Billing managers' payment performance alerts: set, changed and deleted by their owner, and
checked whenever the Payments KPIs are computed. A breached alert tells its owner (in the inbox,
by e-mail or both) at most once a day: the notice's id is made of the alert and the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.core.errors import NotFound
from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.domain.payments import alerts as rules
from app.formatting import format_money
from app.models.inquiries import PaymentAlert
from app.models.requests import Notification
from app.models.users import User
from app.services.core.changes import ALERTS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.inbox import QUEUED, Recipient, email_id, notify
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.payments.listing import PaymentKpis

KIND = "payment_alert"


@dataclass(frozen=True)
class AlertItem:
    alert_id: str
    metric: str  # the key
    label: str  # "Collection rate below"
    unit: str  # percent, money, count
    threshold: Decimal
    notify_in_app: bool
    notify_email: bool
    version: int

    @property
    def methods(self) -> str:
        return " and ".join(m for m, on in ((rules.IN_APP, self.notify_in_app),
                                            (rules.EMAIL, self.notify_email)) if on)


@dataclass(frozen=True)
class AlertDraft:
    metric: str
    threshold: str  # as typed
    notify_in_app: bool = True
    notify_email: bool = False


def _item(row: PaymentAlert) -> AlertItem:
    watched = rules.metric(row.metric)
    return AlertItem(row.id, row.metric, watched.label, watched.unit.value, row.threshold,
                     row.notify_in_app, row.notify_email, row.version)


def figure_of(kpis: PaymentKpis, key: str) -> Decimal | None:
    return {"collection_rate": kpis.collection_rate,
            "received_today": kpis.received_today.amount,
            "payments_today": Decimal(kpis.received_today_count),
            "total_collected": kpis.total_collected.amount}[key]


class PaymentAlerts:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def mine(self, actor: Actor) -> list[AlertItem]:
        actor.require(Permission.VIEW_DASHBOARD)
        with self.app.sessions() as session:
            rows = session.execute(select(PaymentAlert).where(
                PaymentAlert.owner == actor.username, PaymentAlert.deleted.is_(False))
                .order_by(PaymentAlert.created_at, PaymentAlert.id)).scalars()
            return [_item(row) for row in rows]

    def save(self, actor: Actor, draft: AlertDraft, alert_id: str | None = None) -> AlertItem:
        """A new alert, or a change to one of the actor's own."""
        actor.require(Permission.VIEW_DASHBOARD)
        watched = rules.metric(draft.metric)
        threshold = rules.parse_threshold(watched, draft.threshold)
        rules.check_notification(draft.notify_in_app, draft.notify_email)
        with unit_of_work(self.app, actor) as work:
            values = dict(metric=watched.key, threshold=threshold, notify_in_app=draft.notify_in_app,
                          notify_email=draft.notify_email)
            if alert_id is None:
                row = PaymentAlert(owner=actor.username, centre_id=actor.centre_id,
                                   created_at=work.now, **values)
                work.record(row)
                action = "payment_alert_set"
            else:
                row = _own(work, alert_id)
                base = row.version
                for key, value in values.items():
                    setattr(row, key, value)
                row.version, row.updated_at = base + 1, work.now
                work.record(row, "update", base_version=base)
                action = "payment_alert_changed"
            work.audit(action, "payment_alert", row.id, metric=watched.key, threshold=str(threshold))
            work.track("alert_setup", alert_type=watched.key, threshold_value=str(threshold),
                       notification_method=_item(row).methods)
            return _item(row)

    def delete(self, actor: Actor, alert_id: str) -> Changes:
        actor.require(Permission.VIEW_DASHBOARD)
        with unit_of_work(self.app, actor) as work:
            row = _own(work, alert_id)
            base = row.version
            row.deleted, row.version, row.updated_at = True, base + 1, work.now
            work.record(row, "delete", base_version=base)
            work.audit("payment_alert_deleted", "payment_alert", row.id, metric=row.metric)
        return Changes.of(ALERTS)

    def check(self, actor: Actor, kpis: PaymentKpis, today: date) -> list[str]:
        """Every alert on this desktop against these KPIs; the subjects of those newly raised."""
        with unit_of_work(self.app, actor) as work:
            s = load_settings(work.session)
            rows = work.session.execute(select(PaymentAlert).where(
                PaymentAlert.deleted.is_(False))).scalars().all()
            raised = []
            for row in rows:
                watched = rules.BY_KEY.get(row.metric)
                figure = figure_of(kpis, row.metric) if watched else None
                if watched and rules.breached(watched, row.threshold, figure):
                    subject = (f"Payment alert: {watched.label} "
                               f"{_shown(watched, row.threshold, s.currency, s.locale)} "
                               f"(now {_shown(watched, figure, s.currency, s.locale)})")
                    if _raise(work, row, subject, today):
                        raised.append(subject)
            return raised


def _own(work: Work, alert_id: str) -> PaymentAlert:
    row = work.session.get(PaymentAlert, alert_id)
    if row is None or row.deleted or row.owner != work.actor.username:
        raise NotFound("That alert is not one of yours")
    return row


def _shown(watched: rules.Metric, value: Decimal, currency: str, locale: str) -> str:
    if watched.unit is rules.Unit.PERCENT:
        return f"{value.normalize():f}%"
    if watched.unit is rules.Unit.MONEY:
        return format_money(Money(value, currency), locale)
    return f"{int(value):,}"


def _raise(work: Work, row: PaymentAlert, subject: str, today: date) -> bool:
    key = f"{KIND}:{row.id}:{today.isoformat()}"
    owner = work.session.execute(select(User).where(User.username == row.owner)).scalar_one_or_none()
    email = owner.email if owner is not None else ""
    body = f"{subject}. Set by {row.owner} on the Payments page; it is checked each time the KPIs refresh."
    if row.notify_in_app:
        return bool(notify(work, [Recipient(row.owner, email)], subject, body, KIND, "payments",
                           key=key, email=row.notify_email))
    address = email or row.owner
    if not row.notify_email or work.session.get(Notification, email_id(key, address)) is not None:
        return False
    work.record(Notification(id=email_id(key, address), kind=KIND, recipient=address,
                             subject=subject[:200], body=body, status=QUEUED, created_at=work.now))
    return True


__all__ = ["AlertDraft", "AlertItem", "PaymentAlerts"]
