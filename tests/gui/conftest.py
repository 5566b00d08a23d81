"""GUI test fixtures: no screen test leaves background work running, the spec's sample, and the
demo utility built once per session."""

from __future__ import annotations

import shutil

import pytest

from app.views.common.operations import wait_for_background
from app.views.qt_workarounds import collect_on_the_gui_thread
from tests.gui.demo_utility import build_demo_utility, open_demo_utility
from tests.payment_fixtures import actor, build_sample


@pytest.fixture(autouse=True, scope="session")
def garbage_collected_on_the_gui_thread(qapp):
    """As the app does (qt_app): a cycle collected in a worker thread can deadlock with the GUI."""
    collector = collect_on_the_gui_thread(qapp)
    yield
    collector.stop()


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



@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory):
    """The demo utility (demo_utility.py), built once per test session."""
    return build_demo_utility(tmp_path_factory.mktemp("demo-utility"))


@pytest.fixture
def demo_runtime(demo_folder, tmp_path):
    """A copy of the session's demo utility, opened with its clock standing at DEMO_NOW."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_folder, folder)
    runtime = open_demo_utility(folder)
    yield runtime
    runtime.close()
