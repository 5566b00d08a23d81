"""Each user's dashboard: card order and visibility (the order is the metric priority), an alert
threshold of their own, saved views (filters) and saved searches, in a synced table."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound, ValidationError
from app.domain.dashboard.metrics import LABELS
from app.models.dashboard import DashboardPreference
from app.services.core.context import Actor, AppContext
from app.services.core.work import Work, unit_of_work
from app.services.dashboard.service import require_dashboard

LAYOUT, VIEW, SEARCH = "layout", "view", "search"
KINDS = (LAYOUT, VIEW, SEARCH)


@dataclass(frozen=True)
class Layout:
    card_order: tuple[str, ...] = tuple(LABELS)
    hidden: frozenset[str] = field(default_factory=frozenset)
    threshold: Decimal | None = None  # None: the utility's setting

    @property
    def visible(self) -> tuple[str, ...]:
        return tuple(key for key in self.card_order if key not in self.hidden)

    def to_json(self) -> dict[str, object]:
        return {"card_order": list(self.card_order), "hidden": sorted(self.hidden),
                "threshold": None if self.threshold is None else str(self.threshold)}

    @classmethod
    def from_json(cls, data: dict) -> Layout:
        order = [key for key in data.get("card_order", []) if key in LABELS]
        order += [key for key in LABELS if key not in order]  # metrics added since
        threshold = data.get("threshold")
        return cls(tuple(order), frozenset(k for k in data.get("hidden", []) if k in LABELS),
                   None if threshold in (None, "") else Decimal(str(threshold)))


def validate_layout(layout: Layout) -> Layout:
    unknown = [key for key in (*layout.card_order, *layout.hidden) if key not in LABELS]
    if unknown:
        raise ValidationError("Cards", f"unknown metric {unknown[0]!r}")
    if len(set(layout.card_order)) != len(layout.card_order):
        raise ValidationError("Card order", "lists a card twice")
    if layout.threshold is not None:
        try:
            value = Decimal(layout.threshold)
        except InvalidOperation:
            raise ValidationError("Alert threshold", "must be a number") from None
        if not Decimal(0) <= value <= Decimal(100):
            raise ValidationError("Alert threshold", "must be between 0 and 100 percent")
    return Layout.from_json(layout.to_json())


def _check_name(kind: str, name: str) -> str:
    if kind not in KINDS:
        raise ValidationError("Preference", f"kind must be one of {', '.join(KINDS)}")
    cleaned = " ".join(name.split())
    if kind != LAYOUT and not cleaned:
        raise ValidationError("Name", "is required")
    if len(cleaned) > 80:
        raise ValidationError("Name", "at most 80 characters")
    return cleaned


def _row(session: Session, user: str, kind: str, name: str) -> DashboardPreference | None:
    return session.execute(select(DashboardPreference).where(
        DashboardPreference.user_name == user, DashboardPreference.kind == kind,
        DashboardPreference.name == name)).scalar()


def load(session: Session, user: str, kind: str, name: str = "") -> dict | None:
    row = _row(session, user, kind, name)
    return None if row is None or row.deleted else dict(row.payload)


def names(session: Session, user: str, kind: str) -> list[str]:
    return list(session.execute(select(DashboardPreference.name).where(
        DashboardPreference.user_name == user, DashboardPreference.kind == kind,
        DashboardPreference.deleted.is_(False)).order_by(DashboardPreference.name)).scalars())


def save(work: Work, kind: str, name: str, payload: dict) -> None:
    """Insert or update (a deleted one comes back); synced through the outbox."""
    name = _check_name(kind, name)
    row = _row(work.session, work.actor.username, kind, name)
    if row is None:
        work.record(DashboardPreference(user_name=work.actor.username, kind=kind, name=name,
                                        payload=payload, updated_at=work.now), "insert")
        return
    base = row.version
    row.payload, row.deleted, row.version, row.updated_at = payload, False, row.version + 1, work.now
    work.record(row, "update", base_version=base)


def delete(work: Work, kind: str, name: str) -> None:
    row = _row(work.session, work.actor.username, kind, _check_name(kind, name))
    if row is None or row.deleted:
        raise NotFound(f"There is no saved {kind} named {name!r}")
    base = row.version
    row.deleted, row.version, row.updated_at = True, row.version + 1, work.now
    work.record(row, "update", base_version=base)


class DashboardPreferences:
    """A user's own layout, views and searches: audited, tracked, synced."""

    def __init__(self, app: AppContext) -> None:
        self.app = app

    def layout(self, actor: Actor) -> Layout:
        require_dashboard(actor)
        with self.app.sessions() as session:
            stored = load(session, actor.username, LAYOUT)
        return Layout() if stored is None else Layout.from_json(stored)

    def save_layout(self, actor: Actor, layout: Layout) -> Layout:
        layout = validate_layout(layout)
        self._write(actor, LAYOUT, "", layout.to_json(), "dashboard_layout_saved")
        return layout

    def saved(self, actor: Actor, kind: str) -> list[str]:
        require_dashboard(actor)
        _check_name(kind, "x")
        with self.app.sessions() as session:
            return names(session, actor.username, kind)

    def load_saved(self, actor: Actor, kind: str, name: str) -> dict:
        require_dashboard(actor)
        with self.app.sessions() as session:
            stored = load(session, actor.username, kind, _check_name(kind, name))
        if stored is None:
            raise NotFound(f"There is no saved {kind} named {name!r}")
        return stored

    def save_named(self, actor: Actor, kind: str, name: str, payload: dict) -> None:
        if kind == LAYOUT:
            raise ValidationError("Preference", "save the layout with save_layout")
        self._write(actor, kind, name, payload, f"dashboard_{kind}_saved")

    def delete_named(self, actor: Actor, kind: str, name: str) -> None:
        require_dashboard(actor)
        with unit_of_work(self.app, actor) as work:
            delete(work, kind, name)
            work.audit(f"dashboard_{kind}_deleted", "dashboard_preference", name)

    def _write(self, actor: Actor, kind: str, name: str, payload: dict, action: str) -> None:
        require_dashboard(actor)
        with unit_of_work(self.app, actor) as work:
            save(work, kind, name, payload)
            work.audit(action, "dashboard_preference", name or kind, **payload)
            work.track("Settings_Modification", setting_type=f"dashboard {kind}", name=name)
