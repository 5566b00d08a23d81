"""The README's data-folder section tells where the receipt printer is set, and the app agrees:
a `[printer]` table in config.toml is not read; the per-device setting is the one source."""

from __future__ import annotations

import re
from pathlib import Path

from app.runtime import open_runtime
from app.services.cash.printers import counter_printer
from app.services.core.settings import load_settings
from tests.factories import make_runtime

README = Path(__file__).resolve().parents[2] / "README.md"


def data_folder_section() -> str:
    text = README.read_text(encoding="utf-8")
    return re.search(r"^## The data folder\n(.*?)(?=^## )", text, re.S | re.M).group(1)


def test_readme_says_the_printer_is_the_per_device_setting_not_config_toml():
    section = data_folder_section()
    config_toml = re.search(r"`config.toml` \(([^)]*)\)", section).group(1)
    assert "printer" not in config_toml
    assert "Settings > Counter & printing" in section


def test_a_printer_table_in_config_toml_is_not_what_the_app_prints_to(tmp_path):
    folder = tmp_path / "data"
    make_runtime(folder).close()
    config = folder / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[printer]\nurl = "tcp://127.0.0.1:9100"\n',
                      encoding="utf-8")
    runtime = open_runtime(folder)  # the config as the app reads it at start
    try:
        with runtime.app.sessions() as session:
            assert counter_printer(load_settings(session)).url == ""  # Settings > Counter & printing
    finally:
        runtime.close()
