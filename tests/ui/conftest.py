"""Fixtures for the desktop UI tests (pytest-qt, offscreen).

A ward database is built once per session through the services (users, an adult and a child
patient with a short course) and copied for every test, so each test signs in to a fresh copy.
Settings and drafts live in the test's temporary folder. Password hashing is cheap here only.
Every window is registered with qtbot; leftover top-level widgets are closed after each test
(engineering notes §2.3: teardown crashes).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cartox_desktop import services
from cartox_desktop.qt.qt import QApplication, QCoreApplication, QEvent, QKeyEvent, QLocale, Qt, QWidget

PASSWORD = "ward-pass-1"
NURSE = "nurse.anna"
PHYSICIAN = "dr.berg"
ADMIN = "admin.ward"
ADULT_MRN = "UI-0001"
CHILD_MRN = "UI-0002"


@pytest.fixture(autouse=True, scope="session")
def _cheap_hashing() -> None:
    services.configure_hashing(time_cost=1, memory_cost_kib=1024, parallelism=1)


@pytest.fixture(autouse=True, scope="session")
def _locale() -> None:
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))


def _build_ward(path: Path) -> None:
    from cartox_desktop.storage import open_store

    store = open_store(f"sqlite:///{path}")
    try:
        services.add_user(store, None, ADMIN, PASSWORD, "admin", "Ward Admin")
        admin = services.login(store, ADMIN, PASSWORD)
        services.add_user(store, admin, NURSE, PASSWORD, "nurse", "Anna Nurse")
        services.add_user(store, admin, PHYSICIAN, PASSWORD, "physician", "Dr Berg")
        nurse = services.login(store, NURSE, PASSWORD)
        infusion = date.today() - timedelta(days=2)
        adult = services.create_patient(store, admin, services.PatientInput(
            mrn=ADULT_MRN, name="Zoë Müller", infusion_date=infusion, age_years=58, weight_kg=82.0, ward="7B",
            bed="3", product="axi-cel",
            baseline_labs={"anc_per_ul": 1800, "hemoglobin_g_dl": 10.2, "platelets_per_ul": 140000,
                           "crp_mg_dl": 1.2, "ferritin_ng_ml": 900}))
        t0 = datetime.combine(infusion + timedelta(days=1), datetime.min.time()) + timedelta(hours=8)
        for i, temp in enumerate((37.1, 37.4)):
            services.add_assessment(store, nurse, adult.id, {
                "time": (t0 + timedelta(hours=8 * i)).isoformat(timespec="minutes"), "temperature_c": temp,
                "systolic_bp_mmhg": 121, "o2_device": "room_air", "hypotension": False,
                "ice": {"year": 1, "month": 1, "city": 1, "hospital": 1, "naming": 3, "commands": 1, "writing": 1,
                        "attention": 1},
                "consciousness": "awake", "seizure": "none", "motor_weakness": "none", "raised_icp": []})
        child = services.create_patient(store, admin, services.PatientInput(
            mrn=CHILD_MRN, name="Ben Klein", infusion_date=infusion, age_years=8, weight_kg=26.0, ward="7B",
            bed="4", product="tisa-cel"))
        services.add_assessment(store, nurse, child.id, {
            "time": t0.isoformat(timespec="minutes"), "temperature_c": 36.9, "systolic_bp_mmhg": 104,
            "o2_device": "room_air", "capd_score": 2, "consciousness": "awake"})
    finally:
        store.close()


@pytest.fixture(scope="session")
def ward_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ward") / "ward.sqlite3"
    _build_ward(path)
    return path


@dataclass
class Ward:
    url: str
    path: Path
    tmp: Path

    def store(self) -> Any:
        from cartox_desktop.storage import open_store

        return open_store(self.url)

    def patient(self, mrn: str) -> Any:
        store = self.store()
        try:
            return services.patient_timeline(store, mrn=mrn)
        finally:
            store.close()


@pytest.fixture
def ward(ward_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ward:
    db = tmp_path / "ward.sqlite3"
    shutil.copy(ward_template, db)
    monkeypatch.setenv("CARTOX_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CARTOX_DRAFT_DIR", str(tmp_path / "drafts"))
    monkeypatch.delenv("CARTOX_DB_URL", raising=False)
    return Ward(f"sqlite:///{db}", db, tmp_path)


def wait_for(qtbot: Any, cond: Callable[[], Any], timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: bool(cond()), timeout=timeout)


def type_text(widget: QWidget, text: str) -> None:
    """Key events for any text, non-ASCII included (qtbot.keyClicks aborts on 'ë': notes §2.3)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


