"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.models import Base
from app.models.dashboard import is_model_table
from app.models.db import make_engine, upgrade


def test_migrations_match_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.sqlite3'}")
    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(
            connection, opts={"include_name": is_model_table}), Base.metadata) == []
    engine.dispose()


def test_0008_converts_stored_rates_to_six_decimals_exactly(tmp_path):
    """Rates written as 1/10,000 before 0008 read back as the same rates after it."""
    import json
    import sqlite3
    from decimal import Decimal

    from alembic import command
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.domain.tariffs.document import from_document
    from app.domain.tariffs.validation import PeriodFactor
    from app.models.billing import BillLine
    from app.models.db import alembic_config
    from app.models.tariffs import Plan, PlanCharge
    from app.models.tariffs import TariffVersion as VersionRecord

    path = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0005")
    old_document = {
        "format": 1, "name": "Old Slab", "utility": "electricity", "unit": "kWh",
        "rate_type": "slab", "currency": "USD", "valid_from": "2025-01-01", "valid_to": None,
        "version": 1, "unit_rate_e4": None, "slab_mode": "telescopic", "seasons": [],
        "slabs": [{"upper": "100", "rate_e4": 1237}, {"upper": None, "rate_e4": 1500}],
        "tou_periods": [], "allowance_units": "0", "slab_scaling": "by_days",
        "limit_rounding": "none", "consumer_categories": ["Residential"],
        "charges": [{"kind": "percentage", "name": "VAT", "amount_minor": None, "rate_e4": None,
                     "percent_e4": 125000, "base": [], "order": 0}],
    }
    sync = "'2025-01-01 00:00:00', 0"
    with sqlite3.connect(path) as raw:  # foreign keys off: only the rate columns matter here
        raw.execute("INSERT INTO tariff_versions VALUES ('t1', 1, '2025-01-01', NULL, ?, "
                    f"'Published', 'x', 'admin', '2025-01-01 00:00:00', 'v1', 1, {sync})",
                    (json.dumps(old_document),))
        raw.execute("INSERT INTO plans VALUES ('Plan', 'P', '', 'Monthly', 'Percentage', 1250, "
                    f"'2025-01-01', NULL, 0, 1, 'p1', 1, {sync})")
        raw.execute("INSERT INTO plan_charges VALUES ('p1', 'Meter', 'Common', 'Variable', 123, "
                    f"'c1', 1, {sync})")
        raw.execute(f"INSERT INTO bill_lines VALUES ('b1', 1, 'energy', 'Energy', 100000, 1237, "
                    f"1237, 'l1', 1, {sync})")
        raw.execute(f"INSERT INTO bill_lines VALUES ('b1', 2, 'fixed', 'Rent', NULL, NULL, "
                    f"500, 'l2', 1, {sync})")
    upgrade(engine)
    with Session(engine) as session:
        record = session.execute(select(VersionRecord)).scalar_one()
        assert record.document["format"] == 2
        assert record.document["slabs"][0]["rate_e6"] == 123700
        assert record.document["consumer_categories"] == ["Residential"]
        version = from_document(record.document)
        assert [slab.rate for slab in version.slabs] == [Decimal("0.1237"), Decimal("0.15")]
        assert version.charges[0].percent == Decimal("12.5")
        assert version.period_factor is PeriodFactor.START_MONTH
        assert session.execute(select(Plan.tax_rate)).scalar_one() == Decimal("0.125")
        assert session.execute(select(PlanCharge.amount)).scalar_one() == Decimal("0.0123")
        rates = session.execute(select(BillLine.rate).order_by(BillLine.line_no)).scalars().all()
        assert rates == [Decimal("0.1237"), None]
    engine.dispose()


def test_0013_moves_in_app_notices_out_of_the_mail_outbox(tmp_path):
    """SLA escalations' in-app copies (notifications with status Unread or Read) become inbox
    notices with their read state; the e-mails stay in the outbox for the mailer."""
    import sqlite3

    from alembic import command

    from app.models.db import alembic_config

    path = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0012")
    columns = "(id, version, updated_at, deleted, kind, recipient, subject, body, status, attempts, created_at)"
    with sqlite3.connect(path) as raw:
        for row_id, recipient, status in (("n1", "supervisor", "Unread"), ("n2", "supervisor", "Read"),
                                          ("n3", "karen@utility.example", "Queued")):
            raw.execute(f"INSERT INTO notifications {columns} VALUES (?, 2, '2025-04-02 09:00:00', 0, "
                        "'sla_breach', ?, 'SLA breached: DIS-1', 'late', ?, 0, '2025-04-01 09:00:00')",
                        (row_id, recipient, status))
    command.upgrade(alembic_config(engine), "0013")
    with sqlite3.connect(path) as raw:
        notices = raw.execute("SELECT id, recipient, read_at, event_key FROM notices ORDER BY id").fetchall()
        outbox = raw.execute("SELECT id, status FROM notifications").fetchall()
    engine.dispose()
    assert notices == [("n1", "supervisor", None, "legacy:n1"),
                       ("n2", "supervisor", "2025-04-02 09:00:00", "legacy:n2")]
    assert outbox == [("n3", "Queued")]


def test_the_start_up_shortcut_knows_the_head_alembic_knows(tmp_path):
    """An everyday start skips Alembic when the file is at the head read from the scripts; that
    head must be Alembic's own, and an older file must still be upgraded."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from app.models.db import _at_head, _only_head, alembic_config, current_revision

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    config = alembic_config(engine)
    assert _only_head() == ScriptDirectory.from_config(config).get_current_head()
    assert not _at_head(engine)  # a new file
    command.upgrade(config, "0012")
    assert not _at_head(engine)
    upgrade(engine)
    assert current_revision(engine) == _only_head() and _at_head(engine)
    engine.dispose()
