"""Dialogs. The static ones are Designer forms (``ui/*.ui`` → ``forms/ui_*.py``): sign-in,
settings, reason + e-signature (amend/void), patient. The intervention dialog, the record
history, and the save-conflict dialog are built in code because their rows come from data."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from html import escape
from typing import Any

from cartox_desktop.clinical import NOTICE, Protocol
from cartox_desktop.clinical.model import DRUGS, PRODUCTS
from cartox_desktop.clinical.units import fmt

from .forms.ui_patient import Ui_PatientDialog
from .forms.ui_reason import Ui_ReasonDialog
from .forms.ui_settings import Ui_SettingsDialog
from .forms.ui_signin import Ui_SignInDialog
from .qt import (
    QAbstractItemView,
    QBrush,
    QColor,
    QComboBox,
    QDate,
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
from .settings import Settings
from .theme import ERROR_FG

CHANGED_BG = QColor("#fff59d")


def _set_error(label: QLabel, text: str) -> None:
    label.setText(("⚠ " + text) if text else "")
    label.setVisible(bool(text))


class SignInDialog(QDialog):
    """Sign in with the store's users; on an empty database, creates the first administrator."""

    submitted = Signal(str, str, str)  # username, password, display name (first run only)
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None, ward: str, first_run: bool = False, username: str = "",
                 locked: bool = False) -> None:
        super().__init__(parent)
        self.ui = Ui_SignInDialog()
        self.ui.setupUi(self)
        self.setModal(True)
        self.first_run = first_run
        self.ui.wardLabel.setText(("Locked after inactivity. Unsaved work is kept; sign in again to continue, "
                                   "or sign in as another user.\n" if locked else "") + f"Ward: {ward or 'all wards'}")
        self.ui.noticeLabel.setText(NOTICE)
        self.ui.firstRunBox.setVisible(first_run)
        if first_run:
            self.setWindowTitle("Create the first administrator — CARTOX Desktop")
        self.ui.usernameEdit.setText(username)
        _set_error(self.ui.errorLabel, "")
        self.ui.buttonBox.accepted.connect(self._submit)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.settingsButton.clicked.connect(self.settings_requested)
        (self.ui.passwordEdit if username else self.ui.usernameEdit).setFocus()
        self.setMinimumWidth(460)
        self.adjustSize()

    def _submit(self) -> None:
        user = self.ui.usernameEdit.text().strip()
        pw = self.ui.passwordEdit.text()
        if not user or not pw:
            _set_error(self.ui.errorLabel, "Enter your user name and password.")
            return
        if self.first_run and pw != self.ui.repeatEdit.text():
            _set_error(self.ui.errorLabel, "The two passwords differ.")
            return
        self.set_busy(True)
        emit(self.submitted, user, pw, self.ui.displayNameEdit.text().strip())

    def set_busy(self, busy: bool) -> None:
        self.ui.buttonBox.setEnabled(not busy)
        if busy:
            _set_error(self.ui.errorLabel, "")
            self.ui.errorLabel.setText("Checking…")
            self.ui.errorLabel.setVisible(True)

    def failed(self, message: str) -> None:
        self.set_busy(False)
        _set_error(self.ui.errorLabel, message)
        self.ui.passwordEdit.clear()
        self.ui.repeatEdit.clear()
        self.ui.passwordEdit.setFocus()


# The ward settings shown in the dialog: key -> (tab index, widget name).
WARD_FIELDS = {
    "institution_name": (1, "institutionEdit"), "ward_name": (1, "wardNameEdit"), "ward_phone": (1, "wardPhoneEdit"),
    "protocol_file": (1, "protocolEdit"), "idle_lock_minutes": (1, "idleSpin"), "temperature_unit": (1, "unitCombo"),
    "igg_threshold_mg_dl": (1, "iggSpin"), "ice_hospital": (2, "hospitalEdit"), "ice_city": (2, "cityEdit"),
    "ice_sentence": (2, "sentenceEdit"), "lab_mappings_toml": (3, "labMappingsEdit"),
}


