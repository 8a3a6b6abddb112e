"""View models of the printed documents: plain, typed, immutable data.

The builders (``build_handover_pdf``, ``build_patient_report_pdf``, ``build_audit_report_pdf``) take
exactly these objects and return PDF bytes. Nothing here knows about Qt, SQLAlchemy or the audit
store; ``cartox_desktop.reports.assemble`` fills them from the services.

Conventions:
- times are naive local ``datetime`` (as in case-format.md), dates are ``date``;
- grades are ``int`` 0–5 or ``None`` (cannot be decided), never booleans;
- drug and lab names use the case-format vocabulary (``tocilizumab``, ``crp_mg_dl`` …);
- sequences are tuples so the objects stay hashable-free but immutable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# Grade words and the steroid list come from the clinical core (one vocabulary for screen and paper).
from cartox_desktop.clinical.model import STEROIDS as STEROIDS
from cartox_desktop.clinical.results import GRADE_WORDS as GRADE_WORDS

# --------------------------------------------------------------------------------------------------
# vocabulary

# case-format lab name -> (label, unit)
LAB_LABELS: dict[str, tuple[str, str]] = {
    "anc_per_ul": ("ANC", "/µL"),
    "wbc_per_ul": ("WBC", "/µL"),
    "platelets_per_ul": ("Platelets", "/µL"),
    "hemoglobin_g_dl": ("Haemoglobin", "g/dL"),
    "crp_mg_dl": ("CRP", "mg/dL"),
    "ferritin_ng_ml": ("Ferritin", "ng/mL"),
    "fibrinogen_mg_dl": ("Fibrinogen", "mg/dL"),
    "ldh_u_l": ("LDH", "U/L"),
    "alt_u_l": ("ALT", "U/L"),
    "ast_u_l": ("AST", "U/L"),
    "bilirubin_mg_dl": ("Bilirubin", "mg/dL"),
    "creatinine_mg_dl": ("Creatinine", "mg/dL"),
    "triglycerides_mg_dl": ("Triglycerides", "mg/dL"),
    "igg_mg_dl": ("IgG", "mg/dL"),
}

DRUG_LABELS: dict[str, str] = {
    "tocilizumab": "tocilizumab",
    "siltuximab": "siltuximab",
    "dexamethasone": "dexamethasone",
    "methylprednisolone": "methylprednisolone",
    "hydrocortisone": "hydrocortisone",
    "anakinra": "anakinra",
    "antipyretic": "antipyretic",
    "g_csf": "G-CSF",
    "levetiracetam": "levetiracetam",
    "immunoglobulin": "immunoglobulin",
    "other": "other",
}


ILLNESS_SEVERITIES: tuple[str, ...] = ("stable", "watcher", "unstable")

# --------------------------------------------------------------------------------------------------
# shared pieces


@dataclass(frozen=True)
class DocumentMeta:
    """What every printed page carries, whatever the document."""

    institution: str
    ward: str
    printed_at: datetime
    printed_by: str
    rules_version: str  # e.g. "cartox rules 1 (ASTCT 2019, CTCAE v5.0, EHA/EBMT 2023 ICAHT)"
    chain_head_hash: str  # SHA-256 hex of the newest audit event when printing
    chain_head_seq: int | None = None
    app_version: str = ""
    protocol_name: str = ""  # the hospital protocol file the suggestions come from


@dataclass(frozen=True)
class PatientIdentity:
    name: str  # "Family, Given" as stored; any Unicode
    mrn: str
    date_of_birth: date | None = None
    age_years: float | None = None
    sex: str | None = None
    weight_kg: float | None = None


@dataclass(frozen=True)
class Grade:
    """One graded result (ASTCT CRS, CTCAE CRS, ASTCT ICANS …)."""

    value: int | None
    scale: str = ""  # "ASTCT 2019", "CTCAE v5.0"
    complete: bool = True
    unassessed: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Intervention:
    time: datetime
    drug: str  # case-format drug name
    dose_mg: float | None = None
    name: str | None = None  # the drug's name when ``drug`` is "other"
    recorded_by: str | None = None


@dataclass(frozen=True)
class LabValue:
    name: str  # case-format lab name, e.g. "ferritin_ng_ml" (see LAB_LABELS)
    value: float
    time: datetime


@dataclass(frozen=True)
class CourseSummary:
    """Course-level results (case-format ``course`` plus onset/resolution bookkeeping)."""

    crs_max: int | None = None
    crs_max_day: int | None = None  # day the maximum was first reached
    crs_onset_day: int | None = None
    crs_resolution_day: int | None = None  # first day back to grade 0 after the last graded CRS
    crs_duration_days: int | None = None
    icans_max: int | None = None
    icans_max_day: int | None = None
    icans_onset_day: int | None = None
    icans_resolution_day: int | None = None
    icans_duration_days: int | None = None
    icaht_early: int | None = None
    icaht_late: int | None = None
    icaht_reasons: tuple[str, ...] = ()
    hematotox_score: int | None = None
    hematotox_risk: str | None = None  # "low" / "high"
    hematotox_points: Mapping[str, int] = field(default_factory=dict)
    iec_hs_met: bool | None = None
    iec_hs_grade: int | None = None
    iec_hs_first_day: int | None = None
    iec_hs_reasons: tuple[str, ...] = ()
    death_date: date | None = None
    death_cause: str | None = None
    flags: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------------
# ward handover


@dataclass(frozen=True)
class VitalPoint:
    """One bedside assessment as charted (the trend and the latest vitals come from these)."""

    time: datetime
    temperature_c: float | None = None
    systolic_bp_mmhg: float | None = None
    diastolic_bp_mmhg: float | None = None
    mean_arterial_pressure_mmhg: float | None = None
    spo2_percent: float | None = None
    o2_device: str | None = None
    o2_flow_l_min: float | None = None
    fio2_percent: float | None = None
    vasopressors: tuple[str, ...] = ()  # agent names, e.g. ("norepinephrine",)
    ice_score: int | None = None
    ice_not_possible: str | None = None
    capd_score: int | None = None
    consciousness: str | None = None


@dataclass(frozen=True)
class SuggestedAction:
    """A management suggestion from the hospital's protocol file, always shown with its source."""

    text: str
    source: str  # e.g. "Ward protocol v3 §2.1 (ASCO 2021)"


