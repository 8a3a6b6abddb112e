"""The main window: notice bar, ward board, patient chart, assessment entry, audit trail, lock.

Every database call goes through ``AppContext.call``/``call_as_user`` (worker thread); results
come back on the UI thread. Dialogs are opened with ``open()`` (not ``exec()``) and stay up,
busy, while their save runs, so a refused save shows its message in the same dialog.
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cartox_desktop.clinical import NOTICE

from .audit_view import AuditPage
from .board import BoardPage
from .chart import ChartPage
from .data import BoardSource, case_from_timeline
from .idle import InactivityTimer
from .qt import (
    QAction,
    QApplication,
    QCloseEvent,
    QFileDialog,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from .session import AppContext
from .theme import ERROR_FG, NOTICE_BG, NOTICE_FG

if TYPE_CHECKING:
    from .assessment.form import AssessmentPage
    from .assessment.review import ReviewDialog
    from .dialogs import ReasonDialog, SignInDialog


def _dialogs() -> Any:
    """The dialogs module, imported on first use (keeps the first window fast, notes §2.4)."""
    from . import dialogs

    return dialogs


def _is_sign_in(w: Any) -> bool:
    return type(w).__name__ == "SignInDialog"

AUTOSAVE_MS = 600
BOARD_REFRESH_MS = 60_000


class NoticeBar(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("<b>Notice:</b> " + NOTICE, parent)
        self.setWordWrap(True)
        self.setObjectName("noticeBar")
        self.setAccessibleName("Notice")
        self.setStyleSheet(f"#noticeBar {{ background:{NOTICE_BG}; color:{NOTICE_FG}; padding:3px 8px; "
                           f"border-bottom:1px solid #e0c97a; }}")


class MessagePage(QWidget):
    """Loading / locked screens: no patient data on them."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        self.label = QLabel(text)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        f = self.label.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        self.label.setFont(f)
        lay.addWidget(self.label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.button = QPushButton("&Sign in…")
        self.button.hide()
        row.addWidget(self.button)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)