class SettingsDialog(QDialog):
    """This computer's settings (database, the ward its board shows) and the ward settings kept
    in the database (``services.get_settings``): institution, ward name and phone, protocol
    file, idle lock, temperature unit, IgG threshold, ICE answers, lab mappings.

    Only admins change the ward settings (the fields are read-only otherwise). ``save_requested``
    carries the ward settings that changed (possibly none); the caller saves them through
    ``services.update_settings`` and then calls ``saved()`` (which writes this computer's
    settings and closes) or ``failed(message, fields)``."""

    test_requested = Signal(str)
    save_requested = Signal(object)  # dict: ward setting -> new value (only the changed ones)

    def __init__(self, parent: QWidget | None, settings: Settings, ward: Any = None, can_edit_ward: bool = False,
                 who: str = "") -> None:
        super().__init__(parent)
        self.ui = Ui_SettingsDialog()
        self.ui.setupUi(self)
        self.settings = settings
        self.ward = ward
        self.can_edit_ward = ward is not None and can_edit_ward
        u = self.ui
        u.unitCombo.addItem("°C (Celsius)", "C")
        u.unitCombo.addItem("°F (Fahrenheit, converted and stored in °C)", "F")
        u.dbUrlEdit.setText(settings.db_url)
        u.wardEdit.setText(settings.ward)
        u.computerNoteLabel.setText("Kept on this computer only. A new database is opened at the next sign-in.")
        f = u.labMappingsEdit.font()
        f.setFamily("monospace")
        f.setStyleHint(f.StyleHint.Monospace)
        u.labMappingsEdit.setFont(f)
        if ward is not None:
            u.institutionEdit.setText(ward.institution_name)
            u.wardNameEdit.setText(ward.ward_name)
            u.wardPhoneEdit.setText(ward.ward_phone)
            u.protocolEdit.setText(ward.protocol_file)
            u.idleSpin.setValue(int(ward.idle_lock_minutes))
            u.unitCombo.setCurrentIndex(1 if ward.temperature_unit == "F" else 0)
            u.iggSpin.setValue(float(ward.igg_threshold_mg_dl))
            u.hospitalEdit.setText(ward.ice_hospital)
            u.cityEdit.setText(ward.ice_city)
            u.sentenceEdit.setText(ward.ice_sentence)
            u.labMappingsEdit.setPlainText(ward.lab_mappings_toml)
        u.sentenceEdit.setPlaceholderText("empty = the standard sentence: Our national bird is the bald eagle")
        u.cityEdit.setPlaceholderText("the city the ward is in")
        u.hospitalEdit.setPlaceholderText("the hospital's name as patients say it")
        shared = ("Shared by every computer on this database and kept in it; every change is in the audit "
                  "trail with the old and new value.")
        if ward is None:
            note = "The ward settings are read from the database once it is open."
        elif not self.can_edit_ward:
            who_text = f" ({escape(who)} is signed in)" if who else " (nobody is signed in)"
            note = f"{shared} <b>Only an admin can change them</b>{who_text}."
        else:
            updated = (f" Last change {ward.updated_at[:16].replace('T', ' ')} UTC by {escape(ward.updated_by)}."
                       if ward.updated_at else "")
            note = shared + updated
        for label in (u.wardNoteLabel, u.iceNoteLabel, u.labsNoteLabel):
            label.setText(note)
        u.iceNoteLabel.setText(note + " These are the answers the guided ICE expects for the orientation and writing "
                               "items; a patient's own answers (Edit patient) take precedence.")
        u.labsNoteLabel.setText(note + " The hospital's lab CSV column mappings (TOML, as resources/lab-mappings.toml), "
                                "offered in File → Import lab results.")
        for _tab, name in WARD_FIELDS.values():
            w = getattr(u, name)
            if ward is None or not hasattr(w, "setReadOnly"):
                w.setEnabled(self.can_edit_ward)
            else:  # read-only, not disabled: the values stay legible and selectable
                w.setReadOnly(not self.can_edit_ward)
        u.browseButton.setEnabled(self.can_edit_ward)
        _set_error(u.errorLabel, "")
        u.testResultLabel.setText("")
        u.testButton.clicked.connect(lambda: self._test())
        u.embeddedButton.clicked.connect(lambda: u.dbUrlEdit.setText(""))
        u.browseButton.clicked.connect(self._browse)
        u.protocolEdit.textChanged.connect(self._check_protocol)
        u.labMappingsEdit.textChanged.connect(self._check_mappings)
        u.buttonBox.accepted.connect(self._save)
        u.buttonBox.rejected.connect(self.reject)
        self._check_protocol()
        self._check_mappings()

    def _test(self) -> None:
        self.ui.testResultLabel.setStyleSheet("")
        self.ui.testResultLabel.setText("Testing the connection…")
        emit(self.test_requested, self.ui.dbUrlEdit.text().strip())

    def test_result(self, ok: bool, message: str) -> None:
        self.ui.testResultLabel.setStyleSheet(f"color:{'#1b5e20' if ok else ERROR_FG}; font-weight:bold;")
        self.ui.testResultLabel.setText(("✔ " if ok else "⚠ ") + message)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Protocol file", self.ui.protocolEdit.text(), "TOML (*.toml)")
        if path:
            self.ui.protocolEdit.setText(path)

    def _status(self, label: QLabel, ok: bool, text: str) -> None:
        label.setStyleSheet(f"color:{'#1b5e20' if ok else ERROR_FG};")
        label.setText(("✔ " if ok else "⚠ ") + text)

    def _check_protocol(self) -> None:
        """Load the protocol file as the services will (pure file reading): its label or the error."""
        from cartox_desktop.services.protocols import ProtocolError, load_protocol_file

        path = self.ui.protocolEdit.text().strip()
        try:
            protocol = load_protocol_file(path)
        except ProtocolError as exc:
            self._status(self.ui.protocolStatusLabel, False, f"{exc} — it cannot be saved")
            return
        self._status(self.ui.protocolStatusLabel, True, protocol.label + ("" if path else " (bundled)"))

    def _check_mappings(self) -> None:
        from cartox_desktop.interop.labcsv import MappingInvalid, mappings_from_text

        text = self.ui.labMappingsEdit.toPlainText().strip()
        if not text:
            self._status(self.ui.labMappingsStatusLabel, True, "none: the bundled mappings only")
            return
        try:
            names = sorted(mappings_from_text(text, "lab mappings"))
        except MappingInvalid as exc:
            more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            self._status(self.ui.labMappingsStatusLabel, False, exc.problems[0] + more)
            return
        self._status(self.ui.labMappingsStatusLabel, True, f"{len(names)} mapping(s): {', '.join(names)}")

    def ward_values(self) -> dict[str, Any]:
        u = self.ui
        return {
            "institution_name": u.institutionEdit.text().strip(), "ward_name": u.wardNameEdit.text().strip(),
            "ward_phone": u.wardPhoneEdit.text().strip(), "protocol_file": u.protocolEdit.text().strip(),
            "idle_lock_minutes": int(u.idleSpin.value()), "temperature_unit": str(u.unitCombo.currentData()),
            "igg_threshold_mg_dl": float(u.iggSpin.value()), "ice_hospital": u.hospitalEdit.text().strip(),
            "ice_city": u.cityEdit.text().strip(), "ice_sentence": u.sentenceEdit.text().strip(),
            "lab_mappings_toml": u.labMappingsEdit.toPlainText(),
        }

    def ward_changes(self) -> dict[str, Any]:
        """The ward settings whose value differs from the stored one (only these are sent)."""
        if self.ward is None or not self.can_edit_ward:
            return {}
        out = {}
        for key, value in self.ward_values().items():
            old = getattr(self.ward, key)
            same = old.strip() == value.strip() if isinstance(value, str) else old == value
            if not same:
                out[key] = value
        return out

    def _save(self) -> None:
        self.mark_fields([])
        _set_error(self.ui.errorLabel, "")
        self.ui.buttonBox.setEnabled(False)
        emit(self.save_requested, self.ward_changes())

    def saved(self) -> bool:
        """Write this computer's settings and close; False (dialog kept open) when they cannot be written."""
        s = self.settings
        s.db_url = self.ui.dbUrlEdit.text().strip()
        s.ward = self.ui.wardEdit.text().strip()
        try:
            s.save()
        except OSError as exc:
            self.failed(f"could not save this computer's settings: {exc}")
            return False
        self.accept()
        return True

    def mark_fields(self, keys: list[str]) -> None:
        for key, (_tab, name) in WARD_FIELDS.items():
            getattr(self.ui, name).setStyleSheet(f"border: 2px solid {ERROR_FG};" if key in keys else "")

    def failed(self, message: str, fields: list[str] | None = None) -> None:
        """Show a refused save: the message (field, value, what is accepted) and the fields marked."""
        self.ui.buttonBox.setEnabled(True)
        keys = [f.split(".")[0] for f in fields or [] if f.split(".")[0] in WARD_FIELDS]
        self.mark_fields(keys)
        if keys:
            tab, name = WARD_FIELDS[keys[0]]
            self.ui.tabs.setCurrentIndex(tab)
            getattr(self.ui, name).setFocus()
        _set_error(self.ui.errorLabel, message)


