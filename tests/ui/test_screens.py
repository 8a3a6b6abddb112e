"""The other screens, each driven through the real window: CAPD, interventions, void, history,
save conflicts, the audit view, patients, settings, printing."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from cartox_desktop import services
from cartox_desktop.qt.assessment.review import ReviewDialog
from cartox_desktop.qt.dialogs import (
    ConflictDialog,
    HistoryDialog,
    InterventionDialog,
    PatientDialog,
    ReasonDialog,
)
from cartox_desktop.qt.qt import QDateTime, Qt

from .conftest import ADULT_MRN, CHILD_MRN, NURSE, PASSWORD, PHYSICIAN, App, type_text


def _dialog(app: App, kind: type) -> Any:
    app.wait(lambda: isinstance(app.win.dialog, kind) and app.win.dialog.isVisible())
    return app.win.dialog


def test_capd_for_a_child_item_by_item_with_reverse_scoring(app: App) -> None:
    win, bot = app.win, app.qtbot
    app.open_patient_from_board(CHILD_MRN)
    win.new_assessment()
    page = win.assessment
    form = page.form
    assert form.ctx.uses_capd and form.tabs.tabText(1).endswith("CAPD (guided)")
    form.tabs.setCurrentIndex(1)
    form.scale.setFocus()
    # items 1-4 "Never" (key 1) score 4 each (reverse-scored); items 5-8 "Rarely" (key 2) score 1 each
    for key in (Qt.Key.Key_1,) * 4 + (Qt.Key.Key_2,) * 4:
        bot.keyClick(form.scale, key)
    assert form.scale.total_points() == 20
    assert form.draft()[0]["capd_score"] == 20
    icans = page.result.assessment["icans_astct"]
    assert icans["grade"] == 3 and "CAPD" in " ".join(icans["reasons"])
    # a key that is no answer is ignored; Left goes back one item; Delete clears it
    bot.keyClick(form.scale, Qt.Key.Key_Left)
    bot.keyClick(form.scale, Qt.Key.Key_Delete)
    assert form.scale.answered() == 7 and "capd_score" not in form.draft()[0]
    assert "7 of 8" in form.scale.item_error.text() or "7 of 8" in " ".join(form.scale.errors.get("", []))
    bot.keyClick(form.scale, Qt.Key.Key_5)  # "Always" for item 8: 4 points
    assert form.draft()[0]["capd_score"] == 23


def test_tocilizumab_dose_calculator_and_limit_warning(app: App) -> None:
    win, bot = app.win, app.qtbot
    app.open_patient_from_board(ADULT_MRN)
    app.shortcut(Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dlg = _dialog(app, InterventionDialog)
    dlg.drug.setCurrentIndex(dlg.drug.findData("tocilizumab"))
    assert "8 mg/kg × 82 kg = <b>656 mg</b>" in dlg.calc.text()
    assert "Source:" in dlg.calc.text()
    bot.mouseClick(dlg.use_computed, Qt.MouseButton.LeftButton)
    assert dlg.dose.text() == "656"
    assert dlg.alerts == []
    dlg.dose.clear()
    bot.keyClicks(dlg.dose, "900")
    assert any("above the maximum of 800 mg" in a for a in dlg.alerts)
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Save)
    bot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "Press Save again" in dlg.error.text() and dlg.isVisible()  # a warning asks once
    bot.mouseClick(ok, Qt.MouseButton.LeftButton)
    app.wait(lambda: not dlg.isVisible())
    app.idle()
    tl = app.ward.patient(ADULT_MRN)
    assert [iv.content["dose_mg"] for iv in tl.interventions] == [900]
    assert tl.interventions[0].given_by == "Anna Nurse"
    # a second dose 2 h later passes the minimum interval: warned as well
    win.intervention_dialog()
    dlg2 = _dialog(app, InterventionDialog)
    dlg2.drug.setCurrentIndex(dlg2.drug.findData("tocilizumab"))
    t = tl.interventions[0].time
    dlg2.time.setDateTime(QDateTime.fromString(t.replace(hour=(t.hour + 2) % 24).strftime("%Y-%m-%dT%H:%M"),
                                               Qt.DateFormat.ISODate))
    dlg2.dose.setText("600")
    assert any("after the previous dose" in a for a in dlg2.alerts)
    dlg2.reject()


def test_void_needs_a_physician_a_reason_and_the_password(make_app: Any) -> None:
    nurse = make_app()
    nurse.sign_in()
    nurse.open_patient_from_board(ADULT_MRN)
    assert not nurse.win.chart.buttons["void"].isVisibleTo(nurse.win.chart)  # nurses cannot void
    nurse.win.close()

    app = make_app()
    app.sign_in(PHYSICIAN, PASSWORD)
    win, bot = app.win, app.qtbot
    app.open_patient_from_board(ADULT_MRN)
    rec = app.ward.patient(ADULT_MRN).active_assessments[0]
    assert win.chart.select_record("assessment", rec.id)
    bot.mouseClick(win.chart.buttons["void"], Qt.MouseButton.LeftButton)
    dlg = _dialog(app, ReasonDialog)
    bot.keyClicks(dlg.ui.passwordEdit, PASSWORD)
    bot.mouseClick(dlg.ui.buttonBox.button(dlg.ui.buttonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert "reason is required" in dlg.ui.errorLabel.text()
    dlg.ui.reasonEdit.setPlainText("entered for the wrong patient")
    dlg.ui.passwordEdit.setText("not-my-password")
    bot.mouseClick(dlg.ui.buttonBox.button(dlg.ui.buttonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    app.wait(lambda: "password is not correct" in dlg.ui.errorLabel.text())
    assert not app.ward.patient(ADULT_MRN).assessments[0].voided
    dlg.ui.passwordEdit.setText(PASSWORD)
    bot.mouseClick(dlg.ui.buttonBox.button(dlg.ui.buttonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    app.wait(lambda: not dlg.isVisible())
    app.idle()
    stored = next(a for a in app.ward.patient(ADULT_MRN).assessments if a.id == rec.id)
    assert stored.voided and stored.void_reason == "entered for the wrong patient"
    row = next(r for r in range(win.chart.assessments.rowCount())
               if win.chart.assessments.item(r, 0).data(Qt.ItemDataRole.UserRole + 10) == ("assessment", rec.id))
    item = win.chart.assessments.item(row, 11)
    assert item.text().startswith("VOIDED") and item.font().strikeOut()


def test_history_highlights_what_changed(app: App) -> None:
    win, bot = app.win, app.qtbot
    store = app.ward.store()
    try:
        nurse = services.login(store, NURSE, PASSWORD)
        rec = services.patient_timeline(store, mrn=ADULT_MRN).active_assessments[-1]
        services.amend_record(store, nurse, "assessment", rec.id, {**rec.content, "temperature_c": 38.3},
                              expected_version=rec.version, reason="re-measured",
                              signature=services.Signature(PASSWORD, "amended"))
    finally:
        store.close()
    app.open_patient_from_board(ADULT_MRN)
    win.chart.select_record("assessment", rec.id)
    bot.mouseClick(win.chart.buttons["history"], Qt.MouseButton.LeftButton)
    dlg = _dialog(app, HistoryDialog)
    assert dlg.events.count() >= 2
    assert "reason: re-measured" in dlg.events.item(dlg.events.count() - 1).text()
    table = dlg.table
    assert table.changed_cells >= 1
    assert table.verticalHeaderItem(0).text() == "temperature_c"  # what changed comes first
    last = table.columnCount() - 1
    assert table.item(0, last).text() == "38.3  (was 37.4)" and table.item(0, last).font().bold()


def test_save_conflict_shows_both_versions_and_reapplies(app: App) -> None:
    win, bot = app.win, app.qtbot
    app.open_patient_from_board(ADULT_MRN)
    rec = app.ward.patient(ADULT_MRN).active_assessments[-1]
    win.amend_record("assessment", rec.id)
    app.wait(lambda: win.assessment is not None)
    form = win.assessment.form
    form.temp.edit.setText("37.9")
    # meanwhile, on another computer, someone amends the same record
    store = app.ward.store()
    try:
        other = services.login(store, PHYSICIAN, PASSWORD)
        services.amend_record(store, other, "assessment", rec.id, {**rec.content, "spo2_percent": 95},
                              expected_version=rec.version, reason="SpO2 added",
                              signature=services.Signature(PASSWORD, "amended"))
    finally:
        store.close()
    bot.keyClick(form.temp.edit, Qt.Key.Key_Return)
    review = _dialog(app, ReviewDialog)
    review.reason.setPlainText("temperature re-measured")
    review.password.setText(PASSWORD)
    bot.keyClick(review.password, Qt.Key.Key_Return)
    conflict = _dialog(app, ConflictDialog)
    headers = [conflict.table.horizontalHeaderItem(i).text() for i in range(2)]
    assert headers[0].startswith("Stored now (version 2 by dr.berg)") and headers[1] == "Yours (not saved)"
    rows = {conflict.table.verticalHeaderItem(r).text(): r for r in range(conflict.table.rowCount())}
    assert conflict.table.item(rows["temperature_c"], 1).text() == "37.9  (was 37.4)"
    assert "was 95" in conflict.table.item(rows["spo2_percent"], 1).text()
    assert app.ward.patient(ADULT_MRN).active_assessments[-1].content["temperature_c"] == 37.4  # nothing lost
    conflict._done("reapply")
    app.wait(lambda: win.assessment_mode.get("expected_version") == 2)
    assert win.stack.currentWidget() is win.assessment and form.temp.edit.text() == "37.9"
    win.review_assessment()
    review = _dialog(app, ReviewDialog)
    review.reason.setPlainText("temperature re-measured")
    review.password.setText(PASSWORD)
    bot.keyClick(review.password, Qt.Key.Key_Return)
    app.wait(lambda: win.assessment is None)
    app.idle()
    stored = app.ward.patient(ADULT_MRN).active_assessments[-1]
    assert stored.version == 3 and stored.content["temperature_c"] == 37.9


def test_audit_view_filters_and_exports_csv(app: App, tmp_path: Path) -> None:
    win = app.win
    win.show_audit()
    app.wait(lambda: win.audit.model.rowCount() > 0)
    total = len(win.audit.all_events)
    # the filters are applied in the database (services.events): each change reloads the page
    app.wait(lambda: win.audit.user.findData(NURSE) >= 0)
    win.audit.user.setCurrentIndex(win.audit.user.findData(NURSE))
    app.wait(lambda: win.audit.model.events and all(e.actor == NURSE for e in win.audit.model.events))
    shown = win.audit.filtered()
    assert shown and all(e.actor == NURSE for e in shown) and len(shown) < total
    assert [e.seq for e in shown] == sorted((e.seq for e in shown), reverse=True)  # newest first
    win.audit.action.setCurrentIndex(win.audit.action.findData("login"))
    app.wait(lambda: win.audit.model.events and all(e.action == "login" and e.actor == NURSE
                                                    for e in win.audit.model.events))
    win.audit.action.setCurrentIndex(0)
    app.wait(lambda: len(win.audit.model.events) == len(shown))
    out = tmp_path / "audit.csv"
    win.export_audit_to(out)
    app.idle()
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:5] == ["seq", "ts_utc", "ts_local", "actor", "action"]
    assert len(rows) == len(shown) + 1 and {r[3] for r in rows[1:]} == {NURSE}
    store = app.ward.store()
    try:
        last = services.events(store)[-1]
    finally:
        store.close()
    assert (last.action, last.actor, last.detail["kind"]) == ("export", NURSE, "audit_csv")
    # filtered by patient through the service
    pid = app.patient_id(ADULT_MRN)
    win.audit.user.setCurrentIndex(0)
    win.audit.patient.setCurrentIndex(win.audit.patient.findData(pid))
    app.wait(lambda: win.audit.all_events and all(e.patient_id == pid for e in win.audit.all_events))


def test_patients_add_edit_and_discharge(make_app: Any) -> None:
    app = make_app()
    app.sign_in(PHYSICIAN, PASSWORD)
    win, bot = app.win, app.qtbot
    win.add_patient()
    dlg = _dialog(app, PatientDialog)
    bot.keyClicks(dlg.ui.mrnEdit, "UI-0099")
    type_text(dlg.ui.nameEdit, "Zoë Ångström")  # non-ASCII through key events, not keyClicks
    bot.keyClicks(dlg.ui.weightEdit, "70")
    save = dlg.ui.buttonBox.button(dlg.ui.buttonBox.StandardButton.Save)
    bot.mouseClick(save, Qt.MouseButton.LeftButton)
    app.wait(lambda: "age_years" in dlg.ui.errorLabel.text())  # refused: no age and no date of birth
    assert "border" in dlg.ui.ageEdit.styleSheet()
    bot.keyClicks(dlg.ui.ageEdit, "63")
    dlg.ui.productCombo.setCurrentIndex(dlg.ui.productCombo.findData("liso-cel"))
    bot.mouseClick(save, Qt.MouseButton.LeftButton)
    app.wait(lambda: win.timeline is not None and win.timeline.patient.mrn == "UI-0099")
    assert win.timeline.patient.name == "Zoë Ångström"
    # edit: an amendment with a reason and a signature
    win.edit_patient()
    edit = _dialog(app, PatientDialog)
    edit.ui.weightEdit.setText("72.5")
    bot.mouseClick(edit.ui.buttonBox.button(edit.ui.buttonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    sign = _dialog(app, ReasonDialog)
    sign.ui.reasonEdit.setPlainText("weighed today")
    sign.ui.passwordEdit.setText(PASSWORD)
    bot.mouseClick(sign.ui.buttonBox.button(sign.ui.buttonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    app.wait(lambda: win.timeline is not None and win.timeline.patient.weight_kg == 72.5)
    # discharge: gone from the board
    win.discharge_patient()
    dis = _dialog(app, ReasonDialog)
    bot.mouseClick(dis.ui.buttonBox.button(dis.ui.buttonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    app.wait(lambda: win.stack.currentWidget() is win.board and win.board.model.rowCount() > 0)
    app.idle()
    assert "UI-0099" not in {r.mrn for r in win.board.model.rows}


def test_patient_report_saved_as_pdf_and_audited(app: App, tmp_path: Path) -> None:
    from cartox_desktop.qt import printing

    app.open_patient_from_board(ADULT_MRN)
    out = tmp_path / "report.pdf"
    printing.save_pdf(app.win, "patient", out)
    app.wait(lambda: out.exists() and out.stat().st_size > 1000, timeout=30_000)
    assert out.read_bytes().startswith(b"%PDF")
    store = app.ward.store()
    try:
        last = services.events(store)[-1]
    finally:
        store.close()
    assert last.action == "print" and last.detail["kind"] == "patient_report"


def test_live_grading_stays_fast_on_a_long_course(app: App) -> None:
    store = app.ward.store()
    try:
        nurse = services.login(store, NURSE, PASSWORD)
        pid = services.patient_timeline(store, mrn=ADULT_MRN).patient.id
        base = services.patient_timeline(store, mrn=ADULT_MRN).active_assessments[-1].time
        from datetime import timedelta

        for i in range(1, 41):
            services.add_assessment(store, nurse, pid, {
                "time": (base - timedelta(days=2) + timedelta(minutes=30 * i)).isoformat(timespec="minutes"),
                "temperature_c": 37.2, "o2_device": "room_air", "ice_score": 10, "consciousness": "awake"})
    finally:
        store.close()
    app.open_patient_from_board(ADULT_MRN)
    app.win.new_assessment()
    page = app.win.assessment
    times = []
    for ch in "39.1":
        app.qtbot.keyClicks(page.form.temp.edit, ch)
        times.append(page.last_ms)
    assert max(times) < 20, times


def test_lab_results_refused_at_the_field_then_saved(app: App) -> None:
    from cartox_desktop.qt.dialogs import LabDialog

    app.open_patient_from_board(ADULT_MRN)
    app.shortcut(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = _dialog(app, LabDialog)
    app.qtbot.keyClicks(dlg.fields["crp_mg_dl"].edit, "120")
    save = dlg.buttons.button(dlg.buttons.StandardButton.Save)
    app.qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    app.wait(lambda: dlg.fields["crp_mg_dl"].messages)
    assert "mg/L" in dlg.fields["crp_mg_dl"].error.text() and dlg.isVisible()
    assert app.ward.patient(ADULT_MRN).labs == ()
    dlg.fields["crp_mg_dl"].edit.setText("12")
    app.qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    app.wait(lambda: not dlg.isVisible())
    app.idle()
    assert [r.content["crp_mg_dl"] for r in app.ward.patient(ADULT_MRN).labs] == [12]


def test_audit_report_pdf_for_the_patient_chosen_in_the_audit_view(app: App, tmp_path: Path) -> None:
    import io

    from pypdf import PdfReader

    from cartox_desktop.qt import printing

    win = app.win
    win.show_audit()
    pid = app.patient_id(ADULT_MRN)
    app.wait(lambda: win.audit.patient.findData(pid) >= 0)
    win.audit.patient.setCurrentIndex(win.audit.patient.findData(pid))
    app.wait(lambda: win.audit.all_events and all(e.patient_id == pid for e in win.audit.all_events))
    assert printing.audit_report_scope(win)["mrn"] == ADULT_MRN
    out = tmp_path / "audit.pdf"
    printing.save_pdf(win, "audit", out)
    app.wait(lambda: out.exists() and out.stat().st_size > 1000, timeout=30_000)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert ADULT_MRN in text and "supports and does not replace clinical judgement" in text
    store = app.ward.store()
    try:
        last = services.events(store)[-1]
    finally:
        store.close()
    assert last.action == "print" and last.detail["kind"] == "audit_report"
