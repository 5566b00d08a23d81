"""Batch editing of tariffs: several selected tariffs at once extend their validity, are
deactivated, or change their rates by a percentage. Extending and changing rates each publish a
new version of every tariff changed; all in one transaction (a tariff the rules refuse undoes
the whole batch and is named), with one audit entry and one summary saying how many changed,
which were skipped and why."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission
from app.domain.tariffs.batch import check_percent, extension_problem, scale_rates
from app.domain.tariffs.model import TariffStatus
from app.services.core.changes import PLANS, TARIFFS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.tariffs.records import DRAFT, TariffState, load_states, usage_of, utility_today
from app.services.tariffs.writes import WriteBatch, new_version_in, touch


class BatchAction(StrEnum):
    EXTEND = "Extend validity"
    DEACTIVATE = "Deactivate"
    CHANGE_RATES = "Change rates"


@dataclass(frozen=True)
class BatchSummary:
    action: BatchAction
    changed: tuple[str, ...]  # tariff names
    skipped: tuple[tuple[str, str], ...]  # (tariff name, why)
    changes: Changes
    kind: str = "tariff"

    def describe(self) -> str:
        lines = [f"{self.action.value}: {len(self.changed)} {self.kind}(s) changed, "
                 f"{len(self.skipped)} skipped."]
        lines += [f"Skipped {name}: {why}" for name, why in self.skipped]
        return "\n".join(lines)


class TariffBatch:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def extend_validity(self, actor: Actor, tariff_ids: list[str], valid_to: date) -> BatchSummary:
        """A new published version of each, as the current one but ending on `valid_to`."""
        def edit(work: Work, state: TariffState, today: date) -> str | None:
            current = state.in_force()[-1]
            problem = extension_problem(current, valid_to)
            if problem:
                return problem
            summary = f"Validity extended to {valid_to.isoformat()} (batch)"
            _publish(work, state, replace(current, valid_to=valid_to), summary)
            return None

        if valid_to is None:
            raise ValidationError("valid_to", "Choose the new end date")
        return self._run(actor, BatchAction.EXTEND, tariff_ids, edit, valid_to=valid_to)

    def change_rates(self, actor: Actor, tariff_ids: list[str], percent: Decimal,
                     effective_from: date) -> BatchSummary:
        """A new published version of each from `effective_from`, every energy rate changed by
        `percent` and rounded to 6 decimals (app.domain.tariffs.batch)."""
        check_percent(percent)

        def edit(work: Work, state: TariffState, today: date) -> str | None:
            current = state.in_force()[-1]
            if current.valid_to is not None and effective_from > current.valid_to:
                return f"Ends on {current.valid_to.isoformat()}, before {effective_from.isoformat()}"
            start = max(effective_from, current.valid_from)
            summary = f"Rates changed by {percent:+}% from {start.isoformat()} (batch)"
            _publish(work, state, replace(scale_rates(current, percent), valid_from=start), summary)
            return None

        return self._run(actor, BatchAction.CHANGE_RATES, tariff_ids, edit, percent=str(percent),
                         effective_from=effective_from)

    def deactivate(self, actor: Actor, tariff_ids: list[str], *, reason: str,
                   confirm_in_use: bool = False) -> BatchSummary:
        """Each Active tariff becomes Inactive; one in use is skipped unless confirmed."""
        if not reason.strip():
            raise ValidationError("reason", "Give a reason for the status change")

        def edit(work: Work, state: TariffState, today: date) -> str | None:
            status = state.status(today)
            if status is not TariffStatus.ACTIVE:
                return f"Already {status.value}"
            usage = usage_of(work.session, state.row.id)
            if usage.in_use and not confirm_in_use:
                return f"In use by {usage.describe()}"
            state.row.manually_inactive = True
            touch(work, state.row)
            return None

        return self._run(actor, BatchAction.DEACTIVATE, tariff_ids, edit, reason=reason.strip(),
                         permission=Permission.PUBLISH_TARIFFS)

    def _run(self, actor: Actor, action: BatchAction, tariff_ids: list[str], edit, *,
             permission: Permission = Permission.EDIT_TARIFFS, **facts: object) -> BatchSummary:
        actor.require(permission)
        actor.require(Permission.PUBLISH_TARIFFS)  # each change is published at once
        if not tariff_ids:
            raise ValidationError("tariffs", "Select at least one tariff")
        with unit_of_work(self.app, actor) as work:
            today = utility_today(self.app, work.session)
            changed, skipped = [], []
            for state in load_states(work.session, list(dict.fromkeys(tariff_ids))):
                problem = _not_editable(state) or _edited(work, state, today, edit)
                if problem:
                    skipped.append((state.row.name, problem))
                else:
                    changed.append(state.row.name)
            work.audit("tariff_batch_edit", "tariff", "batch", edit=action.value,
                       tariff_ids=list(tariff_ids),
                       changed=changed, skipped=dict(skipped),
                       **{k: v.isoformat() if isinstance(v, date) else v for k, v in facts.items()})
            return BatchSummary(action, tuple(changed), tuple(skipped), Changes.of(TARIFFS, PLANS))


def _not_editable(state: TariffState) -> str | None:
    if not state.published:
        return "Has no published version"
    if state.latest.state == DRAFT:
        return f"Version {state.latest.version_no} is a draft: publish or edit it first"
    return None


def _edited(work: Work, state: TariffState, today: date, edit) -> str | None:
    try:
        return edit(work, state, today)
    except ValidationError as error:  # undoes the whole batch, naming the tariff
        raise ValidationError(error.field, f"'{state.row.name}': {error.rule}") from None


def _publish(work: Work, state: TariffState, version, summary: str) -> None:
    new_version_in(work, state, replace(version, name=state.row.name), change_summary=summary,
                   batch=WriteBatch(load_settings(work.session)))