class ReasonDialog(QDialog):
    """Reason (required for amend/void) and the e-signature: the password typed again.

    ``submitted`` is emitted when the entries are complete; the dialog stays open (busy) while
    the caller saves, and closes on ``accept()`` or shows ``failed(message)``."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None, title: str, what_html: str, details_html: str = "",
                 meaning: str = "amended", need_reason: bool = True, signer: str = "",
                 need_signature: bool = True) -> None:
        super().__init__(parent)
        self.ui = Ui_ReasonDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(title)
        self.need_reason = need_reason
        self.need_signature = need_signature
        self.ui.signatureBox.setVisible(need_signature)
        self.meaning = meaning
        self.ui.whatLabel.setText(what_html)
        self.ui.detailsView.setHtml(details_html)
        self.ui.detailsView.setVisible(bool(details_html))
        self.ui.reasonLabel.setVisible(need_reason)
        self.ui.reasonEdit.setVisible(need_reason)
        self.ui.meaningLabel.setText(
            f"Signing as <b>{escape(signer)}</b>. Meaning of this signature: <b>{escape(meaning)}</b>. "
            "Your password is checked again now (21 CFR 11.200).")
        _set_error(self.ui.errorLabel, "")
        self.ui.buttonBox.accepted.connect(self._ok)
        self.ui.buttonBox.rejected.connect(self.reject)
        (self.ui.reasonEdit if need_reason else self.ui.passwordEdit).setFocus()

    @property
    def reason(self) -> str:
        return self.ui.reasonEdit.toPlainText().strip()

    @property
    def password(self) -> str:
        return self.ui.passwordEdit.text()

    def _ok(self) -> None:
        if self.need_reason and not self.reason:
            _set_error(self.ui.errorLabel, "A reason is required: say why (it is stored in the audit trail).")
            self.ui.reasonEdit.setFocus()
            return
        if self.need_signature and not self.password:
            _set_error(self.ui.errorLabel, "Type your password to sign.")
            self.ui.passwordEdit.setFocus()
            return
        self.set_busy(True)
        emit(self.submitted)

    def set_busy(self, busy: bool) -> None:
        self.ui.buttonBox.setEnabled(not busy)
        if busy:
            _set_error(self.ui.errorLabel, "")

    def failed(self, message: str) -> None:
        self.set_busy(False)
        _set_error(self.ui.errorLabel, message)
        self.ui.passwordEdit.clear()


# ---- patients ------------------------------------------------------------------------------------------

_LAB_EDITS = {"anc_per_ul": "ancEdit", "hemoglobin_g_dl": "hbEdit", "platelets_per_ul": "pltEdit",
              "crp_mg_dl": "crpEdit", "ferritin_ng_ml": "ferritinEdit"}
_ICE_EDITS = {"city": "iceCityEdit", "hospital": "iceHospitalEdit", "sentence": "iceSentenceEdit"}
_PATIENT_FIELDS = {"mrn": "mrnEdit", "name": "nameEdit", "date_of_birth": "dobEdit", "age_years": "ageEdit",
                   "weight_kg": "weightEdit", "ward": "wardEdit", "bed": "bedEdit", "product": "productCombo",
                   "infusion_date": "infusionEdit"}


class PatientDialog(QDialog):
    """Add or edit a patient. ``values()`` gives the ``PatientInput`` keyword arguments;
    ``submitted`` when the entries parse (the dialog stays open until the save succeeds)."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None, patient: Any = None, ward: str = "",
                 ward_ice: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_PatientDialog()
        self.ui.setupUi(self)
        for key, name in _ICE_EDITS.items():  # the ward's answer shows through when left empty
            theirs = (ward_ice or {}).get(key)
            getattr(self.ui, name).setPlaceholderText(f"ward: {theirs}" if theirs else "ward's answer (not set)")
        self.patient = patient
        u = self.ui
        u.productCombo.addItem("— not given", "")
        for p in PRODUCTS:
            u.productCombo.addItem(p, p)
        u.infusionEdit.setDate(QDate.currentDate())
        u.wardEdit.setText(ward)
        self.local_errors: dict[str, str] = {}
        if patient is None:
            self.setWindowTitle("Add a patient")
            u.introLabel.setText("Admit a patient to the board. Fields used for grading are checked as in a case file.")
        else:
            self.setWindowTitle(f"Edit patient {patient.name}")
            u.introLabel.setText("Changing a patient is an amendment: you will be asked for a reason and your "
                                 "signature, and the course is re-graded.")
            u.mrnEdit.setText(patient.mrn)
            u.nameEdit.setText(patient.name)
            u.dobEdit.setText(patient.date_of_birth.isoformat() if patient.date_of_birth else "")
            u.ageEdit.setText(fmt(patient.age_years))
            u.weightEdit.setText(fmt(patient.weight_kg) if patient.weight_kg is not None else "")
            u.wardEdit.setText(patient.ward or "")
            u.bedEdit.setText(patient.bed or "")
            u.productCombo.setCurrentIndex(max(0, u.productCombo.findData(patient.product or "")))
            d = patient.infusion_date
            u.infusionEdit.setDate(QDate(d.year, d.month, d.day))
            for key, name in _LAB_EDITS.items():
                v = patient.baseline_labs.get(key)
                getattr(u, name).setText("" if v is None else fmt(v))
            own = getattr(patient, "ice_baseline", None) or {}
            for key, name in _ICE_EDITS.items():
                getattr(u, name).setText(own.get(key, ""))
        _set_error(u.errorLabel, "")
        u.buttonBox.accepted.connect(self._ok)
        u.buttonBox.rejected.connect(self.reject)

    def _num(self, edit: QLineEdit, key: str) -> float | None:
        text = edit.text().strip().replace(",", ".")
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            self.local_errors[key] = f"“{text}” is not a number"
            return None

    def values(self) -> dict[str, Any]:
        u = self.ui
        self.local_errors = {}
        labs = {}
        for key, name in _LAB_EDITS.items():
            v = self._num(getattr(u, name), key)
            if v is not None:
                labs[key] = int(v) if v.is_integer() else v
        age = self._num(u.ageEdit, "age_years")
        weight = self._num(u.weightEdit, "weight_kg")
        qd = u.infusionEdit.date()
        out: dict[str, Any] = {
            "mrn": u.mrnEdit.text().strip(), "name": u.nameEdit.text().strip(),
            "infusion_date": date(qd.year(), qd.month(), qd.day()),
            "age_years": age, "date_of_birth": u.dobEdit.text().strip() or None, "weight_kg": weight,
            "ward": u.wardEdit.text().strip() or None, "bed": u.bedEdit.text().strip() or None,
            "product": u.productCombo.currentData() or None,
            "baseline_labs": labs or (self.patient.baseline_labs if self.patient else None) or None,
        }
        ice = {key: getattr(u, name).text().strip() for key, name in _ICE_EDITS.items()}
        out["ice_baseline"] = {k: v for k, v in ice.items() if v} or None
        if self.patient is not None:
            out["upper_limits"] = self.patient.upper_limits or None
            out["death"] = self.patient.death
        return out

    def _ok(self) -> None:
        self.values()
        if self.local_errors:
            self.show_errors([(k, v) for k, v in self.local_errors.items()])
            return
        self.ui.buttonBox.setEnabled(False)
        emit(self.submitted)

    def show_errors(self, errors: list[tuple[str, str]]) -> None:
        """Messages from ``ValidationFailed`` (path, message), each also marked at its field."""
        u = self.ui
        lines = []
        for name in (*_PATIENT_FIELDS.values(), *_LAB_EDITS.values(), *_ICE_EDITS.values()):
            getattr(u, name).setStyleSheet("")
        for path, message in errors:
            key = path.split(".")[-1]
            widget_name = _PATIENT_FIELDS.get(path) or (
                _ICE_EDITS.get(key) if path.startswith("ice_baseline.") else _LAB_EDITS.get(key))
            if widget_name:
                w = getattr(u, widget_name)
                w.setStyleSheet(f"border: 2px solid {ERROR_FG};")
                w.setToolTip(message)
            lines.append(f"{path}: {message}")
        u.buttonBox.setEnabled(True)
        _set_error(u.errorLabel, "\n".join(lines))


