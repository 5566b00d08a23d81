"""`utilitydesk plans ...`: assign a plan to one service account or to a consumer category, and
show an account's plan history. Assigning logs a user in first (a data folder with no user yet,
being set up, assigns as System); the history only reads.

A bulk assignment first says how many accounts change and which are skipped and why; it writes
only with --yes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from app.cli_args import iso_date
from app.cli_login import add_username, log_in_once_set_up

DataDir = Callable[[argparse.Namespace], Path]


def add_plans_parser(sub: argparse._SubParsersAction) -> None:
    plans = sub.add_parser("plans", help="assign plans to service accounts, plan history")
    actions = plans.add_subparsers(dest="plans_command", metavar="ACTION", required=True)

    assign = actions.add_parser("assign", help="put one account, or a consumer category's Active "
                                               "accounts, on a plan")
    assign.add_argument("--plan", required=True, help="the plan's name or short name")
    who = assign.add_mutually_exclusive_group(required=True)
    who.add_argument("--account", help="a service account number")
    who.add_argument("--category", help="every Active account of this consumer category")
    assign.add_argument("--effective", type=iso_date, default=None,
                        help="applies from the first billing period starting on or after this "
                             "date (default: today)")
    assign.add_argument("--yes", action="store_true",
                        help="with --category: write the change (without it, only show the count)")
    add_username(assign, "assigns (once the data folder has users)")

    history = actions.add_parser("history", help="a service account's plan changes, newest first")
    history.add_argument("--account", required=True, help="a service account number")


def cmd_plans(args: argparse.Namespace, data_dir: DataDir) -> int:
    from app.runtime import open_runtime
    from app.services.tariffs.assignments import PlanAssignments

    runtime = open_runtime(data_dir(args), lock=True)
    try:
        assignments = PlanAssignments(runtime.app)
        if args.plans_command == "history":
            return _history(assignments, args)
        return _assign(assignments, args, log_in_once_set_up(runtime, args))
    finally:
        runtime.close()


def _assign(assignments, args: argparse.Namespace, actor) -> int:
    plan_id = assignments.plan_named(actor, args.plan)
    if args.account:
        assignments.assign(actor, args.account, plan_id, args.effective)
        print(f"{args.account.strip()} is on plan '{args.plan.strip()}'.")
        return 0
    preview = assignments.preview_bulk(actor, plan_id, args.category, args.effective)
    print(f"{len(preview.changing)} {args.category} account(s) change to plan '{preview.plan_name}' "
          f"from {preview.effective_from.isoformat()}; {len(preview.skipped)} skipped.")
    for reason, count in preview.skipped_by_reason():
        print(f"  skipped {count}: {reason}")
    if not args.yes:
        print("Nothing written: run again with --yes to assign.")
        return 0
    result = assignments.assign_bulk(actor, plan_id, args.category,
                                     effective_from=preview.effective_from,
                                     confirmed_count=len(preview.changing))
    print(f"Assigned: {result.changed} account(s).")
    return 0


def _history(assignments, args: argparse.Namespace) -> int:
    from app.services.core.context import SYSTEM_ACTOR

    entries = assignments.history(SYSTEM_ACTOR, args.account)
    if not entries:
        print(f"{args.account.strip()} has no recorded plan change.")
    for entry in entries:
        print(f"{entry.effective_from.isoformat()}  {entry.from_plan or '(none)'} -> {entry.to_plan}"
              f"  by {entry.assigned_by} at {entry.assigned_at:%Y-%m-%d %H:%M} ({entry.source})")
    return 0
