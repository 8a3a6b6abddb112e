"""Plain results of ``services.followup``: late effects, IgG levels, follow-up board rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cartox_desktop.clinical.followup import OVERDUE, FollowUpStatus, describe_late_effect

from .dto import PatientView, RecordView


@dataclass(frozen=True)
class LateEffectView:
    """One late-effect entry as stored now (its current version)."""

    id: int
    patient_id: int
    kind: str  # infection, igg, malignancy, visit
    date: date
    day: int  # days after infusion
    content: dict[str, Any]
    version: int
    voided: bool
    void_reason: str | None
    created_at: str
    created_by: str
    updated_at: str | None
    updated_by: str | None

    @property
    def summary(self) -> str:
        return describe_late_effect(self.kind, self.content)


@dataclass(frozen=True)
class LateEffectSaved:
    record: LateEffectView
    event_seq: int


@dataclass(frozen=True)
class IggLevel:
    """An IgG result, from an IgG entry (``late_effect``) or a lab result (``lab``)."""

    date: date
    day: int
    igg_mg_dl: float
    low: bool  # below the ward's threshold (hypogammaglobulinaemia)
    entity: str  # "late_effect" or "lab"
    record_id: int


@dataclass(frozen=True)
class LateEffects:
    """Everything after the acute phase for one patient, as of ``today``."""

    patient: PatientView
    today: date
    entries: tuple[LateEffectView, ...]  # every entry, voided ones included (flagged), by date
    igg: tuple[IggLevel, ...]  # IgG entries and lab results, not voided, by date
    igg_threshold_mg_dl: float
    immunoglobulin: tuple[RecordView, ...]  # immunoglobulin replacement given (interventions)
    icaht_late_grade: int | None  # prolonged cytopenia: late ICAHT (days 31-100), graded by the core
    icaht_reasons: tuple[str, ...]
    follow_up: tuple[FollowUpStatus, ...]  # empty when the patient died

    def current(self, kind: str) -> tuple[LateEffectView, ...]:
        return tuple(e for e in self.entries if e.kind == kind and not e.voided)

    @property
    def infections(self) -> tuple[LateEffectView, ...]:
        return self.current("infection")

    @property
    def malignancies(self) -> tuple[LateEffectView, ...]:
        return self.current("malignancy")

    @property
    def visits(self) -> tuple[LateEffectView, ...]:
        return self.current("visit")


@dataclass(frozen=True)
class FollowUpRow:
    """One line of the follow-up board (a discharged patient)."""

    patient: PatientView
    day: int
    statuses: tuple[FollowUpStatus, ...]
    last_igg: IggLevel | None
    infections: int
    worst_infection_grade: int | None
    malignancies: int
    icaht_late_grade: int | None
    last_immunoglobulin: date | None
    died: date | None

    @property
    def overdue(self) -> tuple[FollowUpStatus, ...]:
        return tuple(s for s in self.statuses if s.status == OVERDUE)

    @property
    def due(self) -> tuple[FollowUpStatus, ...]:
        return tuple(s for s in self.statuses if s.needs_action and s.status != OVERDUE)