@dataclass
class App:
    qtbot: Any
    win: Any
    ctx: Any
    ward: Ward

    def wait(self, cond: Callable[[], Any], timeout: int = 10_000) -> None:
        wait_for(self.qtbot, cond, timeout)

    def idle(self) -> None:
        self.wait(lambda: self.ctx.runner.pending == 0)

    def sign_in(self, username: str = NURSE, password: str = PASSWORD) -> None:
        from cartox_desktop.qt.dialogs import SignInDialog

        self.wait(lambda: isinstance(self.win.dialog, SignInDialog) and self.win.dialog.isVisible())
        dlg = self.win.dialog
        dlg.ui.usernameEdit.clear()
        self.qtbot.keyClicks(dlg.ui.usernameEdit, username)
        self.qtbot.keyClicks(dlg.ui.passwordEdit, password)
        self.qtbot.keyClick(dlg.ui.passwordEdit, Qt.Key.Key_Return)
        self.wait(lambda: self.ctx.actor is not None and self.ctx.actor.username == username and not self.win.locked)
        self.idle()
        self.win.activateWindow()

    def open_patient_from_board(self, mrn: str) -> None:
        win = self.win
        self.wait(lambda: win.board.model.rowCount() > 0)
        assert win.board.select_patient(self.patient_id(mrn))
        win.board.table.setFocus()
        self.qtbot.keyClick(win.board.table, Qt.Key.Key_Return)
        self.wait(lambda: win.stack.currentWidget() is win.chart and win.timeline is not None
                  and win.timeline.patient.mrn == mrn)
        self.idle()

    def shortcut(self, key: Any, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
        """A window shortcut (menu action). Offscreen has no window manager to hand the
        activation back after a dialog closes, so the window is activated first."""
        self.win.activateWindow()
        self.qtbot.wait(30)
        self.qtbot.keyClick(self.win, key, modifier)

    def patient_id(self, mrn: str) -> int:
        return next(r.patient_id for r in self.win.board.model.rows if r.mrn == mrn)


@pytest.fixture
def make_app(qtbot: Any, ward: Ward) -> Iterator[Callable[..., App]]:
    from cartox_desktop.qt.mainwindow import MainWindow
    from cartox_desktop.qt.session import AppContext
    from cartox_desktop.qt.settings import Settings

    made: list[App] = []

    def make(**settings: Any) -> App:
        """An app on the ward copy; keyword arguments are this computer's settings (``ward``) or
        ward settings kept in the database (``temperature_unit``, ``ice_city`` ...), saved first
        through the services by the ward's admin."""
        local_keys = {f.name for f in fields(Settings)}
        shared = {k: v for k, v in settings.items() if k not in local_keys}
        if shared:
            store = ward.store()
            try:
                services.update_settings(store, services.login(store, ADMIN, PASSWORD), **shared)
            finally:
                store.close()
        s = Settings(db_url=ward.url, **{k: v for k, v in settings.items() if k in local_keys})
        ctx = AppContext(s)
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        win.resize(1366, 768)
        win.show()
        win.activateWindow()
        qtbot.waitExposed(win)
        win.start()
        app = App(qtbot, win, ctx, ward)
        made.append(app)
        return app

    yield make
    for app in made:
        app.ctx.runner.wait_idle(10)
        app.win.idle.deactivate()
        app.win.board_timer.stop()
        if app.ctx.store is not None:
            app.ctx.store.close()
        app.ctx.runner.shutdown()


@pytest.fixture
def app(make_app: Callable[..., App]) -> App:
    a = make_app()
    a.sign_in()
    return a


@pytest.fixture(autouse=True)
def _close_leftovers(qapp: QApplication) -> Iterator[None]:
    yield
    for w in QApplication.topLevelWidgets():
        if w.isVisible():
            w.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    time.sleep(0)
