"""Live grading of an unsaved assessment: the patient's stored case plus the draft, through the
clinical core (no rule lives here). Called on every change in the form; ~1 ms for a typical
course, measured in ``benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cartox_desktop.clinical import CaseInvalid, FieldError, Protocol, grade_case, parse_case

DRAFT_ID = "__draft__"
_PATH = re.compile(r"^assessments\[(\d+)\](?:\.(.*))?$")


@dataclass
class LiveResult:
    """The draft's grades (case-format output entry), the course with the draft, or the errors."""

    assessment: dict[str, Any] | None = None
    course: dict[str, Any] | None = None
    draft_errors: dict[str, list[str]] = field(default_factory=dict)  # path inside the draft -> messages
    other_errors: list[FieldError] = field(default_factory=list)  # errors outside the draft (stored data)
    ms: float = 0.0
    partial: bool = False  # graded without the refused fields

    @property
    def ok(self) -> bool:
        """Graded with every field of the draft (nothing refused)."""
        return self.assessment is not None and not self.draft_errors and not self.other_errors


def case_with_draft(base_case: dict[str, Any], draft: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A shallow copy of the case with the draft appended; returns it and the draft's index."""
    case = dict(base_case)
    assessments = list(case.get("assessments") or [])
    case["assessments"] = [*assessments, {"id": DRAFT_ID, **draft}]
    return case, len(assessments)


def grade_draft(base_case: dict[str, Any], draft: dict[str, Any], protocol: Protocol | None,
                as_of: datetime | None = None) -> LiveResult:
    """Grade the case with the draft. When fields of the draft are refused, their messages are
    returned and the draft is graded once more without them (``partial``), so the panel keeps
    showing what the valid fields give while the nurse corrects one."""
    started = time.perf_counter()
    result = LiveResult()
    current = dict(draft)
    for attempt in range(2):
        case, index = case_with_draft(base_case, current)
        try:
            parsed = parse_case(case)
        except CaseInvalid as exc:
            refused: set[str] = set()
            for err in exc.errors:
                m = _PATH.match(err.path)
                if m and int(m.group(1)) == index:
                    path = m.group(2) or ""
                    if attempt == 0:
                        result.draft_errors.setdefault(path, []).append(err.message)
                    refused.add(re.split(r"[.\[]", path, maxsplit=1)[0])
                elif attempt == 0:
                    result.other_errors.append(err)
            if attempt == 0 and refused and "" not in refused and "time" not in refused and not result.other_errors:
                current = {k: v for k, v in current.items() if k not in refused}
                result.partial = True
                continue
            result.ms = (time.perf_counter() - started) * 1000
            return result
        grades = grade_case(parsed, protocol, as_of).to_json()
        result.assessment = grades["assessments"][index]
        result.course = grades["course"]
        break
    result.ms = (time.perf_counter() - started) * 1000
    return result
