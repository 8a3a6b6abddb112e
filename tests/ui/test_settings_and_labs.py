"""The ward settings dialog (database, audited), ICE answers and adaptations, and the lab CSV
import dialog, driven through the real windows (pytest-qt, offscreen)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cartox_desktop import services
from cartox_desktop.qt.assessment.review import ReviewDialog
from cartox_desktop.qt.dialogs import HistoryDialog, SettingsDialog
from cartox_desktop.qt.labimport import LabImportDialog
from cartox_desktop.qt.qt import Qt

from .conftest import ADMIN, ADULT_MRN, CHILD_MRN, NURSE, PASSWORD, App


def _broken_protocol(repo_root: Path, path: Path) -> Path:
    """The bundled protocol with one wrong value (tocilizumab.max_dose_mg as text)."""
    text = (repo_root / "resources" / "protocol.toml").read_text(encoding="utf-8")
    lines = [('max_dose_mg = "lots"' if line.strip().startswith("max_dose_mg") else line) for line in text.splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _save(dlg: SettingsDialog) -> None:
    dlg.ui.buttonBox.button(dlg.ui.buttonBox.StandardButton.Save).click()


def _stored_settings(app: App) -> Any:
    store = app.ward.store()
    try:
        return services.get_settings(store), services.events(store, action="setting")
    finally:
        store.close()


def test_settings_dialog_round_trip_through_the_database(make_app: Any, tmp_path: Path, repo_root: Path) -> None:
    app = make_app()
    app.sign_in(ADMIN, PASSWORD)
    win = app.win
    win.open_settings()
    dlg = win.settings_dialog
    assert isinstance(dlg, SettingsDialog) and not dlg.ui.institutionEdit.isReadOnly()
    # the connection test (this computer's part)
    dlg.ui.dbUrlEdit.setText("postgresql+psycopg://nobody@127.0.0.1:1/none")
    dlg.ui.testButton.click()
    app.wait(lambda: "⚠" in dlg.ui.testResultLabel.text(), timeout=20_000)
    assert "127.0.0.1" in dlg.ui.testResultLabel.text()
    dlg.ui.dbUrlEdit.setText(app.ward.url)
    dlg.ui.testButton.click()
    app.wait(lambda: "connected" in dlg.ui.testResultLabel.text())
    assert "with 3 user(s)" in dlg.ui.testResultLabel.text()

    # the ward's part, kept in the database
    dlg.ui.institutionEdit.setText("Universitätsklinikum Heidelberg")
    dlg.ui.wardNameEdit.setText("Haematology 7B")
    dlg.ui.wardPhoneEdit.setText("call the ward")
    dlg.ui.idleSpin.setValue(3)
    dlg.ui.unitCombo.setCurrentIndex(1)
    dlg.ui.iggSpin.setValue(350)
    dlg.ui.cityEdit.setText("Heidelberg")
    dlg.ui.hospitalEdit.setText("Uniklinik")
    broken = _broken_protocol(repo_root, tmp_path / "broken.toml")
    dlg.ui.protocolEdit.setText(str(broken))
    status = dlg.ui.protocolStatusLabel.text()
    assert "⚠" in status and str(broken) in status and "tocilizumab.max_dose_mg" in status
    _save(dlg)
    app.idle()
    error = dlg.ui.errorLabel.text()
    assert dlg.isVisible() and "nothing was saved" in error
    # the first refused field, its value and what is accepted; both refused fields are marked
    assert 'ward_phone = "call the ward"' in error and "digits" in error and "and 1 more problem" in error
    assert "border" in dlg.ui.wardPhoneEdit.styleSheet() and "border" in dlg.ui.protocolEdit.styleSheet()
    saved, changes = _stored_settings(app)
    assert saved == services.Settings() and changes == []  # refused: nothing stored
    dlg.ui.protocolEdit.clear()
    dlg.ui.wardPhoneEdit.setText("+49 6221 56-1234")
    _save(dlg)
    app.wait(lambda: not dlg.isVisible())
    app.idle()

    saved, changes = _stored_settings(app)
    assert (saved.institution_name, saved.ward_name, saved.ward_phone) == (
        "Universitätsklinikum Heidelberg", "Haematology 7B", "+49 6221 56-1234")
    assert (saved.idle_lock_minutes, saved.temperature_unit, saved.igg_threshold_mg_dl) == (3, "F", 350.0)
    assert saved.ice_baseline == {"city": "Heidelberg", "hospital": "Uniklinik"}
    by_key = {e.detail["setting"]: e for e in changes}
    assert by_key["idle_lock_minutes"].detail["old"] == 10 and by_key["idle_lock_minutes"].detail["new"] == 3
    assert all(e.actor == ADMIN for e in changes) and "protocol_file" not in by_key
    assert win.idle.interval_ms == 3 * 60_000

    # round trip: the dialog shows what the database holds
    win.open_settings()
    again = win.settings_dialog
    assert again is not dlg
    assert again.ui.wardNameEdit.text() == "Haematology 7B" and again.ui.idleSpin.value() == 3
    assert again.ui.unitCombo.currentData() == "F" and again.ui.iggSpin.value() == 350
    assert again.ward_changes() == {}
    again.reject()

    # the form uses them: °F entry, the ward's ICE answers
    app.open_patient_from_board(ADULT_MRN)
    win.new_assessment()
    assert win.assessment.form.temp.unit == "F"
    assert "Heidelberg" in win.assessment.form.scale.items[2].expected
    assert "Uniklinik" in win.assessment.form.scale.items[3].expected


def test_a_nurse_sees_the_ward_settings_read_only(app: App) -> None:
    app.win.open_settings()
    dlg = app.win.settings_dialog
    assert dlg.ui.institutionEdit.isReadOnly() and not dlg.ui.unitCombo.isEnabled()
    assert "Only an admin" in dlg.ui.wardNoteLabel.text()
    dlg.ui.wardEdit.setText("7B")  # this computer's part stays editable
    _save(dlg)
    app.wait(lambda: not dlg.isVisible())
    from cartox_desktop.qt.settings import Settings

    assert Settings.load().ward == "7B"


def test_ice_uses_the_patients_answers_and_adaptations_are_stored_and_shown(make_app: Any) -> None:
    app = make_app(ice_city="Heidelberg", ice_hospital="Uniklinik")
    store = app.ward.store()
    try:  # this patient answers for Mannheim (lives there; admitted from there)
        admin = services.login(store, ADMIN, PASSWORD)
        p = services.get_patient(store, mrn=ADULT_MRN)
        data = services.PatientInput(mrn=p.mrn, name=p.name, infusion_date=p.infusion_date, age_years=p.age_years,
                                     weight_kg=p.weight_kg, ward=p.ward, bed=p.bed, product=p.product,
                                     baseline_labs=p.baseline_labs, ice_baseline={"city": "Mannheim"})
        services.amend_patient(store, admin, p.id, data, expected_version=p.version, reason="patient's own answers",
                               signature=services.Signature(PASSWORD, "amended"))
    finally:
        store.close()
    app.sign_in(NURSE, PASSWORD)
    win, bot = app.win, app.qtbot
    app.open_patient_from_board(ADULT_MRN)
    win.new_assessment()
    form = win.assessment.form
    assert "Mannheim" in form.scale.items[2].expected  # the patient's own answer first
    assert "Uniklinik" in form.scale.items[3].expected  # the ward's where the patient has none
    bot.keyClicks(form.temp.edit, "37.1")
    form.tabs.setCurrentIndex(1)
    form.scale.setFocus()
    for key in (Qt.Key.Key_1,) * 4 + (Qt.Key.Key_3,) + (Qt.Key.Key_1,) * 3:
        bot.keyClick(form.scale, key)
    form.adaptations["interpreter"].setChecked(True)
    form.adaptations["pointing"].setChecked(True)
    form.adaptation_note.setText("Turkish interpreter by phone")
    bot.keyClick(form.temp.edit, Qt.Key.Key_Return)
    app.wait(lambda: isinstance(win.dialog, ReviewDialog) and win.dialog.isVisible())
    review = win.dialog
    shown = {review.table.item(i, 0).text(): review.table.item(i, 1).text() for i in range(review.table.rowCount())}
    note = "Interpreter used; Pointing instead of naming; Turkish interpreter by phone"
    assert any(k.startswith("Adaptations (stored") and v == note for k, v in shown.items())
    bot.keyClick(review, Qt.Key.Key_Return)
    app.wait(lambda: win.assessment is None and win.stack.currentWidget() is win.chart)
    app.idle()
    saved = app.ward.patient(ADULT_MRN).active_assessments[-1]
    store = app.ward.store()
    try:
        (created,) = services.record_history(store, "assessment", saved.id)
    finally:
        store.close()
    assert created.note == note and created.audit_detail == {"ice_adaptations": ["interpreter", "pointing"]}

    win.show_history("assessment", saved.id)
    app.wait(lambda: isinstance(win.dialog, HistoryDialog) and win.dialog.isVisible())
    items = [win.dialog.events.item(i).text() for i in range(win.dialog.events.count())]
    assert any(f"note: {note}" in text for text in items)


def _lab_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("MRN,Collected,Test,Result,Unit\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _open_import(app: App, path: Path) -> LabImportDialog:
    app.win.import_labs()
    app.wait(lambda: isinstance(app.win.dialog, LabImportDialog) and app.win.dialog.isVisible())
    dlg = app.win.dialog
    app.wait(lambda: dlg.mapping_combo.findData("generic-si") >= 0)
    dlg.set_file(str(path), "generic-si")
    app.wait(lambda: dlg.checked is not None or dlg.file_error)
    return dlg


def _lab_events(app: App) -> list[Any]:
    store = app.ward.store()
    try:
        return [e for e in services.events(store) if e.entity == "lab" or e.action == "import"]
    finally:
        store.close()


def test_lab_import_dialog_flags_a_bad_row_and_stores_nothing(app: App, tmp_path: Path) -> None:
    when = f"{date.today().isoformat()}T07:00"
    bad = _lab_csv(tmp_path / "bad.csv", [f"{ADULT_MRN},{when},ANC,0.4,10^9/L", f"{ADULT_MRN},{when},HB,300,g/L",
                                          f"UNKNOWN-1,{when},CRP,5,mg/L"])
    dlg = _open_import(app, bad)
    assert dlg.flagged_rows(), "the refused row is flagged in the preview"
    flagged = dlg.table.item(dlg.flagged_rows()[0], 6).text()
    assert "30" in flagged or "g/dL" in flagged  # what is accepted
    texts = {dlg.table.item(r, 2).text() for r in range(dlg.table.rowCount()) if dlg.table.item(r, 2)}
    assert "⚠ no such patient" in texts and "UNKNOWN-1" in dlg.summary.text()
    assert "row(s) refused" in dlg.summary.text() and not dlg.import_button.isEnabled()
    dlg.skip_unknown.setChecked(True)
    assert not dlg.import_button.isEnabled()  # a refused row still blocks the whole file
    dlg.buttons.accepted.emit()  # even a forced confirm stores nothing
    app.idle()
    assert app.ward.patient(ADULT_MRN).labs == () and _lab_events(app) == []
    dlg.reject()


def test_lab_import_dialog_previews_conversions_then_stores_the_file_at_once(app: App, tmp_path: Path) -> None:
    today = date.today()
    t1, t2 = f"{today.isoformat()}T07:00", f"{(today - timedelta(days=1)).isoformat()}T06:30"
    good = _lab_csv(tmp_path / "lab-export.csv", [
        f"{ADULT_MRN},{t1},ANC,0.4,10^9/L", f"{ADULT_MRN},{t1},CRP,48,mg/L", f"{ADULT_MRN},{t2},PLT,85,10^9/L",
        f"{CHILD_MRN},{t1},FERR,1200,µg/L"])
    dlg = _open_import(app, good)
    assert dlg.flagged_rows() == [] and dlg.import_button.isEnabled()
    assert "4 value(s) for 2 patient(s)" in dlg.import_button.text().replace("&", "")
    conversions = [dlg.table.item(r, 6).text() for r in range(dlg.table.rowCount())]
    assert "ANC 0.4 10^9/L → 400 /µL" in conversions and "CRP 48 mg/L → 4.8 mg/dL" in conversions
    days = [dlg.table.item(r, 3).text() for r in range(dlg.table.rowCount())]
    assert any("(day 2)" in d for d in days)
    dlg.buttons.accepted.emit()
    app.wait(lambda: not dlg.isVisible())
    app.idle()
    assert dlg.result is not None and (dlg.result.values, dlg.result.patients) == (4, 2)
    adult = app.ward.patient(ADULT_MRN)
    assert sorted(r.content.get("anc_per_ul", 0) for r in adult.labs) == [0, 400]
    sha = hashlib.sha256(good.read_bytes()).hexdigest()
    events = _lab_events(app)
    creates = [e for e in events if e.action == "create"]
    assert len(creates) == 3 and {e.detail["audit_detail"]["sha256"] for e in creates} == {sha}
    assert {e.detail["audit_detail"]["file_name"] for e in creates} == {"lab-export.csv"}
    assert [e.action for e in events].count("import") == 2
    assert "Imported 4 lab value(s)" in app.win.statusBar().currentMessage()
    store = app.ward.store()
    try:
        history = services.record_history(store, "lab", adult.labs[0].id)
        assert history[0].audit_detail["sha256"] == sha
        assert services.verify(store).ok
    finally:
        store.close()
