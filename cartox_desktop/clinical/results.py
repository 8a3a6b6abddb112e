"""Grade results: the grade, what drove it, and the source (case-format.md, "Output")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

# One component of a grade (e.g. CRS hypoxia): (name, lowest possible, highest possible,
# the finding behind it). An assessed domain has lowest == highest; an unassessed one spans
# what it could still be. Plain tuples, many of them module constants: grading builds several
# per assessment and a tuple costs a fraction of a dataclass (benchmarks/bench_grading.py).
Domain = tuple[str, int, int, str | None]


EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(slots=True)
class GradeResult:
    """A graded scale for one assessment.

    ``grade`` is the floor from what was assessed; ``complete`` is False when an unassessed
    domain could still raise it, and those domains are listed in ``unassessed``. Read-only: the
    lists are tuples (the empty ones shared), so a result can be handed to any screen or report.
    """

    grade: int | None
    version: str
    source: str
    complete: bool
    unassessed: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    driven_by: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=lambda: EMPTY)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "grade": self.grade,
            "version": self.version,
            "complete": self.complete,
            "unassessed": list(self.unassessed),
            "reasons": list(self.reasons),
            "flags": list(self.flags),
            "source": self.source,
            "driven_by": list(self.driven_by),
        }
        if self.extra:
            out.update(self.extra)
        return out


Combined = tuple[int, bool, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _combine(domains: tuple[Domain, ...]) -> Combined:
    """Grade = the highest floor; incomplete when an unassessed domain could raise it.

    Returns (grade, complete, unassessed domain names, names of the domains that set the grade,
    reasons of the domains with a floor above 0, in domain order).
    """
    grade = 0
    for d in domains:
        if d[1] > grade:
            grade = d[1]
    unassessed: list[str] = []
    driven: list[str] = []
    reasons: list[str] = []
    for name, lo, hi, reason in domains:
        if lo != hi:
            if hi > grade:
                unassessed.append(name)
        elif grade and lo == grade:
            driven.append(name)
        if lo and reason:
            reasons.append(reason)
    return (grade, not unassessed, tuple(unassessed) if unassessed else (), tuple(driven) if driven else (),
            tuple(reasons) if reasons else ())


# Findings are discrete (a device, a temperature to 0.1 °C, an ICE score), so the same domains
# recur from one assessment to the next; the result is immutable (tuples), so it can be shared.
# Typed as a plain function so mypy still checks the argument.
combine: Callable[[tuple[Domain, ...]], Combined] = lru_cache(maxsize=8192)(_combine)


GRADE_WORDS = {0: "none", 1: "mild", 2: "moderate", 3: "severe", 4: "life-threatening", 5: "fatal"}


def grade_words(grade: int | None) -> str:
    """A grade as words and number, readable without colour: "Grade 3 (severe)"."""
    if grade is None:
        return "Not gradable (missing data)"
    return f"Grade {grade} ({GRADE_WORDS[grade]})"
