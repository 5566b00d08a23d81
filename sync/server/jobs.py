"""What the central service's job workers run: bill run chunks, and the periodic work.

The mailer's pass and the scheduled reports are procrastinate periodic tasks: every worker
runs the periodic deferrer, and procrastinate defers each schedule tick once (one row per
task and tick in procrastinate_periodic_defers), so one worker takes it, however many
workers and service processes run. The mailer keeps SKIP LOCKED and the reports their
advisory lock as a second guard. A worker knows its Central and SMTP settings through the
job context (`additional_context`).
"""

from __future__ import annotations

import logging

import procrastinate
from procrastinate import JobContext, RetryStrategy

from sync.server.central_runs import bill_chunk
from sync.server.mailer import send_queued
from sync.server.queue import BILL_CHUNK, BILLING_QUEUE, NAMESPACE, queue_app
from sync.server.reports import run_due_reports

log = logging.getLogger("utilitydesk.jobs")
MAILER_CRON = "* * * * * */5"  # every five seconds (the sixth field is seconds)
REPORTS_CRON = "* * * * *"  # every minute
STALLED_CRON = "* * * * *"
STALLED_SECONDS = 60  # a worker without a heartbeat this long is gone: its job runs again
HOUSEKEEPING_CRON = "17 3 * * *"  # daily: the periodic ticks' finished jobs are dropped after
KEEP_PERIODIC_HOURS = 24  # a day; bill run chunks' jobs stay (a run's progress counts them)


def _tasks() -> procrastinate.Blueprint:
    """The tasks, on a new blueprint each time: adding a blueprint to an App renames its tasks
    (the namespace), so each App (each worker of a process) needs its own."""
    tasks = procrastinate.Blueprint()

    @tasks.task(name=BILL_CHUNK.split(":", 1)[1], queue=BILLING_QUEUE, pass_context=True,
                retry=RetryStrategy(max_attempts=5, wait=2, exponential_wait=2))
    def bill_chunk_job(context: JobContext, run_id: str, chunk_no: int, after: str, through: str,
                       chunks: int, username: str) -> None:
        bill_chunk(context.additional_context["central"], run_id, chunk_no, after, through, chunks,
                   username, context.worker_name or "")

    @tasks.periodic(cron=MAILER_CRON, periodic_id="mailer")
    @tasks.task(name="send_mail", pass_context=True)
    def send_mail_job(context: JobContext, timestamp: int) -> None:
        smtp = context.additional_context.get("smtp")
        if smtp is not None:
            report = send_queued(context.additional_context["central"], smtp)
            if report.sent or report.failed:
                log.info("mailer pass", extra={"sent": report.sent, "failed": report.failed, "tick": timestamp})

    @tasks.periodic(cron=REPORTS_CRON, periodic_id="reports")
    @tasks.task(name="scheduled_reports", pass_context=True)
    def scheduled_reports_job(context: JobContext, timestamp: int) -> None:
        central = context.additional_context["central"]
        run_due_reports(central.sessions, central.now())

    @tasks.periodic(cron=STALLED_CRON, periodic_id="stalled")
    @tasks.task(name="retry_stalled", pass_context=True)
    async def retry_stalled_job(context: JobContext, timestamp: int) -> None:
        """A chunk whose worker died half-way (its transaction rolled back) is billed again."""
        manager = context.app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_SECONDS):
            log.warning("stalled job retried", extra={"job": job.id, "task": job.task_name})
            await manager.retry_job(job)

    @tasks.periodic(cron=HOUSEKEEPING_CRON, periodic_id="housekeeping")
    @tasks.task(name="housekeeping", pass_context=True)
    async def housekeeping_job(context: JobContext, timestamp: int) -> None:
        await context.app.job_manager.delete_old_jobs(nb_hours=KEEP_PERIODIC_HOURS, queue="default")

    return tasks


def worker_app(database_url: str) -> procrastinate.App:
    app = queue_app(database_url)
    app.add_tasks_from(_tasks(), namespace=NAMESPACE)
    return app
