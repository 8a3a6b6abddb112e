"""The clinical core: validation with units and every grading rule, pure Python.

No Qt, no database, no file or network I/O (enforced by import-linter, see pyproject.toml), so
the same rules serve the desktop app, the command line, the PDFs and the exports.

Binding rules: ``shared/spec/clinical-rules.md``; input/output contract: ``case-format.md``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .course import NOTICE, RULES_VERSION, AssessmentGrades, CaseGrades, CourseSummary, grade_case
from .crs import grade_crs_astct, grade_crs_ctcae
from .errors import CaseInvalid, FieldError
from .icans import grade_icans_astct, ice_score
from .model import Assessment, Case, Patient
from .protocol import Protocol, ProtocolInvalid, Suggestion, parse_protocol
from .results import GradeResult, grade_words
from .validation import parse_case

__all__ = [
    "NOTICE", "RULES_VERSION", "Assessment", "AssessmentGrades", "Case", "CaseGrades", "CaseInvalid", "CourseSummary",
    "FieldError", "GradeResult", "Patient", "Protocol", "ProtocolInvalid", "Suggestion", "grade_case",
    "grade_case_json", "grade_crs_astct", "grade_crs_ctcae", "grade_icans_astct", "grade_words", "ice_score",
    "parse_case", "parse_protocol",
]


def grade_case_json(data: Any, protocol: Protocol | None = None, as_of: datetime | None = None) -> dict[str, Any]:
    """Validate a decoded JSON case and return its grades as the case-format output object.

    Raises :class:`CaseInvalid` (every bad field at once) on invalid input.
    """
    return grade_case(parse_case(data), protocol, as_of).to_json()
