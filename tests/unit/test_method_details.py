"""Card, cheque and bank-transfer details: which methods take them and the rule of each."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.core.errors import ValidationError
from app.domain.payments.method_details import check_details, detail_rows, details_kind

TODAY = date(2025, 4, 20)


def test_the_kind_comes_from_the_method_name():
    assert [details_kind(m) for m in ("Credit Card", "Debit Card", "Cheque", "Bank Transfer",
                                      "Cash", "UPI")] == ["card", "card", "cheque", "transfer",
                                                          None, None]


def test_good_details_are_kept_tidy():
    assert check_details("Credit Card", {"last4": " 4242 ", "auth_code": "ab12c9"}, TODAY) == {
        "last4": "4242", "auth_code": "AB12C9"}
    assert check_details("Cheque", {"cheque_no": "004512", "bank": "State Bank",
                                    "cheque_date": date(2025, 4, 1)}, TODAY) == {
        "cheque_no": "004512", "bank": "State Bank", "cheque_date": "2025-04-01"}
    assert check_details("Bank Transfer", {"reference": "NEFT-20250420-77"}, TODAY) == {
        "reference": "NEFT-20250420-77"}
    assert check_details("Cash", {"last4": "x"}, TODAY) == {}


@pytest.mark.parametrize(("method", "given", "field", "rule"), [
    ("Credit Card", {"last4": "", "auth_code": "AB12C9"}, "Card last four digits", "is required"),
    ("Credit Card", {"last4": "42a2", "auth_code": "AB12C9"}, "Card last four digits",
     "must be the last 4 digits of the card"),
    ("Debit Card", {"last4": "4242", "auth_code": "12345"}, "Authorisation code",
     "must be 6 letters or digits from the terminal"),
    ("Cheque", {"cheque_no": "4512", "bank": "SBI", "cheque_date": "2025-04-01"}, "Cheque number",
     "must be 6 digits"),
    ("Cheque", {"cheque_no": "004512", "bank": " ", "cheque_date": "2025-04-01"}, "Bank",
     "is required"),
    ("Cheque", {"cheque_no": "004512", "bank": "SBI", "cheque_date": "2025-04-21"}, "Cheque date",
     "cannot be after today (a post-dated cheque)"),
    ("Cheque", {"cheque_no": "004512", "bank": "SBI", "cheque_date": "2025-01-01"}, "Cheque date",
     "is more than three months ago (a stale cheque)"),
    ("Bank Transfer", {"reference": "AB 12"}, "Transfer reference",
     "must be 6 to 30 letters, digits or -"),
])
def test_bad_details_name_the_field_and_the_rule(method, given, field, rule):
    with pytest.raises(ValidationError) as refused:
        check_details(method, given, TODAY)
    assert (refused.value.field, refused.value.rule) == (field, rule)


def test_rows_for_the_receipt_mask_the_card():
    assert detail_rows("Credit Card", {"last4": "4242", "auth_code": "AB12C9"}) == [
        ("Card", "**** 4242"), ("Authorisation code", "AB12C9")]
