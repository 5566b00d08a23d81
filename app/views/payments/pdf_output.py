"""PDFs on screen and on office printers: save as, a viewer (QtPdf) and a print preview that
draws the PDF's pages (Qt print support)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, QStandardPaths
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QVBoxLayout, QWidget

from app.views.common.dialogs import keyboard_dialog
from app.views.common.widgets import named

RENDER_DPI = 200


def choose_save_path(parent: QWidget | None, suggested_name: str) -> Path | None:
    """Ask where to save; None when the user cancels. (Tests replace this function.)"""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _ = QFileDialog.getSaveFileName(parent, "Save PDF", str(Path(folder) / suggested_name),
                                          "PDF files (*.pdf)")
    return Path(path) if path else None


def temporary_pdf(name: str) -> Path:
    folder = Path(tempfile.gettempdir()) / "utilitydesk-pdf"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def render_pdf(pdf_path: Path, printer: QPrinter) -> int:
    """Draw every page of the PDF onto the printer, fitted to its page; returns the page count."""
    document = QPdfDocument()
    document.load(str(pdf_path))
    painter = QPainter()
    if document.pageCount() == 0 or not painter.begin(printer):
        return 0
    try:
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            _draw_page(painter, document, page, printer)
    finally:
        painter.end()
    return document.pageCount()


def _draw_page(painter: QPainter, document: QPdfDocument, page: int, printer: QPrinter) -> None:
    points = document.pagePointSize(page)
    pixels = QSize(int(points.width() * RENDER_DPI / 72), int(points.height() * RENDER_DPI / 72))
    image = document.render(page, pixels)
    target = QRectF(painter.viewport())
    scale = min(target.width() / image.width(), target.height() / image.height())
    size = QSize(int(image.width() * scale), int(image.height() * scale))
    painter.drawImage(QRectF(QPointF(0, 0), size.toSizeF()), image)


def print_preview(parent: QWidget | None, pdf_path: Path, title: str) -> QPrintPreviewDialog:
    """A print preview of the PDF on the office printer; the caller opens it."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = named(QPrintPreviewDialog(printer, parent), f"Print preview {title}")
    dialog.setWindowTitle(f"Print preview · {title}")
    dialog.paintRequested.connect(lambda target: render_pdf(pdf_path, target))
    dialog.resize(900, 900)
    dialog._printer = printer  # keep it alive as long as the dialog
    return dialog


class PdfViewerDialog(QDialog):
    """The document on screen (View Credit Note), with Print preview and Close."""

    def __init__(self, pdf_path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, title)
        self.setWindowTitle(title)
        self.pdf_path = pdf_path
        self.document = QPdfDocument(self)
        self.document.load(str(pdf_path))
        view = named(QPdfView(self), f"{title} pages")
        view.setDocument(self.document)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        preview = named(buttons.addButton("Print…", QDialogButtonBox.ButtonRole.ActionRole),
                        "Print…")
        preview.clicked.connect(lambda: print_preview(self, pdf_path, title).open())
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view, 1)
        layout.addWidget(buttons)
        self.resize(760, 900)
        keyboard_dialog(self)
