"""Plain, immutable results of the services: what the UI, the CLI and the PDFs consume.

No ORM object ever leaves the services (a detached row would lazy-load or go stale). Times are
naive local ``datetime`` as in case-format.md, dates are ``date``; audit stamps stay the exact
ISO text that was hashed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Literal

Role = Literal["nurse", "physician", "admin"]
RecordKind = Literal["assessment", "lab", "intervention"]
SignatureMeaning = Literal["recorded", "reviewed", "amended"]
SIGNATURE_MEANINGS: tuple[str, ...] = ("recorded", "reviewed", "amended")


@dataclass(frozen=True)
class Actor:
    """The logged-in user (from ``auth.login``); passed to every service that writes."""

    user_id: int
    username: str
    display_name: str
    role: str


@dataclass(frozen=True)
class Signature:
    """An electronic signature: the password re-entered now, and what signing means (11.50)."""

    password: str = field(repr=False)
    meaning: str = "recorded"


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    failed_logins: int
    locked_until: str | None
    created_at: str
    created_by: str | None


@dataclass(frozen=True)
class PatientInput:
    """What a user enters to admit a patient. ``age_years`` may be left out when
    ``date_of_birth`` is given (age at infusion, completed years)."""

    mrn: str
    name: str
    infusion_date: date | str
    age_years: float | None = None
    date_of_birth: date | str | None = None
    weight_kg: float | None = None
    ward: str | None = None
    bed: str | None = None
    product: str | None = None
    baseline_labs: dict[str, Any] | None = None
    upper_limits: dict[str, Any] | None = None
    death: dict[str, Any] | None = None
    # The patient's own answers for the ICE orientation and writing items ({city, hospital,
    # sentence}, each optional); None = the ward's answers from the settings.
    ice_baseline: dict[str, str] | None = None


@dataclass(frozen=True)
class PatientView:
    id: int
    mrn: str
    name: str
    date_of_birth: date | None
    age_years: float
    weight_kg: float | None
    ward: str | None
    bed: str | None
    product: str | None
    infusion_date: date
    baseline_labs: dict[str, Any]
    upper_limits: dict[str, Any]
    death: dict[str, Any] | None
    status: str
    discharged_at: str | None
    version: int
    created_at: str
    created_by: str
    updated_at: str | None
    updated_by: str | None
    ice_baseline: dict[str, str] | None = None  # the patient's own ICE answers (None: the ward's)

    def day_on(self, when: date | datetime) -> int:
        """Day N after infusion (day 0 = infusion date), as in case-format.md."""
        d = when.date() if isinstance(when, datetime) else when
        return (d - self.infusion_date).days


@dataclass(frozen=True)
class GradeSet:
    """Stored grades of one assessment and the rules version that produced them."""

    rules_version: str
    crs_astct: int | None
    crs_ctcae: int | None
    icans_astct: int | None
    result_json: str = field(repr=False)
    graded_at: str

    @cached_property
    def result(self) -> dict[str, Any]:
        """The case-format output entry (reasons, flags, complete, unassessed, easix ...),
        parsed on first use (the ward board only needs the grades)."""
        return json.loads(self.result_json)  # type: ignore[no-any-return]

    def max_grade(self) -> int | None:
        grades = [g for g in (self.crs_astct, self.crs_ctcae, self.icans_astct) if g is not None]
        return max(grades) if grades else None


@dataclass(frozen=True)
class RecordView:
    """One assessment, lab entry or intervention as stored now (its current version)."""

    kind: str
    id: int
    patient_id: int
    time: datetime
    day: int
    content: dict[str, Any]  # the case-format entry
    version: int
    voided: bool
    void_reason: str | None
    created_at: str
    created_by: str
    updated_at: str | None
    updated_by: str | None
    case_id: str | None = None  # assessments: the case-format "id"
    given_by: str | None = None  # interventions
    grades: GradeSet | None = None  # assessments


@dataclass(frozen=True)
class CourseView:
    rules_version: str
    crs_max_grade: int | None
    icans_max_grade: int | None
    result: dict[str, Any]  # case-format "course" object (icaht, car_hematotox, iec_hs, alerts ...)
    graded_at: str


@dataclass(frozen=True)
class Timeline:
    """A patient's whole course for the ward board and the reports (voided records included,
    flagged, so the UI can show them struck through)."""

    patient: PatientView
    assessments: tuple[RecordView, ...]
    labs: tuple[RecordView, ...]
    interventions: tuple[RecordView, ...]
    course: CourseView | None

    @property
    def active_assessments(self) -> tuple[RecordView, ...]:
        return tuple(r for r in self.assessments if not r.voided)


@dataclass(frozen=True)
class WardRow:
    """One line of the ward board, from the stored course summary (no timeline is read).

    The clock-dependent parts (``ice_overdue``, ``toci_24h``) are applied to ``now`` of the
    ``ward_board`` call; everything else was computed when the course was last saved."""

    patient: PatientView
    day: int
    crs_max_grade: int | None
    icans_max_grade: int | None
    latest_time: datetime | None
    latest_crs_astct: int | None
    latest_icans_astct: int | None
    alerts: tuple[str, ...]
    latest_crs_complete: bool = True
    latest_icans_complete: bool = True
    previous_crs_astct: int | None = None  # the assessment before the latest (for the trend)
    previous_icans_astct: int | None = None
    last_ice_kind: str = "ICE"  # "ICE" or "CAPD" (a child under 12)
    last_ice_score: int | None = None
    last_ice_time: datetime | None = None
    next_ice_due: datetime | None = None
    ice_every_h: float | None = None
    ice_overdue: bool = False
    toci_24h: int = 0
    toci_total: int = 0
    toci_max_24h: int | None = None
    toci_max_total: int | None = None


@dataclass(frozen=True)
class ChainHead:
    """The newest audit event; printed on every PDF to anchor the chain outside the database."""

    seq: int
    hash: str
    ts_utc: str

    def label(self) -> str:
        return f"audit chain #{self.seq} {self.hash[:16]}"


@dataclass(frozen=True)
class GradeChange:
    assessment_id: int
    case_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class SaveResult:
    record: RecordView
    event_seq: int
    course: CourseView | None
    regraded: tuple[GradeChange, ...]  # other assessments whose grades this save changed


@dataclass(frozen=True)
class AuditEventView:
    seq: int
    ts_utc: str
    ts_local: str
    actor: str
    action: str
    entity: str | None
    entity_id: int | None
    patient_id: int | None
    record_hash: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class RecordVersion:
    """One version of a record, from its audit event (history shown version by version)."""

    seq: int
    ts_local: str
    actor: str
    action: str
    version: int | None
    reason: str | None
    signature_meaning: str | None
    record: dict[str, Any]
    grades_before: dict[str, Any] | None
    grades_after: dict[str, Any] | None
    note: str | None = None  # e.g. how an ICE was adapted (interpreter, pointing ...)
    audit_detail: dict[str, Any] | None = None  # e.g. the lab file's name and SHA-256


@dataclass(frozen=True)
class VerifyProblem:
    seq: int | None
    message: str


@dataclass(frozen=True)
class VerifyReport:
    events: int
    records: int
    problems: tuple[VerifyProblem, ...]
    seconds: float
    head: ChainHead | None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class GradeDifference:
    mrn: str
    patient_id: int
    assessment_id: int | None
    case_id: str | None
    time: datetime | None
    scale: str
    stored_grade: int | None
    stored_rules_version: str | None
    current_grade: int | None
    current_rules_version: str
    note: str | None = None  # e.g. same grades, but the stored reasons or flags differ


@dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int
    sha256: str
    event_seq: int


@dataclass(frozen=True)
class CaseRecorded:
    patient: PatientView
    assessments: int
    labs: int
    interventions: int
    events: int
    course: CourseView | None


@dataclass(frozen=True)
class Settings:
    """The ward settings, stored in the database and audited (``services.settings``)."""

    institution_name: str = ""
    ward_name: str = ""
    ward_phone: str = ""  # printed on the discharge sheet
    protocol_file: str = ""  # empty: the bundled resources/protocol.toml
    idle_lock_minutes: int = 10
    temperature_unit: str = "C"  # for entry: "C" or "F" (always stored in °C)
    ice_city: str = ""
    ice_hospital: str = ""
    ice_sentence: str = ""  # empty: the standard sentence
    igg_threshold_mg_dl: float = 400.0  # hypogammaglobulinaemia below this
    lab_mappings_toml: str = ""  # the hospital's lab CSV column mappings (interop.labcsv)
    updated_at: str | None = None  # the newest change (None: all defaults)
    updated_by: str | None = None

    @property
    def ice_baseline(self) -> dict[str, str]:
        """The ward's expected ICE answers ({city, hospital, sentence}; empty values left out)."""
        values = {"city": self.ice_city, "hospital": self.ice_hospital, "sentence": self.ice_sentence}
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class SettingChange:
    key: str
    old: Any
    new: Any
    event_seq: int


@dataclass(frozen=True)
class LabsImported:
    """What ``import_labs`` stored: one transaction for the whole file."""

    patients: int
    entries: int  # lab entries stored
    values: int  # lab values stored
    lab_event_seqs: tuple[int, ...]
    import_event_seqs: tuple[int, ...]
