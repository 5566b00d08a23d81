"""An X or Z report on screen, with printing to the counter printer and saving as PDF."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.printing.pdf.z_report_pdf import ReportDocument
from app.views.common.widgets import named


def report_html(document: ReportDocument) -> str:
    parts = [f"<h2>{escape(document.title)}</h2>"]
    parts += [f"<p style='color:#b00020'><b>{escape(note)}</b></p>" for note in document.notes]
    parts.append(_table(document.header, frozenset()))
    for section in document.sections:
        parts.append(f"<h3>{escape(section.heading)}</h3>")
        parts.append(_table(section.rows, section.emphasis))
    return "".join(parts)


def _table(rows, emphasis: frozenset[str]) -> str:
    cells = []
    for label, value in rows:
        weight = " style='font-weight:bold'" if label in emphasis else ""
        cells.append(f"<tr{weight}><td>{escape(label)}</td>"
                     f"<td align='right'>{escape(value)}</td></tr>")
    return f"<table width='100%' cellpadding='3'>{''.join(cells)}</table>"


class ReportPanel(QWidget):
    print_requested = Signal()
    save_requested = Signal()
    back_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        named(self, "Report panel")
        layout = QVBoxLayout(self)
        self.view = named(QTextBrowser(), "Report")
        self.message = named(QLabel(""), "Report message")
        self.message.setWordWrap(True)
        self.print_button = named(QPushButton("Print report"), "Print report")
        self.save_button = named(QPushButton("Save PDF…"), "Save PDF…")
        self.back_button = named(QPushButton("Back"), "Back")
        self.print_button.clicked.connect(self.print_requested.emit)
        self.save_button.clicked.connect(self.save_requested.emit)
        self.back_button.clicked.connect(self.back_requested.emit)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        row.addWidget(self.back_button)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)

    def show_document(self, document: ReportDocument, printer_configured: bool) -> None:
        self.view.setHtml(report_html(document))
        self.message.clear()
        self.print_button.setEnabled(printer_configured)
        self.print_button.setToolTip("" if printer_configured else "No receipt printer is set up")
