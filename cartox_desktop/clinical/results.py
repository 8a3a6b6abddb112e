"""Grade results: the grade, what drove it, and the source (case-format.md, "Output")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Bounds of one graded domain: (lowest possible, highest possible). A domain that was assessed
# has lo == hi; an unassessed one spans what it could still be.
Bounds = tuple[int, int]


@dataclass(slots=True)
class Domain:
    """One component of a grade (e.g. CRS hypoxia): its bounds and the finding behind them."""

    name: str
    lo: int
    hi: int
    reason: str | None = None


@dataclass(slots=True)
class GradeResult:
    """A graded scale for one assessment.

    ``grade`` is the floor from what was assessed; ``complete`` is False when an unassessed
    domain could still raise it, and those domains are listed in ``unassessed``.
    """

    grade: int | None
    version: str
    source: str
    complete: bool
    unassessed: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    driven_by: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        # The lists are shared with this result, which is built fresh for every grading.
        out: dict[str, Any] = {
            "grade": self.grade,
            "version": self.version,
            "complete": self.complete,
            "unassessed": self.unassessed,
            "reasons": self.reasons,
            "flags": self.flags,
            "source": self.source,
            "driven_by": self.driven_by,
        }
        if self.extra:
            out.update(self.extra)
        return out


def combine(domains: list[Domain]) -> tuple[int, bool, list[str], list[str]]:
    """Grade = the highest floor; incomplete when an unassessed domain could raise it.

    Returns (grade, complete, unassessed domain names, names of the domains that set the grade).
    """
    grade = 0
    for d in domains:
        if d.lo > grade:
            grade = d.lo
    unassessed: list[str] = []
    driven: list[str] = []
    for d in domains:
        if d.lo != d.hi:
            if d.hi > grade:
                unassessed.append(d.name)
        elif grade and d.lo == grade:
            driven.append(d.name)
    return grade, not unassessed, unassessed, driven


GRADE_WORDS = {0: "none", 1: "mild", 2: "moderate", 3: "severe", 4: "life-threatening", 5: "fatal"}


def grade_words(grade: int | None) -> str:
    """A grade as words and number, readable without colour: "Grade 3 (severe)"."""
    if grade is None:
        return "Not gradable (missing data)"
    return f"Grade {grade} ({GRADE_WORDS[grade]})"
