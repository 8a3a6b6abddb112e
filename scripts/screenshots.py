"""Screenshots of every screen of the desktop app on the demo ward, for docs/screenshots/.

Run under a real X server at the size the layout must hold:

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshots.py

It builds the demonstration ward (``services.demo``, as ``cartox demo`` does) in a temporary
database, signs in as ``demo``, opens each screen as a user would, and grabs the whole screen
(dialogs included). Options: ``--out DIR`` (default docs/screenshots), ``--scale F`` (font
scale, e.g. 1.25 to check font scaling), ``--only NAME``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def add_follow_up_patients(store: Any) -> None:
    """Discharged patients at several stages of follow-up, with late effects, for the follow-up view
    and the discharge sheet (the demo ward itself only has patients on the ward)."""
    from datetime import date, timedelta

    from cartox_desktop import services
    from cartox_desktop.services.demo import DEMO_PASSWORD, DEMO_USER

    actor = services.login(store, DEMO_USER, DEMO_PASSWORD)
    today = date.today()
    if not services.get_settings(store).ward_phone and actor.role == "admin":
        services.update_settings(store, actor, ward_phone="+49 6221 56-7000",
                                 institution_name="University Hospital Heidelberg")
    people = [  # (MRN, name, product, days since infusion, late effects as (kind, days after infusion, content))
        ("FU-0001", "Hoffmann, Petra", "axi-cel", 40, [
            ("igg", 30, {"igg_mg_dl": 310}), ("infection", 33, {"site": "lung (pneumonia)", "organism": "RSV",
                                                                 "ctcae_grade": 2})]),
        ("FU-0002", "Novak, Jan", "cilta-cel", 95, [
            ("igg", 60, {"igg_mg_dl": 520}), ("visit", 60, {"checks": ["clinic_visit"]}),
            ("visit", 90, {"checks": ["clinic_visit", "blood_counts"]})]),
        ("FU-0003", "Schneider, Ida", "tisa-cel", 372, [
            ("igg", 270, {"igg_mg_dl": 280}), ("visit", 270, {"checks": ["clinic_visit", "blood_counts"]}),
            ("malignancy", 340, {"type": "myelodysplastic syndrome", "car_transgene_tested": True,
                                 "car_transgene_result": "negative"})]),
        ("FU-0004", "Yilmaz, Emre", "liso-cel", 22, []),
    ]
    for mrn, name, product, ago, effects in people:
        infusion = today - timedelta(days=ago)
        patient = services.create_patient(store, actor, services.PatientInput(
            mrn=mrn, name=name, infusion_date=infusion, age_years=61, weight_kg=74.0, ward="7B", product=product))
        for day in (7, 14, 21, 28):
            if day <= min(ago, 21):
                services.add_lab(store, actor, patient.id, {"date": (infusion + timedelta(days=day)).isoformat(),
                                                            "anc_per_ul": 900 + 40 * day, "platelets_per_ul": 61000})
        for kind, day, content in effects:
            services.add_late_effect(store, actor, patient.id, kind,
                                     {"date": (infusion + timedelta(days=day)).isoformat(), **content})
        current = services.get_patient(store, patient_id=patient.id)
        services.discharge_patient(store, actor, patient.id, expected_version=current.version)


def discharge_sheet_png(store: Any, out: Path, mrn: str = "FU-0004") -> Path:
    """The first page of a patient's discharge sheet as a PNG (pdftoppm), as printed from the app."""
    import shutil
    import subprocess

    from cartox_desktop import services
    from cartox_desktop.reports.discharge import print_discharge_sheet
    from cartox_desktop.services.demo import DEMO_PASSWORD, DEMO_USER

    if shutil.which("pdftoppm") is None:
        raise SystemExit("screenshots: the discharge sheet needs pdftoppm (poppler-utils)")
    doc = print_discharge_sheet(store, services.login(store, DEMO_USER, DEMO_PASSWORD), mrn)
    work = Path(tempfile.mkdtemp(prefix="cartox-sheet-"))
    (work / "sheet.pdf").write_bytes(doc.pdf)
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-f", "1", "-l", "1", "-singlefile", str(work / "sheet.pdf"),
                    str(out / "discharge-sheet")], check=True, timeout=120)
    return out / "discharge-sheet.png"


