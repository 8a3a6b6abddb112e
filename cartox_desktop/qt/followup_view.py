"""The "Discharged, in follow-up" view: discharged patients with the checks due and overdue, and
the late effects of the selected patient (infections, IgG, new malignancies, follow-up visits).

Fed by ``services.follow_up_board`` and ``services.late_effects`` on the worker thread (through
``AppContext``); entries are added through ``services.add_late_effect`` and amended or voided
with a reason and an electronic signature through the main window's signing dialog, like every
other record. Overdue reads "OVERDUE" in bold (colour only as a second cue). ``show_follow_up``
is the main window's hook (View menu).
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from cartox_desktop.clinical.followup import CHECK_WORDS, FOLLOW_UP_CHECKS, TRANSGENE_RESULTS

from .pagehead import board_header, board_table
from .qt import (
    QAbstractItemView,
    QCheckBox,
    QColor,
    QComboBox,
    QDate,
    QDateEdit,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFont,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from .theme import ERROR_FG, OVERDUE_BG, OVERDUE_FG

COLUMNS = ("Name", "MRN", "Product", "Day", "Overdue", "Due now", "Last IgG (mg/dL)", "Infections",
           "New cancer", "Late ICAHT", "Ig replacement")
INFECTION_SITES = ("bloodstream (sepsis)", "lung (pneumonia)", "upper respiratory tract", "urinary tract",
                   "skin and soft tissue", "gastrointestinal", "central nervous system", "catheter-related")
CTCAE_INFECTION_WORDS = {1: "1 mild", 2: "2 moderate", 3: "3 severe", 4: "4 life-threatening", 5: "5 death"}
TITLES = {"infection": "infection", "igg": "IgG level", "malignancy": "new malignancy", "visit": "follow-up visit"}


def _item(text: str, *, bold: bool = False, alert: bool = False, data: Any = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    item.setToolTip(text)
    if bold or alert:
        f = QFont()
        f.setBold(True)
        item.setFont(f)
    if alert:
        item.setBackground(QColor(OVERDUE_BG))
        item.setForeground(QColor(OVERDUE_FG))
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


def _short(status: Any) -> str:
    return f"{status.label} (day {status.day})"


class LateEffectDialog(QDialog):
    """Enter or amend one infection, IgG level, new malignancy or follow-up visit. The services
    check everything (refused fields are shown here); ``submitted`` then the caller saves."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None, kind: str, patient: Any, threshold: float,
                 record: Any = None) -> None:
        super().__init__(parent)
        self.kind, self.record = kind, record
        verb = "Amend" if record is not None else "Add"
        self.setWindowTitle(f"{verb} {TITLES[kind]} — {patient.name}")
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>{verb} {escape(TITLES[kind])}</b> — {escape(patient.name)} · MRN {escape(patient.mrn)}"
                      + (" · graded with CTCAE v5.0 (infection terms)" if kind == "infection" else ""))
        head.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(head)
        form = QFormLayout()
        self.date = QDateEdit(QDate.currentDate())
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        form.addRow("&Date", self.date)
        self.fields: dict[str, QWidget] = {"date": self.date}
        if kind == "infection":
            self.site = QComboBox()
            self.site.setEditable(True)
            self.site.addItems(INFECTION_SITES)
            self.site.setCurrentText("")
            self.organism = QLineEdit()
            self.organism.setPlaceholderText("if known, e.g. RSV, E. coli, Aspergillus")
            self.grade = QComboBox()
            for g, words in CTCAE_INFECTION_WORDS.items():
                self.grade.addItem(words, g)
            self.grade.setCurrentIndex(1)
            form.addRow("&Site", self.site)
            form.addRow("&Organism", self.organism)
            form.addRow("CTCAE v5.0 &grade", self.grade)
            self.fields.update(site=self.site, organism=self.organism, ctcae_grade=self.grade)
        elif kind == "igg":
            self.igg = QLineEdit()
            self.igg.setPlaceholderText("mg/dL (g/L × 100)")
            form.addRow("&IgG (mg/dL)", self.igg)
            hint = QLabel(f"Flagged as low below {threshold:g} mg/dL (ward setting). Record immunoglobulin "
                          "replacement as an intervention (drug: immunoglobulin).")
            hint.setWordWrap(True)
            form.addRow("", hint)
            self.fields["igg_mg_dl"] = self.igg
        elif kind == "malignancy":
            self.type = QLineEdit()
            self.type.setPlaceholderText("e.g. T-cell lymphoma, myelodysplastic syndrome, skin cancer")
            self.tested = QCheckBox("Tumour tested for the CAR transgene")
            self.result = QComboBox()
            self.result.addItems(TRANSGENE_RESULTS)
            self.result.setEnabled(False)
            self.tested.toggled.connect(self.result.setEnabled)
            form.addRow("&Type", self.type)
            form.addRow("", self.tested)
            form.addRow("Transgene &result", self.result)
            self.fields.update(type=self.type, car_transgene_tested=self.tested, car_transgene_result=self.result)
        else:
            self.checks: dict[str, QCheckBox] = {}
            box = QVBoxLayout()
            for check in FOLLOW_UP_CHECKS:
                cb = QCheckBox(CHECK_WORDS[check])
                self.checks[check] = cb
                box.addWidget(cb)
            holder = QWidget()
            holder.setLayout(box)
            form.addRow("Checks &done", holder)
            self.fields["checks"] = holder
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(60)
        form.addRow("&Note", self.note)
        self.fields["note"] = self.note
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color:{ERROR_FG}; font-weight:bold;")
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        if record is not None:
            self._load(record.content)
        self.resize(520, self.sizeHint().height())

    def _load(self, c: dict[str, Any]) -> None:
        self.date.setDate(QDate.fromString(str(c.get("date", "")), "yyyy-MM-dd"))
        self.note.setPlainText(str(c.get("note") or ""))
        if self.kind == "infection":
            self.site.setCurrentText(str(c.get("site") or ""))
            self.organism.setText(str(c.get("organism") or ""))
            self.grade.setCurrentIndex(max(0, self.grade.findData(c.get("ctcae_grade"))))
        elif self.kind == "igg":
            self.igg.setText(f"{c.get('igg_mg_dl', ''):g}" if isinstance(c.get("igg_mg_dl"), int | float) else "")
        elif self.kind == "malignancy":
            self.type.setText(str(c.get("type") or ""))
            self.tested.setChecked(bool(c.get("car_transgene_tested")))
            if c.get("car_transgene_result"):
                self.result.setCurrentText(str(c["car_transgene_result"]))
        else:
            for check, cb in self.checks.items():
                cb.setChecked(check in (c.get("checks") or ()))

    def entry(self) -> dict[str, Any]:
        """What was typed, as the service takes it (the service validates; nothing is dropped)."""
        out: dict[str, Any] = {"date": self.date.date().toString("yyyy-MM-dd")}
        if self.kind == "infection":
            out.update(site=self.site.currentText(), organism=self.organism.text().strip() or None,
                       ctcae_grade=self.grade.currentData())
        elif self.kind == "igg":
            text = self.igg.text().strip().replace(",", ".")
            try:
                out["igg_mg_dl"] = float(text) if text else None
            except ValueError:
                out["igg_mg_dl"] = text
        elif self.kind == "malignancy":
            out.update(type=self.type.text(), car_transgene_tested=self.tested.isChecked())
            if self.tested.isChecked():
                out["car_transgene_result"] = self.result.currentText()
        else:
            out["checks"] = [c for c, cb in self.checks.items() if cb.isChecked()]
        note = self.note.toPlainText().strip()
        if note:
            out["note"] = note
        return out

    def show_errors(self, errors: list[tuple[str, str]]) -> None:
        for name, widget in self.fields.items():
            widget.setStyleSheet(f"border:2px solid {ERROR_FG};" if any(p == name for p, _ in errors) else "")
        self.error.setText("⚠ " + "; ".join(f"{p}: {m}" if p else m for p, m in errors))
        first = next((self.fields[p] for p, _ in errors if p in self.fields), None)
        if first is not None:
            first.setFocus()
        self.buttons.setEnabled(True)

    def _ok(self) -> None:
        self.buttons.setEnabled(False)
        self.error.setText("")
        emit(self.submitted)

    def failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText("⚠ " + message)


