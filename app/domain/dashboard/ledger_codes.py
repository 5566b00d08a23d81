"""Which GL code each bill line and service charge posts to, and what the Financial Summary
counts as service charges and as late payment revenue.

Bill lines carry their kind (energy, fixed, percentage...) and the bill's service account its
utility; the GL codes are the settings' chart of accounts:
- energy-like lines (energy, allowance, adder, minimum, demand) -> 4000 / 4010 / 4020 by utility,
- fixed lines (meter rent, fixed per period or day, per kW) -> 4100 "Fixed and service charges",
- percentage lines (duty, VAT) -> 2200 "Tax payable".
Service charge items (the `service_charges` table: payable items that are not bills) carry
their own GL code: 4200 penalties and interest, 4300 reconnection and service fees.

Service charges (the card) = bill lines on 4100 + service charge items on 4300.
Late payment revenue = service charge items on 4200 only: penalties and interest, never the
principal of the bill paid late.
"""

from __future__ import annotations

ENERGY_CODES = {"electricity": "4000", "water": "4010", "gas": "4020"}
ENERGY_KINDS = frozenset({"energy", "allowance", "adder", "minimum", "demand"})
FIXED_CODE = "4100"
TAX_CODE = "2200"
LATE_PAYMENT_CODE = "4200"
SERVICE_FEE_CODE = "4300"
SERVICE_CHARGE_CODES = frozenset({FIXED_CODE, SERVICE_FEE_CODE})
UNMAPPED = "unmapped"


def line_gl_code(kind: str, utility: str) -> str:
    """A bill line's GL code; a kind the chart does not know is 'unmapped' (shown, not hidden)."""
    if kind in ENERGY_KINDS:
        return ENERGY_CODES.get(utility.lower(), UNMAPPED)
    if kind == "fixed":
        return FIXED_CODE
    if kind == "percentage":
        return TAX_CODE
    return UNMAPPED


def is_late_payment(gl_code: str) -> bool:
    return gl_code == LATE_PAYMENT_CODE
