"""GUI test fixtures: no screen test leaves background work running, and the spec's sample."""

from __future__ import annotations

import pytest

from app.views.common.operations import wait_for_background
from tests.payment_fixtures import actor, build_sample


@pytest.fixture(autouse=True)
def no_background_work_left():
    yield
    wait_for_background(5000)


@pytest.fixture(autouse=True)
def no_key_means_two_things(qtlog):
    """A key bound twice in one window does nothing at all (Qt only warns): two shortcuts that can
    be live together are a defect, found by whichever screen test presses one."""
    yield
    ambiguous = sorted({record.message for record in qtlog.records if "Ambiguous shortcut" in record.message})
    assert not ambiguous, "A key does two things here: " + "; ".join(ambiguous)


@pytest.fixture
def sample(runtime, services):
    """The payments spec's John Doe WU-10001 with his bills, services and installments."""
    return build_sample(runtime, services)


@pytest.fixture
def cashier(runtime):
    return actor(runtime, "cashier")