class ImmunoglobulinDialog(QDialog):
    """Immunoglobulin replacement given: stored as an intervention (drug ``immunoglobulin``), as the
    chart's intervention dialog would. (The case format's dose field, at most 5,000 mg, cannot hold
    a replacement dose in grams, so no dose is recorded here.)"""

    submitted = Signal()

    def __init__(self, parent: QWidget | None, patient: Any) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Immunoglobulin replacement — {patient.name}")
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>Immunoglobulin replacement given</b> — {escape(patient.name)} · MRN {escape(patient.mrn)}")
        head.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(head)
        form = QFormLayout()
        self.time = QDateTimeEdit(QDateTime.currentDateTime())
        self.time.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time.setCalendarPopup(True)
        form.addRow("&Given at", self.time)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color:{ERROR_FG}; font-weight:bold;")
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(lambda: (self.buttons.setEnabled(False), emit(self.submitted)))
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)

    def entry(self) -> dict[str, Any]:
        return {"time": self.time.dateTime().toString("yyyy-MM-ddTHH:mm"), "drug": "immunoglobulin"}

    def failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText("⚠ " + message)


class FollowUpPage(QWidget):
    """The board of discharged patients (top) and the selected patient's late effects (bottom)."""

    back = Signal()

    def __init__(self, win: Any) -> None:
        super().__init__()
        self.win = win
        self.rows: list[Any] = []
        self.detail: Any = None  # LateEffects of the selected patient
        self.today: date | None = None  # None: today (tests fix it)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        top, self.title, self.filter_edit, self.attention = board_header(
            "Discharged, in follow-up", "Filter: name, MRN, product…", "Filter the follow-up board", 260,
            "Only with checks due or overdue")
        back = QPushButton("◀ Ward &board")
        back.clicked.connect(lambda: emit(self.back))
        refresh = QPushButton("&Refresh")
        refresh.clicked.connect(lambda: self.refresh())
        for w in (self.filter_edit, self.attention, refresh, back):
            top.addWidget(w)
        lay.addLayout(top)

        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        board_table(self.table, "Discharged patients in follow-up")
        for col, w in enumerate((140, 80, 66, 46, 250, 250, 140, 96, 96, 86)):
            self.table.setColumnWidth(col, w)
        split.addWidget(self.table)

        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 4, 0, 0)
        self.patient_label = QLabel("Select a patient to see the late effects and the follow-up schedule.")
        self.patient_label.setTextFormat(Qt.TextFormat.RichText)
        self.patient_label.setWordWrap(True)
        bl.addWidget(self.patient_label)
        panes = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel("<b>Follow-up schedule</b> (protocol file)"))
        self.schedule = QListWidget()
        self.schedule.setAccessibleName("Follow-up schedule")
        left.addWidget(self.schedule, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        left.addWidget(self.summary)
        panes.addLayout(left, 2)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Late effects</b> (voided entries struck through)"))
        self.entries = QTableWidget(0, 5)
        self.entries.setHorizontalHeaderLabels(["Date", "Day", "Entry", "By", "Version"])
        self.entries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entries.verticalHeader().setVisible(False)
        for col, w in enumerate((90, 50, 430, 90, 60)):
            self.entries.setColumnWidth(col, w)
        self.entries.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.entries.setAccessibleName("Late effects")
        right.addWidget(self.entries, 1)
        buttons = QHBoxLayout()
        self.add_buttons: dict[str, QPushButton] = {}
        for kind, text in (("infection", "Add &infection…"), ("igg", "Add I&gG…"),
                           ("malignancy", "Add new &malignancy…"), ("visit", "Record &visit…")):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, k=kind: self.add(k))
            self.add_buttons[kind] = b
            buttons.addWidget(b)
        self.ig_button = QPushButton("I&g replacement given…")
        self.ig_button.clicked.connect(lambda: self.immunoglobulin())
        buttons.addWidget(self.ig_button)
        buttons.addStretch(1)
        self.amend_button = QPushButton("&Amend…")
        self.void_button = QPushButton("V&oid…")
        self.history_button = QPushButton("&History…")
        self.chart_button = QPushButton("Open &chart")
        self.sheet_button = QPushButton("Discharge &sheet PDF…")
        self.amend_button.clicked.connect(lambda: self.amend())
        self.void_button.clicked.connect(lambda: self.void())
        self.history_button.clicked.connect(lambda: self.history())
        self.chart_button.clicked.connect(lambda: self._open_chart())
        self.sheet_button.clicked.connect(lambda: self.save_discharge_sheet())
        for b in (self.amend_button, self.void_button, self.history_button, self.chart_button, self.sheet_button):
            buttons.addWidget(b)
        panes.addLayout(right, 3)
        bl.addLayout(panes, 1)
        bl.addLayout(buttons)
        split.addWidget(bottom)
        split.setSizes([300, 340])
        lay.addWidget(split, 1)
        self.status = QLabel()
        self.status.setStyleSheet("color:#546e7a;")
        lay.addWidget(self.status)

        self.filter_edit.textChanged.connect(lambda _t: self._fill())
        self.attention.toggled.connect(lambda _on: self._fill())
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _i: self._open_chart())
        self._set_buttons()

    # ---- data ------------------------------------------------------------------------------------
    def _today(self) -> date:
        return self.today or date.today()

    def refresh(self) -> None:
        ctx = self.win.ctx
        if ctx.actor is None or ctx.services is None:
            return
        ward = ctx.settings.ward or None
        ctx.call("follow_up_board", self._today(), ward=ward, label="loading the follow-up board").success(
            self.set_rows).run()

    def set_rows(self, rows: list[Any]) -> None:
        self.rows = list(rows)
        self._fill()
        overdue = sum(1 for r in rows if r.overdue)
        due = sum(1 for r in rows if r.due)
        self.title.setText(f"Discharged, in follow-up — {self.win.ctx.settings.ward or 'all wards'} — "
                           f"as of {self._today():%Y-%m-%d}")
        self.status.setText(f"{len(rows)} discharged patients · {overdue} with checks overdue · {due} with checks "
                            "due now. Double-click opens the chart. Schedule and windows come from the protocol "
                            "file.")

    def _visible(self) -> list[Any]:
        words = self.filter_edit.text().strip().lower().split()
        out = []
        for r in self.rows:
            if self.attention.isChecked() and not (r.overdue or r.due):
                continue
            hay = " ".join((r.patient.name, r.patient.mrn, r.patient.product or "")).lower()
            if all(w in hay for w in words):
                out.append(r)
        return out

    def _fill(self) -> None:
        current = self.current_patient_id()
        self.table.blockSignals(True)
        rows = self._visible()
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            p = r.patient
            igg = r.last_igg
            igg_text = "—" if igg is None else f"{igg.igg_mg_dl:g}{' LOW' if igg.low else ''} · {igg.date:%d.%m.%y}"
            died = f"died {r.died.isoformat()}" if r.died else ""
            cells = [
                _item(p.name, bold=True, data=p.id), _item(p.mrn), _item(p.product or ""), _item(f"D{r.day}"),
                _item(died or ("⚠ OVERDUE: " + "; ".join(_short(s) for s in r.overdue) if r.overdue else ""),
                      alert=bool(r.overdue) and not died),
                _item("; ".join(_short(s) for s in r.due), bold=bool(r.due)),
                _item(igg_text, bold=bool(igg and igg.low)),
                _item("—" if not r.infections else f"{r.infections} (worst G{r.worst_infection_grade})"),
                _item("YES" if r.malignancies else "—", bold=bool(r.malignancies)),
                _item("—" if r.icaht_late_grade is None else f"G{r.icaht_late_grade}",
                      bold=bool(r.icaht_late_grade and r.icaht_late_grade >= 3)),
                _item("—" if r.last_immunoglobulin is None else f"last {r.last_immunoglobulin:%d.%m.%y}"),
            ]
            for col, item in enumerate(cells):
                self.table.setItem(i, col, item)
        self.table.blockSignals(False)
        if current is not None and not self.select_patient(current):
            self.set_detail(None)

    def current_patient_id(self) -> int | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def select_patient(self, patient_id: int) -> bool:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == patient_id:
                self.table.selectRow(row)
                self.table.setCurrentCell(row, 0)
                return True
        return False

    def _selected(self) -> None:
        pid = self.current_patient_id()
        if pid is None:
            self.set_detail(None)
            return
        self.load_detail(pid)

    def load_detail(self, patient_id: int) -> None:
        self.win.ctx.call("late_effects", patient_id, today=self._today(), label="loading the late effects").success(
            self.set_detail).run()

    def set_detail(self, le: Any) -> None:
        self.detail = le
        self.schedule.clear()
        self.entries.setRowCount(0)
        if le is None:
            self.patient_label.setText("Select a patient to see the late effects and the follow-up schedule.")
            self.summary.setText("")
            self._set_buttons()
            return
        p = le.patient
        self.patient_label.setText(
            f"<b style='font-size:12pt'>{escape(p.name)}</b> · MRN {escape(p.mrn)} · {escape(p.product or '?')} · "
            f"infused {p.infusion_date:%Y-%m-%d} · day {p.day_on(le.today)}"
            + (f" · <b>died {escape(str(p.death.get('date')))}</b>" if p.death else ""))
        for s in le.follow_up:
            item = QListWidgetItem(("⚠ " if s.status == "overdue" else "● " if s.status == "due" else "   ")
                                   + s.describe())
            item.setToolTip(f"{s.label}: ± {s.window_days} days; source: {s.source}"
                            + (f"; last done {s.last_done:%Y-%m-%d}" if s.last_done else ""))
            if s.needs_action:
                f = QFont()
                f.setBold(True)
                item.setFont(f)
            self.schedule.addItem(item)
        if not le.follow_up:
            self.schedule.addItem("No schedule (the patient died, or the protocol file has no [[follow_up]]).")
        parts = []
        if le.igg:
            last = le.igg[-1]
            parts.append(f"Last IgG <b>{last.igg_mg_dl:g} mg/dL</b> on {last.date:%Y-%m-%d}"
                         + (f" — <b>below the threshold of {le.igg_threshold_mg_dl:g} mg/dL</b>" if last.low else
                            f" (threshold {le.igg_threshold_mg_dl:g} mg/dL)"))
        else:
            parts.append(f"No IgG level yet (threshold {le.igg_threshold_mg_dl:g} mg/dL).")
        parts.append("Immunoglobulin replacement: " + (", ".join(f"{iv.time:%Y-%m-%d}" for iv in le.immunoglobulin)
                                                       if le.immunoglobulin else "none recorded"))
        icaht = "not graded" if le.icaht_late_grade is None else f"<b>grade {le.icaht_late_grade}</b>"
        parts.append(f"Prolonged cytopenia (late ICAHT, days 31–100, EHA/EBMT 2023): {icaht}")
        self.summary.setText("<br>".join(parts))
        self.entries.setRowCount(len(le.entries))
        for i, e in enumerate(le.entries):
            cells = [_item(f"{e.date:%Y-%m-%d}", data=e.id), _item(str(e.day)),
                     _item(e.summary + (f" — VOIDED: {e.void_reason}" if e.voided else ""),
                           bold=(e.kind == "malignancy" and not e.voided)),
                     _item(e.updated_by or e.created_by), _item(f"v{e.version}")]
            for col, item in enumerate(cells):
                if e.voided:
                    f = item.font()
                    f.setStrikeOut(True)
                    item.setFont(f)
                self.entries.setItem(i, col, item)
        self._set_buttons()

    def _set_buttons(self) -> None:
        has = self.detail is not None
        for b in (*self.add_buttons.values(), self.ig_button, self.history_button, self.chart_button,
                  self.sheet_button, self.amend_button):
            b.setEnabled(has)
        self.void_button.setEnabled(has and self.win.ctx.can("void"))

    def selected_entry(self) -> Any:
        if self.detail is None:
            return None
        row = self.entries.currentRow()
        item = self.entries.item(row, 0) if row >= 0 else None
        if item is None:
            return None
        rid = item.data(Qt.ItemDataRole.UserRole)
        return next((e for e in self.detail.entries if e.id == rid), None)

    # ---- actions ---------------------------------------------------------------------------------
    def _saved(self, result: Any, what: str) -> None:
        self.win.statusBar().showMessage(f"{what} (audit event #{result.event_seq}).", 8000)
        self.refresh()
        self.load_detail(result.record.patient_id)

    def add(self, kind: str) -> None:
        le = self.detail
        if le is None or self.win.ctx.actor is None:
            return
        dlg = LateEffectDialog(self.win, kind, le.patient, le.igg_threshold_mg_dl)
        s, ctx = self.win.ctx.services, self.win.ctx

        def failed(exc: BaseException) -> None:
            if isinstance(exc, s.SignatureRequired):
                dlg.accept()
                self.win._sign_and_save("Electronic signature", f"<b>{escape(str(exc))}</b>", "",
                                        lambda _r, sig: s.add_late_effect(ctx.store, ctx.actor, le.patient.id, kind,
                                                                          dlg.entry(), signature=sig,
                                                                          today=self._today()),
                                        need_reason=False, meaning=exc.meaning,
                                        done=lambda r: self._saved(r, f"{TITLES[kind].capitalize()} saved"))
            elif isinstance(exc, s.ValidationFailed):
                dlg.show_errors([(i.path, i.message) for i in exc.errors])
            else:
                dlg.failed(str(exc))

        def submit() -> None:
            ctx.call_as_user("add_late_effect", le.patient.id, kind, dlg.entry(), today=self._today(),
                             label=f"saving the {TITLES[kind]}").success(
                lambda r: (dlg.accept(), self._saved(r, f"{TITLES[kind].capitalize()} saved"))).failure(failed).run()

        dlg.submitted.connect(submit)
        self.win.dialog = dlg
        dlg.open()

    def immunoglobulin(self) -> None:
        le = self.detail
        if le is None or self.win.ctx.actor is None:
            return
        dlg = ImmunoglobulinDialog(self.win, le.patient)
        dlg.submitted.connect(lambda: self.win.ctx.call_as_user(
            "add_intervention", le.patient.id, dlg.entry(), label="saving the immunoglobulin replacement").success(
            lambda r: (dlg.accept(), self._saved(r, "Immunoglobulin replacement saved"))).failure(
            lambda exc: dlg.failed(str(exc))).run())
        self.win.dialog = dlg
        dlg.open()

    def amend(self) -> None:
        e = self.selected_entry()
        if e is None or e.voided or self.detail is None:
            return
        dlg = LateEffectDialog(self.win, e.kind, self.detail.patient, self.detail.igg_threshold_mg_dl, e)
        s, ctx = self.win.ctx.services, self.win.ctx

        def submit() -> None:
            entry = dlg.entry()
            dlg.accept()

            def call(reason: str, sig: Any) -> Any:
                return s.amend_late_effect(ctx.store, ctx.actor, e.id, entry, expected_version=e.version,
                                           reason=reason, signature=sig, today=self._today())

            self.win._sign_and_save(f"Amend {TITLES[e.kind]}", f"Amend the {TITLES[e.kind]} of "
                                    f"<b>{e.date:%Y-%m-%d}</b> (version {e.version})", "", call,
                                    done=lambda r: self._saved(r, "Amended"))

        dlg.submitted.connect(submit)
        self.win.dialog = dlg
        dlg.open()

    def void(self) -> None:
        e = self.selected_entry()
        if e is None or e.voided:
            return
        s, ctx = self.win.ctx.services, self.win.ctx

        def call(reason: str, sig: Any) -> Any:
            return s.void_late_effect(ctx.store, ctx.actor, e.id, expected_version=e.version, reason=reason,
                                      signature=sig)

        self.win._sign_and_save(f"Void {TITLES[e.kind]}", f"Void the {TITLES[e.kind]} of <b>{e.date:%Y-%m-%d}</b>? "
                                "It stays stored, struck through, with your reason.", escape(e.summary), call,
                                done=lambda r: self._saved(r, "Voided"))

    def history(self) -> None:
        e = self.selected_entry()
        if e is None:
            return
        from .dialogs import HistoryDialog

        def shown(versions: Any) -> None:
            dlg = HistoryDialog(self.win, f"History of the {TITLES[e.kind]} of {e.date:%Y-%m-%d}", versions)
            self.win.dialog = dlg
            dlg.open()

        self.win.ctx.call("record_history", "late_effect", e.id, label="loading the history").success(shown).run()

    def _open_chart(self) -> None:
        pid = self.current_patient_id()
        if pid is not None:
            self.win.open_patient(pid)

    def save_discharge_sheet(self, path: Path | None = None) -> None:
        """Build the patient's discharge sheet (archived as a print event) and save it as PDF."""
        if self.detail is None:
            return
        mrn = self.detail.patient.mrn
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "Save the discharge sheet",
                                                  str(Path.home() / f"discharge-{mrn}.pdf"), "PDF (*.pdf)")
            if not name:
                return
            path = Path(name)
        ctx = self.win.ctx
        store, actor = ctx.store, ctx.actor

        def run() -> Any:
            from cartox_desktop.reports.discharge import print_discharge_sheet

            doc = print_discharge_sheet(store, actor, mrn)
            tmp = path.with_name(path.name + ".partial")
            tmp.write_bytes(doc.pdf)
            tmp.replace(path)
            return doc

        ctx.op(run, "printing the discharge sheet").success(
            lambda doc: self.win.statusBar().showMessage(
                f"Discharge sheet saved to {path} (audit event #{doc.event_seq}).", 10000)).run()


def show_follow_up(win: Any) -> None:
    """The main window's hook: show the follow-up view (created on first use) and refresh it."""
    if win.ctx.actor is None or win.locked:
        return
    page = getattr(win, "follow_up", None)
    if page is None:
        page = FollowUpPage(win)
        page.back.connect(win.show_board)
        win.follow_up = page
        win.stack.addWidget(page)
    win.stack.setCurrentWidget(page)
    page.table.setFocus()
    page.refresh()
