"""Printed documents (ReportLab): ward handover, patient toxicity summary, audit report.

Pure builders: typed view models (``models``) in, PDF bytes out. No Qt, no database, no file I/O
except reading the bundled fonts. ``assemble`` turns service data into the view models.
"""

from __future__ import annotations

from .audit_report import build_audit_report_pdf
from .common import NOTICE
from .handover import build_handover_pdf, changes_since, snapshot_of
from .patient_report import build_patient_report_pdf

__all__ = [
    "NOTICE",
    "build_audit_report_pdf",
    "build_handover_pdf",
    "build_patient_report_pdf",
    "changes_since",
    "snapshot_of",
]