def _error_text(exc: BaseException) -> str:
    return str(exc) or exc.__class__.__name__


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("CARTOX Desktop")
        self.setMinimumSize(1024, 640)
        self.board_source: BoardSource | None = None
        self.timeline: Any = None  # the open patient's Timeline
        self.assessment: AssessmentPage | None = None
        self.assessment_mode: dict[str, Any] = {}
        self.dialog: Any = None  # the dialog currently open (tests look at it)
        self.locked = False
        self._page_before_lock: QWidget | None = None
        self._hidden_windows: list[QWidget] = []
        self.last_board_ms = 0.0

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.notice = NoticeBar()
        outer.addWidget(self.notice)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(f"background:#fdecea; color:{ERROR_FG}; padding:3px 8px;")
        self.banner.hide()
        outer.addWidget(self.banner)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.loading = MessagePage("Opening the database…")
        self._loading_action: Any = self.show_sign_in
        self.loading.button.clicked.connect(lambda: self._loading_action())
        self.lock_page = MessagePage("🔒 Locked. Patient data is hidden; unsaved work is kept.")
        self.lock_page.button.show()
        self.lock_page.button.clicked.connect(lambda: self.show_sign_in(locked=True))
        self.board = BoardPage()
        self.chart = ChartPage()
        self.audit = AuditPage()
        for page in (self.loading, self.lock_page, self.board, self.chart, self.audit):
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(self.loading)

        self.user_label = QLabel()
        self.busy_label = QLabel()
        self.statusBar().addWidget(self.user_label, 1)
        self.statusBar().addPermanentWidget(self.busy_label)
        self.ctx.runner.busy_changed.connect(self._busy)
        self.ctx.runner.default_failure = self._op_failed

        self.idle = InactivityTimer(self)
        self.idle.set_minutes(ctx.idle_minutes)
        self.idle.inactivity_detected.connect(self.lock)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.timeout.connect(self.save_draft)
        self.board_timer = QTimer(self)
        self.board_timer.timeout.connect(self.refresh_board)

        self.board.open_patient.connect(self.open_patient)
        self.chart.back.connect(self.show_board)
        self.chart.new_assessment.connect(lambda: self.new_assessment())
        self.chart.new_intervention.connect(lambda: self.intervention_dialog())
        self.chart.amend_record.connect(self.amend_record)
        self.chart.void_record.connect(self.void_record)
        self.chart.show_history.connect(self.show_history)
        self.chart.edit_patient.connect(self.edit_patient)
        self.chart.discharge_patient.connect(self.discharge_patient)
        self.chart.print_report.connect(self.print_patient_report)
        self.chart.save_report_pdf.connect(lambda: self.print_patient_report(pdf_only=True))
        self.audit.back.connect(self.show_board)
        self.audit.refresh_requested.connect(self.refresh_audit)
        self.audit.export_requested.connect(self.export_audit)
        self.audit.report_requested.connect(lambda: self.print_audit_report(pdf_only=True))
        self._build_menus()
        self._update_actions()
        ctx.ward_settings_loaded.connect(self._ward_settings_loaded)

    # ---- menus ---------------------------------------------------------------------------------
    def _action(self, menu: Any, text: str, slot: Any, shortcut: str | QKeySequence.StandardKey | None = None,
                name: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(lambda _checked=False, f=slot: f())  # never pass "checked" on
        menu.addAction(act)
        self.actions_by_name[name or text] = act
        return act

    def _build_menus(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        mb = self.menuBar()
        f = mb.addMenu("&File")
        self._action(f, "&Print handover sheet…", self.print_handover, "Ctrl+P", "print_handover")
        self._action(f, "Save handover as P&DF…", lambda: self.print_handover(pdf_only=True), None, "pdf_handover")
        f.addSeparator()
        self._action(f, "&Import lab results (CSV)…", self.import_labs, "Ctrl+Shift+I", "import_labs")
        f.addSeparator()
        self._action(f, "&Settings…", self.open_settings, "Ctrl+,", "settings")
        f.addSeparator()
        self._action(f, "&Lock now", self.lock, "Ctrl+L", "lock")
        self._action(f, "S&witch user…", self.switch_user, "Ctrl+Shift+U", "switch_user")
        self._action(f, "&Quit", self.close, QKeySequence.StandardKey.Quit, "quit")
        v = mb.addMenu("&View")
        self._action(v, "Ward &board", self.show_board, "F2", "board")
        self._action(v, "&Discharged, in follow-up", self.show_follow_up, "F3", "follow_up")
        self._action(v, "&Audit trail", self.show_audit, "F4", "audit")
        self._action(v, "&Refresh", self.refresh_current, "F5", "refresh")
        self._action(v, "&Filter the board", self.focus_filter, "Ctrl+F", "filter")
        p = mb.addMenu("&Patient")
        self._action(p, "&Add patient…", self.add_patient, "Ctrl+Shift+N", "add_patient")
        self._action(p, "&New assessment", self.new_assessment, "Ctrl+N", "new_assessment")
        self._action(p, "Record &intervention…", lambda: self.intervention_dialog(), "Ctrl+I", "intervention")
        self._action(p, "Add &lab results…", lambda: self.lab_dialog(), "Ctrl+Shift+L", "lab")
        p.addSeparator()
        self._action(p, "&Edit patient…", self.edit_patient, None, "edit_patient")
        self._action(p, "&Discharge…", self.discharge_patient, None, "discharge")
        self._action(p, "&Print patient report…", self.print_patient_report, "Ctrl+Shift+P", "print_patient")
        self._action(p, "Save patient report as PD&F…", lambda: self.print_patient_report(pdf_only=True), None,
                     "pdf_patient")
        h = mb.addMenu("&Help")
        self._action(h, "&About CARTOX Desktop", self.about, None, "about")

    def _update_actions(self) -> None:
        signed = self.ctx.actor is not None and not self.locked
        has_patient = signed and self.timeline is not None
        for name, act in self.actions_by_name.items():
            if name in ("quit", "about", "settings"):
                act.setEnabled(name != "settings" or not self.locked)
            elif name in ("new_assessment", "intervention", "lab", "edit_patient", "discharge", "print_patient",
                          "pdf_patient"):
                act.setEnabled(has_patient)
            else:
                act.setEnabled(signed)
        if signed:
            self.actions_by_name["add_patient"].setEnabled(self.ctx.can("patients"))
            self.actions_by_name["edit_patient"].setEnabled(has_patient and self.ctx.can("patients"))
            self.actions_by_name["discharge"].setEnabled(has_patient and self.ctx.can("discharge"))
        self.chart.set_permissions(self.ctx.can("void"), self.ctx.can("patients"))
        self.menuBar().setEnabled(True)

    def _busy(self, busy: bool, label: str) -> None:
        self.busy_label.setText(f"⏳ {label}…" if busy else "")

    def _status(self) -> None:
        a = self.ctx.actor
        who = f"Signed in: {a.display_name} ({a.role})" if a else "Not signed in"
        if a and self.locked:
            who = f"Locked ({a.display_name})"
        ward = self.ctx.settings.ward or "all wards"
        self.user_label.setText(f"{who} · ward: {ward} · database: {self.ctx.db_label} · "
                                f"protocol: {self.ctx.protocol_label}")

    def show_banner(self, text: str) -> None:
        self.banner.setText("⚠ " + text)
        self.banner.setVisible(bool(text))

    def _ward_settings_loaded(self) -> None:
        """The ward settings were (re)read: idle lock, protocol banner, status bar."""
        self.idle.set_minutes(self.ctx.idle_minutes)
        error = self.ctx.protocol_error
        self.show_banner(f"{error}. Nothing can be graded or saved until an admin fixes the protocol file in "
                         "File → Settings → Ward." if error else "")
        self._status()

    def _protocol_refused(self) -> bool:
        """True (and says why) when the protocol cannot be used: nothing is graded without it."""
        if self.ctx.protocol is not None:
            return False
        QMessageBox.warning(self, "No usable protocol", (self.ctx.protocol_error or "The protocol is not loaded yet.")
                            + "\n\nNothing is graded without the protocol: ask an admin to fix it in "
                            "File → Settings → Ward.")
        return True

    def _op_failed(self, exc: BaseException, label: str) -> None:
        QMessageBox.warning(self, "CARTOX Desktop", f"{label}: {_error_text(exc)}")

    # ---- start, sign-in, lock -------------------------------------------------------------------
    def start(self) -> None:
        """Called once the window is visible: open the database (worker), then sign in. While the
        worker imports SQLAlchemy and opens the store, the UI thread imports the dialogs and forms."""
        self.ctx.open().success(lambda _: self._store_ready()).failure(self._store_failed).run()
        from . import dialogs  # noqa: F401
        from .assessment import form, review  # noqa: F401

    def _store_ready(self) -> None:
        self.board_source = BoardSource(self.ctx.services)
        self._status()
        self.show_sign_in()

    def _store_failed(self, exc: BaseException) -> None:
        self.loading.label.setText(f"The database could not be opened:\n{_error_text(exc)}\n\n"
                                   "Check File → Settings (database URL), then sign in again.")
        self.loading.button.show()
        self.loading.button.setText("Open &settings…")
        with contextlib.suppress(RuntimeError, TypeError):
            self.loading.button.clicked.disconnect()
        self.loading.button.clicked.connect(self.open_settings)

    def show_sign_in(self, locked: bool = False, username: str | None = None) -> None:
        if self.ctx.store is None:
            return
        if _is_sign_in(self.dialog) and self.dialog.isVisible():
            self.dialog.raise_()
            return

        def ask(count: int) -> None:
            name = username if username is not None else (self.ctx.username or self.ctx.settings.last_user)
            dlg = _dialogs().SignInDialog(self, self.ctx.settings.ward, first_run=count == 0, username=name, locked=locked)
            dlg.submitted.connect(lambda u, p, d: self._sign_in(dlg, u, p, d))
            dlg.settings_requested.connect(self.open_settings)
            dlg.rejected.connect(self._sign_in_cancelled)
            self.dialog = dlg
            dlg.open()

        self.ctx.call("count_users", label="checking users").success(ask).run()

    def _sign_in_cancelled(self) -> None:
        if self.ctx.actor is None and not self.locked:
            self.loading.label.setText("Not signed in.")
            self.loading.button.show()
            self.loading.button.setText("&Sign in…")
            with contextlib.suppress(RuntimeError, TypeError):
                self.loading.button.clicked.disconnect()
            self.loading.button.clicked.connect(lambda: self.show_sign_in())

    def _sign_in(self, dlg: SignInDialog, username: str, password: str, display_name: str) -> None:
        services = self.ctx.services
        store = self.ctx.store
        station = self.ctx.workstation

        def run() -> Any:
            if dlg.first_run:
                services.add_user(store, None, username, password, "admin", display_name or username)
            return services.login(store, username, password, workstation=station)

        self.ctx.op(run, "signing in").success(lambda actor: self._signed_in(dlg, actor)).failure(
            lambda exc: dlg.failed(_error_text(exc))).run()

    def _signed_in(self, dlg: SignInDialog, actor: Any) -> None:
        previous = self.ctx.actor
        dlg.accept()
        self.dialog = None
        same_user = previous is not None and previous.username == actor.username
        if not same_user and self.assessment is not None:
            self.save_draft()  # kept on disk for its owner
            self._drop_assessment()
        self.ctx.set_actor(actor)
        self.locked = False
        self.ctx.reload_ward_settings().run()  # changed on another computer meanwhile?
        self.idle.set_minutes(self.ctx.idle_minutes)
        self.idle.activate()
        self._status()
        self._update_actions()
        hidden, self._hidden_windows = self._hidden_windows, []
        for w in hidden:
            if same_user:
                w.show()  # the dialog that was open before the lock, as it was
                self.dialog = w
            else:
                w.close()  # another user: the previous user's open dialog is closed
        if same_user and self._page_before_lock is not None:
            self.stack.setCurrentWidget(self._page_before_lock)
            self._page_before_lock = None
            if self.assessment is not None and self.stack.currentWidget() is self.assessment:
                self.assessment.form.setFocus()
            self.refresh_board()
            return
        self._page_before_lock = None
        if not same_user:
            self.timeline = None
        self.show_board()
        self._offer_drafts()

    def _offer_drafts(self) -> None:
        drafts = self.ctx.drafts.all_for(self.ctx.db_label, self.ctx.username)
        if not drafts:
            return
        names = "\n".join(f"• {d.label or 'patient ' + str(d.patient_id)} (autosaved {d.saved_at})" for d in drafts)
        box = QMessageBox(QMessageBox.Icon.Information, "Unsaved drafts",
                          f"You have {len(drafts)} unsaved assessment draft(s) on this computer:\n{names}\n\n"
                          "Open the first one now? (Otherwise it is offered when you start a new assessment "
                          "for that patient.)", QMessageBox.StandardButton.NoButton, self)
        box.addButton("&Open the draft", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Later", QMessageBox.ButtonRole.RejectRole)
        first = drafts[0]
        box.accepted.connect(lambda: self.open_patient(first.patient_id, then_assess=True))
        self.dialog = box
        box.open()

    def lock(self) -> None:
        """Hide patient data behind the lock page; keep every unsaved form as it is."""
        if self.ctx.actor is None or self.locked:
            return
        self.save_draft()
        self.locked = True
        self.idle.deactivate()
        current = self.stack.currentWidget()
        self._page_before_lock = current if current is not self.lock_page else self._page_before_lock
        self._hidden_windows = [w for w in QApplication.topLevelWidgets()
                                if w is not self and w.isVisible() and w.isWindow() and not _is_sign_in(w)]
        for w in self._hidden_windows:
            w.hide()  # a half-filled dialog is hidden (no patient data on screen), not lost
        self.stack.setCurrentWidget(self.lock_page)
        self._update_actions()
        self._status()
        self.show_sign_in(locked=True)

    def switch_user(self) -> None:
        if self.ctx.actor is None:
            return
        self.lock()
        if _is_sign_in(self.dialog):
            self.dialog.ui.usernameEdit.clear()
            self.dialog.ui.usernameEdit.setFocus()

    # ---- board -------------------------------------------------------------------------------
    def show_board(self) -> None:
        if self.ctx.actor is None or self.locked:
            return
        self.board.title.setText(f"Ward board — {self.ctx.settings.ward or 'all wards'}")
        self.stack.setCurrentWidget(self.board)
        self.board.table.setFocus()
        self.refresh_board()
        self.board_timer.start(BOARD_REFRESH_MS)

    def focus_filter(self) -> None:
        self.show_board()
        self.board.filter_edit.setFocus()
        self.board.filter_edit.selectAll()

    def refresh_board(self) -> None:
        if self.ctx.actor is None or self.board_source is None:
            return
        source, store, ward = self.board_source, self.ctx.store, self.ctx.settings.ward
        now = datetime.now()

        def shown(rows: Any) -> None:
            import time

            t = time.perf_counter()
            self.board.set_rows(rows, now)
            self.last_board_ms = source.last_load_ms + (time.perf_counter() - t) * 1000
            self.audit.set_patients([(r.patient_id, r.mrn, r.name) for r in rows])

        self.ctx.op(lambda: source.load(store, ward, now), "loading the board").success(shown).run()

    def refresh_current(self) -> None:
        if self.stack.currentWidget() is self.audit:
            self.refresh_audit()
        elif self.stack.currentWidget() is self.chart and self.timeline is not None:
            self.open_patient(self.timeline.patient.id)
        else:
            self.refresh_board()

    # ---- chart -------------------------------------------------------------------------------
    def open_patient(self, patient_id: int, then_assess: bool = False, select: tuple[str, int] | None = None) -> None:
        if self.ctx.actor is None or self.locked:
            return

        def shown(tl: Any) -> None:
            self.timeline = tl
            self.chart.set_timeline(tl)
            if self.assessment is not None and self.assessment_mode.get("patient_id") == tl.patient.id:
                self.assessment.set_base_case(self._base_case_for_form())
            if select:
                self.chart.select_record(*select)
            self._update_actions()
            if then_assess:
                self.new_assessment()
            elif self.stack.currentWidget() is not self.assessment:
                self.stack.setCurrentWidget(self.chart)
                self.chart.assessments.setFocus()

        self.ctx.call("patient_timeline", patient_id, label="opening the patient").success(shown).run()

    def _base_case_for_form(self) -> dict[str, Any]:
        case = case_from_timeline(self.timeline)
        rec = self.assessment_mode.get("record")
        if rec is not None:  # amending: the record being changed is replaced by the form
            case["assessments"] = [a for a in case["assessments"] if a.get("id") != rec.case_id]
        return case

    # ---- assessment entry ----------------------------------------------------------------------
    def _draft_kind(self) -> str:
        rec = self.assessment_mode.get("record")
        return f"amend-{rec.id}" if rec is not None else "assessment"

    def new_assessment(self, record: Any = None) -> None:
        if self.timeline is None or self.ctx.actor is None or self.locked:
            return
        pid = self.timeline.patient.id
        if (self.assessment is not None and self.assessment_mode.get("patient_id") == pid
                and self.assessment_mode.get("record") is record):
            self.stack.setCurrentWidget(self.assessment)
            return
        if self._protocol_refused():
            return
        if self.assessment is not None:
            self.save_draft()
            self._drop_assessment()
        self.assessment_mode = {"patient_id": pid, "record": record}
        p = self.timeline.patient
        from .assessment.form import AssessmentPage, FormContext

        ctx = FormContext(p.name, p.mrn, p.age_years, p.weight_kg, p.infusion_date, self._base_case_for_form(),
                          self.ctx.protocol, patient_id=pid, temperature_unit=self.ctx.temperature_unit,
                          ice_baseline=self.ctx.ice_baseline(p))
        page = AssessmentPage(ctx)
        title = QLabel()
        title.setTextFormat(Qt.TextFormat.RichText)
        what = f"Amend assessment of {record.time:%Y-%m-%d %H:%M} (version {record.version})" if record else \
            "New assessment"
        title.setText(f"<b style='font-size:13pt'>{escape(what)}</b> — {escape(p.name)} · MRN {escape(p.mrn)} · "
                      f"{p.age_years:g} y · day {(datetime.now().date() - p.infusion_date).days}")
        page.layout().insertWidget(0, title)
        back = QPushButton("◀ &Chart (draft kept)")
        back.setAutoDefault(False)
        back.clicked.connect(lambda: self.stack.setCurrentWidget(self.chart))
        page.layout().itemAt(page.layout().count() - 1).layout().insertWidget(0, back)
        if record is not None:
            page.form.load_content(record.content)
        draft = self.ctx.drafts.load(self.ctx.db_label, self.ctx.username, pid, self._draft_kind())
        if draft is not None:
            page.form.restore(draft.fields.get("state", {}))
            page.draft_label.setText(f"Restored your unsaved draft from {draft.saved_at}. It is autosaved as you type.")
            page.draft_label.setStyleSheet("color:#0d47a1; font-weight:bold;")
        page.draft_changed.connect(lambda: self.autosave_timer.start(AUTOSAVE_MS))
        page.review_requested.connect(self.review_assessment)
        page.discard_button.clicked.connect(self.discard_draft)
        self.assessment = page
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        page.form.tabs.setCurrentIndex(page.form.tabs.currentIndex())
        page.form.time_edit.setFocus()

    def _drop_assessment(self) -> None:
        if self.assessment is None:
            return
        self.autosave_timer.stop()
        page = self.assessment
        self.assessment = None
        self.assessment_mode = {}
        self.stack.removeWidget(page)
        page.deleteLater()

    def save_draft(self) -> None:
        page = self.assessment
        if page is None or self.ctx.actor is None:
            return
        self.autosave_timer.stop()
        pid = self.assessment_mode["patient_id"]
        if page.form.is_empty() and self.assessment_mode.get("record") is None:
            self.ctx.drafts.discard(self.ctx.db_label, self.ctx.username, pid, self._draft_kind())
            return
        label = f"{page.ctx.patient_name} ({page.ctx.mrn})"
        rec = self.assessment_mode.get("record")
        self.ctx.drafts.save(self.ctx.db_label, self.ctx.username, pid,
                             {"state": page.form.state(), "record_id": rec.id if rec else None,
                              "expected_version": self.assessment_mode.get("expected_version")},
                             kind=self._draft_kind(), label=label)

    def discard_draft(self) -> None:
        if self.assessment is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Discard the draft?",
                          "Throw away what was typed in this form? Nothing has been saved.",
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)

        def done(button: Any) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Discard:
                self.ctx.drafts.discard(self.ctx.db_label, self.ctx.username, self.assessment_mode["patient_id"],
                                        self._draft_kind())
                self._drop_assessment()
                self.stack.setCurrentWidget(self.chart)

        box.buttonClicked.connect(done)
        self.dialog = box
        box.open()

    def review_assessment(self) -> None:
        page = self.assessment
        if page is None or page.result is None or not page.result.ok:
            return
        rec = self.assessment_mode.get("record")
        signature_grade = getattr(getattr(self.ctx.services, "records", None), "SIGNATURE_GRADE", 3)
        a = page.result.assessment or {}
        grades = [(a.get(k) or {}).get("grade") for k in ("crs_astct", "crs_ctcae", "icans_astct")]
        worst = max((g for g in grades if g is not None), default=0)
        need_sig = rec is not None or worst >= signature_grade
        from .assessment.review import ReviewDialog

        dlg = ReviewDialog(self, f"{page.ctx.patient_name} · MRN {page.ctx.mrn}", page.form.review_rows(), a,
                           need_signature=need_sig, need_reason=rec is not None, signer=self.ctx.username,
                           title="Review the amendment" if rec else "Review before saving")
        dlg.submitted.connect(lambda: self._save_assessment(dlg))
        self.dialog = dlg
        dlg.open()

    def _save_assessment(self, dlg: ReviewDialog, signature: Any = None) -> None:
        page = self.assessment
        if page is None:
            return
        s = self.ctx.services
        draft = page.draft()
        rec = self.assessment_mode.get("record")
        pid = self.assessment_mode["patient_id"]
        if signature is None and dlg.need_signature:
            signature = s.Signature(dlg.password.text(), "amended" if rec else "recorded")
        # How the ICE/CAPD was done (interpreter, pointing ...) is stored with this version's event.
        note = page.form.adaptations_text() or None
        adapted = page.form.adaptation_keys()
        detail = {"ice_adaptations": adapted} if adapted else None
        if rec is None:
            op = self.ctx.call_as_user("add_assessment", pid, draft, signature=signature, note=note,
                                       audit_detail=detail, label="saving")
        else:
            expected = self.assessment_mode.get("expected_version") or rec.version
            op = self.ctx.call_as_user("amend_record", "assessment", rec.id, {**draft, "id": rec.case_id},
                                       expected_version=expected, reason=dlg.reason.toPlainText().strip(),
                                       signature=signature, note=note, audit_detail=detail,
                                       label="saving the amendment")
        op.success(lambda result: self._assessment_saved(dlg, result)).failure(
            lambda exc: self._assessment_failed(dlg, exc, draft)).run()

    def _assessment_saved(self, dlg: Any, result: Any) -> None:
        dlg.accept()
        self.dialog = None
        pid = self.assessment_mode["patient_id"]
        self.ctx.drafts.discard(self.ctx.db_label, self.ctx.username, pid, self._draft_kind())
        self._drop_assessment()
        self.statusBar().showMessage(f"Saved (audit event #{result.event_seq}).", 8000)
        self.open_patient(pid, select=("assessment", result.record.id))
        self.refresh_board()

    def _assessment_failed(self, dlg: Any, exc: BaseException, draft: dict[str, Any]) -> None:
        s = self.ctx.services
        page = self.assessment
        if isinstance(exc, s.SignatureRequired):
            sig = _dialogs().ReasonDialog(self, "Electronic signature", f"<b>{escape(str(exc))}</b>", meaning=exc.meaning,
                               need_reason=False, signer=self.ctx.username)
            sig.submitted.connect(lambda: (sig.accept(), self._save_assessment(dlg, s.Signature(sig.password,
                                                                                                exc.meaning))))
            sig.rejected.connect(lambda: dlg.failed("not saved: a signature is needed"))
            self.dialog = sig
            sig.open()
            return
        if isinstance(exc, s.ConflictError) and page is not None:
            dlg.reject()
            self._show_conflict(exc, draft)
            return
        if isinstance(exc, s.ValidationFailed) and page is not None:
            errors: dict[str, list[str]] = {}
            for issue in exc.errors:
                errors.setdefault(issue.path, []).append(issue.message)
            if not set(errors) <= {"reason"}:
                page.form.show_errors(errors, page.local_errors)
                page.form.focus_first_error()
        dlg.failed(_error_text(exc))

    def _show_conflict(self, exc: Any, mine: dict[str, Any]) -> None:
        d = exc.details
        kind, record_id = d.entity, d.record_id

        def got(current: Any) -> None:
            dlg = _dialogs().ConflictDialog(self, _error_text(exc), dict(current.content), mine,
                                 f"Stored now (version {d.current_version} by {d.changed_by or '?'})")

            def chosen() -> None:
                if dlg.choice == "reapply":
                    self.assessment_mode["record"] = current
                    self.assessment_mode["expected_version"] = current.version
                    if self.assessment is not None:
                        self.assessment.ctx.base_case = self._base_case_for_form()
                        self.assessment.regrade()
                        self.stack.setCurrentWidget(self.assessment)
                elif dlg.choice == "discard":
                    self.ctx.drafts.discard(self.ctx.db_label, self.ctx.username,
                                            self.assessment_mode.get("patient_id", 0), self._draft_kind())
                    self._drop_assessment()
                    if self.timeline is not None:
                        self.open_patient(self.timeline.patient.id)

            dlg.accepted.connect(chosen)
            self.dialog = dlg
            dlg.open()

        self.ctx.call("get_record", kind, record_id, label="loading the stored version").success(got).run()

    # ---- other records ----------------------------------------------------------------------------
    def _record(self, kind: str, record_id: int) -> Any:
        return self.chart.records.get((kind, record_id))

    def amend_record(self, kind: str, record_id: int) -> None:
        rec = self._record(kind, record_id)
        if rec is None:
            return
        if kind == "assessment":
            self.new_assessment(record=rec)
            self.assessment_mode["expected_version"] = rec.version
        elif kind == "intervention":
            self.intervention_dialog(rec)
        else:
            self.lab_dialog(rec)

    def _sign_and_save(self, title: str, what: str, details: str, call: Any, *, need_reason: bool = True,
                       meaning: str = "amended", done: Any = None, need_signature: bool = True) -> ReasonDialog:
        """Ask reason + signature, run ``call(reason, Signature)`` as an operation."""
        s = self.ctx.services
        dlg = _dialogs().ReasonDialog(self, title, what, details, meaning=meaning, need_reason=need_reason,
                           signer=self.ctx.username, need_signature=need_signature)

        def submit() -> None:
            sig = s.Signature(dlg.password, meaning) if need_signature else None
            op = self.ctx.op(lambda: call(dlg.reason, sig), title)

            def ok(result: Any) -> None:
                dlg.accept()
                self.dialog = None
                if done:
                    done(result)

            def failed(exc: BaseException) -> None:
                if isinstance(exc, s.ConflictError):
                    dlg.reject()
                    QMessageBox.warning(self, "Changed meanwhile", _error_text(exc))
                    if self.timeline is not None:
                        self.open_patient(self.timeline.patient.id)
                    return
                dlg.failed(_error_text(exc))

            op.success(ok).failure(failed).run()

        dlg.submitted.connect(submit)
        self.dialog = dlg
        dlg.open()
        return dlg

    def void_record(self, kind: str, record_id: int) -> None:
        rec = self._record(kind, record_id)
        if rec is None or self.ctx.actor is None:
            return
        s, store, actor = self.ctx.services, self.ctx.store, self.ctx.actor
        details = "<br>".join(f"<b>{escape(k)}</b>: {escape(str(v))}" for k, v in rec.content.items())

        def call(reason: str, sig: Any) -> Any:
            return s.void_record(store, actor, kind, record_id, expected_version=rec.version, reason=reason,
                                 signature=sig)

        self._sign_and_save(f"Void {kind}", f"Void the {kind} of <b>{rec.time:%Y-%m-%d %H:%M}</b>? It stays "
                            "stored, struck through, with your reason; grades are recomputed without it.", details,
                            call, done=lambda r: self._record_saved(r, "Voided"))

    def _record_saved(self, result: Any, what: str) -> None:
        self.statusBar().showMessage(f"{what} (audit event #{result.event_seq}).", 8000)
        if self.timeline is not None:
            self.open_patient(self.timeline.patient.id, select=(result.record.kind, result.record.id))
        self.refresh_board()

    def show_history(self, kind: str, record_id: int) -> None:
        def shown(versions: Any) -> None:
            dlg = _dialogs().HistoryDialog(self, f"History of {kind} {record_id}", versions)
            self.dialog = dlg
            dlg.open()

        self.ctx.call("record_history", kind, record_id, label="loading the history").success(shown).run()

    def intervention_dialog(self, record: Any = None) -> None:
        if self.timeline is None or self.ctx.actor is None or self.locked or self._protocol_refused():
            return
        tl = self.timeline
        dlg = _dialogs().InterventionDialog(self, tl.patient, case_from_timeline(tl), self.ctx.protocol, record)
        s, store, actor = self.ctx.services, self.ctx.store, self.ctx.actor

        def submit() -> None:
            entry, _ = dlg.entry()
            given_by = dlg.given_by.text().strip() or None
            if record is None:
                op = self.ctx.call_as_user("add_intervention", tl.patient.id, entry, given_by=given_by,
                                           label="saving the intervention")
                op.success(lambda r: (dlg.accept(), self._record_saved(r, "Intervention saved"))).failure(
                    lambda exc: dlg.failed(_error_text(exc))).run()
            else:
                dlg.accept()

                def call(reason: str, sig: Any) -> Any:
                    return s.amend_record(store, actor, "intervention", record.id, entry,
                                          expected_version=record.version, reason=reason, signature=sig,
                                          given_by=given_by)

                self._sign_and_save("Amend intervention", f"Amend the intervention of {record.time:%Y-%m-%d %H:%M}",
                                    "", call, done=lambda r: self._record_saved(r, "Amended"))

        dlg.submitted.connect(submit)
        self.dialog = dlg
        dlg.open()

    def lab_dialog(self, record: Any = None) -> None:
        if self.timeline is None or self.ctx.actor is None or self.locked:
            return
        tl = self.timeline
        dlg = _dialogs().LabDialog(self, tl.patient, record)
        s, store, actor = self.ctx.services, self.ctx.store, self.ctx.actor

        def failed(exc: BaseException) -> None:
            if isinstance(exc, s.ValidationFailed):
                dlg.show_errors({i.path: i.message for i in exc.errors})
            dlg.failed(_error_text(exc))

        def submit() -> None:
            entry, _ = dlg.entry()
            if record is None:
                self.ctx.call_as_user("add_lab", tl.patient.id, entry, label="saving the labs").success(
                    lambda r: (dlg.accept(), self._record_saved(r, "Labs saved"))).failure(failed).run()
            else:
                dlg.accept()

                def call(reason: str, sig: Any) -> Any:
                    return s.amend_record(store, actor, "lab", record.id, entry, expected_version=record.version,
                                          reason=reason, signature=sig)

                self._sign_and_save("Amend lab results", "Amend these lab results", "", call,
                                    done=lambda r: self._record_saved(r, "Amended"))

        dlg.submitted.connect(submit)
        self.dialog = dlg
        dlg.open()

    def import_labs(self, path: str = "") -> None:
        """The lab CSV import dialog: preview (nothing stored), then the whole file or nothing."""
        if self.ctx.actor is None or self.locked or self._protocol_refused():
            return
        from .labimport import LabImportDialog

        dlg = LabImportDialog(self, self.ctx, path)

        def imported(result: Any) -> None:
            self.dialog = None
            events = ", ".join(f"#{s}" for s in result.import_event_seqs) or "-"
            skipped = f"; {result.skipped_duplicates} already stored" if result.skipped_duplicates else ""
            self.statusBar().showMessage(
                f"Imported {result.values} lab value(s) for {result.patients} patient(s) from {result.file_name}"
                f"{skipped} (audit events {events}).", 12000)
            if self.timeline is not None:
                self.open_patient(self.timeline.patient.id)
            self.refresh_board()

        dlg.imported.connect(imported)
        self.dialog = dlg
        dlg.open()

    # ---- patients ----------------------------------------------------------------------------------
    def add_patient(self) -> None:
        if self.ctx.actor is None or self.locked:
            return
        dlg = _dialogs().PatientDialog(self, None, self.ctx.settings.ward, self.ctx.ice_baseline())
        s = self.ctx.services

        def failed(exc: BaseException) -> None:
            if isinstance(exc, s.ValidationFailed):
                dlg.show_errors([(i.path, i.message) for i in exc.errors])
            else:
                dlg.show_errors([("", _error_text(exc))])

        def saved(view: Any) -> None:
            dlg.accept()
            self.dialog = None
            self.refresh_board()
            self.open_patient(view.id)

        dlg.submitted.connect(lambda: self.ctx.call_as_user("create_patient", s.PatientInput(**dlg.values()),
                                                            label="admitting").success(saved).failure(failed).run())
        self.dialog = dlg
        dlg.open()

    def edit_patient(self) -> None:
        if self.timeline is None or self.ctx.actor is None or self.locked:
            return
        p = self.timeline.patient
        dlg = _dialogs().PatientDialog(self, p, self.ctx.settings.ward, self.ctx.ice_baseline())
        s, store, actor = self.ctx.services, self.ctx.store, self.ctx.actor

        def submit() -> None:
            data = s.PatientInput(**dlg.values())
            try:
                s.patients.check_patient(data) if hasattr(s, "patients") else None
            except s.ValidationFailed as exc:
                dlg.show_errors([(i.path, i.message) for i in exc.errors])
                return
            dlg.accept()

            def call(reason: str, sig: Any) -> Any:
                return s.amend_patient(store, actor, p.id, data, expected_version=p.version, reason=reason,
                                       signature=sig)

            self._sign_and_save("Amend patient", f"Amend the details of <b>{escape(p.name)}</b>", "", call,
                                done=lambda v: (self.open_patient(v.id), self.refresh_board()))

        dlg.submitted.connect(submit)
        self.dialog = dlg
        dlg.open()

    def discharge_patient(self) -> None:
        if self.timeline is None or self.ctx.actor is None or self.locked:
            return
        p = self.timeline.patient
        s, store, actor = self.ctx.services, self.ctx.store, self.ctx.actor

        def call(reason: str, sig: Any) -> Any:
            return s.discharge_patient(store, actor, p.id, expected_version=p.version, reason=reason or None)

        def done(view: Any) -> None:
            self.statusBar().showMessage(f"{view.name} discharged.", 8000)
            self.timeline = None
            self._update_actions()
            self.show_board()

        self._sign_and_save("Discharge", f"Discharge <b>{escape(p.name)}</b> (MRN {escape(p.mrn)}) from the board? "
                            "The record stays; the patient leaves the ward board.", "", call, need_reason=False,
                            need_signature=False, done=done)

    # ---- audit -------------------------------------------------------------------------------
    def show_follow_up(self) -> None:
        from .followup_view import show_follow_up

        show_follow_up(self)

    def show_audit(self) -> None:
        if self.ctx.actor is None or self.locked:
            return
        self.stack.setCurrentWidget(self.audit)
        self.ctx.call("list_users", label="loading the users").success(
            lambda users: self.audit.set_users([u.username for u in users])).run()
        self.refresh_audit()

    def refresh_audit(self) -> None:
        """Load the events matching the audit page's filters (applied in SQL by the services)."""
        from .audit_view import AUDIT_LIMIT

        self.ctx.call("events", **self.audit.filters(), newest_first=True, limit=AUDIT_LIMIT,
                      label="loading the audit trail").success(self.audit.set_events).run()

    def export_audit(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the audit trail", str(Path.home() / "cartox-audit.csv"),
                                              "CSV (*.csv)")
        if path:
            self.export_audit_to(Path(path))

    def export_audit_to(self, path: Path) -> None:
        """Write the events shown (after the filters) as CSV; the export is audited."""
        import csv
        import io

        rows = self.audit.filtered()
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["seq", "ts_utc", "ts_local", "actor", "action", "entity", "entity_id", "mrn", "details",
                    "signature", "prev_hash", "hash"])
        m = self.audit.model
        for e in rows:
            w.writerow([e.seq, e.ts_utc, e.ts_local, e.actor, e.action, e.entity or "", e.entity_id or "",
                        m.cell(e, 5), m.cell(e, 6), m.cell(e, 7), e.prev_hash, e.hash])
        data = buf.getvalue().encode("utf-8")
        tmp = path.with_name(path.name + ".partial")
        tmp.write_bytes(data)
        tmp.replace(path)
        start, end = self.audit.date_range()
        inputs = {"patient_id": self.audit.patient_id(), "user": self.audit.user.currentData(),
                  "action": self.audit.action.currentData(),
                  "from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
                  "rows": len(rows)}
        mrn = self.audit.mrns.get(self.audit.patient_id() or -1)
        self.ctx.call_as_user("record_export", "audit_csv", mrn, hashlib.sha256(data).hexdigest(), inputs,
                              label="logging the export").success(
            lambda seq: self.statusBar().showMessage(f"Exported {len(rows)} events to {path} (audit event #{seq}).",
                                                     10000)).run()

    # ---- printing ------------------------------------------------------------------------------
    def print_handover(self, pdf_only: bool = False) -> None:
        from . import printing

        printing.print_handover(self, pdf_only=pdf_only)

    def print_patient_report(self, pdf_only: bool = False) -> None:
        from . import printing

        printing.print_patient_report(self, pdf_only=pdf_only)

    def print_audit_report(self, pdf_only: bool = False) -> None:
        from . import printing

        printing.print_audit_report(self, pdf_only=pdf_only)

    # ---- settings ----------------------------------------------------------------------------
    def open_settings(self) -> None:
        """This computer's settings and the ward settings (database, audited; admins change them)."""
        ctx = self.ctx
        old = (ctx.settings.db_url, ctx.settings.ward)
        can_edit = ctx.role == "admin" and not self.locked
        parent = self if self.dialog is None or not self.dialog.isVisible() else self.dialog
        dlg = _dialogs().SettingsDialog(parent, ctx.settings, ctx.ward_settings, can_edit_ward=can_edit,
                                        who=f"{ctx.actor.display_name}, {ctx.role}" if ctx.actor else "")
        s = ctx.services

        def test(url: str) -> None:
            def run() -> Any:
                from .session import test_connection

                return test_connection(url or None)

            ctx.op(run, "testing the connection").success(lambda m: dlg.test_result(True, m)).failure(
                lambda exc: dlg.test_result(False, _error_text(exc))).run()

        def applied() -> None:
            if not dlg.saved():
                return
            local = ctx.settings
            if local.db_url != old[0]:
                self.save_draft()
                self._drop_assessment()
                ctx.set_actor(None)
                self.timeline = None
                self.stack.setCurrentWidget(self.loading)
                self.loading.label.setText("Opening the database…")
                self.start()
            elif local.ward != old[1] and ctx.actor is not None:
                self.show_board()
            self._status()
            self._update_actions()

        def save(changes: dict[str, Any]) -> None:
            if not changes:
                applied()
                return
            store, actor = ctx.store, ctx.actor

            def run() -> Any:
                return s.update_settings(store, actor, **changes), s.protocol_status()

            def failed(exc: BaseException) -> None:
                fields = [i.path for i in exc.errors] if isinstance(exc, s.ValidationFailed) else []
                dlg.failed(_error_text(exc), fields)

            def done(result: Any) -> None:
                ctx.set_ward_settings(*result)
                n = len(changes)
                self.statusBar().showMessage(f"{n} ward setting{'s' if n != 1 else ''} saved (audited).", 8000)
                applied()

            ctx.op(run, "saving the ward settings").success(done).failure(failed).run()

        dlg.test_requested.connect(test)
        dlg.save_requested.connect(save)
        self.settings_dialog = dlg
        dlg.open()

    def about(self) -> None:
        from cartox_desktop import __version__
        from cartox_desktop.clinical import RULES_VERSION

        from .qt import QT_VERSION_TEXT

        QMessageBox.about(self, "About CARTOX Desktop",
                          f"<b>CARTOX Desktop {__version__}</b><br>{escape(RULES_VERSION)}<br>"
                          f"{escape(self.ctx.protocol_label)}<br>{escape(QT_VERSION_TEXT)}<br><br>{escape(NOTICE)}")

    # ---- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.save_draft()
        self.board_timer.stop()
        self.idle.deactivate()
        event.accept()
