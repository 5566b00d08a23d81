"""Test-wide setup: offscreen Qt, a fixed locale and time zone, before Qt loads."""

from __future__ import annotations

import os
import time

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["TZ"] = "UTC"
os.environ["LANG"] = "C.UTF-8"
os.environ["LC_ALL"] = "C.UTF-8"
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
if hasattr(time, "tzset"):
    time.tzset()

import pytest  # noqa: E402

from tests.factories import make_runtime  # noqa: E402


@pytest.fixture
def runtime(tmp_path):
    """A migrated SQLite database in a temp folder, with one user per role and a fixed clock."""
    rt = make_runtime(tmp_path / "data")
    yield rt
    rt.close()


@pytest.fixture
def services(runtime):
    from app.services.registry import Services

    return Services(runtime.app)
