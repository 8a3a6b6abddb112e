"""Late effects after discharge (revision 0004): one table of audited entries per patient.

An entry is an infection (CTCAE v5.0 grade), an IgG level, a new malignancy (with the CAR
transgene test), or a follow-up visit (which scheduled checks were done). Like assessments, labs
and interventions it holds its validated content as canonical JSON, is never deleted (voided
with a reason instead) and every version is kept in the audit trail (entity ``late_effect``).
Same declarative ``Base`` (and so the same metadata and naming convention) as ``models``.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, _ClinicalRecord

LATE_EFFECT_KINDS = ("infection", "igg", "malignancy", "visit")


class LateEffect(_ClinicalRecord, Base):
    """``time`` is the entry's date at 00:00:00 (sortable with the other records)."""

    __tablename__ = "late_effect"
    __table_args__ = (
        CheckConstraint("kind IN ('infection', 'igg', 'malignancy', 'visit')", name="kind"),
        Index("ix_late_effect_patient_id_time", "patient_id", "time"),
    )
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    kind: Mapped[str] = mapped_column(String(16))
