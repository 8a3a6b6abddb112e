"""The live grading panel beside the assessment form: grades, what drove them, the protocol's
suggested actions with their source, and the course alerts. It only displays what the core
returned (``live.LiveResult``); no rule is computed here."""

from __future__ import annotations

from html import escape
from typing import Any

from ..qt import QFrame, QLabel, QScrollArea, Qt, QVBoxLayout, QWidget
from ..theme import ERROR_FG, grade_style, long_grade
from .live import LiveResult


def _words(flag: str) -> str:
    return flag.replace("_", " ")


class GradeBlock(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        lay.setSpacing(2)
        self.head = QLabel(title)
        hf = self.head.font()
        hf.setBold(True)
        self.head.setFont(hf)
        self.badge = QLabel("—")
        self.badge.setAccessibleName(title)
        bf = self.badge.font()
        bf.setPointSizeF(bf.pointSizeF() * 1.2)
        self.badge.setFont(bf)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.head)
        lay.addWidget(self.badge)
        lay.addWidget(self.detail)

    def show_result(self, res: dict[str, Any] | None, extra: str = "") -> None:
        if res is None:
            self.badge.setText("—")
            self.badge.setStyleSheet("")
            self.detail.setText("")
            return
        grade = res.get("grade")
        complete = bool(res.get("complete", True))
        self.badge.setText(long_grade(grade, complete))
        self.badge.setStyleSheet(grade_style(grade))
        parts: list[str] = []
        if extra:
            parts.append(escape(extra))
        reasons = res.get("reasons") or []
        if reasons:
            parts.append("<b>Why:</b> " + "; ".join(escape(r) for r in reasons))
        if res.get("unassessed"):
            parts.append("<b>Not assessed (could raise it):</b> " + ", ".join(escape(u) for u in res["unassessed"]))
        if res.get("flags"):
            parts.append("<i>Notes: " + ", ".join(escape(_words(f)) for f in res["flags"]) + "</i>")
        if res.get("version"):
            parts.append(f"<span style='color:#607d8b'>{escape(res['version'])}</span>")
        self.detail.setText("<br>".join(parts))


class GradingPanel(QScrollArea):
    """Read-only view of the draft's grades; updated on every change of the form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setMinimumWidth(330)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("gradingPanel")
        lay = QVBoxLayout(body)
        lay.setContentsMargins(8, 4, 8, 4)
        title = QLabel("Live grading of this draft")
        tf = title.font()
        tf.setBold(True)
        tf.setPointSizeF(tf.pointSizeF() * 1.15)
        title.setFont(tf)
        lay.addWidget(title)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.crs = GradeBlock("CRS (ASTCT 2019)")
        self.icans = GradeBlock("ICANS (ASTCT 2019)")
        self.ctcae = QLabel()
        self.ctcae.setWordWrap(True)
        lay.addWidget(self.crs)
        lay.addWidget(self.icans)
        lay.addWidget(self.ctcae)
        self.course = QLabel()
        self.course.setWordWrap(True)
        self.course.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.course)
        self.suggestions = QLabel()
        self.suggestions.setWordWrap(True)
        self.suggestions.setTextFormat(Qt.TextFormat.RichText)
        self.suggestions.setAccessibleName("Protocol suggestions")
        lay.addWidget(self.suggestions)
        self.alerts = QLabel()
        self.alerts.setWordWrap(True)
        self.alerts.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.alerts)
        lay.addStretch(1)
        self.timing = QLabel()
        self.timing.setStyleSheet("color:#78909c; font-size:small;")
        lay.addWidget(self.timing)
        self.setWidget(body)
        self.last: LiveResult | None = None

    def show_result(self, result: LiveResult, local_errors: int = 0) -> None:
        self.last = result
        problems = local_errors + sum(len(v) for v in result.draft_errors.values())
        if result.ok and not problems:
            self.status.setText("Grades below include this draft (not saved yet).")
            self.status.setStyleSheet("color:#1b5e20;")
        elif result.assessment is not None:
            self.status.setText(f"⚠ {problems} field(s) need attention (shown at each field); the grades below "
                                "leave those fields out.")
            self.status.setStyleSheet(f"color:{ERROR_FG}; font-weight:bold;")
        else:
            self.status.setText(f"⚠ {problems} field(s) need attention (shown at each field); "
                                "grades are shown once they are fixed.")
            self.status.setStyleSheet(f"color:{ERROR_FG}; font-weight:bold;")
        if result.other_errors:
            self.status.setText(self.status.text() + " Stored data problem: "
                                + "; ".join(f"{e.path}: {e.message}" for e in result.other_errors[:3]))
        a = result.assessment
        if a is None or (result.draft_errors and not result.partial):
            self.crs.show_result(None)
            self.icans.show_result(None)
            self.ctcae.setText("")
        else:
            self.crs.show_result(a["crs_astct"], f"Day {a['day']} after infusion")
            ice = a["icans_astct"].get("ice_score")
            capd = a["icans_astct"].get("capd_score")
            extra = f"ICE {ice}/10" if ice is not None else (f"CAPD {capd}" if capd is not None else "")
            self.icans.show_result(a["icans_astct"], extra)
            c = a["crs_ctcae"]
            self.ctcae.setText(f"CTCAE v5.0 CRS: {long_grade(c.get('grade'), c.get('complete', True))}")
        course = result.course
        if course is None:
            self.course.setText("")
            self.suggestions.setText("")
            self.alerts.setText("")
        else:
            self.course.setText(
                f"<b>Course with this draft:</b> max CRS {escape(long_grade(course.get('crs_max_grade')))}, "
                f"max ICANS {escape(long_grade(course.get('icans_max_grade')))}")
            sugg = course.get("suggestions") or []
            if sugg:
                items = "".join(
                    f"<li><b>{escape(s['scale'].upper().replace('_', '-'))} grade {s['grade']}:</b> {escape(s['text'])}"
                    f"<br><i style='color:#455a64'>Source: {escape(s['source'])}</i></li>" for s in sugg)
                proto = escape(course.get("protocol") or "protocol")
                self.suggestions.setText(f"<b>The protocol suggests</b> ({proto}):<ul style='margin-left:-20px'>"
                                         f"{items}</ul>")
            else:
                self.suggestions.setText("<b>The protocol suggests:</b> no step for the current grades.")
            alerts = course.get("alerts") or []
            self.alerts.setText(
                (f"<b style='color:{ERROR_FG}'>Alerts</b><ul style='margin-left:-20px'>")
                + "".join(f"<li>{escape(x)}</li>" for x in alerts) + "</ul>" if alerts else "")
        self.timing.setText(f"graded in {result.ms:.1f} ms")
