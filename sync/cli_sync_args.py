"""`utilitydesk sync`'s arguments, apart from the sync client: building them imports only
argparse, so `utilitydesk sync --help` starts without httpx or the service layer (#17)."""

from __future__ import annotations

import argparse

# sync.client.HISTORY_DAYS, repeated here so the parser need not import the client; a unit test
# keeps the two equal.
HISTORY_DAYS = 90


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", required=True, help="the central service, e.g. http://host:8740")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--enrolment-code", help="the one-time code an administrator made (first sync)")
    parser.add_argument("--ca-file", default="", help="trust only this CA for the server's TLS certificate")
    parser.add_argument("--history-days", type=int, default=HISTORY_DAYS, metavar="N",
                        help=f"days of payments, credit notes and receipts a first download brings, besides "
                             f"everything still open (default {HISTORY_DAYS})")
