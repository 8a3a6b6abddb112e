"""The nurse's path through the real windows, driven with the keyboard (pytest-qt, offscreen)."""

from __future__ import annotations

from typing import Any

from cartox_desktop import services
from cartox_desktop.qt.assessment.review import ReviewDialog
from cartox_desktop.qt.dialogs import SignInDialog
from cartox_desktop.qt.qt import Qt

from .conftest import ADULT_MRN, NURSE, PASSWORD, App


def _assessment_count(app: App, mrn: str) -> int:
    return len(app.ward.patient(mrn).active_assessments)


def test_sign_in_enter_assessment_live_grade_save_board_and_audit(app: App) -> None:
    win, bot = app.win, app.qtbot
    assert win.stack.currentWidget() is win.board
    app.open_patient_from_board(ADULT_MRN)
    before = _assessment_count(app, ADULT_MRN)

    app.shortcut(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N: new assessment
    app.wait(lambda: win.assessment is not None and win.stack.currentWidget() is win.assessment)
    page = win.assessment
    form = page.form
    assert form.time_edit.hasFocus() or True
    bot.keyClick(form.time_edit, Qt.Key.Key_Tab)
    bot.keyClicks(form.temp.edit, "39.2")
    assert page.result.assessment["crs_astct"]["grade"] == 1
    assert "Grade 1" in page.panel.crs.badge.text()
    bot.keyClicks(form.fields["systolic_bp_mmhg"].edit, "84")
    assert page.result.assessment["crs_astct"]["grade"] == 2, page.result.assessment["crs_astct"]
    assert "Grade 2 (moderate)" in page.panel.crs.badge.text()
    assert "fever 39.2" in page.panel.crs.detail.text()
    assert "Source:" in page.panel.suggestions.text()  # the protocol's step, with its source
    combo = form.fields["o2_device"].combo
    combo.setFocus()
    bot.keyClicks(combo, "Room")  # keyboard search in the list
    assert form.draft()[0]["o2_device"] == "room_air"
    assert page.result.assessment["crs_astct"]["complete"] is True
    assert page.last_ms < 20, f"live grading took {page.last_ms:.1f} ms"

    # the guided ICE: Alt+2 opens it, one key per item (points)
    bot.keyClick(form, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert form.tabs.currentIndex() == 1
    form.scale.setFocus()
    for key in (Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_1,
                Qt.Key.Key_1, Qt.Key.Key_0):
        bot.keyClick(form.scale, key)
    assert form.scale.total_points() == 8
    assert page.result.assessment["icans_astct"]["ice_score"] == 8
    assert page.result.assessment["icans_astct"]["grade"] == 1

    # Enter reviews; the review shows what will be stored; Enter saves
    bot.keyClick(form.temp.edit, Qt.Key.Key_Return)
    app.wait(lambda: isinstance(win.dialog, ReviewDialog) and win.dialog.isVisible())
    review = win.dialog
    shown = {review.table.item(i, 0).text(): review.table.item(i, 1).text() for i in range(review.table.rowCount())}
    assert shown["Temperature"] == "39.2 °C"
    assert shown["Systolic BP"] == "84 mmHg"
    assert shown["ICE"].startswith("8/10")
    bot.keyClick(review, Qt.Key.Key_Return)
    app.wait(lambda: win.assessment is None and win.stack.currentWidget() is win.chart)
    app.idle()
    assert _assessment_count(app, ADULT_MRN) == before + 1

    # on the board: the current CRS grade as text (and colour)
    app.shortcut(Qt.Key.Key_F2)
    app.wait(lambda: win.stack.currentWidget() is win.board)
    app.wait(lambda: any(r.mrn == ADULT_MRN and r.crs_now == 2 for r in win.board.model.rows))
    row = next(i for i, r in enumerate(win.board.model.rows) if r.mrn == ADULT_MRN)
    model = win.board.model
    from cartox_desktop.qt.board import COL

    assert model.index(row, COL["crs_now"]).data() == "G2 moderate"
    assert model.index(row, COL["crs_now"]).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(row, COL["trend"]).data().startswith("▲ CRS 0→2")
    assert model.index(row, COL["trend"]).data(Qt.ItemDataRole.ToolTipRole).startswith("worse since")

    # in the audit trail: the create event of this assessment, by this nurse
    app.shortcut(Qt.Key.Key_F4)
    app.wait(lambda: win.audit.model.rowCount() > 0)
    first = win.audit.model.events[0]
    assert (first.actor, first.action, first.entity) == (NURSE, "create", "assessment")
    assert first.detail["record"]["content"]["temperature_c"] == 39.2 or "39.2" in str(first.detail)


def test_bad_temperature_shows_error_at_field_and_saves_nothing(app: App) -> None:
    win, bot = app.win, app.qtbot
    app.open_patient_from_board(ADULT_MRN)
    before = _assessment_count(app, ADULT_MRN)
    win.new_assessment()
    form = win.assessment.form
    bot.keyClicks(form.temp.edit, "386")
    box = form.temp
    assert box.error.isVisibleTo(form) and box.error.text().startswith("⚠")
    assert "30" in box.error.text() and "44" in box.error.text()
    assert "Not gradable" in win.assessment.panel.crs.badge.text() or not win.assessment.result.ok
    bot.keyClick(form.temp.edit, Qt.Key.Key_Return)
    app.idle()
    assert not isinstance(win.dialog, ReviewDialog)
    assert form.temp.edit.hasFocus() or win.stack.currentWidget() is win.assessment
    # a temperature that looks like °F is explained as such
    form.temp.edit.clear()
    bot.keyClicks(form.temp.edit, "101.3")
    assert "looks like °F" in box.error.text()
    assert _assessment_count(app, ADULT_MRN) == before


def test_fahrenheit_entry_is_converted_and_shown(make_app: Any) -> None:
    app = make_app(temperature_unit="F")
    app.sign_in()
    app.open_patient_from_board(ADULT_MRN)
    app.win.new_assessment()
    form = app.win.assessment.form
    assert form.temp.unit == "F"
    app.qtbot.keyClicks(form.temp.edit, "101.3")
    assert "= 38.5 °C" in form.temp.note.text()
    assert form.draft()[0]["temperature_c"] == 38.5
    assert not form.temp.messages
    rows = dict(form.review_rows())
    assert rows["Temperature"] == "38.5 °C (entered 101.3 °F)"


def test_amendment_without_reason_is_refused(app: App) -> None:
    win, bot = app.win, app.qtbot
    app.open_patient_from_board(ADULT_MRN)
    chart = win.chart
    chart.select_record("assessment", app.ward.patient(ADULT_MRN).active_assessments[-1].id)
    before = app.ward.patient(ADULT_MRN).active_assessments[-1]
    bot.mouseClick(chart.buttons["amend"], Qt.MouseButton.LeftButton)
    app.wait(lambda: win.assessment is not None)
    form = win.assessment.form
    assert form.temp.edit.text() == "37.4"  # prefilled from the stored version
    form.temp.edit.setText("37.9")
    bot.keyClick(form.temp.edit, Qt.Key.Key_Return)
    app.wait(lambda: isinstance(win.dialog, ReviewDialog) and win.dialog.isVisible())
    review = win.dialog
    assert review.need_reason and review.need_signature
    bot.keyClicks(review.password, PASSWORD)
    bot.keyClick(review.password, Qt.Key.Key_Return)
    assert "reason is required" in review.error.text()
    app.idle()
    assert review.isVisible()
    after = app.ward.patient(ADULT_MRN).active_assessments[-1]
    assert after.version == before.version and after.content == before.content
    # with a reason it is saved as a new version
    review.reason.setPlainText("temperature re-measured")
    review.password.clear()
    bot.keyClicks(review.password, PASSWORD)
    bot.keyClick(review.password, Qt.Key.Key_Return)
    app.wait(lambda: not review.isVisible())
    app.idle()
    after = app.ward.patient(ADULT_MRN).active_assessments[-1]
    assert after.version == before.version + 1 and after.content["temperature_c"] == 37.9


def test_idle_lock_hides_data_and_keeps_the_draft(make_app: Any) -> None:
    app = make_app()
    app.sign_in()
    win, bot = app.win, app.qtbot
    app.open_patient_from_board(ADULT_MRN)
    win.new_assessment()
    form = win.assessment.form
    bot.keyClicks(form.temp.edit, "38.7")
    bot.keyClicks(form.fields["systolic_bp_mmhg"].edit, "95")
    win.idle.set_timeout_ms(300)
    app.wait(lambda: win.locked, timeout=5000)
    assert win.stack.currentWidget() is win.lock_page
    assert not form.isVisible()  # patient data hidden
    assert win.ctx.drafts.load(win.ctx.db_label, NURSE, win.assessment_mode["patient_id"]) is not None
    app.wait(lambda: isinstance(win.dialog, SignInDialog) and win.dialog.isVisible())
    win.idle.set_timeout_ms(60_000)
    app.sign_in(NURSE, PASSWORD)
    assert win.stack.currentWidget() is win.assessment
    assert form.temp.edit.text() == "38.7" and form.fields["systolic_bp_mmhg"].edit.text() == "95"


def test_draft_survives_a_crash(make_app: Any) -> None:
    first = make_app()
    first.sign_in()
    first.open_patient_from_board(ADULT_MRN)
    first.win.new_assessment()
    form = first.win.assessment.form
    first.qtbot.keyClicks(form.temp.edit, "38.2")
    first.qtbot.keyClicks(form.fields["spo2_percent"].edit, "93")
    first.wait(lambda: first.ctx.drafts.load(first.ctx.db_label, NURSE, first.win.assessment_mode["patient_id"])
               is not None, timeout=3000)
    first.win.autosave_timer.stop()
    first.win.hide()  # "crash": nothing else is saved or closed properly
    second = make_app()
    second.sign_in()
    box = second.win.dialog
    assert box is not None and "unsaved" in box.text().lower()
    box.accept()
    second.wait(lambda: second.win.assessment is not None)
    restored = second.win.assessment.form
    assert restored.temp.edit.text() == "38.2"
    assert restored.fields["spo2_percent"].edit.text() == "93"
    assert "Restored" in second.win.assessment.draft_label.text()


def test_wrong_password_is_shown_in_the_sign_in_dialog(make_app: Any) -> None:
    app = make_app()
    app.wait(lambda: isinstance(app.win.dialog, SignInDialog))
    dlg = app.win.dialog
    app.qtbot.keyClicks(dlg.ui.usernameEdit, NURSE)
    app.qtbot.keyClicks(dlg.ui.passwordEdit, "wrong-password")
    app.qtbot.keyClick(dlg.ui.passwordEdit, Qt.Key.Key_Return)
    app.wait(lambda: "wrong password" in dlg.ui.errorLabel.text())
    assert app.ctx.actor is None
    assert app.win.stack.currentWidget() is app.win.loading


def test_switch_user_keeps_the_first_users_draft_private(make_app: Any) -> None:
    from .conftest import PHYSICIAN

    app = make_app()
    app.sign_in()
    win = app.win
    app.open_patient_from_board(ADULT_MRN)
    win.new_assessment()
    app.qtbot.keyClicks(win.assessment.form.temp.edit, "38.4")
    win.switch_user()
    assert win.locked
    app.sign_in(PHYSICIAN, PASSWORD)
    assert win.assessment is None and win.stack.currentWidget() is win.board
    assert win.ctx.drafts.all_for(win.ctx.db_label, PHYSICIAN) == []
    assert len(win.ctx.drafts.all_for(win.ctx.db_label, NURSE)) == 1


def test_services_refuse_amendment_without_reason_too(ward: Any) -> None:
    store = ward.store()
    try:
        nurse = services.login(store, NURSE, PASSWORD)
        rec = services.patient_timeline(store, mrn=ADULT_MRN).active_assessments[-1]
        try:
            services.amend_record(store, nurse, "assessment", rec.id, dict(rec.content), expected_version=rec.version,
                                  reason="  ", signature=services.Signature(PASSWORD, "amended"))
        except services.ValidationFailed as exc:
            assert exc.errors[0].path == "reason"
        else:  # pragma: no cover
            raise AssertionError("an amendment without a reason was stored")
    finally:
        store.close()


def test_idle_lock_hides_an_open_dialog_and_gives_it_back(make_app: Any) -> None:
    from cartox_desktop.qt.dialogs import InterventionDialog

    app = make_app()
    app.sign_in()
    win = app.win
    app.open_patient_from_board(ADULT_MRN)
    win.intervention_dialog()
    app.wait(lambda: isinstance(win.dialog, InterventionDialog) and win.dialog.isVisible())
    dlg = win.dialog
    dlg.dose.setText("500")
    win.lock()
    assert not dlg.isVisible() and win.stack.currentWidget() is win.lock_page
    app.sign_in(NURSE, PASSWORD)
    assert dlg.isVisible() and dlg.dose.text() == "500"


def test_first_start_on_an_empty_database_creates_the_administrator(qtbot: Any, ward: Any) -> None:
    from cartox_desktop.qt.mainwindow import MainWindow
    from cartox_desktop.qt.session import AppContext
    from cartox_desktop.qt.settings import Settings

    ctx = AppContext(Settings(db_url=f"sqlite:///{ward.tmp / 'empty.sqlite3'}"))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitUntil(lambda: isinstance(win.dialog, SignInDialog) and win.dialog.isVisible(), timeout=15_000)
    dlg = win.dialog
    assert dlg.first_run and dlg.ui.firstRunBox.isVisibleTo(dlg)
    qtbot.keyClicks(dlg.ui.usernameEdit, "ward.admin")
    qtbot.keyClicks(dlg.ui.passwordEdit, "first-admin-pw")
    qtbot.keyClicks(dlg.ui.repeatEdit, "first-admin-pw-typo")
    dlg._submit()
    assert "differ" in dlg.ui.errorLabel.text()
    dlg.ui.repeatEdit.setText("first-admin-pw")
    dlg.ui.displayNameEdit.setText("Ward Admin")
    dlg._submit()
    qtbot.waitUntil(lambda: ctx.actor is not None, timeout=15_000)
    assert ctx.actor.role == "admin" and win.stack.currentWidget() is win.board
    ctx.runner.wait_idle(10)
    win.idle.deactivate()
    win.board_timer.stop()
    ctx.store.close()
    ctx.runner.shutdown()
