"""The "Discharged, in follow-up" view (F3): discharged patients with due and overdue checks, and
late effects entered through the services (a g/L-looking IgG refused at the field, nothing stored)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cartox_desktop import services
from cartox_desktop.qt.followup_view import FollowUpPage, ImmunoglobulinDialog, LateEffectDialog
from cartox_desktop.qt.qt import Qt, emit

from .conftest import ADMIN, ADULT_MRN, PASSWORD, App


def _discharge(ward: Any, mrn: str) -> None:
    store = ward.store()
    try:
        admin = services.login(store, ADMIN, PASSWORD)
        p = services.get_patient(store, mrn=mrn)
        services.discharge_patient(store, admin, p.id, expected_version=p.version)
    finally:
        store.close()


def test_follow_up_view_shows_overdue_checks_and_records_an_igg_level(make_app: Any) -> None:
    a: App = make_app()
    _discharge(a.ward, ADULT_MRN)
    a.sign_in()
    win = a.win
    a.shortcut(Qt.Key.Key_F3)
    a.wait(lambda: isinstance(getattr(win, "follow_up", None), FollowUpPage)
           and win.stack.currentWidget() is win.follow_up)
    page = win.follow_up
    a.wait(lambda: page.table.rowCount() == 1)  # only the discharged patient
    assert page.table.item(0, 1).text() == ADULT_MRN

    page.today = date.today() + timedelta(days=38)  # day 40 after the infusion
    page.refresh()
    a.idle()
    overdue = page.table.item(0, 4).text()
    assert overdue.startswith("⚠ OVERDUE") and "IgG level (day 28)" in overdue and "Clinic visit (day 28)" in overdue
    assert "Blood count (day 42)" in page.table.item(0, 5).text()
    assert page.select_patient(page.rows[0].patient.id)
    a.wait(lambda: page.detail is not None and page.detail.patient.mrn == ADULT_MRN)
    texts = [page.schedule.item(i).text() for i in range(page.schedule.count())]
    assert any("IgG level: OVERDUE since day 28" in t for t in texts), texts

    # an IgG typed in g/L is refused at the field; nothing is stored
    page.add_buttons["igg"].click()
    a.wait(lambda: isinstance(win.dialog, LateEffectDialog) and win.dialog.isVisible())
    dlg = win.dialog
    a.qtbot.keyClicks(dlg.igg, "4.2")
    dlg.buttons.button(dlg.buttons.StandardButton.Save).click()
    a.idle()
    a.wait(lambda: "looks like g/L" in dlg.error.text())
    assert "igg_mg_dl" in dlg.error.text() and "border" in dlg.igg.styleSheet() and dlg.isVisible()
    assert page.detail.igg == ()
    dlg.igg.clear()
    a.qtbot.keyClicks(dlg.igg, "350")
    dlg.buttons.button(dlg.buttons.StandardButton.Save).click()
    a.idle()
    a.wait(lambda: not dlg.isVisible() and page.detail is not None and len(page.detail.igg) == 1)
    a.idle()
    assert "IgG 350 mg/dL" in page.entries.item(0, 2).text()
    assert "below the threshold of 400 mg/dL" in page.summary.text()
    assert "350 LOW" in page.table.item(0, 6).text()
    trail = a.ward.store()
    try:
        events = services.events(trail, entity="late_effect")
    finally:
        trail.close()
    assert [(e.action, e.actor, e.detail["kind"]) for e in events] == [("create", "nurse.anna", "igg")]

    # immunoglobulin replacement: an intervention with drug "immunoglobulin"
    page.ig_button.click()
    a.wait(lambda: isinstance(win.dialog, ImmunoglobulinDialog) and win.dialog.isVisible())
    win.dialog.buttons.button(win.dialog.buttons.StandardButton.Save).click()
    a.idle()
    a.wait(lambda: page.detail is not None and len(page.detail.immunoglobulin) == 1)
    a.idle()
    assert f"Immunoglobulin replacement: {date.today():%Y-%m-%d}" in page.summary.text()

    emit(page.back)
    a.wait(lambda: win.stack.currentWidget() is win.board)