# ---- interventions ---------------------------------------------------------------------------------------

DRUG_WORDS = {
    "tocilizumab": "Tocilizumab", "siltuximab": "Siltuximab", "dexamethasone": "Dexamethasone",
    "methylprednisolone": "Methylprednisolone", "hydrocortisone": "Hydrocortisone", "anakinra": "Anakinra",
    "antipyretic": "Antipyretic", "g_csf": "G-CSF", "levetiracetam": "Levetiracetam",
    "immunoglobulin": "Immunoglobulin", "other": "Other (name it)",
}


class InterventionDialog(QDialog):
    """Record a drug given. Tocilizumab: the dose from weight × the protocol's mg/kg (capped at
    its maximum) is offered, and the protocol's limits are checked live through the core:
    warnings never block, but saving past one asks for a confirmation."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None, patient: Any, base_case: dict[str, Any], protocol: Protocol,
                 record: Any = None) -> None:
        super().__init__(parent)
        self.patient = patient
        self.base_case = base_case
        self.protocol = protocol
        self.record = record
        self.setWindowTitle(("Amend intervention" if record else "Record an intervention") + f" — {patient.name}")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.drug = QComboBox()
        for d in DRUGS:
            self.drug.addItem(DRUG_WORDS.get(d, d), d)
        self.drug.setAccessibleName("Drug")
        self.name = QLineEdit()
        self.name.setPlaceholderText("name of the drug (for Other)")
        self.time = QDateTimeEdit(QDateTime.currentDateTime())
        self.time.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time.setCalendarPopup(True)
        self.dose = QLineEdit()
        self.dose.setPlaceholderText("mg (optional, 0–5000)")
        self.dose.setAccessibleName("Dose in mg")
        self.given_by = QLineEdit()
        self.given_by.setPlaceholderText("who gave it (default: you)")
        form.addRow("&Drug", self.drug)
        form.addRow("&Name", self.name)
        form.addRow("&Time given", self.time)
        dose_row = QHBoxLayout()
        dose_row.addWidget(self.dose)
        dose_row.addWidget(QLabel("mg"))
        self.use_computed = QPushButton("Use &computed dose")
        self.use_computed.setAutoDefault(False)
        dose_row.addWidget(self.use_computed)
        form.addRow("D&ose", dose_row)
        form.addRow("&Given by", self.given_by)
        lay.addLayout(form)
        self.calc = QLabel()
        self.calc.setWordWrap(True)
        self.calc.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.calc)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.warnings)
        self.error = QLabel()
        self.error.setStyleSheet(f"color:{ERROR_FG}; font-weight:bold;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        lay.addWidget(self.buttons)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.use_computed.clicked.connect(self._use_computed)
        for sig in (self.drug.currentIndexChanged, self.dose.textChanged, self.time.dateTimeChanged,
                    self.name.textChanged):
            sig.connect(self._update)
        self.confirmed_warnings = False
        if record is not None:
            c = record.content
            self.drug.setCurrentIndex(max(0, self.drug.findData(c.get("drug", "other"))))
            self.name.setText(c.get("name") or "")
            t = record.time
            self.time.setDateTime(QDateTime.fromString(t.strftime("%Y-%m-%dT%H:%M"), Qt.DateFormat.ISODate))
            if c.get("dose_mg") is not None:
                self.dose.setText(fmt(c["dose_mg"]))
            self.given_by.setText(record.given_by or "")
        self.resize(560, 420)
        self._update()

    def computed_dose(self) -> float | None:
        return self.protocol.tocilizumab.dose_mg(self.patient.weight_kg)

    def _use_computed(self) -> None:
        dose = self.computed_dose()
        if dose is not None:
            self.dose.setText(fmt(round(dose)))

    def entry(self) -> tuple[dict[str, Any], str | None]:
        drug = str(self.drug.currentData())
        out: dict[str, Any] = {"time": self.time.dateTime().toString("yyyy-MM-ddTHH:mm"), "drug": drug}
        if drug == "other" and self.name.text().strip():
            out["name"] = self.name.text().strip()
        text = self.dose.text().strip().replace(",", ".")
        if text:
            try:
                v = float(text)
            except ValueError:
                return out, f"“{text}” is not a dose in mg"
            out["dose_mg"] = int(v) if v.is_integer() else v
        return out, None

    def _update(self) -> None:
        drug = self.drug.currentData()
        is_toci = drug == "tocilizumab"
        self.use_computed.setVisible(is_toci)
        self.name.setEnabled(drug == "other")
        rules = self.protocol.tocilizumab
        self.confirmed_warnings = False
        if is_toci:
            w = self.patient.weight_kg
            dose = self.computed_dose()
            if dose is None:
                self.calc.setText("<b>Dose calculator:</b> the patient's weight is missing: add it to the patient "
                                  "to compute the dose.")
            else:
                per_kg = rules.mg_per_kg_small if w < rules.small_below_kg else rules.mg_per_kg
                capped = " (capped at the maximum)" if per_kg * w > rules.max_dose_mg else ""
                self.calc.setText(
                    f"<b>Dose calculator:</b> {fmt(per_kg)} mg/kg × {fmt(w)} kg = <b>{fmt(round(dose))} mg</b>{capped}; "
                    f"maximum {fmt(rules.max_dose_mg)} mg per dose, at least {fmt(rules.min_interval_h)} h apart, "
                    f"{rules.max_doses_per_24h} per 24 h, {rules.max_doses_total} in total.<br>"
                    f"<i style='color:#455a64'>Source: {escape(rules.source)}</i>")
        else:
            self.calc.setText("")
        entry, err = self.entry()
        self.error.setText(("⚠ " + err) if err else "")
        self.warnings.setText("")
        self.alerts = []
        if err:
            return
        self.alerts = self.check(entry)
        if self.alerts:
            self.warnings.setText(f"<b style='color:{ERROR_FG}'>Protocol limits:</b><ul style='margin-left:-20px'>"
                                  + "".join(f"<li>{escape(a)}</li>" for a in self.alerts) + "</ul>")

    def check(self, entry: dict[str, Any]) -> list[str]:
        """Alerts the core raises for this entry that it did not raise before it (limits)."""
        from cartox_desktop.clinical import CaseInvalid, grade_case, parse_case

        base = dict(self.base_case)
        others = list(base.get("interventions") or [])
        if self.record is not None:
            others = [c for c in others if c != self.record.content]
        try:
            before = set(grade_case(parse_case({**base, "interventions": others}), self.protocol).course.alerts)
            after = grade_case(parse_case({**base, "interventions": [*others, entry]}), self.protocol,
                               datetime.fromisoformat(entry["time"])).course.alerts
        except CaseInvalid as exc:
            return [f"{e.path}: {e.message}" for e in exc.errors]
        return [a for a in after if a not in before and "tocilizumab" in a.lower()]

    def _ok(self) -> None:
        entry, err = self.entry()
        if err:
            self.dose.setFocus()
            return
        if self.alerts and not self.confirmed_warnings:
            self.confirmed_warnings = True
            self.error.setText("⚠ This passes the protocol's limits (above). Press Save again to record it "
                               "anyway; the alert stays on the board.")
            return
        self.buttons.setEnabled(False)
        emit(self.submitted)

    def failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText("⚠ " + message)


# ---- history and conflicts -------------------------------------------------------------------------------


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """A record as ``path -> text`` rows (``labs.crp_mg_dl``) for side-by-side comparison."""
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            out[prefix] = ", ".join(str(v) for v in value) if value else "(none)"
        else:
            for i, v in enumerate(value):
                out.update(flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = "" if value is None else (fmt(value) if isinstance(value, int | float) and
                                                not isinstance(value, bool) else str(value))
    return out


class DiffTable(QTableWidget):
    """Rows = fields, columns = versions; a cell that differs from the column before is
    highlighted (bold on yellow, and the tooltip says what it was)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setDefaultSectionSize(22)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.changed_cells = 0

    def set_versions(self, titles: list[str], records: list[dict[str, Any]]) -> None:
        flat = [flatten(r) for r in records]
        keys: list[str] = []
        for f in flat:
            for k in f:
                if k not in keys:
                    keys.append(k)
        # fields that changed between any two versions first, then the rest (each group as stored)
        changed = [k for k in keys if len({f.get(k, "—") for f in flat}) > 1]
        keys = changed + [k for k in keys if k not in changed]
        self.clear()
        self.setColumnCount(len(titles))
        self.setRowCount(len(keys))
        self.setHorizontalHeaderLabels(titles)
        self.setVerticalHeaderLabels(keys)
        bold = QFont()
        bold.setBold(True)
        self.changed_cells = 0
        for row, k in enumerate(keys):
            for col, f in enumerate(flat):
                text = f.get(k, "—")
                item = QTableWidgetItem(text)
                if col > 0 and flat[col - 1].get(k, "—") != text:
                    item.setBackground(QBrush(CHANGED_BG))
                    item.setFont(bold)
                    item.setText(f"{text}  (was {flat[col - 1].get(k, '—')})")
                    item.setToolTip(f"changed from {flat[col - 1].get(k, '—')!r} to {text!r}")
                    self.changed_cells += 1
                self.setItem(row, col, item)
        self.resizeColumnsToContents()


