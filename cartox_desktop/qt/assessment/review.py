"""The confirmation before saving: exactly what will be stored, the grades it produces, and,
when the record store asks for one, the electronic signature."""

from __future__ import annotations

from html import escape
from typing import Any

from cartox_desktop.clinical import NOTICE

from ..qt import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ..theme import ERROR_FG, grade_style, long_grade


class ReviewDialog(QDialog):
    """``submitted`` when confirmed; stays open (busy) while the caller saves."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None, patient_label: str, rows: list[tuple[str, str]],
                 assessment: dict[str, Any] | None, *, need_signature: bool = False, need_reason: bool = False,
                 signer: str = "", title: str = "Review before saving") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.need_signature = need_signature
        self.need_reason = need_reason
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>{escape(patient_label)}</b> — this is what will be stored:")
        head.setWordWrap(True)
        lay.addWidget(head)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Field", "Value stored"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, (label, value) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(label))
            self.table.setItem(i, 1, QTableWidgetItem(value))
        lay.addWidget(self.table, 1)
        if assessment is not None:
            grades = QFormLayout()
            for key, title_ in (("crs_astct", "CRS (ASTCT)"), ("icans_astct", "ICANS (ASTCT)"),
                                ("crs_ctcae", "CRS (CTCAE v5)")):
                res = assessment.get(key) or {}
                badge = QLabel(long_grade(res.get("grade"), res.get("complete", True)))
                badge.setStyleSheet(grade_style(res.get("grade")))
                badge.setAccessibleName(title_)
                grades.addRow(title_, badge)
            lay.addLayout(grades)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(70)
        self.reason.setAccessibleName("Reason for the amendment")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password for the signature")
        sig = QFormLayout()
        if need_reason:
            sig.addRow("&Reason (required)", self.reason)
        if need_signature:
            meaning = "amended" if need_reason else "recorded"
            note = QLabel(f"Electronic signature of <b>{escape(signer)}</b>, meaning <b>{meaning}</b>"
                          + ("" if need_reason else " (required for a grade of 3 or more)") + ".")
            note.setWordWrap(True)
            sig.addRow(note)
            sig.addRow("&Password", self.password)
        lay.addLayout(sig)
        self.error = QLabel()
        self.error.setStyleSheet(f"color:{ERROR_FG}; font-weight:bold;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        notice = QLabel(NOTICE)
        notice.setWordWrap(True)
        notice.setStyleSheet("color:#5c4400;")
        lay.addWidget(notice)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Save (Enter)")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Back to the form (Esc)")
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.resize(640, 560)
        if need_reason:
            self.reason.setFocus()
        elif need_signature:
            self.password.setFocus()
        else:
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setFocus()

    def _ok(self) -> None:
        if self.need_reason and not self.reason.toPlainText().strip():
            self.error.setText("⚠ A reason is required for an amendment.")
            self.reason.setFocus()
            return
        if self.need_signature and not self.password.text():
            self.error.setText("⚠ Type your password to sign.")
            self.password.setFocus()
            return
        self.error.setText("Saving…")
        self.buttons.setEnabled(False)
        emit(self.submitted)

    def failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText("⚠ " + message)
        self.password.clear()
