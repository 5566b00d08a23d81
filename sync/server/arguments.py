"""`utilitydesk server`'s arguments, apart from the server itself: building them imports only
argparse, so `utilitydesk server --help` starts without FastAPI, uvicorn or SQLAlchemy (#17)."""

from __future__ import annotations

import argparse
import os


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True, help="postgresql+psycopg://... or sqlite:///...")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8740)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--job-workers", type=int, default=1, metavar="N",
                        help="job worker processes (bill run chunks, the mailer, scheduled reports; "
                             "PostgreSQL only; 0: none in this process)")
    parser.add_argument("--chunk-accounts", type=int, default=500, metavar="N",
                        help="accounts per job of a central bill run")
    parser.add_argument("--jobs-only", action="store_true",
                        help="run only the job workers, no HTTP (more billing capacity on another host)")
    parser.add_argument("--token-ttl-hours", type=float, default=12.0)
    parser.add_argument("--stripe-webhook-secret", default=os.environ.get("UTILITYDESK_STRIPE_WEBHOOK_SECRET", ""))
    parser.add_argument("--smtp-url", default=os.environ.get("UTILITYDESK_SMTP_URL", ""),
                        help="smtp://user:password@host:port?from=noreply@example.org&starttls=1")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--metrics-token", default=os.environ.get("UTILITYDESK_METRICS_TOKEN", ""),
                        help="a bearer token Prometheus may scrape /metrics with (administrators' tokens work too)")
    parser.add_argument("--ssl-certfile", default="", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--ssl-keyfile", default="", help="the certificate's private key (PEM)")
    parser.add_argument("--new-epoch", action="store_true",
                        help="after restoring a backup: make every desktop re-download and re-send")
    parser.add_argument("--enrolment-code", metavar="CENTRE_CODE",
                        help="print a one-time enrolment code for a centre and exit")