@dataclass(frozen=True)
class CheckDue:
    what: str  # "ICE score", "vital signs"
    due: datetime | None = None  # None: due now / overdue unknown


@dataclass(frozen=True)
class HandoverPatient:
    bed: str
    patient: PatientIdentity
    infusion_date: date
    product: str | None = None
    crs_now: Grade = field(default_factory=lambda: Grade(None))  # ASTCT, latest assessment
    icans_now: Grade = field(default_factory=lambda: Grade(None))
    crs_ctcae_now: Grade | None = None
    course: CourseSummary = field(default_factory=CourseSummary)
    last_ice_score: int | None = None
    last_ice_time: datetime | None = None
    last_ice_note: str | None = None  # e.g. "not possible: unarousable", "CAPD 4"
    dose_counts: Mapping[str, int] = field(default_factory=dict)  # administrations per drug, whole course
    interventions: tuple[Intervention, ...] = ()  # at least those of the last 24 h
    vitals: tuple[VitalPoint, ...] = ()  # at least those of the last 72 h
    labs: tuple[LabValue, ...] = ()  # the latest value of each lab (older ones are ignored)
    alerts: tuple[str, ...] = ()
    next_checks: tuple[CheckDue, ...] = ()
    suggested_actions: tuple[SuggestedAction, ...] = ()
    pending: tuple[str, ...] = ()
    illness_severity: str | None = None  # stable / watcher / unstable; derived when None


@dataclass(frozen=True)
class PatientSnapshot:
    """What the previous handover showed of one patient (for "changed since")."""

    bed: str
    name: str
    crs_now: int | None = None
    crs_max: int | None = None
    icans_now: int | None = None
    icans_max: int | None = None
    dose_counts: Mapping[str, int] = field(default_factory=dict)
    alerts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "bed": self.bed,
            "name": self.name,
            "crs_now": self.crs_now,
            "crs_max": self.crs_max,
            "icans_now": self.icans_now,
            "icans_max": self.icans_max,
            "dose_counts": dict(sorted(self.dose_counts.items())),
            "alerts": list(self.alerts),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PatientSnapshot:
        return cls(
            bed=str(d.get("bed", "")),
            name=str(d.get("name", "")),
            crs_now=d.get("crs_now"),
            crs_max=d.get("crs_max"),
            icans_now=d.get("icans_now"),
            icans_max=d.get("icans_max"),
            dose_counts={str(k): int(v) for k, v in dict(d.get("dose_counts") or {}).items()},
            alerts=tuple(str(a) for a in d.get("alerts") or ()),
        )


@dataclass(frozen=True)
class HandoverSnapshot:
    """The previous handover of the ward, keyed by MRN. Stored with the archived document."""

    at: datetime
    by: str | None = None
    patients: Mapping[str, PatientSnapshot] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(timespec="seconds"),
            "by": self.by,
            "patients": {mrn: p.to_dict() for mrn, p in sorted(self.patients.items())},
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HandoverSnapshot:
        return cls(
            at=datetime.fromisoformat(str(d["at"])),
            by=d.get("by"),
            patients={str(m): PatientSnapshot.from_dict(p) for m, p in dict(d.get("patients") or {}).items()},
        )


@dataclass(frozen=True)
class HandoverData:
    meta: DocumentMeta
    as_of: datetime
    patients: tuple[HandoverPatient, ...]
    previous: HandoverSnapshot | None = None


# --------------------------------------------------------------------------------------------------
# patient toxicity summary


@dataclass(frozen=True)
class AssessmentRow:
    id: str
    time: datetime
    day: int
    crs: Grade  # ASTCT 2019
    crs_ctcae: Grade | None = None
    icans: Grade = field(default_factory=lambda: Grade(None))
    ice_score: int | None = None
    easix: float | None = None
    m_easix: float | None = None
    recorded_by: str | None = None


@dataclass(frozen=True)
class PatientReportData:
    meta: DocumentMeta
    patient: PatientIdentity
    infusion_date: date
    product: str | None = None
    status: str | None = None  # "active", "discharged" …
    course: CourseSummary = field(default_factory=CourseSummary)
    assessments: tuple[AssessmentRow, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    baseline_labs: Mapping[str, float] = field(default_factory=dict)
    alerts: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------------
# audit report


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None = None
    new: str | None = None


@dataclass(frozen=True)
class AuditEventRow:
    seq: int
    time: datetime
    actor: str
    action: str  # create / modify / delete / sign / print …
    entity: str
    entity_id: str | None = None
    changes: tuple[FieldChange, ...] = ()
    reason: str | None = None
    summary: str | None = None  # free text when the change is not field by field
    hash: str = ""


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    events_checked: int
    checked_at: datetime
    head_seq: int | None = None
    head_hash: str = ""
    first_broken_seq: int | None = None
    detail: str | None = None


@dataclass(frozen=True)
class AuditReportData:
    meta: DocumentMeta
    scope: str  # "Patient MRN 100234" / "2026-03-01 to 2026-03-07"
    events: tuple[AuditEventRow, ...]
    verification: ChainVerification
    patient: PatientIdentity | None = None  # when the report is about one patient
    period_from: datetime | None = None
    period_to: datetime | None = None
