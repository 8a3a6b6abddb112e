"""The ward audit trail: every event, newest first, filterable by patient, user, action and
date, exportable to CSV (the export is itself an audit event)."""

from __future__ import annotations

from datetime import date
from typing import Any

from .qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QModelIndex,
    QPersistentModelIndex,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)

COLUMNS = ("#", "Local time", "User", "Action", "Record", "Patient (MRN)", "Reason / details", "Signature", "Hash")


def _detail_text(e: Any) -> str:
    d = e.detail or {}
    parts = []
    if d.get("reason"):
        parts.append(f"reason: {d['reason']}")
    if d.get("grades_before") is not None or d.get("grades_after") is not None:
        b, a = d.get("grades_before"), d.get("grades_after") or {}
        if b is None:
            parts.append(f"graded CRS {a.get('crs_astct')}, ICANS {a.get('icans_astct')}")
        elif b != a:
            parts.append(f"grades CRS {b.get('crs_astct')}→{a.get('crs_astct')}, ICANS {b.get('icans_astct')}→"
                         f"{a.get('icans_astct')}")
    for key in ("kind", "workstation", "note", "username"):
        if d.get(key):
            parts.append(f"{key}: {d[key]}")
    return "; ".join(parts)


class AuditModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.events: list[Any] = []
        self.mrns: dict[int, str] = {}

    def set_events(self, events: list[Any], mrns: dict[int, str]) -> None:
        self.beginResetModel()
        self.events = events
        self.mrns = mrns
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.events)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def cell(self, e: Any, col: int) -> str:
        d = e.detail or {}
        if col == 0:
            return str(e.seq)
        if col == 1:
            return e.ts_local[:19].replace("T", " ")
        if col == 2:
            return e.actor
        if col == 3:
            return e.action
        if col == 4:
            return f"{e.entity} {e.entity_id}" if e.entity else ""
        if col == 5:
            return self.mrns.get(e.patient_id, d.get("mrn", "")) if e.patient_id else str(d.get("mrn") or "")
        if col == 6:
            return _detail_text(e)
        if col == 7:
            sig = d.get("signature") or {}
            return f"{sig.get('signed_by', '')} ({sig.get('meaning')})" if sig else ""
        return e.hash[:16]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        e = self.events[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(e, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"event #{e.seq}\nprev {e.prev_hash}\nhash {e.hash}\n{e.detail}"
        return None


class AuditPage(QWidget):
    refresh_requested = Signal()
    export_requested = Signal()
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        top = QHBoxLayout()
        back = QPushButton("◀ &Board")
        back.clicked.connect(self.back)
        top.addWidget(back)
        title = QLabel("<b style='font-size:13pt'>Audit trail</b> (append-only, hash-chained)")
        top.addWidget(title)
        top.addStretch(1)
        self.patient = QComboBox()
        self.patient.setAccessibleName("Filter by patient")
        self.patient.addItem("All patients", None)
        self.user = QLineEdit()
        self.user.setPlaceholderText("user")
        self.user.setAccessibleName("Filter by user")
        self.user.setMaximumWidth(120)
        self.action = QLineEdit()
        self.action.setPlaceholderText("action (amend, void…)")
        self.action.setMaximumWidth(150)
        self.use_from = QCheckBox("from")
        self.date_from = QDateEdit(QDate.currentDate().addDays(-7))
        self.date_from.setCalendarPopup(True)
        self.date_from.setDisplayFormat("yyyy-MM-dd")
        self.use_to = QCheckBox("to")
        self.date_to = QDateEdit(QDate.currentDate())
        self.date_to.setCalendarPopup(True)
        self.date_to.setDisplayFormat("yyyy-MM-dd")
        for w in (QLabel("Patient"), self.patient, self.user, self.action, self.use_from, self.date_from,
                  self.use_to, self.date_to):
            top.addWidget(w)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.clicked.connect(self.export_requested)
        top.addWidget(self.export_button)
        lay.addLayout(top)
        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, w in enumerate((56, 140, 90, 90, 110, 100, 480, 130)):
            self.table.setColumnWidth(col, w)
        self.table.setAccessibleName("Audit events")
        lay.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setStyleSheet("color:#546e7a;")
        lay.addWidget(self.status)
        self.all_events: list[Any] = []
        self.mrns: dict[int, str] = {}
        self.patient.currentIndexChanged.connect(self.refresh_requested)
        for sig in (self.user.textChanged, self.action.textChanged, self.use_from.toggled, self.use_to.toggled,
                    self.date_from.dateChanged, self.date_to.dateChanged):
            sig.connect(self.apply_filters)

    def set_patients(self, patients: list[tuple[int, str, str]]) -> None:
        current = self.patient.currentData()
        self.patient.blockSignals(True)
        self.patient.clear()
        self.patient.addItem("All patients", None)
        for pid, mrn, name in patients:
            self.patient.addItem(f"{mrn} {name}", pid)
        i = self.patient.findData(current)
        self.patient.setCurrentIndex(max(0, i))
        self.patient.blockSignals(False)
        self.mrns = {pid: mrn for pid, mrn, _ in patients}

    def patient_id(self) -> int | None:
        data = self.patient.currentData()
        return int(data) if data is not None else None

    def set_events(self, events: list[Any]) -> None:
        self.all_events = list(reversed(events))
        self.apply_filters()

    def date_range(self) -> tuple[date | None, date | None]:
        f = self.date_from.date().toPython() if self.use_from.isChecked() else None
        t = self.date_to.date().toPython() if self.use_to.isChecked() else None
        return f, t  # type: ignore[return-value]

    def filtered(self) -> list[Any]:
        user = self.user.text().strip().lower()
        action = self.action.text().strip().lower()
        start, end = self.date_range()
        out = []
        for e in self.all_events:
            if user and user not in e.actor.lower():
                continue
            if action and action not in e.action.lower():
                continue
            day = e.ts_local[:10]
            if start and day < start.isoformat():
                continue
            if end and day > end.isoformat():
                continue
            out.append(e)
        return out

    def apply_filters(self) -> None:
        shown = self.filtered()
        self.model.set_events(shown, self.mrns)
        self.status.setText(f"{len(shown)} of {len(self.all_events)} events shown (newest first).")
