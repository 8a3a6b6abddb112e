"""The ward audit trail: every event, newest first, filtered by patient, user, action and date
in the database (``services.events``; only the newest ``AUDIT_LIMIT`` matching events are
loaded), exportable to CSV (the export is itself an audit event)."""

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
    QModelIndex,
    QPersistentModelIndex,
    QPushButton,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

AUDIT_LIMIT = 5_000
ACTIONS = ("create", "amend", "void", "review", "regrade", "import", "export", "print", "discharge", "readmit",
           "login", "login_failed", "login_refused", "unlock", "change_role", "change_password", "setting")
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
    if d.get("setting"):
        parts.append(f"setting {d['setting']}: {_short(d.get('old'))} → {_short(d.get('new'))}")
    source = d.get("audit_detail") or {}
    if isinstance(source, dict) and source.get("file_name"):
        parts.append(f"from {source['file_name']} (SHA-256 {str(source.get('sha256', ''))[:12]}…)")
    elif d.get("file_name"):
        parts.append(f"file {d['file_name']} (SHA-256 {str(d.get('sha256', ''))[:12]}…)")
    return "; ".join(parts)


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= 60 else text[:57] + "…"


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
    report_requested = Signal()
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
        lay.addLayout(top)
        filters = QHBoxLayout()  # a row of its own, so the page fits 1366 px at 125 % font scale
        self.patient = QComboBox()
        self.patient.setAccessibleName("Filter by patient")
        self.patient.addItem("All patients", None)
        self.user = QComboBox()
        self.user.setAccessibleName("Filter by user")
        self.user.addItem("All users", None)
        self.action = QComboBox()
        self.action.setAccessibleName("Filter by action")
        self.action.addItem("All actions", None)
        for a in ACTIONS:
            self.action.addItem(a, a)
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
            filters.addWidget(w)
        filters.addStretch(1)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.clicked.connect(self.export_requested)
        top.addWidget(self.export_button)
        self.report_button = QPushButton("Audit &report PDF…")
        self.report_button.setToolTip("The events of the chosen patient and dates, with the chain verified now")
        self.report_button.clicked.connect(self.report_requested)
        top.addWidget(self.report_button)
        lay.addLayout(filters)
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
        self.mrns: dict[int, str] = {}
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh_requested)
        for sig in (self.patient.currentIndexChanged, self.user.currentIndexChanged, self.action.currentIndexChanged,
                    self.use_from.toggled, self.use_to.toggled, self.date_from.dateChanged, self.date_to.dateChanged):
            sig.connect(lambda *_: self._debounce.start())

    def _refill(self, combo: QComboBox, first: str, items: list[tuple[str, Any]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(first, None)
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def set_patients(self, patients: list[tuple[int, str, str]]) -> None:
        self._refill(self.patient, "All patients", [(f"{mrn} {name}", pid) for pid, mrn, name in patients])
        self.mrns = {pid: mrn for pid, mrn, _ in patients}

    def set_users(self, usernames: list[str]) -> None:
        self._refill(self.user, "All users", [(u, u) for u in usernames])

    def patient_id(self) -> int | None:
        data = self.patient.currentData()
        return int(data) if data is not None else None

    def date_range(self) -> tuple[date | None, date | None]:
        f = self.date_from.date().toPython() if self.use_from.isChecked() else None
        t = self.date_to.date().toPython() if self.use_to.isChecked() else None
        return f, t  # type: ignore[return-value]

    def filters(self) -> dict[str, Any]:
        """The ``services.events`` filters chosen (applied in the database)."""
        start, end = self.date_range()
        return {"patient_id": self.patient_id(), "actor": self.user.currentData(),
                "action": self.action.currentData(), "since": start, "until": end}

    def set_events(self, events: list[Any]) -> None:
        """The events matching ``filters()``, newest first, as the services returned them."""
        self.model.set_events(list(events), self.mrns)
        more = f" (the newest {AUDIT_LIMIT}; narrow the filters to see older ones)" if len(events) >= AUDIT_LIMIT else ""
        self.status.setText(f"{len(events)} events shown, newest first{more}. Filters are applied in the database.")

    @property
    def all_events(self) -> list[Any]:
        return list(self.model.events)

    def filtered(self) -> list[Any]:
        """The events shown (already filtered by the services)."""
        return list(self.model.events)
