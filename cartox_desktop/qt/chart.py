"""The patient chart: header, timeline plot, tables of assessments, labs and interventions, and
the course summary. Actions (new assessment, intervention, amend, void, history, print, edit,
discharge) are emitted as signals; the main window runs them through the services."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from cartox_desktop.clinical import grade_words
from cartox_desktop.clinical.units import fmt

from .assessment.spec import CONSCIOUSNESS_WORDS, LAB_WORDS, O2_WORDS
from .data import chart_data, ice_of
from .qt import (
    QAbstractItemView,
    QBrush,
    QColor,
    QFont,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from .theme import grade_colors, short_grade
from .timeline import TimelineWidget

KIND_ROLE = Qt.ItemDataRole.UserRole + 10


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    t.verticalHeader().setDefaultSectionSize(22)
    return t


def _status(r: Any) -> str:
    if r.voided:
        return f"VOIDED: {r.void_reason or ''}"
    if r.version and r.version > 1:
        return f"amended (v{r.version}) by {r.updated_by or ''}"
    return "recorded"


class ChartPage(QWidget):
    new_assessment = Signal()
    new_intervention = Signal()
    amend_record = Signal(str, int)
    void_record = Signal(str, int)
    show_history = Signal(str, int)
    edit_patient = Signal()
    discharge_patient = Signal()
    print_report = Signal()
    save_report_pdf = Signal()
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline_data: Any = None
        self.records: dict[tuple[str, int], Any] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        head = QHBoxLayout()
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setAccessibleName("Patient header")
        head.addWidget(self.header, 1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, sig in (
            ("back", "◀ &Board", self.back), ("assess", "&New assessment (Ctrl+N)", self.new_assessment),
            ("interv", "&Intervention (Ctrl+I)", self.new_intervention), ("print", "&Print…", None),
            ("edit", "&Edit patient…", self.edit_patient), ("discharge", "Dis&charge…", self.discharge_patient),
        ):
            b = QPushButton(text)
            if sig is not None:
                b.clicked.connect(sig)
            b.setAutoDefault(False)
            self.buttons[key] = b
            head.addWidget(b)
        menu = QMenu(self.buttons["print"])
        menu.addAction("&Print the patient report…", lambda: emit(self.print_report))
        menu.addAction("&Save the patient report as PDF…", lambda: emit(self.save_report_pdf))
        self.buttons["print"].setMenu(menu)
        lay.addLayout(head)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        self.plot = TimelineWidget()
        split.addWidget(self.plot)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.assessments = _table(["Time", "Day", "Temp °C", "SBP", "O₂", "ICE/CAPD", "Consciousness",
                                   "CRS (ASTCT)", "ICANS (ASTCT)", "CTCAE CRS", "By", "Status"])
        self.labs = _table(["Time", "Day", "Values", "By", "Status"])
        self.interventions = _table(["Time", "Day", "Drug", "Dose", "Given by", "Entered by", "Status"])
        self.course = QTextBrowser()
        self.course.setAccessibleName("Course summary")
        self.tabs.addTab(self.assessments, "&Assessments")
        self.tabs.addTab(self.labs, "&Labs")
        self.tabs.addTab(self.interventions, "In&terventions")
        self.tabs.addTab(self.course, "Course &summary")
        ll.addWidget(self.tabs, 1)
        rec = QHBoxLayout()
        rec.addWidget(QLabel("Selected record:"))
        for key, text in (("history", "&History…"), ("amend", "A&mend…"), ("void", "&Void…")):
            b = QPushButton(text)
            b.setAutoDefault(False)
            b.clicked.connect(lambda _=False, k=key: self._record_action(k))
            self.buttons[key] = b
            rec.addWidget(b)
        rec.addStretch(1)
        self.selection_label = QLabel("")
        self.selection_label.setStyleSheet("color:#546e7a;")
        rec.addWidget(self.selection_label)
        ll.addLayout(rec)
        split.addWidget(lower)
        split.setSizes([330, 330])
        lay.addWidget(split, 1)
        for t in (self.assessments, self.labs, self.interventions):
            t.itemSelectionChanged.connect(self._selection_changed)
            t.doubleClicked.connect(lambda _=None: self._record_action("history"))
        self._selection_changed()

    # ---- data -----------------------------------------------------------------------------------
    def set_timeline(self, tl: Any, now: datetime | None = None) -> None:
        self.timeline_data = tl
        now = now or datetime.now()
        p = tl.patient
        day = (now.date() - p.infusion_date).days
        status = "" if p.status == "active" else f" · <b style='color:#b00020'>{escape(p.status.upper())}</b>"
        self.header.setText(
            f"<span style='font-size:14pt'><b>{escape(p.name)}</b></span> &nbsp; MRN <b>{escape(p.mrn)}</b>"
            f" &nbsp; <b>day {day}</b>{status}<br>"
            f"{fmt(p.age_years)} y · {fmt(p.weight_kg) + ' kg' if p.weight_kg is not None else 'weight missing'} · "
            f"{escape(p.product or 'product not given')} · infused {p.infusion_date:%Y-%m-%d} · "
            f"ward {escape(p.ward or '—')} bed {escape(p.bed or '—')}")
        self.plot.set_data(chart_data(tl, now))
        self.records = {}
        self._fill_assessments(tl)
        self._fill_labs(tl)
        self._fill_interventions(tl)
        self.course.setHtml(course_html(tl))
        self._selection_changed()

    def _item(self, text: str, r: Any, kind: str) -> QTableWidgetItem:
        it = QTableWidgetItem(text)
        it.setData(KIND_ROLE, (kind, r.id))
        if r.voided:
            f = QFont()
            f.setStrikeOut(True)
            it.setFont(f)
            it.setForeground(QBrush(QColor("#78909c")))
        return it

    def _fill_assessments(self, tl: Any) -> None:
        t = self.assessments
        rows = list(reversed(tl.assessments))
        t.setRowCount(len(rows))
        for i, r in enumerate(rows):
            self.records[("assessment", r.id)] = r
            c = r.content
            res = r.grades.result if r.grades else {}
            ice = ice_of(r)
            ice_text = "" if ice is None else (f"{ice[0]} {'n/a' if ice[1] is None else ice[1]}")
            o2 = O2_WORDS.get(c.get("o2_device", ""), "")
            if c.get("o2_flow_l_min") is not None:
                o2 += f" {fmt(c['o2_flow_l_min'])} L/min"
            cells = [r.time.strftime("%Y-%m-%d %H:%M"), f"D{r.day}",
                     fmt(c["temperature_c"]) if c.get("temperature_c") is not None else "",
                     fmt(c["systolic_bp_mmhg"]) if c.get("systolic_bp_mmhg") is not None else "", o2, ice_text,
                     CONSCIOUSNESS_WORDS.get(c.get("consciousness", ""), "")]
            for col, text in enumerate(cells):
                t.setItem(i, col, self._item(text, r, "assessment"))
            for col, key in ((7, "crs_astct"), (8, "icans_astct"), (9, "crs_ctcae")):
                g = res.get(key) or {}
                it = self._item(short_grade(g.get("grade"), g.get("complete", True)) if res else "", r, "assessment")
                if res and not r.voided:
                    bg, fg = grade_colors(g.get("grade"))
                    it.setBackground(QBrush(bg))
                    it.setForeground(QBrush(fg))
                    it.setToolTip("; ".join(g.get("reasons") or []))
                t.setItem(i, col, it)
            t.setItem(i, 10, self._item(r.created_by, r, "assessment"))
            t.setItem(i, 11, self._item(_status(r), r, "assessment"))
        t.resizeColumnsToContents()

    def _fill_labs(self, tl: Any) -> None:
        t = self.labs
        rows = list(reversed(tl.labs))
        t.setRowCount(len(rows))
        for i, r in enumerate(rows):
            self.records[("lab", r.id)] = r
            values = ", ".join(f"{LAB_WORDS.get(k, (k, ''))[0]} {fmt(v)} {LAB_WORDS.get(k, ('', ''))[1]}".strip()
                               for k, v in r.content.items() if k not in ("time", "date"))
            for col, text in enumerate([r.time.strftime("%Y-%m-%d %H:%M"), f"D{r.day}", values, r.created_by,
                                        _status(r)]):
                t.setItem(i, col, self._item(text, r, "lab"))
        t.resizeColumnsToContents()

    def _fill_interventions(self, tl: Any) -> None:
        from .dialogs import DRUG_WORDS

        t = self.interventions
        rows = list(reversed(tl.interventions))
        t.setRowCount(len(rows))
        for i, r in enumerate(rows):
            self.records[("intervention", r.id)] = r
            c = r.content
            drug = c.get("name") or DRUG_WORDS.get(c.get("drug", ""), c.get("drug", ""))
            dose = f"{fmt(c['dose_mg'])} mg" if c.get("dose_mg") is not None else ""
            for col, text in enumerate([r.time.strftime("%Y-%m-%d %H:%M"), f"D{r.day}", drug, dose,
                                        r.given_by or "", r.created_by, _status(r)]):
                t.setItem(i, col, self._item(text, r, "intervention"))
        t.resizeColumnsToContents()

    # ---- selection ------------------------------------------------------------------------------
    def selected(self) -> tuple[str, int] | None:
        t = self.tabs.currentWidget()
        if not isinstance(t, QTableWidget):
            return None
        items = t.selectedItems()
        if not items:
            return None
        data = items[0].data(KIND_ROLE)
        return (str(data[0]), int(data[1])) if data else None

    def select_record(self, kind: str, record_id: int) -> bool:
        table = {"assessment": self.assessments, "lab": self.labs, "intervention": self.interventions}[kind]
        self.tabs.setCurrentWidget(table)
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            if item is not None and item.data(KIND_ROLE) == (kind, record_id):
                table.selectRow(row)
                table.setCurrentCell(row, 0)
                return True
        return False

    def _selection_changed(self) -> None:
        sel = self.selected()
        rec = self.records.get(sel) if sel else None
        for key in ("history", "amend", "void"):
            self.buttons[key].setEnabled(rec is not None and (key == "history" or not rec.voided))
        self.selection_label.setText(f"{sel[0]} {sel[1]}, version {rec.version}" if rec and sel else
                                     "select a row in a table")

    def _record_action(self, action: str) -> None:
        sel = self.selected()
        if sel is None:
            return
        emit({"history": self.show_history, "amend": self.amend_record, "void": self.void_record}[action], *sel)

    def set_permissions(self, can_void: bool, can_patients: bool) -> None:
        self.buttons["void"].setVisible(can_void)
        self.buttons["edit"].setVisible(can_patients)
        self.buttons["discharge"].setVisible(can_patients)


def course_html(tl: Any) -> str:
    c = tl.course.result if tl.course else {}
    if not c:
        return "<p>No course graded yet.</p>"

    def onset(day: Any) -> str:
        return f" (onset day {day})" if day is not None else ""

    rows = [
        ("Maximum CRS (ASTCT)", grade_words(c.get("crs_max_grade")) + onset(c.get("crs_onset_day"))
         + (f", resolved day {c['crs_resolution_day']}" if c.get("crs_resolution_day") is not None else "")),
        ("Maximum ICANS (ASTCT)", grade_words(c.get("icans_max_grade")) + onset(c.get("icans_onset_day"))
         + (f", resolved day {c['icans_resolution_day']}" if c.get("icans_resolution_day") is not None else "")),
        ("Maximum CRS (CTCAE v5)", grade_words(c.get("crs_ctcae_max_grade"))),
    ]
    icaht = c.get("icaht") or {}
    rows.append(("ICAHT (EHA/EBMT 2023)", f"early {_g(icaht.get('early_grade'))}, late {_g(icaht.get('late_grade'))}"))
    ht = c.get("car_hematotox") or {}
    rows.append(("CAR-HEMATOTOX", f"score {ht.get('score', '—')} ({ht.get('risk', 'not scored')} risk)"
                 if ht.get("score") is not None else "not scored (baseline labs missing)"))
    iec = c.get("iec_hs") or {}
    rows.append(("IEC-HS screening", f"criteria met on day {iec.get('first_day')} (grade {iec.get('grade')}): "
                 "a clinician must confirm" if iec.get("met") else "criteria not met"))
    easix = next((a.grades.result.get("easix") for a in reversed(tl.assessments)
                  if not a.voided and a.grades and a.grades.result.get("easix") is not None), None)
    rows.append(("EASIX (latest)", fmt(round(easix, 2)) if easix is not None else "no LDH/creatinine/platelets yet"))
    toci = c.get("tocilizumab") or {}
    rows.append(("Tocilizumab", f"{toci.get('doses_total', 0)} dose(s) in total; computed dose "
                 f"{fmt(round(toci['computed_dose_mg'])) + ' mg' if toci.get('computed_dose_mg') else 'needs weight'}"))
    html = "<table cellpadding='3'>" + "".join(
        f"<tr><td><b>{escape(k)}</b></td><td>{escape(str(v))}</td></tr>" for k, v in rows) + "</table>"
    alerts = c.get("alerts") or []
    if alerts:
        html += "<p><b style='color:#b00020'>Alerts</b></p><ul>" + "".join(f"<li>{escape(a)}</li>" for a in alerts) + "</ul>"
    sugg = c.get("suggestions") or []
    if sugg:
        html += "<p><b>The protocol suggests</b></p><ul>" + "".join(
            f"<li>{escape(s['text'])}<br><i>Source: {escape(s['source'])}</i></li>" for s in sugg) + "</ul>"
    for key, title in (("icaht", "ICAHT"), ("iec_hs", "IEC-HS"), ("car_hematotox", "CAR-HEMATOTOX")):
        part = c.get(key) or {}
        if part.get("reasons"):
            html += f"<p><b>{title}:</b> " + escape("; ".join(part["reasons"])) + (
                f" <i>({escape(part['source'])})</i>" if part.get("source") else "") + "</p>"
    html += f"<p style='color:#607d8b'>Graded {escape(tl.course.graded_at)} with {escape(tl.course.rules_version)}</p>"
    return html


def _g(v: Any) -> str:
    return "—" if v is None else f"grade {v}"
