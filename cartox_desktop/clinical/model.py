"""The validated case: typed records mirroring case-format.md (version 1).

Units live in the field names exactly as in the contract; every value here has already passed
``validation.parse_case``, so grading code never re-checks ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

PRODUCTS = ("axi-cel", "brexu-cel", "tisa-cel", "liso-cel", "obe-cel", "ide-cel", "cilta-cel", "other")
VASOPRESSOR_AGENTS = ("norepinephrine", "epinephrine", "phenylephrine", "dopamine", "vasopressin")
O2_DEVICES = (
    "room_air", "blow_by", "nasal_cannula", "high_flow_nasal_cannula", "simple_face_mask",
    "venturi_mask", "non_rebreather_mask", "cpap", "bipap", "mechanical_ventilation",
)
ICE_ITEMS = ("year", "month", "city", "hospital", "naming", "commands", "writing", "attention")
ICE_ITEM_MAX = {"year": 1, "month": 1, "city": 1, "hospital": 1, "naming": 3, "commands": 1, "writing": 1, "attention": 1}
ICE_NOT_POSSIBLE = ("unarousable", "global_aphasia")
CONSCIOUSNESS_LEVELS = ("awake", "awakens_spontaneously", "awakens_to_voice", "awakens_to_touch", "unarousable")
SEIZURE_KINDS = ("none", "clinical", "nonconvulsive_eeg", "repetitive_without_recovery")
MOTOR_FINDINGS = ("none", "deep_focal")
RAISED_ICP_FINDINGS = ("focal_edema", "diffuse_edema", "posturing", "cranial_nerve_vi_palsy", "papilledema", "cushings_triad")
OTHER_CAUSE_FINDINGS = ("fever", "hypotension", "hypoxia", "neurologic")
DRUGS = (
    "tocilizumab", "siltuximab", "dexamethasone", "methylprednisolone", "hydrocortisone", "anakinra",
    "antipyretic", "g_csf", "levetiracetam", "immunoglobulin", "other",
)
STEROIDS = ("dexamethasone", "methylprednisolone", "hydrocortisone")
DEATH_CAUSES = ("crs", "icans", "iec_hs", "infection", "disease", "other")
LAB_NAMES = (
    "anc_per_ul", "wbc_per_ul", "platelets_per_ul", "hemoglobin_g_dl", "crp_mg_dl", "ferritin_ng_ml",
    "fibrinogen_mg_dl", "ldh_u_l", "alt_u_l", "ast_u_l", "bilirubin_mg_dl", "creatinine_mg_dl",
    "triglycerides_mg_dl", "igg_mg_dl",
)
UPPER_LIMIT_NAMES = ("ferritin_ng_ml", "alt_u_l", "ast_u_l", "ldh_u_l")
# clinical-rules §0: default upper limits of normal.
DEFAULT_UPPER_LIMITS = {"ferritin_ng_ml": 400.0, "alt_u_l": 40.0, "ast_u_l": 40.0, "ldh_u_l": 250.0}

Labs = dict[str, float]


@dataclass(frozen=True, slots=True)
class Patient:
    age_years: float
    weight_kg: float | None = None

    @property
    def completed_years(self) -> int:
        """Ages are used as completed years (clinical-rules §0: 5.9 → 5)."""
        return int(self.age_years)


@dataclass(frozen=True, slots=True)
class Vasopressor:
    agent: str
    dose_mcg_kg_min: float | None = None
    dose_units_min: float | None = None


@dataclass(slots=True)
class Assessment:
    """One bedside assessment. Treated as read-only after validation (not frozen: a frozen
    dataclass with 26 fields costs several µs more to build, and courses hold hundreds)."""

    id: str
    time: datetime
    index: int  # position in the input; output keeps input order
    temperature_c: float | None = None
    systolic_bp_mmhg: float | None = None
    diastolic_bp_mmhg: float | None = None
    mean_arterial_pressure_mmhg: float | None = None
    hypotension: bool | None = None
    fluid_bolus_given: bool | None = None
    vasopressors: tuple[Vasopressor, ...] | None = None
    spo2_percent: float | None = None
    o2_device: str | None = None
    o2_flow_l_min: float | None = None
    fio2_percent: float | None = None
    ice: dict[str, int] | None = None
    ice_score: int | None = None
    ice_not_possible: str | None = None
    capd_score: int | None = None
    capd_not_possible: bool | None = None
    consciousness: str | None = None
    seizure: str | None = None
    seizure_duration_min: float | None = None
    motor_weakness: str | None = None
    raised_icp: tuple[str, ...] | None = None
    other_cause: tuple[str, ...] = ()
    labs: Labs = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LabEntry:
    """A standalone lab result; a ``date`` alone is placed at 00:00 (clinical-rules §0)."""

    time: datetime
    labs: Labs
    index: int
    date_only: bool = False


@dataclass(frozen=True, slots=True)
class Intervention:
    time: datetime
    drug: str
    dose_mg: float | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Death:
    date: date
    cause: str


@dataclass(frozen=True, slots=True)
class Case:
    patient: Patient
    infusion_date: date
    assessments: tuple[Assessment, ...]
    product: str | None = None
    baseline_labs: Labs = field(default_factory=dict)
    upper_limits: dict[str, float] = field(default_factory=dict)
    labs: tuple[LabEntry, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    death: Death | None = None

    def uln(self, name: str) -> float:
        return self.upper_limits.get(name, DEFAULT_UPPER_LIMITS[name])

    def day_of(self, when: datetime | date) -> int:
        """Day N = calendar days after the infusion date (day 0)."""
        return when.toordinal() - self.infusion_date.toordinal()
