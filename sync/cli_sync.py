"""`utilitydesk sync`: enrol this data folder with the central service (once), log in, sync."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import tomli_w

from app.runtime import open_runtime
from sync.cli_sync_args import add_arguments  # noqa: F401  (kept where callers looked)
from sync.client import Progress, SyncAgent
from sync.keyring_store import CredentialStore
from sync.protocol import EnrolResponse


def centre_label(enrolled: EnrolResponse) -> str:
    """ "Central Service Centre (CSC)"; the id only from a server that does not name centres."""
    if enrolled.centre_name and enrolled.centre_code:
        return f"{enrolled.centre_name} ({enrolled.centre_code})"
    return enrolled.centre_name or enrolled.centre_code or enrolled.centre_id


def run(args: argparse.Namespace, data_dir: Path) -> int:
    runtime = open_runtime(data_dir)
    credentials = CredentialStore(runtime.app.device_id, folder=runtime.paths.root)
    agent = SyncAgent(runtime.app, args.server, credentials, progress=_print_progress,
                      ca_file=args.ca_file or runtime.device.ca_file, history_days=args.history_days)
    try:
        if args.enrolment_code:
            enrolled = agent.enrol(args.enrolment_code)
            print(f"Enrolled device {runtime.device.device_code} in centre {centre_label(enrolled)}")
            if credentials.notice:
                print(credentials.notice)
            remember_server(runtime.paths.config_file, args.server)
        agent.login(args.username, args.password)
        report = agent.sync_once()
    finally:
        agent.close()
        runtime.close()
    print(f"Pushed {report.pushed} (applied {report.applied}, duplicates {report.duplicates}, "
          f"conflicts {report.conflicts}, rejected {report.rejected}); pulled {report.pulled}; "
          f"leased {report.leased_blocks} number block(s).")
    if report.quarantined:
        print(f"{report.quarantined} received row(s) wait for records they refer to; they are tried again "
              "at each sync (see Sync problems in the app).")
    return 1 if report.rejected or report.conflicts else 0


def remember_server(config_file: Path, server_url: str) -> None:
    """[sync] server_url in config.toml: with a server, the desktop no longer leases numbers itself."""
    data = tomllib.loads(config_file.read_text(encoding="utf-8")) if config_file.exists() else {}
    data.setdefault("sync", {})["server_url"] = server_url
    config_file.write_text(tomli_w.dumps(data), encoding="utf-8")


def _print_progress(progress: Progress) -> None:
    if progress.entity_rows:
        print(f"  {progress.phase}: {progress.entity} {progress.entity_rows} rows ({progress.total_rows} in all)")
