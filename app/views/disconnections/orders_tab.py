"""The Service orders tab: create one from the templates of the consumer's category, the list of
the request's orders, and (for a supervisor) approving the selected one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.permissions import Permission, Role, can
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.forms import DateEdit
from app.views.common.widgets import named
from app.views.disconnections.details_tab import _table, fill
from app.views.payments.display import (
    Background,
    Display,
    error_label,
    from_qdate,
    show_error,
    to_qdate,
)

HEADERS = ("SO No", "SO name", "SO status", "Scheduled date", "Created on", "Created by",
           "Assigned to", "Assigned on", "Approved by", "Remarks")


class OrdersTab(QWidget):
    changed = Signal()

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        self.services, self.actor, self.display = services, actor, display
        self.request_id = ""
        self.orders = []
        self.template = named(QComboBox(), "Service order type")
        self.scheduled = named(DateEdit(), "Scheduled date")
        self.scheduled.setCalendarPopup(True)
        self.assigned = named(QLineEdit(), "Assigned to")
        self.remarks = named(QLineEdit(), "Remarks")
        self.add_button = named(QPushButton("Add service order"), "Add service order")
        self.approve_button = named(QPushButton("Approve selected order"), "Approve selected order")
        self.report_button = named(QPushButton("Download report"), "Download report")
        self.report_button.setEnabled(False)
        self.report_saved = named(QLabel(""), "Report saved")
        self.error = error_label("Service order")
        self.table = _table("Existing service orders", HEADERS)
        form = QFormLayout()
        for text, widget in (("Service order &type", self.template), ("&Scheduled date", self.scheduled),
                             ("Assigned &to", self.assigned), ("&Remarks", self.remarks)):
            caption = QLabel(text + ":")
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.report_button)
        buttons.addWidget(self.report_saved)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        works = can(actor.role, Permission.WORK_REQUEST)
        for widget in (self.template, self.scheduled, self.assigned, self.remarks, self.add_button):
            widget.setEnabled(works)
        self.approve_button.setVisible(actor.role is Role.SUPERVISOR)
        self.add_button.clicked.connect(self.add_order)
        self.approve_button.clicked.connect(self.approve_selected)
        self.report_button.clicked.connect(self._choose_report_path)
        self.table.currentCellChanged.connect(lambda *_: self._selection_changed())

    def load(self, request_id: str, today) -> None:
        self.request_id = request_id
        self.scheduled.setMinimumDate(to_qdate(today))
        requests = self.services.requests

        def work():
            return (requests.order_templates(self.actor, request_id),
                    requests.service_orders(self.actor, request_id))

        Background(self, work).success(lambda found: self._show(*found)).run_in_background()

    def _show(self, templates, orders) -> None:
        current = self.template.currentText()
        self.template.clear()
        for template in templates:
            self.template.addItem(f"{template.name} ({template.order_type})", template.name)
        index = self.template.findText(current)
        self.template.setCurrentIndex(max(index, 0))
        self.orders = orders
        d = self.display
        fill(self.table, [(o.so_no, o.name, o.status, d.day(o.scheduled_date), d.moment(o.created_at),
                           o.created_by, o.assigned_to or "—", d.moment(o.assigned_at) or "—",
                           o.approved_by or "—", o.remarks) for o in orders])

    def _selected(self):
        row = self.table.currentRow()
        return self.orders[row] if 0 <= row < len(self.orders) else None

    def _selection_changed(self) -> None:
        order = self._selected()
        self.report_button.setEnabled(order is not None and order.status == "Completed")

    def _choose_report_path(self) -> None:
        order = self._selected()
        path, _ = QFileDialog.getSaveFileName(self, "Save report", f"{order.so_no}.pdf", "PDF (*.pdf)")
        if path:
            self.save_report_to(Path(path))

    def save_report_to(self, path: Path) -> None:
        order_id = self._selected().order_id
        Background(self, lambda: self.services.requests.write_order_report(self.actor, order_id, path)) \
            .success(lambda written: self.report_saved.setText(f"Report saved to {written}")) \
            .failure(lambda e: show_error(self.error, str(e))).run_in_background()

    def add_order(self) -> None:
        show_error(self.error, "")
        args = (self.actor, self.request_id, self.template.currentData() or "",
                from_qdate(self.scheduled.date()), self.remarks.text(), self.assigned.text())
        Background(self, lambda: self.services.requests.create_service_order(*args), writes=True) \
            .success(lambda _o: self._added()).failure(lambda e: show_error(self.error, str(e))) \
            .run_in_background()

    def _added(self) -> None:
        self.remarks.clear()
        self.assigned.clear()
        self.changed.emit()

    def approve_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.orders):
            show_error(self.error, "Service order: select the order to approve")
            return
        order_id = self.orders[row].order_id
        Background(self, lambda: self.services.requests.approve_service_order(self.actor, order_id),
                   writes=True).success(lambda _o: self.changed.emit()) \
            .failure(lambda e: show_error(self.error, str(e))).run_in_background()
