"""The new-assessment form, generated from ``spec`` (see its docstring for why not Designer).

``AssessmentForm`` turns what was typed into a case-format assessment (``draft()``), keeps the
raw text for the draft file (``state()`` / ``restore()``), and shows every validation message at
its own field (``show_errors``). ``AssessmentPage`` puts it beside the live grading panel and
re-grades through the core on every change.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cartox_desktop.clinical import Protocol
from cartox_desktop.clinical.units import fmt

from ..qt import (
    QCheckBox,
    QDateTime,
    QDateTimeEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QShortcut,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ..theme import ERROR_FG
from . import spec
from .guide import GuidedScale
from .live import LiveResult, grade_draft
from .panel import GradingPanel
from .widgets import CheckGroup, ChoiceField, FieldBox, NumberField, TemperatureField, TriField, parse_number

_VASO = re.compile(r"^vasopressors\[(\d+)\](?:\.(.*))?$")
_LISTED = re.compile(r"^(raised_icp|other_cause)\[\d+\]$")


@dataclass
class FormContext:
    """What the form needs to know about the patient (from the services' timeline)."""

    patient_name: str
    mrn: str
    age_years: float
    weight_kg: float | None
    infusion_date: date
    base_case: dict[str, Any]
    protocol: Protocol | None
    patient_id: int | None = None
    temperature_unit: str = "C"
    ice_baseline: dict[str, str] = field(default_factory=dict)  # city, hospital, sentence

    @property
    def uses_capd(self) -> bool:
        return int(self.age_years) < 12


class VasopressorField(FieldBox):
    def __init__(self, agent: str, parent: QWidget | None = None) -> None:
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        self.agent = agent
        self.check = QCheckBox(spec.VASOPRESSOR_WORDS[agent])
        self.check.setMinimumWidth(130)
        self.dose = QLineEdit()
        self.dose.setMaximumWidth(90)
        self.unit = "units/min" if agent == "vasopressin" else "mcg/kg/min"
        self.dose.setPlaceholderText("0–0.1" if agent == "vasopressin" else "0–5")
        self.dose.setAccessibleName(f"{spec.VASOPRESSOR_WORDS[agent]} dose ({self.unit})")
        lay.addWidget(self.check)
        lay.addWidget(self.dose)
        lay.addWidget(QLabel(self.unit + " (dose optional)"))
        lay.addStretch(1)
        super().__init__(box, "", parent)
        self.error_target = self.dose
        self.focus_proxy = self.check
        self.check.toggled.connect(self.changed)
        self.dose.textChanged.connect(self._dose_typed)

    def _dose_typed(self, text: str) -> None:
        if text.strip() and not self.check.isChecked():
            self.check.setChecked(True)
        emit(self.changed)

    def value(self) -> tuple[dict[str, Any] | None, str | None]:
        if not self.check.isChecked():
            return None, None
        entry: dict[str, Any] = {"agent": self.agent}
        try:
            dose = parse_number(self.dose.text())
        except ValueError:
            return entry, f"“{self.dose.text().strip()}” is not a dose ({self.unit})"
        if dose is not None:
            entry["dose_units_min" if self.agent == "vasopressin" else "dose_mcg_kg_min"] = dose
        return entry, None

    def raw(self) -> dict[str, Any]:
        return {"on": self.check.isChecked(), "dose": self.dose.text()}

    def set_raw(self, raw: dict[str, Any]) -> None:
        self.dose.setText(raw.get("dose", ""))
        self.check.setChecked(bool(raw.get("on")))

    def display(self) -> str:
        entry, _ = self.value()
        if not entry:
            return ""
        dose = entry.get("dose_mcg_kg_min", entry.get("dose_units_min"))
        return spec.VASOPRESSOR_WORDS[self.agent] + (f" {fmt(dose)} {self.unit}" if dose is not None else "")


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class AssessmentForm(QWidget):
    changed = Signal()
    review_requested = Signal()

    def __init__(self, ctx: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.local_errors: dict[str, list[str]] = {}
        self.fields: dict[str, Any] = {}  # key -> FieldBox-like editor
        self.labels: dict[str, str] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        outer.addWidget(self.tabs)
        self._build_vitals()
        self._build_scale()
        self._build_neuro()
        self._build_labs()
        self.general_error = QLabel()
        self.general_error.setStyleSheet(f"color:{ERROR_FG}; font-weight:bold;")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        outer.addWidget(self.general_error)
        for key, box in self.fields.items():
            if key != "__scale__":
                box.changed.connect(self.changed)
        self.scale.changed.connect(self.changed)
        for line in self.findChildren(QLineEdit):
            line.returnPressed.connect(self.review_requested)
        self._set_tab_order()

    # ---- building ----------------------------------------------------------------------------
    def _add(self, form: QFormLayout, key: str, label: str, box: QWidget) -> None:
        self.fields[key] = box
        self.labels[key] = label
        lab = QLabel(label)
        lab.setBuddy(getattr(box, "focus_proxy", None) or box.editor)  # type: ignore[attr-defined]
        form.addRow(lab, box)

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(4)
        return form

    def _build_vitals(self) -> None:
        page = QWidget()
        cols = QHBoxLayout(page)
        left = QVBoxLayout()
        vit = QGroupBox("Time and vital signs")
        f = self._form()
        vit.setLayout(f)
        self.time_edit = QDateTimeEdit()
        self.time_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time_edit.setCalendarPopup(True)
        self.time_edit.setAccessibleName("Assessment time")
        now = QDateTime.currentDateTime()
        self.time_edit.setDateTime(now.addSecs(-now.time().second()))
        self.time_box = FieldBox(self.time_edit)
        self.time_edit.dateTimeChanged.connect(self.time_box.changed)
        self._add(f, "time", "&Time", self.time_box)
        self.temp = TemperatureField(self.ctx.temperature_unit)
        self._add(f, "temperature_c", "T&emperature", self.temp)
        for s in spec.VITALS:
            box = NumberField(s) if isinstance(s, spec.Num) else TriField(s)
            self._add(f, s.key, s.label, box)
        left.addWidget(vit)
        left.addStretch(1)
        right = QVBoxLayout()
        oxy = QGroupBox("Oxygen")
        fo = self._form()
        oxy.setLayout(fo)
        self._add(fo, "o2_device", "O₂ &device", ChoiceField(spec.O2_DEVICE))
        for s in spec.OXYGEN:
            self._add(fo, s.key, s.label, NumberField(s))
        right.addWidget(oxy)
        vaso = QGroupBox("Vasopressors (tick each agent running)")
        vl = QVBoxLayout(vaso)
        vl.setSpacing(0)
        self.vaso: dict[str, VasopressorField] = {}
        for agent in spec.AGENTS:
            vf = VasopressorField(agent)
            self.vaso[agent] = vf
            self.fields[f"vaso:{agent}"] = vf
            self.labels[f"vaso:{agent}"] = spec.VASOPRESSOR_WORDS[agent]
            vl.addWidget(vf)
        right.addWidget(vaso)
        right.addStretch(1)
        cols.addLayout(left, 1)
        cols.addLayout(right, 1)
        self.tabs.addTab(_scroll(page), "&1 Vitals && oxygen")

    def _build_scale(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        base = self.ctx.ice_baseline
        if self.ctx.uses_capd:
            intro = QLabel(f"<b>CAPD</b> for a child under 12 (age {fmt(self.ctx.age_years)}): answer each item "
                           f"for the last shift. ≥ 9 points indicates delirium. <i>{spec.CAPD_SOURCE}</i>")
            self.scale = GuidedScale("CAPD", spec.CAPD_ITEMS, keys="position")
        else:
            intro = QLabel(f"<b>ICE</b>, item by item (10 points). <i>{spec.ICE_SOURCE}</i>")
            self.scale = GuidedScale("ICE", spec.ICE_ITEMS, keys="points")
            today = datetime.now()
            self.scale.set_expected("year", str(today.year))
            self.scale.set_expected("month", today.strftime("%B"))
            if base.get("city"):
                self.scale.set_expected("city", base["city"])
            if base.get("hospital"):
                self.scale.set_expected("hospital", base["hospital"])
            self.scale.set_expected("writing", f"“{base.get('sentence') or spec.DEFAULT_SENTENCE}”")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addWidget(self.scale)
        self.fields["__scale__"] = self.scale
        row = QFormLayout()
        if self.ctx.uses_capd:
            self.capd_not_possible = QCheckBox("CAPD not possible (e.g. unarousable)")
            self.capd_box = FieldBox(self.capd_not_possible)
            self.capd_not_possible.toggled.connect(self.capd_box.changed)
            self.fields["capd_not_possible"] = self.capd_box
            self.labels["capd_not_possible"] = "CAPD not possible"
            row.addRow("", self.capd_box)
        else:
            self._add(row, "ice_not_possible", "ICE &not possible", ChoiceField(spec.ICE_NOT_POSSIBLE))
        lay.addLayout(row)
        adapt = QGroupBox("Adaptations (how the test was done)")
        al = QGridLayout(adapt)
        self.adaptations: dict[str, QCheckBox] = {}
        for i, (key, words) in enumerate(spec.ADAPTATIONS):
            cb = QCheckBox(words)
            self.adaptations[key] = cb
            al.addWidget(cb, i // 2, i % 2)
            cb.toggled.connect(self.changed)
        self.adaptation_note = QLineEdit()
        self.adaptation_note.setPlaceholderText("Other adaptation or remark (e.g. language of the interpreter)")
        self.adaptation_note.setAccessibleName("Adaptation note")
        self.adaptation_note.textChanged.connect(self.changed)
        al.addWidget(self.adaptation_note, 2, 0, 1, 2)
        lay.addWidget(adapt)
        lay.addStretch(1)
        name = "CAPD" if self.ctx.uses_capd else "ICE"
        self.tabs.addTab(_scroll(page), f"&2 {name} (guided)")

    def _build_neuro(self) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        g = QGroupBox("Neurology")
        f = self._form()
        g.setLayout(f)
        for s in spec.NEURO:
            self._add(f, s.key, s.label, NumberField(s) if isinstance(s, spec.Num) else ChoiceField(s))
        outer.addWidget(g)
        row = QHBoxLayout()
        icp = QGroupBox("Raised intracranial pressure / cerebral oedema")
        il = QVBoxLayout(icp)
        self.icp = CheckGroup(tuple((k, spec.ICP_WORDS[k]) for k in spec.ICP_FINDINGS),
                              "Checked for signs of raised ICP (tick findings below)", columns=2)
        self.fields["raised_icp"] = self.icp
        self.labels["raised_icp"] = "Raised ICP"
        il.addWidget(self.icp)
        row.addWidget(icp, 3)
        oth = QGroupBox("Attributed to another cause (not CAR-T)")
        ol = QVBoxLayout(oth)
        self.other = CheckGroup(tuple((k, spec.OTHER_CAUSE_WORDS[k]) for k in spec.OTHER_CAUSES), None, columns=1)
        self.fields["other_cause"] = self.other
        self.labels["other_cause"] = "Other cause"
        ol.addWidget(self.other)
        row.addWidget(oth, 2)
        outer.addLayout(row)
        outer.addStretch(1)
        self.tabs.addTab(_scroll(page), "&3 Neurology")

    def _build_labs(self) -> None:
        page = QWidget()
        grid = QGridLayout(page)
        half = (len(spec.LABS) + 1) // 2
        forms = [self._form(), self._form()]
        for i, s in enumerate(spec.LABS):
            self._add(forms[0 if i < half else 1], s.key, s.label, NumberField(s))
        for i, fl in enumerate(forms):
            w = QGroupBox("Labs measured with this assessment" if i == 0 else " ")
            w.setLayout(fl)
            grid.addWidget(w, 0, i)
        grid.setRowStretch(1, 1)
        self.tabs.addTab(_scroll(page), "&4 Labs")

    def _set_tab_order(self) -> None:
        order: list[QWidget] = [self.time_edit, self.temp.edit, self.temp.unit_box]
        for s in spec.VITALS:
            order.append(self.fields[s.key].editor)
        order.append(self.fields["o2_device"].editor)
        for s in spec.OXYGEN:
            order.append(self.fields[s.key].editor)
        for vf in self.vaso.values():
            order += [vf.check, vf.dose]
        for a, b in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(a, b)

    # ---- reading -----------------------------------------------------------------------------
    def draft(self) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The case-format assessment (without ``id``) and local errors (not-a-number ...)."""
        out: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        out["time"] = self.time_edit.dateTime().toPython().replace(second=0, microsecond=0).isoformat(
            timespec="minutes")
        t, err = self.temp.value()
        if err:
            errors["temperature_c"] = [err]
        elif t is not None:
            out["temperature_c"] = t
        labs: dict[str, Any] = {}
        for s in (*spec.VITALS, *spec.OXYGEN, *spec.LABS):
            box = self.fields[s.key]
            if isinstance(box, NumberField):
                v, err = box.value()
                if err:
                    errors[s.key] = [err]
                elif v is not None:
                    if s.key.startswith("labs."):
                        labs[s.key[5:]] = v
                    else:
                        out[s.key] = v
            else:
                b = box.value()
                if b is not None:
                    out[s.key] = b
        dev = self.fields["o2_device"].value()
        if dev:
            out["o2_device"] = dev
        vasos = []
        self._vaso_index: list[str] = []
        for agent, vf in self.vaso.items():
            entry, err = vf.value()
            if err:
                errors[f"vaso:{agent}"] = [err]
            if entry:
                vasos.append(entry)
                self._vaso_index.append(agent)
        if vasos:
            out["vasopressors"] = vasos
        passthrough = getattr(self, "passthrough", {})
        if self.ctx.uses_capd:
            n = self.scale.answered()
            if not n and "capd_score" in passthrough:
                out["capd_score"] = passthrough["capd_score"]
            if n == len(spec.CAPD_ITEMS):
                out["capd_score"] = self.scale.total_points()
            elif n:
                errors["capd_score"] = [f"CAPD: {n} of 8 items answered; answer all 8 or clear the CAPD"]
            if self.capd_not_possible.isChecked():
                out["capd_not_possible"] = True
        else:
            items = self.scale.values()
            if len(items) == len(spec.ICE_ITEMS):
                out["ice"] = items
            elif items:  # in progress: grade the rest meanwhile; saving waits for the last item
                left = len(spec.ICE_ITEMS) - len(items)
                errors["ice"] = [f"ICE in progress: {len(items)} of 8 items answered, {left} to go "
                                 "(or clear the answers to save without an ICE)"]
            elif "ice_score" in passthrough:
                out["ice_score"] = passthrough["ice_score"]
            inp = self.fields["ice_not_possible"].value()
            if inp:
                out["ice_not_possible"] = inp
        for s in spec.NEURO:
            box = self.fields[s.key]
            if isinstance(box, NumberField):
                v, err = box.value()
                if err:
                    errors[s.key] = [err]
                elif v is not None:
                    out[s.key] = v
            else:
                c = box.value()
                if c:
                    out[s.key] = c
        icp = self.icp.value()
        if icp is not None:
            out["raised_icp"] = icp
        other = self.other.value()
        if other:
            out["other_cause"] = other
        if labs:
            out["labs"] = labs
        return out, errors

    def adaptation_keys(self) -> list[str]:
        return [k for k, cb in self.adaptations.items() if cb.isChecked()]

    def adaptations_text(self) -> str:
        parts = [cb.text() for cb in self.adaptations.values() if cb.isChecked()]
        if self.adaptation_note.text().strip():
            parts.append(self.adaptation_note.text().strip())
        return "; ".join(parts)

    def review_rows(self) -> list[tuple[str, str]]:
        """(label, value as stored) for every field that has a value, in form order."""
        rows: list[tuple[str, str]] = [("Time", self.time_edit.dateTime().toString("yyyy-MM-dd HH:mm"))]
        for key, box in self.fields.items():
            if key in ("time", "__scale__") or not hasattr(box, "display"):
                continue
            text = box.display()
            if text:
                rows.append((self.labels.get(key, key).replace("&", ""), text))
        if self.ctx.uses_capd:
            if self.scale.answered():
                rows.append(("CAPD", f"{self.scale.total_points()} points ({self.scale.answered()} of 8 items)"))
        elif self.scale.answered():
            items = ", ".join(f"{k} {v}" for k, v in self.scale.values().items())
            rows.append(("ICE", f"{self.scale.total_points()}/10 ({items})"))
        if self.ctx.uses_capd and self.capd_not_possible.isChecked():
            rows.append(("CAPD not possible", "yes"))
        adapt = self.adaptations_text()
        if adapt:
            rows.append(("Adaptations (stored as this version's note)", adapt))
        return rows

    # ---- errors --------------------------------------------------------------------------------
    def show_errors(self, core: dict[str, list[str]], local: dict[str, list[str]]) -> list[str]:
        """Put every message at its field; returns the messages that have no field."""
        per_field: dict[str, list[str]] = {k: list(v) for k, v in local.items()}
        scale_errors: dict[str, list[str]] = {}
        general: list[str] = []
        vaso_index = getattr(self, "_vaso_index", [])
        for path, messages in core.items():
            target: str | None = None
            if path in self.fields or path.startswith("labs.") and path in self.fields:
                target = path
            elif (m := _VASO.match(path)) and int(m.group(1)) < len(vaso_index):
                target = f"vaso:{vaso_index[int(m.group(1))]}"
            elif path == "vasopressors":
                target = f"vaso:{next(iter(self.vaso))}"
            elif (m := _LISTED.match(path)) or path in ("raised_icp", "other_cause"):
                target = m.group(1) if m else path
            elif path.startswith("ice.") or path in ("ice", "ice_score", "capd_score"):
                scale_errors.setdefault(path[4:] if path.startswith("ice.") else "", []).extend(messages)
                continue
            if target is None:
                general += [f"{path}: {msg}" for msg in messages]
            else:
                per_field.setdefault(target, []).extend(messages)
        for key in ("capd_score", "ice"):
            if key in per_field:
                scale_errors.setdefault("", []).extend(per_field.pop(key))
        for key, box in self.fields.items():
            if key == "__scale__":
                continue
            box.set_errors(per_field.get(key, []))
        self.scale.set_errors(scale_errors)
        self.general_error.setText("⚠ " + "; ".join(general) if general else "")
        self.general_error.setVisible(bool(general))
        self._error_keys = [k for k in self.fields if per_field.get(k)] + (["__scale__"] if scale_errors else [])
        return general

    def focus_first_error(self) -> bool:
        keys = getattr(self, "_error_keys", [])
        if not keys:
            return False
        key = keys[0]
        box = self.fields[key]
        page = box
        while page is not None and self.tabs.indexOf(page) < 0:
            page = page.parentWidget()
        if page is not None:
            self.tabs.setCurrentWidget(page)
        target = box if key == "__scale__" else (getattr(box, "focus_proxy", None) or box.editor)
        target.setFocus()
        return True

    # ---- drafts ----------------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        raw: dict[str, Any] = {"time": self.time_edit.dateTime().toString(Qt.DateFormat.ISODate)}
        for key, box in self.fields.items():
            if key in ("time", "__scale__"):
                continue
            if key == "capd_not_possible":
                raw[key] = self.capd_not_possible.isChecked()
            elif hasattr(box, "raw"):
                raw[key] = box.raw()
        raw["__scale__"] = self.scale.values()
        raw["__adaptations__"] = [k for k, cb in self.adaptations.items() if cb.isChecked()]
        raw["__adaptation_note__"] = self.adaptation_note.text()
        raw["__tab__"] = self.tabs.currentIndex()
        return raw

    def restore(self, raw: dict[str, Any]) -> None:
        self.blockSignals(True)
        try:
            if raw.get("time"):
                dt = QDateTime.fromString(raw["time"], Qt.DateFormat.ISODate)
                if dt.isValid():
                    self.time_edit.setDateTime(dt)
            for key, box in self.fields.items():
                if key in ("time", "__scale__") or key not in raw:
                    continue
                if key == "capd_not_possible":
                    self.capd_not_possible.setChecked(bool(raw[key]))
                elif hasattr(box, "set_raw"):
                    box.set_raw(raw[key])
            self.scale.set_values(raw.get("__scale__") or {})
            for k, cb in self.adaptations.items():
                cb.setChecked(k in (raw.get("__adaptations__") or []))
            self.adaptation_note.setText(raw.get("__adaptation_note__", ""))
            self.tabs.setCurrentIndex(int(raw.get("__tab__", 0)))
        finally:
            self.blockSignals(False)
        emit(self.changed)

    def load_content(self, c: dict[str, Any]) -> None:
        """Fill the form from a stored case-format assessment (to amend it)."""
        raw: dict[str, Any] = {"time": str(c.get("time", ""))[:16]}
        if c.get("temperature_c") is not None:
            raw["temperature_c"] = {"text": fmt(c["temperature_c"]), "unit": "C"}
        for s in (*spec.VITALS, *spec.OXYGEN, *spec.NEURO):
            v = c.get(s.key)
            if v is None:
                continue
            if isinstance(s, spec.Tri):
                raw[s.key] = "yes" if v else "no"
            elif isinstance(s, spec.Num):
                raw[s.key] = fmt(v)
            else:
                raw[s.key] = v
        if c.get("o2_device"):
            raw["o2_device"] = c["o2_device"]
        for entry in c.get("vasopressors") or []:
            dose = entry.get("dose_mcg_kg_min", entry.get("dose_units_min"))
            raw[f"vaso:{entry['agent']}"] = {"on": True, "dose": "" if dose is None else fmt(dose)}
        for name, v in (c.get("labs") or {}).items():
            raw[f"labs.{name}"] = fmt(v)
        if c.get("raised_icp") is not None:
            raw["raised_icp"] = {"assessed": True, "found": list(c["raised_icp"])}
        if c.get("other_cause"):
            raw["other_cause"] = {"found": list(c["other_cause"])}
        if c.get("ice_not_possible"):
            raw["ice_not_possible"] = c["ice_not_possible"]
        if c.get("capd_not_possible"):
            raw["capd_not_possible"] = True
        raw["__scale__"] = dict(c.get("ice") or {})
        self.passthrough = {k: c[k] for k in ("ice_score", "capd_score") if c.get(k) is not None}
        self.restore(raw)

    def is_empty(self) -> bool:
        d, errors = self.draft()
        return not errors and set(d) <= {"time"} and not self.adaptations_text()


class AssessmentPage(QWidget):
    """Form + live grading panel + the review button. Emits ``review_requested`` with the draft."""

    review_requested = Signal()
    draft_changed = Signal()

    def __init__(self, ctx: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        self.form = AssessmentForm(ctx)
        self.panel = GradingPanel()
        split.addWidget(self.form)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([800, 420])
        lay.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.draft_label = QLabel("Draft autosaved on this computer as you type.")
        self.draft_label.setStyleSheet("color:#546e7a;")
        buttons.addWidget(self.draft_label, 1)
        self.discard_button = QPushButton("Discard draft…")
        self.review_button = QPushButton("&Review and save…  (Enter)")
        self.review_button.setDefault(True)
        self.review_button.setAccessibleName("Review and save")
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.review_button)
        lay.addLayout(buttons)
        self.review_button.clicked.connect(self._review)
        self.form.review_requested.connect(self._review)
        for seq in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self._review)
        self.form.changed.connect(self.regrade)
        self.result: LiveResult | None = None
        self.local_errors: dict[str, list[str]] = {}
        self.general_errors: list[str] = []
        self.last_ms = 0.0
        self.regrade()

    def set_base_case(self, base_case: dict[str, Any]) -> None:
        self.ctx.base_case = base_case
        self.regrade()

    def regrade(self) -> None:
        started = time.perf_counter()
        draft, local = self.form.draft()
        as_of = max(datetime.now().replace(second=0, microsecond=0), datetime.fromisoformat(draft["time"]))
        result = grade_draft(self.ctx.base_case, draft, self.ctx.protocol, as_of)
        self.result = result
        self.local_errors = local
        self.general_errors = self.form.show_errors(result.draft_errors, local)
        self.panel.show_result(result, sum(len(v) for v in local.values()))
        self.last_ms = (time.perf_counter() - started) * 1000
        emit(self.draft_changed)

    def has_errors(self) -> bool:
        return bool(self.local_errors) or self.result is None or not self.result.ok

    def _review(self) -> None:
        self.regrade()
        if self.has_errors():
            self.form.focus_first_error()
            return
        emit(self.review_requested)

    def draft(self) -> dict[str, Any]:
        return self.form.draft()[0]
