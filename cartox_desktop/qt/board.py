"""The ward board: one row per active patient, fed by a plain list of ``data.BoardRow``.

Grades read as text ("G3 severe") with the colour as a second cue; an overdue ICE check reads
"OVERDUE" in bold on red. Sorting uses a numeric sort role; the filter matches bed, name, MRN,
product and alerts. Enter or a double-click opens the patient (``open_patient``).
"""

from __future__ import annotations

from datetime import datetime

from .data import BoardRow
from .pagehead import board_header, board_table
from .qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QColor,
    QFont,
    QKeyEvent,
    QLabel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from .theme import OVERDUE_BG, OVERDUE_FG, grade_colors, short_grade

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS = (
    ("bed", "Bed"), ("name", "Name"), ("mrn", "MRN"), ("product", "Product"), ("day", "Day"),
    ("crs_now", "CRS now"), ("crs_max", "CRS max"), ("icans_now", "ICANS now"), ("icans_max", "ICANS max"),
    ("trend", "Trend"), ("last_ice", "Last ICE/CAPD"), ("next_ice", "Next ICE due"), ("toci", "Toci 24h/all"),
    ("alerts", "Alerts"),
)
COL = {key: i for i, (key, _) in enumerate(COLUMNS)}


def _hm(t: datetime | None, now: datetime) -> str:
    """A time as the ward says it: 14:00 today, "yday 20:00", "tmrw 02:00", else 21.11 20:00."""
    if t is None:
        return ""
    days = (t.date() - now.date()).days
    prefix = {0: "", -1: "yday ", 1: "tmrw "}.get(days, t.strftime("%d.%m "))
    return prefix + t.strftime("%H:%M")


def _bed_key(bed: str) -> tuple[int, str]:
    digits = "".join(c for c in bed if c.isdigit())
    return (int(digits) if digits else 10**6, bed)


class BoardModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[BoardRow] = []
        self.now = datetime.now()
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[BoardRow], now: datetime | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.now = now or datetime.now()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def row_at(self, row: int) -> BoardRow:
        return self.rows[row]

    def text(self, r: BoardRow, key: str) -> str:
        now = self.now
        if key == "bed":
            return r.bed
        if key == "name":
            return r.name
        if key == "mrn":
            return r.mrn
        if key == "product":
            return r.product
        if key == "day":
            return f"D{r.day}"
        if key == "crs_now":
            return short_grade(r.crs_now, r.crs_now_complete) if r.last_time else "no assessment"
        if key == "crs_max":
            return short_grade(r.crs_max) if r.crs_max is not None else "—"
        if key == "icans_now":
            return short_grade(r.icans_now, r.icans_now_complete) if r.last_time else "no assessment"
        if key == "icans_max":
            return short_grade(r.icans_max) if r.icans_max is not None else "—"
        if key == "trend":
            direction, what = r.trend()
            if r.crs_prev is None and r.icans_prev is None:
                return ""
            arrow = {1: "▲ worse", -1: "▼ better", 0: "▶ same"}[direction]
            return f"{arrow[0]} {what}" if what else arrow
        if key == "last_ice":
            if r.last_ice_time is None:
                return "none yet"
            score = "not possible" if r.last_ice_score is None else (
                f"{r.last_ice_score}/10" if r.last_ice_kind == "ICE" else f"CAPD {r.last_ice_score}")
            return f"{score}  {_hm(r.last_ice_time, now)}"
        if key == "next_ice":
            if r.next_ice_due is None:
                return "—"
            if r.ice_overdue:
                return f"⚠ OVERDUE {_hm(r.next_ice_due, now)}"
            return f"{_hm(r.next_ice_due, now)} (q{r.ice_every_h:g}h)" if r.ice_every_h else _hm(r.next_ice_due, now)
        if key == "toci":
            return f"{r.toci_24h} / {r.toci_total}"
        if key == "alerts":
            if not r.alerts:
                return ""
            first = r.alerts[0].split(" [")[0]
            return f"⚠ {len(r.alerts)}: {first}" if len(r.alerts) > 1 else f"⚠ {first}"
        return ""

    def sort_value(self, r: BoardRow, key: str) -> object:
        far = datetime.max
        values: dict[str, object] = {
            "bed": _bed_key(r.bed), "name": r.name.lower(), "mrn": r.mrn, "product": r.product, "day": r.day,
            "crs_now": -1 if r.crs_now is None else r.crs_now, "crs_max": -1 if r.crs_max is None else r.crs_max,
            "icans_now": -1 if r.icans_now is None else r.icans_now,
            "icans_max": -1 if r.icans_max is None else r.icans_max,
            "trend": r.trend()[0], "last_ice": -1 if r.last_ice_score is None else r.last_ice_score,
            "next_ice": (0 if r.ice_overdue else 1, r.next_ice_due or far),
            "toci": (r.toci_24h, r.toci_total), "alerts": len(r.alerts),
        }
        return values[key]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(r, key)
        if role == SORT_ROLE:
            return self.sort_value(r, key)
        if role == ID_ROLE:
            return r.patient_id
        grade = {"crs_now": r.crs_now, "crs_max": r.crs_max, "icans_now": r.icans_now,
                 "icans_max": r.icans_max}.get(key, -2)
        has = key in ("crs_now", "icans_now") and r.last_time is not None or key in ("crs_max", "icans_max")
        if role == Qt.ItemDataRole.BackgroundRole:
            if grade != -2 and has:
                return grade_colors(grade)[0]  # type: ignore[arg-type]
            if key == "next_ice" and r.ice_overdue:
                return QColor(OVERDUE_BG)
            if key == "alerts" and r.alerts:
                return QColor("#fff3e0")
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if grade != -2 and has:
                return grade_colors(grade)[1]  # type: ignore[arg-type]
            if key == "next_ice" and r.ice_overdue:
                return QColor(OVERDUE_FG)
            return None
        if role == Qt.ItemDataRole.FontRole:
            if (key == "next_ice" and r.ice_overdue) or (grade not in (-2, None) and grade >= 3):  # type: ignore[operator]
                return self._bold
            if key == "name":
                return self._bold
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "alerts" and r.alerts:
                return "\n".join(r.alerts)
            if key == "next_ice" and r.next_ice_due:
                return (f"Next {r.last_ice_kind} check due {r.next_ice_due:%Y-%m-%d %H:%M}"
                        + (f" (every {r.ice_every_h:g} h per the protocol)" if r.ice_every_h else "")
                        + (" — OVERDUE" if r.ice_overdue else ""))
            if key == "trend":
                direction, what = r.trend()
                word = {1: "worse", -1: "better", 0: "unchanged"}[direction]
                return f"{word} since the previous assessment" + (f": {what}" if what else "")
            if key == "toci":
                lim = (f"; protocol limits {r.toci_max_24h} per 24 h, {r.toci_max_total} in total"
                       if r.toci_max_24h else "")
                return f"Tocilizumab doses: {r.toci_24h} in the last 24 h, {r.toci_total} in total{lim}"
            return self.text(r, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("day", "toci"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class BoardFilter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.text = ""
        self.only_attention = False

    def _refilter(self, change: object) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+ (invalidateFilter is deprecated there)
            self.beginFilterChange()
            change()  # type: ignore[operator]
            self.endFilterChange()
        else:  # pragma: no cover - older Qt
            change()  # type: ignore[operator]
            self.invalidateFilter()

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "text", text.strip().lower()))

    def set_only_attention(self, on: bool) -> None:
        self._refilter(lambda: setattr(self, "only_attention", on))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, BoardModel)
        r = model.rows[source_row]
        if self.only_attention and not (r.ice_overdue or r.alerts or r.worst_now >= 2):
            return False
        if not self.text:
            return True
        hay = " ".join((r.bed, r.name, r.mrn, r.product, " ".join(r.alerts))).lower()
        return all(word in hay for word in self.text.split())

    def lessThan(self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        a = left.data(SORT_ROLE)
        b = right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


class BoardTable(QTableView):
    open_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            pid = self.current_patient_id()
            if pid is not None:
                emit(self.open_requested, pid)
                return
        super().keyPressEvent(event)

    def current_patient_id(self) -> int | None:
        idx = self.currentIndex()
        if not idx.isValid():
            return None
        pid = idx.siblingAtColumn(0).data(ID_ROLE)
        return int(pid) if pid is not None else None


class BoardPage(QWidget):
    open_patient = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        top, self.title, self.filter_edit, self.attention = board_header(
            "Ward board", "Filter: bed, name, MRN, product, alert…  (Ctrl+F)", "Filter the ward board", 320,
            "Only needing attention (grade ≥ 2, alert or overdue)")
        top.addWidget(self.filter_edit)
        top.addWidget(self.attention)
        lay.addLayout(top)
        self.model = BoardModel(self)
        self.proxy = BoardFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = BoardTable()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL["bed"], Qt.SortOrder.AscendingOrder)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        board_table(self.table, "Ward board")
        widths = {"bed": 34, "name": 124, "mrn": 80, "product": 64, "day": 36, "crs_now": 96, "crs_max": 96,
                  "icans_now": 96, "icans_max": 96, "trend": 84, "last_ice": 124, "next_ice": 176, "toci": 80}
        for key, w in widths.items():
            self.table.setColumnWidth(COL[key], w)
        lay.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setStyleSheet("color:#546e7a;")
        lay.addWidget(self.status)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.attention.toggled.connect(self.proxy.set_only_attention)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.open_requested.connect(self.open_patient)

    def _double_clicked(self, index: QModelIndex) -> None:
        pid = index.siblingAtColumn(0).data(ID_ROLE)
        if pid is not None:
            emit(self.open_patient, int(pid))

    def set_rows(self, rows: list[BoardRow], now: datetime | None = None) -> None:
        current = self.table.current_patient_id()
        self.model.set_rows(rows, now)
        if current is not None:
            self.select_patient(current)
        overdue = sum(1 for r in rows if r.ice_overdue)
        alerts = sum(1 for r in rows if r.alerts)
        self.status.setText(f"{len(rows)} patients · {overdue} ICE/CAPD check(s) overdue · {alerts} with alerts · "
                            f"updated {self.model.now:%H:%M:%S}. Enter or double-click opens a patient.")

    def select_patient(self, patient_id: int) -> bool:
        for row in range(self.proxy.rowCount()):
            idx = self.proxy.index(row, 0)
            if idx.data(ID_ROLE) == patient_id:
                self.table.setCurrentIndex(idx)
                self.table.selectRow(row)
                return True
        return False
