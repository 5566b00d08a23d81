"""The Disconnect tab (meter action, device numbers that fill in the meter numbers, the SO ID
that fills in who and when, the closure checklist with its counter; Execute Disconnection only
when all of it holds, AC017) and its mirror for a reconnection (a meter per utility, the SO ID,
the reconnection fee)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.permissions import Permission, can
from app.domain.requests.execution import METER_ACTIONS, REMOVAL_DESTINATIONS, Checklist
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.requests import DisconnectionOrder, ReconnectionOrder, RequestDetail
from app.views.common.widgets import named
from app.views.payments.display import Background, Display, error_label, show_error, value_label


class ExecuteTab(QWidget):
    executed = Signal()

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        self.services, self.actor, self.display = services, actor, display
        self.choices = services.requests.execution_choices(actor)
        self.detail: RequestDetail | None = None
        self.order_valid = False
        self.devices: dict[str, QLineEdit] = {}
        self.meter_labels: dict[str, QLabel] = {}
        self.valid_devices: set[str] = set()
        self.layout_ = QVBoxLayout(self)

    def _clear(self) -> None:
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.devices, self.meter_labels, self.valid_devices, self.order_valid = {}, {}, set(), False

    def show_detail(self, detail: RequestDetail) -> None:
        """Built once per request: a reload (a note added, a status moved) keeps what was typed."""
        same = self.detail is not None and self.detail.request_id == detail.request_id
        self.detail = detail
        if same:
            self._update()
            return
        self._clear()
        self.layout_.addWidget(self._order_box())
        if detail.request_type == "Disconnection":
            self.layout_.addWidget(self._meter_box(detail))
            self.layout_.addWidget(self._checklist_box())
            self.execute = named(QPushButton("Execute Disconnection"), "Execute Disconnection")
        else:
            self.layout_.addWidget(self._reconnect_box(detail))
            self.execute = named(QPushButton("Execute Reconnection"), "Execute Reconnection")
        self.error = error_label("Execute")
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.execute)
        self.layout_.addStretch(1)
        self.execute.clicked.connect(self.run)
        self.execute.setVisible(can(self.actor.role, Permission.WORK_REQUEST))
        self._update()

    # parts -------------------------------------------------------------------------------------

    def _order_box(self) -> QGroupBox:
        box = QGroupBox("Service order details")
        form = QFormLayout(box)
        self.so_id = named(QLineEdit(), "SO ID")
        self.so_error = error_label("SO ID")
        self.assigned_to = value_label("", "Assigned to")
        self.completion = value_label("", "Completion date")
        self.approved_by = value_label("", "Approved by")
        caption = QLabel("&SO ID:")
        caption.setBuddy(self.so_id)
        form.addRow(caption, self.so_id)
        form.addRow("", self.so_error)
        for text, widget in (("Assigned to", self.assigned_to), ("Completion date", self.completion),
                             ("Approved by", self.approved_by)):
            form.addRow(f"{text}:", widget)
        self.so_id.editingFinished.connect(self.check_order)
        return box

    def _meter_box(self, detail: RequestDetail) -> QGroupBox:
        box = QGroupBox("Meter action required")
        form = QFormLayout(box)
        self.actions = QButtonGroup(box)
        for index, text in enumerate(METER_ACTIONS):
            radio = named(QRadioButton(text), text)
            radio.setChecked(index == 0)
            self.actions.addButton(radio, index)
            form.addRow(radio)
        self.destination = named(QComboBox(), "Move meter to")
        self.destination.addItems(REMOVAL_DESTINATIONS)
        form.addRow("Move meter to:", self.destination)
        self.actions.idToggled.connect(lambda _i, _on: self._update())
        for meter in detail.meters:
            device = named(QLineEdit(), f"{meter.utility} device number")
            label = value_label("", f"{meter.utility} meter number")
            caption = QLabel(f"{meter.utility} device number:")
            caption.setBuddy(device)
            form.addRow(caption, device)
            form.addRow(f"{meter.utility} meter number:", label)
            device.editingFinished.connect(lambda u=meter.utility: self.check_device(u))
            self.devices[meter.utility], self.meter_labels[meter.utility] = device, label
        self.device_error = error_label("Device number")
        form.addRow("", self.device_error)
        return box

    def _checklist_box(self) -> QGroupBox:
        box = QGroupBox("Account closure checklist")
        layout = QVBoxLayout(box)
        self.checks = []
        for item in self.choices.checklist:
            check = named(QCheckBox(item), item)
            check.toggled.connect(lambda _on: self._update())
            self.checks.append(check)
            layout.addWidget(check)
        self.counter = named(QLabel(""), "Checklist completion")
        layout.addWidget(self.counter)
        return box

    def _reconnect_box(self, detail: RequestDetail) -> QGroupBox:
        box = QGroupBox("Meter assignment")
        form = QFormLayout(box)
        for utility in detail.utilities:
            meter = named(QLineEdit(), f"{utility} meter number")
            caption = QLabel(f"{utility} meter number:")
            caption.setBuddy(meter)
            form.addRow(caption, meter)
            meter.textChanged.connect(lambda _t: self._update())
            self.devices[utility] = meter
        form.addRow("Reconnection fee:", value_label(self.display.money(self.choices.reconnection_fee),
                                                     "Reconnection fee"))
        return box

    # checks ------------------------------------------------------------------------------------

    def check_order(self) -> None:
        so_no, request_id = self.so_id.text(), self.detail.request_id

        def found(facts) -> None:
            self.order_valid = True
            show_error(self.so_error, "")
            self.assigned_to.setText(facts.assigned_to or "—")
            self.completion.setText(self.display.day(facts.completed_at.date() if facts.completed_at
                                                     else facts.scheduled_date))
            self.approved_by.setText(facts.approved_by or "Not approved")
            self._update()

        def refused(error) -> None:
            self.order_valid = False
            for label in (self.assigned_to, self.completion, self.approved_by):
                label.setText("")
            show_error(self.so_error, str(error))
            self._update()

        Background(self, lambda: self.services.requests.lookup_order(self.actor, request_id, so_no)) \
            .success(found).failure(refused).run_in_background()

    def check_device(self, utility: str) -> None:
        device_no, request_id = self.devices[utility].text(), self.detail.request_id

        def found(meter) -> None:
            self.meter_labels[utility].setText(meter.meter_no)  # AC016
            self.valid_devices.add(utility)
            show_error(self.device_error, "")
            self._update()

        def refused(error) -> None:
            self.meter_labels[utility].setText("")
            self.valid_devices.discard(utility)
            show_error(self.device_error, str(error))
            self._update()

        Background(self, lambda: self.services.requests.lookup_device(self.actor, request_id, device_no)) \
            .success(found).failure(refused).run_in_background()

    def checklist(self) -> Checklist:
        checked = frozenset(c.text() for c in getattr(self, "checks", []) if c.isChecked())
        return Checklist(self.choices.checklist, self.choices.minimum, checked)

    def _update(self) -> None:
        if self.detail is None or not hasattr(self, "execute"):
            return
        ready = self.order_valid and self.detail.status == "In progress"
        if self.detail.request_type == "Disconnection":
            checklist = self.checklist()
            self.counter.setText(checklist.counter_text)
            self.destination.setEnabled(self.actions.checkedId() == 1)
            ready = ready and checklist.complete and self.valid_devices == set(self.devices)
        else:
            ready = ready and all(edit.text().strip() for edit in self.devices.values())
        self.execute.setEnabled(ready)

    def run(self) -> None:
        detail, requests = self.detail, self.services.requests
        if detail.request_type == "Disconnection":
            order = DisconnectionOrder(self.so_id.text(), tuple(e.text() for e in self.devices.values()),
                                       METER_ACTIONS[self.actions.checkedId()],
                                       self.destination.currentText(), self.checklist().checked)
            work = lambda: requests.execute_disconnection(self.actor, detail.request_id, order)  # noqa: E731
        else:
            order = ReconnectionOrder(self.so_id.text(), tuple(e.text() for e in self.devices.values()))
            work = lambda: requests.execute_reconnection(self.actor, detail.request_id, order)  # noqa: E731
        Background(self, work, writes=True).success(lambda _done: self.executed.emit()) \
            .failure(lambda e: show_error(self.error, str(e))).run_in_background()
