"""Importing a laboratory CSV export: file, column mapping, preview, confirm (issue 7).

Built in code (its table comes from data). The file is read and checked by
``cartox_desktop.interop.labcsv`` through ``services.interop.preview_lab_file`` on the worker:
one table row per value with its conversion ("ANC 1.2 10⁹/L → 1200 /µL"), refused rows in red
with the column, the value and what is accepted, rows of unknown MRNs in orange. Nothing is
stored until the user presses Import; the whole file is then stored by ``services.import_labs``
in one transaction (all or nothing), each value audited with the file's name and SHA-256.
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from .qt import (
    QAbstractItemView,
    QBrush,
    QCheckBox,
    QColor,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from .theme import ERROR_FG

REFUSED_BG = QColor("#fdecea")
UNKNOWN_BG = QColor("#fff3e0")
COLUMNS = ("Row", "MRN", "Patient", "Time (day)", "Lab", "Stored as", "From the file", "Check")
MAX_LISTED = 5  # refusals listed under the table (all are in the table, each with its tooltip)


def _cell(text: str, bg: QColor | None = None, tip: str = "", bold: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if bg is not None:
        item.setBackground(QBrush(bg))
    if tip:
        item.setToolTip(tip)
    if bold:
        f = item.font()
        f.setBold(True)
        item.setFont(f)
    return item


class LabImportDialog(QDialog):
    """File → mapping → preview (nothing stored) → Import (one transaction) → ``imported``."""

    imported = Signal(object)  # services.interop.LabImportResult

    def __init__(self, parent: QWidget | None, ctx: Any, path: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mappings: dict[str, tuple[Any, str]] = {}
        self.checked: Any = None  # services.interop.LabFilePreview of the current file + mapping
        self.file_error: str = ""
        self.result: Any = None
        self.setWindowTitle("Import lab results (CSV) — CARTOX Desktop")
        lay = QVBoxLayout(self)
        intro = QLabel("Read a laboratory CSV export with the hospital's column mapping. Every value is converted to "
                       "the unit CARTOX stores and checked; <b>nothing is stored until you press Import</b>, and then "
                       "the whole file is stored at once or not at all, each value audited with the file's name "
                       "and SHA-256.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        file_row = QHBoxLayout()
        self.path_edit = QLineEdit(path)
        self.path_edit.setAccessibleName("Lab file")
        self.path_edit.setPlaceholderText("the CSV file exported by the laboratory system")
        self.browse = QPushButton("&Choose file…")
        self.browse.setAutoDefault(False)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse)
        file_label = QLabel("&File")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, file_row)
        self.mapping_combo = QComboBox()
        self.mapping_combo.setAccessibleName("Column mapping")
        self.mapping_combo.setMinimumWidth(260)
        self.mapping_info = QLabel()
        self.mapping_info.setStyleSheet("color:#546e7a;")
        self.mapping_info.setWordWrap(True)
        map_row = QHBoxLayout()
        map_row.addWidget(self.mapping_combo)
        map_row.addWidget(self.mapping_info, 1)
        map_label = QLabel("&Mapping")
        map_label.setBuddy(self.mapping_combo)
        form.addRow(map_label, map_row)
        self.skip_unknown = QCheckBox("Leave out the rows of unknown MRNs (otherwise the file is refused)")
        form.addRow("", self.skip_unknown)
        lay.addLayout(form)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Preview of the lab values")
        for col, w in enumerate((44, 92, 150, 180, 96, 110, 280)):
            self.table.setColumnWidth(col, w)
        lay.addWidget(self.table, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.summary)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color:{ERROR_FG}; font-weight:bold;")
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        lay.addWidget(self.buttons)
        self.buttons.accepted.connect(self._import)
        self.buttons.rejected.connect(self.reject)
        self.browse.clicked.connect(self._browse)
        self.path_edit.editingFinished.connect(self.refresh_preview)
        self.mapping_combo.currentIndexChanged.connect(lambda _i: self._mapping_changed())
        self.skip_unknown.toggled.connect(lambda _on: self._update_buttons())
        self.resize(1100, 640)
        self._load_mappings()

    # ---- mappings and file -----------------------------------------------------------------------
    def _load_mappings(self) -> None:
        store = self.ctx.store

        def run() -> Any:
            from cartox_desktop.services.interop import load_lab_mappings

            return load_lab_mappings(store=store)

        def loaded(mappings: dict[str, tuple[Any, str]]) -> None:
            self.mappings = mappings
            self.mapping_combo.blockSignals(True)
            self.mapping_combo.clear()
            for name in sorted(mappings):
                self.mapping_combo.addItem(name, name)
            self.mapping_combo.blockSignals(False)
            self._mapping_changed()

        self.ctx.op(run, "reading the lab mappings").success(loaded).failure(
            lambda exc: self._show_error(f"lab mappings: {exc}")).run()

    def _mapping_changed(self) -> None:
        self._show_mapping_info()
        self.refresh_preview()

    def _show_mapping_info(self) -> None:
        name = self.mapping_combo.currentData()
        if name not in self.mappings:
            self.mapping_info.setText("")
            return
        mapping, source = self.mappings[name]
        what = mapping.description or f"{mapping.layout} layout"
        where = Path(source).name if ("/" in source or "\\" in source) else f"the {source}"
        self.mapping_info.setText(f"{what} · from {where}")

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Lab file", self.path_edit.text() or str(Path.home()),
                                              "CSV files (*.csv *.txt);;All files (*)")
        if path:
            self.path_edit.setText(path)
            self.refresh_preview()

    def set_file(self, path: str, mapping: str | None = None) -> None:
        """Choose the file (and mapping) without the file dialog (tests, drag and drop)."""
        if mapping is not None:
            i = self.mapping_combo.findData(mapping)
            if i >= 0:
                self.mapping_combo.blockSignals(True)
                self.mapping_combo.setCurrentIndex(i)
                self.mapping_combo.blockSignals(False)
                self._show_mapping_info()
        self.path_edit.setText(path)
        self.refresh_preview()

    # ---- preview ---------------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        path = self.path_edit.text().strip()
        name = self.mapping_combo.currentData()
        self.checked = None
        self.file_error = ""
        self._update_buttons()
        if not path or name not in self.mappings:
            self._fill([])
            self.summary.setText("Choose the lab file and its column mapping.")
            return
        mapping = self.mappings[name][0]
        store = self.ctx.store

        def run() -> Any:
            from cartox_desktop.interop.labcsv import LabFileInvalid
            from cartox_desktop.services.interop import preview_lab_file

            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                return f"file {path!r}: cannot be read ({exc.strerror}); choose a readable CSV file"
            try:
                return preview_lab_file(store, data, Path(path).name, mapping)
            except LabFileInvalid as exc:
                return exc

        self.summary.setText("Reading the file…")
        self.ctx.op(run, "reading the lab file").success(self._show_preview).failure(
            lambda exc: self._show_error(str(exc))).run()

    def _show_preview(self, result: Any) -> None:
        self.error.setText("")
        if isinstance(result, str):
            self._fill([])
            self.file_error = result
            self.summary.setText("")
            self._show_error(result)
            return
        if isinstance(result, ValueError):  # LabFileInvalid: the file cannot be read with this mapping
            issues = getattr(result, "issues", [])
            self._fill([self._issue_row(i) for i in issues])
            self.file_error = str(result)
            self.summary.setText("")
            self._show_error(f"{result} — check the file and the mapping")
            return
        self.checked = result
        p = result.preview
        rows = [self._value_row(v, result.patients, set(p.unknown_mrns)) for v in p.values]
        rows += [self._issue_row(i) for i in p.issues]
        rows.sort(key=lambda r: (r[0], r[-1] != "refused"))
        self._fill([r[1] for r in rows])
        patients = len({v.mrn for v in p.values if v.mrn in result.patients})
        parts = [f"<b>{Path(p.file_name).name}</b> (SHA-256 {p.sha256[:16]}…), mapping <b>{p.mapping}</b>: "
                 f"{p.rows_total} row(s), {len(p.values)} value(s) for {patients} known patient(s)"]
        if p.issues:
            shown = "".join(f"<br>&nbsp;&nbsp;• {escape(i.describe())}" for i in p.issues[:MAX_LISTED])
            more = f"<br>&nbsp;&nbsp;… and {len(p.issues) - MAX_LISTED} more" if len(p.issues) > MAX_LISTED else ""
            parts.append(f"<span style='color:{ERROR_FG}'><b>{len(p.bad_rows)} row(s) refused</b> "
                         f"(rows {', '.join(map(str, p.bad_rows))}): nothing can be imported until the file is "
                         f"corrected{shown}{more}</span>")
        if p.unknown_mrns:
            parts.append(f"<span style='color:#e65100'><b>Unknown MRN(s):</b> {', '.join(p.unknown_mrns)} "
                         f"(rows {', '.join(map(str, p.unknown_mrn_rows))})</span>")
        if p.ignored_tests:
            parts.append("Ignored (tests not in the mapping): "
                         + ", ".join(f"{k} ({n})" for k, n in sorted(p.ignored_tests.items())))
        self.summary.setText("<br>".join(parts))
        self._update_buttons()

    def _value_row(self, v: Any, patients: dict[str, Any], unknown: set[str]) -> tuple[int, list[Any], str]:
        from cartox_desktop.interop.labcsv import LAB_LABELS, case_unit

        patient = patients.get(v.mrn)
        day = ""
        if patient is not None:
            day = f" (day {(date.fromisoformat(v.time[:10]) - patient.infusion_date).days})"
        bg = UNKNOWN_BG if v.mrn in unknown else None
        status = "unknown MRN" if v.mrn in unknown else "ok"
        value = f"{v.value:g} {case_unit(v.lab)}" if isinstance(v.value, float) else f"{v.value} {case_unit(v.lab)}"
        cells = [_cell(str(v.row), bg), _cell(v.mrn, bg),
                 _cell(patient.name if patient else "⚠ no such patient", bg, bold=patient is None),
                 _cell(v.time.replace("T", " ") + day, bg), _cell(LAB_LABELS.get(v.lab, v.lab), bg, v.lab),
                 _cell(value, bg), _cell(v.conversion, bg, f"row {v.row}, column {v.column!r}"),
                 _cell(status, bg, "no patient with this MRN in the record store" if v.mrn in unknown else "")]
        return v.row, cells, status

    def _issue_row(self, i: Any) -> tuple[int, list[Any], str]:
        bg = REFUSED_BG
        where = f"column {i.column}" if i.column else ""
        cells = [_cell(str(i.row or ""), bg), _cell("", bg), _cell("", bg), _cell("", bg), _cell(where, bg),
                 _cell("" if i.value is None else str(i.value), bg), _cell(i.message, bg, i.describe()),
                 _cell("⚠ refused", bg, i.describe(), bold=True)]
        for c in cells:
            c.setForeground(QBrush(QColor(ERROR_FG)))
        return i.row or 0, cells, "refused"

    def _fill(self, rows: list[Any]) -> None:
        self.table.setRowCount(0)
        self.table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            if isinstance(cells, tuple):
                cells = cells[1]
            for c, item in enumerate(cells):
                self.table.setItem(r, c, item)

    def flagged_rows(self) -> list[int]:
        """Table rows marked refused (tests and accessibility)."""
        return [r for r in range(self.table.rowCount())
                if (it := self.table.item(r, len(COLUMNS) - 1)) is not None and "refused" in it.text()]

    def _update_buttons(self) -> None:
        c = self.checked
        ok = c is not None and not c.preview.issues and bool(c.preview.values) and (
            not c.preview.unknown_mrns or self.skip_unknown.isChecked())
        if ok:
            values = c.preview.importable_values(self.skip_unknown.isChecked())
            patients = len({v.mrn for v in values})
            ok = bool(values)
            self.import_button.setText(f"&Import {len(values)} value(s) for {patients} patient(s)")
        else:
            self.import_button.setText("&Import")
        self.import_button.setEnabled(ok)

    def _show_error(self, message: str) -> None:
        self.error.setText(("⚠ " + message) if message else "")

    # ---- import ------------------------------------------------------------------------------------
    def _import(self) -> None:
        checked = self.checked
        if checked is None or not self.import_button.isEnabled():
            return
        store, actor, skip = self.ctx.store, self.ctx.actor, self.skip_unknown.isChecked()
        self.import_button.setEnabled(False)
        self.error.setText("")

        def run() -> Any:
            from cartox_desktop.services.interop import import_lab_preview

            return import_lab_preview(store, actor, checked, skip_unknown_mrns=skip)

        def done(result: Any) -> None:
            self.result = result
            emit(self.imported, result)
            self.accept()

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            self._show_error(f"{exc} (nothing of the file was stored)")

        self.ctx.op(run, "importing the lab file").success(done).failure(failed).run()
