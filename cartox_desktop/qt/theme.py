"""How grades look: always words and number, with colour as a second cue (never colour alone)."""

from __future__ import annotations

from cartox_desktop.clinical import grade_words

from .qt import QColor

# Background / foreground per grade; dark text on light fills keeps WCAG contrast for every row.
GRADE_BG = {
    0: "#e8f5e9",
    1: "#fff8d6",
    2: "#ffe0b2",
    3: "#ffab91",
    4: "#ef9a9a",
    5: "#9e9e9e",
}
GRADE_FG = {0: "#1b5e20", 1: "#5d4a00", 2: "#7a3e00", 3: "#7f1d00", 4: "#6b0000", 5: "#000000"}
UNKNOWN_BG = "#eceff1"
UNKNOWN_FG = "#37474f"
SHORT_WORDS = {0: "none", 1: "mild", 2: "moderate", 3: "severe", 4: "life-threat", 5: "fatal"}
OVERDUE_BG = "#c62828"
OVERDUE_FG = "#ffffff"
NOTICE_BG = "#fff3cd"
NOTICE_FG = "#5c4400"
ERROR_FG = "#b00020"


def short_grade(grade: int | None, complete: bool = True) -> str:
    """``G3 severe``; an incomplete floor reads ``≥G1 mild``; unknown reads ``? not gradable``."""
    if grade is None:
        return "? not gradable"
    return f"{'' if complete else '≥'}G{grade} {SHORT_WORDS.get(grade, '')}".strip()


def long_grade(grade: int | None, complete: bool = True) -> str:
    text = grade_words(grade)
    if grade is not None and not complete:
        text = "at least " + text
    return text


def grade_colors(grade: int | None) -> tuple[QColor, QColor]:
    if grade is None:
        return QColor(UNKNOWN_BG), QColor(UNKNOWN_FG)
    return QColor(GRADE_BG.get(grade, UNKNOWN_BG)), QColor(GRADE_FG.get(grade, UNKNOWN_FG))


def grade_style(grade: int | None) -> str:
    """A style sheet fragment for a grade badge label."""
    bg = GRADE_BG.get(grade, UNKNOWN_BG) if grade is not None else UNKNOWN_BG
    fg = GRADE_FG.get(grade, UNKNOWN_FG) if grade is not None else UNKNOWN_FG
    return (f"background:{bg}; color:{fg}; border:1px solid {fg}; border-radius:4px; "
            "padding:2px 6px; font-weight:bold;")


def trend_arrow(previous: int | None, current: int | None) -> str:
    """▲ worse, ▼ better, ▶ same, blank when there is nothing to compare (text, not colour)."""
    if previous is None or current is None:
        return ""
    if current > previous:
        return "▲ worse"
    if current < previous:
        return "▼ better"
    return "▶ same"