class HistoryDialog(QDialog):
    """Every version of a record (created, amended, voided, reviewed, re-graded), side by side."""

    def __init__(self, parent: QWidget | None, title: str, versions: list[Any]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        intro = QLabel("Each column is a version from the audit trail, oldest first. Changed values are "
                       "<b style='background:#fff59d'>highlighted</b> with what they were before.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        split = QSplitter(Qt.Orientation.Vertical)
        self.events = QListWidget()
        for v in versions:
            extra = []
            if v.reason:
                extra.append(f"reason: {v.reason}")
            if v.signature_meaning:
                extra.append(f"signed ({v.signature_meaning})")
            if v.grades_before != v.grades_after and (v.grades_before or v.grades_after):
                extra.append(f"grades {_grades(v.grades_before)} → {_grades(v.grades_after)}")
            if getattr(v, "note", None):
                extra.append(f"note: {v.note}")
            source = _source_text(getattr(v, "audit_detail", None))
            if source:
                extra.append(source)
            self.events.addItem(f"#{v.seq}  {v.ts_local[:16].replace('T', ' ')}  {v.actor}  {v.action}"
                                + (f" v{v.version}" if v.version is not None else "")
                                + ("  · " + " · ".join(extra) if extra else ""))
        split.addWidget(self.events)
        self.table = DiffTable()
        titles = [f"#{v.seq} {v.action}\n{v.ts_local[5:16].replace('T', ' ')} {v.actor}" for v in versions]
        self.table.set_versions(titles, [{**_record_fields(v.record),
                                          **({"· note": v.note} if getattr(v, "note", None) else {})}
                                         for v in versions])
        split.addWidget(self.table)
        split.setSizes([120, 420])
        lay.addWidget(split, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(1100, 640)


def _source_text(detail: dict[str, Any] | None) -> str:
    """Where a version came from, from its ``audit_detail`` (a lab file: name and SHA-256)."""
    if not detail:
        return ""
    if detail.get("file_name"):
        sha = str(detail.get("sha256") or "")
        return f"imported from {detail['file_name']}" + (f" (SHA-256 {sha[:16]}…)" if sha else "") + (
            f", mapping {detail['mapping']}" if detail.get("mapping") else "")
    shown = {k: v for k, v in detail.items() if k != "ice_adaptations"}
    return "; ".join(f"{k}: {v}" for k, v in shown.items())


def _grades(g: dict[str, Any] | None) -> str:
    if not g:
        return "none"
    return f"CRS {g.get('crs_astct')}, ICANS {g.get('icans_astct')}"


def _record_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The stored record as shown in history: the clinical content first, bookkeeping after."""
    content = record.get("content")
    if isinstance(content, str):
        import json

        with contextlib.suppress(ValueError):
            content = json.loads(content)
    out: dict[str, Any] = {}
    if isinstance(content, dict):
        out.update(content)
    for k, v in record.items():
        if k != "content":
            out[f"· {k}"] = v
    return out


class ConflictDialog(QDialog):
    """A save refused because someone else saved the record first: both versions side by side.
    ``choice`` is "reapply" (open the stored version with my changes on top) or "discard"."""

    def __init__(self, parent: QWidget | None, message: str, theirs: dict[str, Any], mine: dict[str, Any],
                 their_title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Saved meanwhile on another computer")
        self.choice = "cancel"
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>Not saved:</b> {escape(message)}")
        head.setWordWrap(True)
        lay.addWidget(head)
        self.table = DiffTable()
        self.table.set_versions([their_title, "Yours (not saved)"], [theirs, mine])
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        reapply = QPushButton("&Apply my changes to their version…")
        discard = QPushButton("&Keep theirs, discard mine")
        cancel = QPushButton("Cancel (keep my draft)")
        reapply.clicked.connect(lambda: self._done("reapply"))
        discard.clicked.connect(lambda: self._done("discard"))
        cancel.clicked.connect(self.reject)
        row.addWidget(reapply)
        row.addWidget(discard)
        row.addStretch(1)
        row.addWidget(cancel)
        lay.addLayout(row)
        self.resize(900, 560)

    def _done(self, choice: str) -> None:
        self.choice = choice
        self.accept()


class LabDialog(QDialog):
    """Standalone lab results (a case-format ``labs`` entry with a time), generated from the
    same lab list as the assessment form."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None, patient: Any, record: Any = None) -> None:
        from .assessment.spec import LABS
        from .assessment.widgets import NumberField

        super().__init__(parent)
        self.setWindowTitle(("Amend lab results" if record else "Add lab results") + f" — {patient.name}")
        self.record = record
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.time = QDateTimeEdit(QDateTime.currentDateTime())
        self.time.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time.setCalendarPopup(True)
        form.addRow("&Time sampled", self.time)
        self.fields: dict[str, NumberField] = {}
        for s in LABS:
            f = NumberField(s)
            self.fields[s.key[5:]] = f
            form.addRow(s.label, f)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet(f"color:{ERROR_FG}; font-weight:bold;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        if record is not None:
            c = record.content
            when = c.get("time") or (c.get("date", "") + "T00:00")
            self.time.setDateTime(QDateTime.fromString(str(when)[:16], Qt.DateFormat.ISODate))
            for k, f in self.fields.items():
                if c.get(k) is not None:
                    f.set_raw(fmt(c[k]))

    def entry(self) -> tuple[dict[str, Any], dict[str, str]]:
        out: dict[str, Any] = {"time": self.time.dateTime().toString("yyyy-MM-ddTHH:mm")}
        errors = {}
        for k, f in self.fields.items():
            v, err = f.value()
            if err:
                errors[k] = err
            elif v is not None:
                out[k] = v
        return out, errors

    def show_errors(self, errors: dict[str, str]) -> None:
        for k, f in self.fields.items():
            f.set_errors([errors[k]] if k in errors else [])
        general = [f"{k}: {v}" for k, v in errors.items() if k not in self.fields]
        self.error.setText(("⚠ " + "; ".join(general)) if general else "")
        self.buttons.setEnabled(True)

    def _ok(self) -> None:
        entry, errors = self.entry()
        if errors:
            self.show_errors(errors)
            return
        if len(entry) == 1:
            self.error.setText("⚠ Enter at least one value.")
            return
        self.buttons.setEnabled(False)
        emit(self.submitted)

    def failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText("⚠ " + message)