def follow_up_screens(win: Any, wait: Callable[..., None], shot: Callable[[str], None]) -> None:
    """The "Discharged, in follow-up" view with the most overdue patient selected, and its entry dialog."""
    win.show_follow_up()
    wait(lambda: getattr(win, "follow_up", None) is not None and win.follow_up.table.rowCount() > 0)
    page = win.follow_up
    page.select_patient(page.rows[0].patient.id)
    wait(lambda: page.detail is not None)
    shot("22-follow-up-board")
    page.add("infection")
    wait(lambda: win.dialog is not None and win.dialog.isVisible())
    dlg = win.dialog
    dlg.site.setCurrentText("urinary tract")
    dlg.organism.setText("E. coli")
    shot("23-follow-up-add-infection")
    dlg.reject()
    win.dialog = None


HOSPITAL_MAPPINGS = """[mappings.heidelberg-lis]
description = "Zentrallabor export (semicolon CSV, German decimals)"
layout = "long"
delimiter = ";"
decimal = ","
mrn_column = "PatID"
datetime_column = "Abnahme"
datetime_formats = ["%d.%m.%Y %H:%M"]
test_column = "Analyt"
value_column = "Wert"
unit_column = "Einheit"

[mappings.heidelberg-lis.tests]
NEUTRO = "anc_per_ul"
THRO = "platelets_per_ul"
CRP = "crp_mg_dl"
FERR = "ferritin_ng_ml"
"""


def ward_settings(store: Any) -> None:
    """The ward settings of the demo database (kept in it, audited), as an admin enters them."""
    from cartox_desktop import services
    from cartox_desktop.services.demo import DEMO_PASSWORD, DEMO_USER

    admin = services.login(store, DEMO_USER, DEMO_PASSWORD)
    services.update_settings(store, admin, institution_name="University Hospital Heidelberg",
                             ward_name="Haematology 7B (cellular therapy)", ward_phone="+49 6221 56-7000",
                             ice_city="Heidelberg", ice_hospital="University Hospital", igg_threshold_mg_dl=400,
                             lab_mappings_toml=HOSPITAL_MAPPINGS)


