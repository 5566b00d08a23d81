"""Printing X and Z reports, audited by who printed them; a Z report printed again says it is a
copy (its copy number and when), so a second Z slip can never pass for another day's takings."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.system import AuditEntry
from app.printing.pdf.z_report_pdf import ReportDocument
from app.services.cash.reports import SessionReport
from app.services.core.work import Work

PRINTED = "cash_report_printed"
PDF = "PDF"


def z_prints_before(db: Session, report: SessionReport, output: str) -> int:
    """How many times this session's Z report has been printed (or, for "PDF", filed) already:
    paper and PDF are counted apart, so the PDF filed at close and the first slip are both
    originals."""
    if report.kind != "Z":
        return 0
    summaries = db.execute(select(AuditEntry.summary).where(
        AuditEntry.action == PRINTED, AuditEntry.entity == "cash_session",
        AuditEntry.entity_id == report.session_id)).scalars()
    on_paper = output != PDF
    return sum(1 for summary in summaries if (summary or {}).get("kind") == "Z"
               and ((summary or {}).get("output") != PDF) == on_paper)


def as_copy(document: ReportDocument, copy_no: int, when: str) -> ReportDocument:
    if copy_no <= 1:
        return document
    return replace(document, title=f"{document.title} - COPY",
                   header=(("Copy", f"{copy_no}, reprinted {when}"), *document.header))


def audit_print(work: Work, report: SessionReport, copy_no: int, output: str) -> None:
    work.audit(PRINTED, "cash_session", report.session_id, kind=report.kind,
               session_no=report.session_no, copy=copy_no, output=output)
