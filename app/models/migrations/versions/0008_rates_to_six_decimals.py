"""unit rates to six decimals

Unit rates were integers of 1/10,000; real tariffs have rates with 5 and 6 decimals, so
they become integers of 1/1,000,000. Every stored rate is converted exactly (x 100): the
UnitRate columns (a plan's tax rate and charge amounts, a bill line's rate) and the rates
inside each tariff version's document, which moves from format 1 (`_e4` keys, `slab_scaling`)
to format 2 (`_e6` keys, `period_factor`, a price basis equal to the meter's unit). The
conversion is written out here rather than imported, so that it stays what it was.

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-06 11:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_RATE_COLUMNS = (("plans", "tax_rate"), ("plan_charges", "amount"), ("bill_lines", "rate"))
_FACTORS = {"none": "none", "by_days": "start_month"}
_FACTORS_BACK = {"none": "none", "start_month": "by_days"}


def _rescaled(value, old, new, multiply):
    """A document with every `_<old>` rate key renamed `_<new>`, its value scaled."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key.endswith(old):
                result[key[: -len(old)] + new] = None if item is None else multiply(item)
            else:
                result[key] = _rescaled(item, old, new, multiply)
        return result
    if isinstance(value, list):
        return [_rescaled(item, old, new, multiply) for item in value]
    return value


def _to_format_2(document):
    upgraded = _rescaled(document, "_e4", "_e6", lambda rate: rate * 100)
    upgraded["period_factor"] = _FACTORS[upgraded.pop("slab_scaling")]
    upgraded.update(format=2, price_unit=None, price_per="1", conversion=None)
    return upgraded


def _to_format_1(document):
    def back(rate):
        if rate % 100:
            raise ValueError(f"A rate of {rate}/1,000,000 has more than 4 decimals: cannot downgrade")
        return rate // 100

    if document.get("price_unit") is not None or document.get("period_factor") not in _FACTORS_BACK:
        raise ValueError(f"Tariff '{document.get('name')}' uses what format 1 cannot hold")
    downgraded = _rescaled(document, "_e6", "_e4", back)
    downgraded["slab_scaling"] = _FACTORS_BACK[downgraded.pop("period_factor")]
    for key in ("price_unit", "price_per", "conversion"):
        downgraded.pop(key, None)
    downgraded["format"] = 1
    return downgraded


def _documents(convert, wanted_format):
    versions = sa.table("tariff_versions", sa.column("id", sa.String), sa.column("document", sa.JSON))
    connection = op.get_bind()
    for row_id, document in connection.execute(sa.select(versions.c.id, versions.c.document)).all():
        if document.get("format") == wanted_format:
            connection.execute(versions.update().where(versions.c.id == row_id)
                               .values(document=convert(document)))


def upgrade() -> None:
    for table, column in _RATE_COLUMNS:
        op.execute(f"UPDATE {table} SET {column} = {column} * 100 WHERE {column} IS NOT NULL")
    _documents(_to_format_2, 1)


def downgrade() -> None:
    for table, column in _RATE_COLUMNS:
        op.execute(f"UPDATE {table} SET {column} = {column} / 100 WHERE {column} IS NOT NULL")
    _documents(_to_format_1, 2)