def lab_import_screen(win: Any, wait: Callable[..., None], shot: Callable[[str], None], rows: Any,
                      work: Path) -> None:
    """The lab import dialog on a file with conversions, one impossible value and an unknown MRN."""
    from datetime import date, timedelta

    from cartox_desktop.qt.labimport import LabImportDialog

    first, second = rows[0], rows[1]
    day = date.today() - timedelta(days=1)
    when = f"{day:%d.%m.%Y} 06:30"
    lines = ["PatID;Abnahme;Analyt;Wert;Einheit",
             f"{first.mrn};{when};NEUTRO;0,42;10^9/L", f"{first.mrn};{when};THRO;38;10^9/L",
             f"{first.mrn};{when};CRP;112;mg/L", f"{first.mrn};{when};FERR;4870;µg/L",
             f"{second.mrn};{when};NEUTRO;1,8;10^9/L", f"{second.mrn};{when};CRP;9,5;mg/L",
             f"{second.mrn};{when};FERR;-20;µg/L", f"4711-9999;{when};CRP;5;mg/L"]
    path = work / "zentrallabor-export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    win.show_board()
    win.import_labs()
    wait(lambda: isinstance(win.dialog, LabImportDialog) and win.dialog.isVisible())
    dlg = win.dialog
    wait(lambda: dlg.mapping_combo.findData("heidelberg-lis") >= 0)
    dlg.set_file(str(path), "heidelberg-lis")
    wait(lambda: dlg.checked is not None or dlg.file_error)
    shot("24-lab-import-preview")
    dlg.reject()
    win.dialog = None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    ap.add_argument("--scale", type=float, default=None)
    ap.add_argument("--only", default=None)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="cartox-shots-"))
    os.environ["CARTOX_CONFIG_DIR"] = str(work / "config")
    os.environ["CARTOX_DRAFT_DIR"] = str(work / "drafts")
    if args.scale:
        os.environ["CARTOX_FONT_SCALE"] = str(args.scale)

    from cartox_desktop import services
    from cartox_desktop.services.demo import DEMO_PASSWORD, DEMO_USER, build_demo_ward
    from cartox_desktop.storage import open_store

    services.configure_hashing(time_cost=1, memory_cost_kib=1024, parallelism=1)  # a throwaway database
    url = f"sqlite:///{work / 'demo.sqlite3'}"
    store = open_store(url)
    started = time.perf_counter()
    build_demo_ward(store)
    add_follow_up_patients(store)
    ward_settings(store)
    if not args.only or args.only in "discharge-sheet":
        print(f"  {discharge_sheet_png(store, out)}  (page 1 of the discharge sheet)")
    store.close()
    print(f"demo ward built in {time.perf_counter() - started:.1f} s")

    from cartox_desktop.qt.qt import QApplication, QDateTime, QFont, QGuiApplication, Qt

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(sys.argv[:1])
    if args.scale:
        f = QFont(app.font())
        f.setPointSizeF(f.pointSizeF() * args.scale)
        app.setFont(f)
    from cartox_desktop.qt.dialogs import SignInDialog
    from cartox_desktop.qt.mainwindow import MainWindow
    from cartox_desktop.qt.session import AppContext
    from cartox_desktop.qt.settings import Settings

    settings = Settings(db_url=url)
    ctx = AppContext(settings)
    win = MainWindow(ctx)
    win.setGeometry(QGuiApplication.primaryScreen().availableGeometry())  # the whole (logical) screen
    win.show()
    win.start()

    def pump(seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def wait(cond: Callable[[], Any], timeout: float = 20.0) -> None:
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise SystemExit("screenshots: timed out waiting for the app")
            app.processEvents()
            time.sleep(0.01)
        ctx.runner.wait_idle(20)
        pump(0.4)

    shots: list[str] = []

    def shot(name: str) -> None:
        if args.only and args.only not in name:
            return
        pump(0.5)
        screen = QGuiApplication.primaryScreen()
        pix = screen.grabWindow(0)
        path = out / f"{name}.png"
        pix.save(str(path))
        shots.append(str(path))
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {pix.width()}x{pix.height()}")

    def close_dialog() -> None:
        if win.dialog is not None and win.dialog.isVisible():
            win.dialog.reject()
        win.dialog = None
        pump(0.2)

    # 1 sign-in
    wait(lambda: isinstance(win.dialog, SignInDialog) and win.dialog.isVisible())
    dlg = win.dialog
    dlg.ui.usernameEdit.setText(DEMO_USER)
    shot("01-sign-in")
    dlg.ui.passwordEdit.setText(DEMO_PASSWORD)
    dlg._submit()
    wait(lambda: ctx.actor is not None and win.board.model.rowCount() > 0)
    # 2 board
    win.board.table.selectRow(0)
    shot("02-ward-board")
    win.board.filter_edit.setText("tisa")
    shot("03-ward-board-filtered")
    win.board.filter_edit.clear()
    # 4 chart of the patient with the most going on
    rows = win.board.model.rows
    busy = max(rows, key=lambda r: (r.crs_max or 0) + (r.icans_max or 0) + r.toci_total)
    win.open_patient(busy.patient_id)
    wait(lambda: win.stack.currentWidget() is win.chart and win.timeline is not None)
    shot("04-patient-chart")
    win.chart.tabs.setCurrentIndex(3)
    shot("05-course-summary")
    win.chart.tabs.setCurrentIndex(0)
    # 6 new assessment with the live grading panel
    win.new_assessment()
    wait(lambda: win.assessment is not None)
    form = win.assessment.form
    form.temp.edit.setText("39.4")
    form.fields["systolic_bp_mmhg"].edit.setText("86")
    form.fields["o2_device"].set_raw("nasal_cannula")
    form.fields["o2_flow_l_min"].edit.setText("4")
    form.fields["spo2_percent"].edit.setText("94")
    form.vaso["norepinephrine"].set_raw({"on": True, "dose": "0.05"})
    shot("06-assessment-vitals-live-grading")
    form.tabs.setCurrentIndex(1)
    form.scale.setFocus()
    for pts in (1, 1, 0, 1, 2):
        form.scale.answer(pts)
    form.adaptations["interpreter"].setChecked(True)
    shot("07-assessment-guided-ice")
    form.tabs.setCurrentIndex(0)
    form.temp.edit.setText("386")
    shot("08-assessment-validation-at-field")
    form.temp.edit.setText("39.4")
    form.tabs.setCurrentIndex(2)
    form.fields["consciousness"].set_raw("awakens_to_voice")
    shot("09-assessment-neurology")
    form.tabs.setCurrentIndex(1)
    for pts in (1, 1, 1):
        form.scale.answer(pts)
    win.review_assessment()
    wait(lambda: win.dialog is not None and win.dialog.isVisible())
    shot("10-review-before-saving")
    close_dialog()
    # 11 CAPD for the child
    child = next((r for r in rows if r.last_ice_kind == "CAPD"), None)
    if child is not None:
        win.save_draft()
        win.open_patient(child.patient_id)
        wait(lambda: win.timeline is not None and win.timeline.patient.id == child.patient_id)
        win.new_assessment()
        wait(lambda: win.assessment is not None and win.assessment.ctx.uses_capd)
        f = win.assessment.form
        f.tabs.setCurrentIndex(1)
        for pts in (4, 3, 4, 3):
            f.scale.answer(pts)
        shot("11-assessment-guided-capd-child")
    # 12 intervention with the tocilizumab calculator and a limit warning
    win.open_patient(busy.patient_id)
    wait(lambda: win.timeline is not None and win.timeline.patient.id == busy.patient_id)
    win.intervention_dialog()
    wait(lambda: win.dialog is not None and win.dialog.isVisible())
    d = win.dialog
    d.drug.setCurrentIndex(d.drug.findData("tocilizumab"))
    last = max((r.time for r in win.timeline.interventions if r.content.get("drug") == "tocilizumab"), default=None)
    if last is not None:
        d.time.setDateTime(QDateTime.fromString(last.replace(hour=min(last.hour + 2, 23)).strftime("%Y-%m-%dT%H:%M"),
                                                Qt.DateFormat.ISODate))
    d.dose.setText("900")
    shot("12-intervention-tocilizumab-calculator")
    close_dialog()
    # 13 void: reason + signature
    win.stack.setCurrentWidget(win.chart)
    first = win.timeline.assessments[-1]
    win.chart.select_record("assessment", first.id)
    win.void_record("assessment", first.id)
    wait(lambda: win.dialog is not None and win.dialog.isVisible())
    shot("13-void-reason-and-signature")
    close_dialog()
    # 14 history of an amended record (the demo amends one assessment of DEMO-0001)
    vogel = next(r for r in rows if r.mrn == "DEMO-0001")
    win.open_patient(vogel.patient_id)
    wait(lambda: win.timeline is not None and win.timeline.patient.id == vogel.patient_id)
    amended = next((a for a in win.timeline.assessments if a.version > 1), win.timeline.assessments[-1])
    win.show_history("assessment", amended.id)
    wait(lambda: win.dialog is not None and win.dialog.isVisible())
    shot("14-record-history-differences")
    close_dialog()
    # 15 conflict: the same record saved meanwhile elsewhere
    from cartox_desktop.qt.dialogs import ConflictDialog

    mine = {**amended.content, "temperature_c": 37.6}
    theirs = {**amended.content, "temperature_c": 37.3, "spo2_percent": 95}
    conflict = ConflictDialog(win, "assessment was changed by nurse.kim at 14:32 (now version 3; you opened "
                              "version 2); your changes were not saved and are kept", theirs, mine,
                              "Stored now (version 3 by nurse.kim)")
    win.dialog = conflict
    conflict.open()
    shot("15-save-conflict-both-versions")
    close_dialog()
    # 16 audit trail
    win.show_audit()
    wait(lambda: win.audit.model.rowCount() > 0)
    win.audit.action.setCurrentIndex(win.audit.action.findData("amend"))
    wait(lambda: win.audit.model.rowCount() > 0 and all(e.action == "amend" for e in win.audit.model.events))
    shot("16-audit-trail-filtered")
    win.audit.action.setCurrentIndex(0)
    # 17 patients
    win.show_board()
    wait(lambda: win.stack.currentWidget() is win.board)
    win.add_patient()
    wait(lambda: win.dialog is not None and win.dialog.isVisible())
    win.dialog.ui.mrnEdit.setText("4711-0815")
    win.dialog.ui.nameEdit.setText("Zoë Müller")
    win.dialog.ui.ageEdit.setText("58")
    win.dialog.ui.weightEdit.setText("82")
    shot("17-patient-add")
    close_dialog()
    # 18 settings: the ward's part (database, audited) and its lab mappings
    win.open_settings()
    wait(lambda: win.settings_dialog.isVisible())
    win.settings_dialog.ui.tabs.setCurrentIndex(1)
    shot("18-settings")
    win.settings_dialog.ui.tabs.setCurrentIndex(3)
    shot("18b-settings-lab-mappings")
    win.settings_dialog.reject()
    pump(0.2)
    # 24 lab CSV import: conversions, a refused row, an unknown MRN (nothing stored)
    lab_import_screen(win, wait, shot, rows, work)
    # 19 print dialog (system print dialog; the PDF comes from the reports package)
    win.print_handover()
    wait(lambda: win.dialog is not None and win.dialog.isVisible())
    shot("19-print-handover-dialog")
    close_dialog()
    # 22-23 discharged patients in follow-up, late effects
    follow_up_screens(win, wait, shot)
    # 20 lock screen (idle lock), the draft kept behind it
    win.lock()
    wait(lambda: isinstance(win.dialog, SignInDialog) and win.dialog.isVisible())
    shot("20-idle-lock")
    print(f"{len(shots)} screenshots in {out}")
    win.dialog.reject()
    win.close()
    ctx.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
