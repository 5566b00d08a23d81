"""Reading and changing the utility's settings: validated, audited, synced."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.core import settings as registry
from app.domain.core.permissions import Permission
from app.domain.core.settings import Settings
from app.models.reference import Setting
from app.services.core.changes import SETTINGS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.work import unit_of_work


def load_settings(session: Session) -> Settings:
    stored = {row.key: row.value for row in session.execute(select(Setting)).scalars()}
    return Settings.from_stored(stored)


class SettingsService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def current(self) -> Settings:
        with self.app.sessions() as session:
            return load_settings(session)

    def update(self, actor: Actor, changes: Mapping[str, object]) -> Changes:
        """Validate every change and the whole set together; write all or nothing."""
        actor.require(Permission.MANAGE_SETTINGS)
        with unit_of_work(self.app, actor) as work:
            before = load_settings(work.session)
            after = before.with_changes(changes)  # raises ValidationError naming the field
            rows = {row.key: row for row in work.session.execute(select(Setting)).scalars()}
            for key in changes:
                old, new = registry.to_json(key, before.get(key)), registry.to_json(key, after.get(key))
                if old == new:
                    continue
                row = rows.get(key)
                if row is None:
                    row = Setting(key=key, value=new, changed_by=actor.username, changed_at=work.now)
                    work.record(row, "insert")
                else:
                    base = row.version
                    row.value, row.version = new, row.version + 1
                    row.changed_by, row.changed_at = actor.username, work.now
                    work.record(row, "update", base_version=base)
                work.audit("setting_changed", "setting", key, label=registry.spec_of(key).label,
                           before=old, after=new)
        return Changes.of(SETTINGS)
