"""``cartox demo``: a realistic demonstration ward, replayed through the services.

Nine patients on different days after infusion whose courses reach every ASTCT CRS grade
(0–4) and ICANS grade (0–4), with a child graded by CAPD, prolonged early and late ICAHT and an
IEC-HS. Every entry is saved in time order through the same services as the ward uses, with
signatures where the rules ask for them, one amendment, one void and one review, so the audit
trail is real and ``cartox audit verify`` passes (a tocilizumab dose charted late even re-grades
the assessment taken in between, as on a real ward). Dates are relative to today.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from cartox_desktop.storage.models import Patient
from cartox_desktop.storage.store import Store

from .auth import add_user, count_users, login
from .dto import Actor, PatientInput, Signature
from .errors import AuthenticationFailed, SignatureRequired
from .patients import create_patient
from .records import add_record, amend_record, review_record, void_record

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
MRN_PREFIX = "DEMO-"
ACUTE_HOURS = (2, 8, 14, 20)
ACUTE_DAYS = 10


def ice_items(score: int) -> dict[str, int]:
    """ICE items adding up to ``score`` (0–10)."""
    items = {"year": 0, "month": 0, "city": 0, "hospital": 0, "naming": 0, "commands": 0, "writing": 0,
             "attention": 0}
    left = score
    for key in ("year", "month", "hospital", "commands", "naming", "city", "attention", "writing"):
        take = min(left, 3 if key == "naming" else 1)
        items[key] = take
        left -= take
    return items


def obs(temp: float = 36.8, sbp: int = 122, hypotension: bool | None = False, vaso: list[dict[str, Any]] | None = None,
        o2: str = "room_air", flow: float | None = None, spo2: int = 97, ice: int | None = 10, capd: int | None = None,
        consciousness: str = "awake", seizure: str = "none", seizure_min: float | None = None,
        motor: str = "none", icp: tuple[str, ...] = (), labs: dict[str, float] | None = None,
        fluid: bool | None = None) -> dict[str, Any]:
    """One complete bedside assessment (case-format.md field names)."""
    a: dict[str, Any] = {"temperature_c": temp, "systolic_bp_mmhg": sbp, "spo2_percent": spo2, "o2_device": o2,
                         "consciousness": consciousness, "seizure": seizure, "motor_weakness": motor,
                         "raised_icp": list(icp)}
    if hypotension is not None:
        a["hypotension"] = hypotension
    if vaso:
        a["vasopressors"] = vaso
        a["hypotension"] = True
    if flow is not None:
        a["o2_flow_l_min"] = flow
    if ice is not None and capd is None:
        a["ice"] = ice_items(ice)
    if capd is not None:
        a["capd_score"] = capd
    if seizure_min is not None:
        a["seizure_duration_min"] = seizure_min
    if labs:
        a["labs"] = labs
    if fluid is not None:
        a["fluid_bolus_given"] = fluid
    return a


NE = "norepinephrine"


@dataclass
class DemoPatient:
    mrn: str
    name: str
    age: float
    weight: float
    product: str
    day_now: int  # today is this day after infusion
    ward: str
    bed: str
    baseline: dict[str, float]
    state: Callable[[int, int], dict[str, Any]]  # (day, hour) -> assessment
    labs: dict[int, dict[str, float]] = field(default_factory=dict)  # day -> labs at 06:00
    drugs: list[tuple[int, int, str, float | None]] = field(default_factory=list)  # day, hour, drug, mg
    late_entries: dict[tuple[int, int, str], int] = field(default_factory=dict)  # drug documented N h late
    dob: date | None = None
    schedule: Callable[[int], tuple[int, ...]] | None = None


def _acute(day: int) -> tuple[int, ...]:
    return ACUTE_HOURS if day <= ACUTE_DAYS else (8,)


def _vogel(d: int, h: int) -> dict[str, Any]:
    if d == 2 and h == 8:
        return obs(temp=38.4)
    if d == 2 and h == 14:
        return obs(temp=38.9, sbp=104)
    if d == 2 and h == 20:
        return obs(temp=39.1, sbp=86, hypotension=True, fluid=True)
    if d == 3 and h <= 8:
        return obs(temp=37.6, sbp=102, ice=8 if h == 8 else 9)
    if d == 3:
        return obs(temp=37.2, sbp=110, ice=9)
    return obs()


def _oconnor(d: int, h: int) -> dict[str, Any]:
    if d == 1 and h == 20:
        return obs(temp=38.7)
    if d == 2 and h == 2:
        return obs(temp=39.1, sbp=96)
    if d == 2 and h == 8:
        return obs(temp=39.4, sbp=84, hypotension=True, fluid=True)
    if d == 2 and h == 14:
        return obs(temp=38.1, sbp=82, vaso=[{"agent": NE, "dose_mcg_kg_min": 0.08}], o2="nasal_cannula", flow=2,
                   spo2=94)
    if d == 2 and h == 20:
        return obs(temp=37.8, sbp=92, vaso=[{"agent": NE, "dose_mcg_kg_min": 0.05}], o2="nasal_cannula", flow=2,
                   ice=7)
    if d == 3 and h == 2:
        return obs(temp=37.6, sbp=95, vaso=[{"agent": NE, "dose_mcg_kg_min": 0.03}], o2="nasal_cannula", flow=2,
                   ice=6)
    if d == 3 and h == 8:
        return obs(temp=37.4, sbp=104, o2="nasal_cannula", flow=2, ice=5, consciousness="awakens_spontaneously")
    if d == 3:
        return obs(temp=37.2, sbp=112, ice=6)
    if d == 4:
        return obs(temp=37.0, sbp=118, ice=8)
    return obs()


def _demir(d: int, h: int) -> dict[str, Any]:
    if d == 1 and h == 14:
        return obs(temp=38.5, sbp=108)
    if d == 1 and h == 20:
        return obs(temp=39.3, sbp=88, hypotension=True, fluid=True, o2="nasal_cannula", flow=4, spo2=93)
    if d == 2 and h == 2:
        return obs(temp=39.6, sbp=78, vaso=[{"agent": NE, "dose_mcg_kg_min": 0.2},
                                            {"agent": "epinephrine", "dose_mcg_kg_min": 0.05}],
                   o2="bipap", spo2=91)
    if d == 2 and h == 8:
        return obs(temp=38.6, sbp=86, vaso=[{"agent": NE, "dose_mcg_kg_min": 0.15},
                                            {"agent": "vasopressin", "dose_units_min": 0.03}],
                   o2="high_flow_nasal_cannula", flow=40, spo2=94)
    if d == 2:
        return obs(temp=37.9, sbp=96, vaso=[{"agent": NE, "dose_mcg_kg_min": 0.06}], o2="high_flow_nasal_cannula",
                   flow=30, spo2=95)
    if d == 3 and h <= 8:
        return obs(temp=37.5, sbp=104, o2="nasal_cannula", flow=3, spo2=96)
    return obs(temp=37.0, sbp=115)


def _brandt(d: int, h: int) -> dict[str, Any]:
    if d == 3 and h == 8:
        return obs(temp=38.9, sbp=98, capd=0)
    if d == 3 and h == 14:
        return obs(temp=39.2, sbp=96, capd=0)
    if d == 3 and h == 20:
        return obs(temp=39.3, sbp=94, o2="blow_by", spo2=92, capd=2)
    if d == 4:
        return obs(temp=37.6, sbp=100, capd=3)
    if d == 5 and h <= 8:
        return obs(temp=37.2, sbp=102, capd=6)
    if d == 5:
        return obs(temp=37.1, sbp=100, capd=12)
    if d == 6:
        return obs(temp=37.0, sbp=104, capd=10, consciousness="awakens_to_voice")
    if d == 7:
        return obs(temp=36.9, sbp=106, capd=4)
    return obs(sbp=104, capd=0)


def _rossi(d: int, h: int) -> dict[str, Any]:
    if d == 4 and h == 8:
        return obs(temp=38.2)
    if d == 6 and h == 8:
        return obs(temp=37.3, ice=7)
    if d == 6 and h >= 14:
        return obs(temp=37.4, ice=3 if h == 20 else 5)
    if d == 7 and h == 2:
        return obs(temp=37.5, ice=0, consciousness="awakens_to_touch", seizure="clinical", seizure_min=8)
    if d == 7 and h == 8:
        return obs(temp=37.2, ice=1, consciousness="awakens_to_voice")
    if d == 7:
        return obs(temp=37.0, ice=2)
    if d == 8:
        return obs(ice=5)
    if d == 9:
        return obs(ice=8)
    return obs()


def _larsen(d: int, h: int) -> dict[str, Any]:
    if d == 1 and h == 14:
        return obs(temp=38.3)
    if d == 1 and h == 20:
        return obs(temp=38.1)
    return obs(sbp=128)


def _mensah(d: int, h: int) -> dict[str, Any]:
    if d == 1 and h == 20:
        return obs(temp=38.8)
    if d == 2 and h == 2:
        return obs(temp=39.0, sbp=100)
    if d == 2 and h == 8:
        return obs(temp=39.2, sbp=88, hypotension=True, fluid=True)
    if d == 5 and h == 8:
        return obs(temp=37.4, sbp=110, labs={"ferritin_ng_ml": 9800, "fibrinogen_mg_dl": 120,
                                              "platelets_per_ul": 22000, "alt_u_l": 95, "ldh_u_l": 640,
                                              "creatinine_mg_dl": 0.9, "crp_mg_dl": 4.1})
    if d == 6 and h == 8:
        return obs(temp=37.2, sbp=112, labs={"ferritin_ng_ml": 14200, "fibrinogen_mg_dl": 96,
                                              "platelets_per_ul": 18000, "triglycerides_mg_dl": 310})
    return obs(temp=37.1 if d <= 3 else 36.8, sbp=112)


def _nowak(d: int, h: int) -> dict[str, Any]:
    return obs(temp=37.2 if h == 14 else 36.9, sbp=130)


def _fischer(d: int, h: int) -> dict[str, Any]:
    if d == 2 and h == 8:
        return obs(temp=38.6)
    if d == 2 and h >= 14:
        return obs(temp=39.0, o2="nasal_cannula", flow=4, spo2=92)
    if d == 3 and h <= 8:
        return obs(temp=37.8, o2="nasal_cannula", flow=2, spo2=95)
    if d == 5 and h == 8:
        return obs(ice=6)
    if d == 5 and h >= 14:
        return obs(ice=2, consciousness="awakens_to_voice")
    if d == 6:
        return obs(ice=4)
    if d == 7:
        return obs(ice=8)
    return obs()


def _anc_days(values: Mapping[int, float],
              extra: Mapping[int, dict[str, float]] | None = None) -> dict[int, dict[str, float]]:
    out = {d: {"anc_per_ul": v} for d, v in values.items()}
    for d, labs in (extra or {}).items():
        out.setdefault(d, {}).update(labs)
    return out


BASE = {"anc_per_ul": 1900, "hemoglobin_g_dl": 11.2, "platelets_per_ul": 165000, "crp_mg_dl": 0.9,
        "ferritin_ng_ml": 420}


def demo_patients() -> list[DemoPatient]:
    low = {d: v for d, v in zip(range(0, 11), (900, 420, 300, 180, 150, 160, 240, 380, 520, 760, 980), strict=True)}
    return [
        DemoPatient("DEMO-0001", "Margarete Vogel", 67, 68.0, "axi-cel", 9, "7B", "1", dict(BASE), _vogel,
                    _anc_days(low, {2: {"crp_mg_dl": 9.8, "ferritin_ng_ml": 1850}, 4: {"crp_mg_dl": 3.2}}),
                    [(2, 21, "tocilizumab", 544), (2, 6, "antipyretic", None)],
                    late_entries={(2, 21, "tocilizumab"): 6}),  # charted after the 02:00 round
        DemoPatient("DEMO-0002", "James O'Connor", 58, 92.0, "brexu-cel", 14, "7B", "2",
                    {**BASE, "platelets_per_ul": 98000, "ferritin_ng_ml": 1100}, _oconnor,
                    _anc_days({**low, 11: 450, 12: 620, 13: 880}, {2: {"crp_mg_dl": 14.2, "ferritin_ng_ml": 3900}}),
                    [(2, 9, "tocilizumab", 736), (2, 15, "dexamethasone", 10), (2, 20, "tocilizumab", 736),
                     (3, 3, "dexamethasone", 10)]),
        DemoPatient("DEMO-0003", "Aylin Demir", 45, 64.0, "cilta-cel", 6, "ICU", "4", dict(BASE), _demir,
                    _anc_days({0: 1200, 1: 800, 2: 400, 3: 350, 4: 500, 5: 700},
                              {2: {"crp_mg_dl": 22.5, "ferritin_ng_ml": 6400}}),
                    [(1, 21, "tocilizumab", 512), (2, 3, "dexamethasone", 20), (2, 5, "tocilizumab", 512),
                     (2, 9, "methylprednisolone", 1000)]),
        DemoPatient("DEMO-0004", "Lukas Brandt", 8, 26.0, "tisa-cel", 12, "Paediatrics 3", "12",
                    {**BASE, "anc_per_ul": 1100}, _brandt, _anc_days({d: 300 + 60 * d for d in range(0, 11)}),
                    [(3, 21, "tocilizumab", 312), (5, 21, "dexamethasone", 5), (6, 9, "dexamethasone", 5)],
                    dob=None),
        DemoPatient("DEMO-0005", "Sofia Rossi", 52, 70.0, "liso-cel", 21, "7B", "3", dict(BASE), _rossi,
                    _anc_days({d: 700 + 80 * d for d in range(0, 11)}),
                    [(6, 21, "dexamethasone", 10), (7, 3, "levetiracetam", 1000), (7, 9, "methylprednisolone", 1000)]),
        DemoPatient("DEMO-0006", "Henrik Larsen", 71, 85.0, "ide-cel", 38, "Day unit", "D1",
                    {**BASE, "platelets_per_ul": 70000, "hemoglobin_g_dl": 8.6, "ferritin_ng_ml": 2300},
                    _larsen,
                    _anc_days({**low, 14: 1500, 21: 1650, 28: 1300, 31: 900, 34: 450, 37: 420}),
                    [(1, 16, "antipyretic", None), (35, 10, "g_csf", 0.3)]),
        DemoPatient("DEMO-0007", "Grace Mensah", 39, 60.0, "axi-cel", 18, "7B", "4",
                    {**BASE, "ferritin_ng_ml": 500, "platelets_per_ul": 150000}, _mensah,
                    _anc_days({d: 600 + 50 * d for d in range(0, 11)},
                              {3: {"platelets_per_ul": 60000, "ferritin_ng_ml": 1200}}),
                    [(2, 9, "tocilizumab", 480), (5, 12, "anakinra", 100), (5, 12, "dexamethasone", 10)]),
        DemoPatient("DEMO-0008", "Tomasz Nowak", 63, 77.0, "obe-cel", 2, "7B", "5", dict(BASE), _nowak,
                    _anc_days({0: 1700, 1: 1400})),
        DemoPatient("DEMO-0009", "Emma Fischer", 29, 58.0, "tisa-cel", 28, "7B", "6", dict(BASE), _fischer,
                    _anc_days({**{d: 150 + 10 * d for d in range(0, 17)}, 18: 900, 21: 1400, 25: 1800}),
                    [(2, 15, "tocilizumab", 464), (5, 15, "dexamethasone", 10)]),
    ]


@dataclass
class DemoResult:
    created_user: bool
    patients: int
    entries: int
    already_present: bool = False


def _actor(store: Store, acting: Actor | None) -> tuple[Actor, bool]:
    created = False
    if count_users(store) == 0:
        add_user(store, None, DEMO_USER, DEMO_PASSWORD, "admin", "Demo User", min_password_length=4)
        created = True
    else:
        try:
            return login(store, DEMO_USER, DEMO_PASSWORD), False
        except AuthenticationFailed:
            if acting is None:
                raise
        add_user(store, acting, DEMO_USER, DEMO_PASSWORD, "physician", "Demo User", min_password_length=4)
        created = True
    return login(store, DEMO_USER, DEMO_PASSWORD), created


def _save(store: Store, actor: Actor, kind: str, patient_id: int, entry: dict[str, Any]) -> Any:
    try:
        return add_record(store, actor, kind, patient_id, entry)
    except SignatureRequired:
        return add_record(store, actor, kind, patient_id, entry, signature=Signature(DEMO_PASSWORD, "recorded"))


def build_demo_ward(store: Store, acting: Actor | None = None, *, now: datetime | None = None) -> DemoResult:
    """Fill the database with the demonstration ward (idempotent: does nothing when present).

    ``acting`` (an admin) is needed only to add the ``demo`` user to a database that already has
    other users; on an empty database ``demo`` becomes its first user (an admin).
    """
    now = now or datetime.now().replace(second=0, microsecond=0)
    with store.reading() as session:
        present = session.scalar(select(Patient.id).where(Patient.mrn.like(f"{MRN_PREFIX}%")).limit(1))
    actor, created = _actor(store, acting)
    if present is not None:
        return DemoResult(created, 0, 0, already_present=True)
    entries = 0
    patients = demo_patients()
    for spec in patients:
        infusion = now.date() - timedelta(days=spec.day_now)
        view = create_patient(store, actor, PatientInput(
            mrn=spec.mrn, name=spec.name, infusion_date=infusion, age_years=spec.age, weight_kg=spec.weight,
            ward=spec.ward, bed=spec.bed, product=spec.product, baseline_labs=spec.baseline,
            date_of_birth=spec.dob))
        timeline: list[tuple[datetime, int, str, dict[str, Any]]] = []
        for day in range(0, spec.day_now + 1):
            base = datetime.combine(infusion + timedelta(days=day), datetime.min.time())
            for hour in (spec.schedule or _acute)(day):
                when = base + timedelta(hours=hour)
                timeline.append((when, 1, "assessment", {"time": when.isoformat(timespec="minutes"),
                                                         **spec.state(day, hour)}))
            if day in spec.labs:
                when = base + timedelta(hours=6)
                timeline.append((when, 0, "lab", {"time": when.isoformat(timespec="minutes"), **spec.labs[day]}))
        for day, hour, drug, dose in spec.drugs:
            when = datetime.combine(infusion + timedelta(days=day), datetime.min.time()) + timedelta(hours=hour)
            entry: dict[str, Any] = {"time": when.isoformat(timespec="minutes"), "drug": drug}
            if dose is not None:
                entry["dose_mg"] = dose
            delay = timedelta(hours=spec.late_entries.get((day, hour, drug), 0))
            timeline.append((when + delay, 2, "intervention", entry))
        timeline.sort(key=lambda item: (item[0], item[1]))
        for when, _, kind, entry in timeline:  # (entry time: a late-charted drug comes later)
            if when > now:
                continue
            _save(store, actor, kind, view.id, entry)
            entries += 1
    entries += _corrections(store, actor, now)
    return DemoResult(created, len(patients), entries)


def _corrections(store: Store, actor: Actor, now: datetime) -> int:
    """A realistic amendment, void and review, each signed, so the trail shows them."""
    from .timeline import patient_timeline

    done = 0
    vogel = patient_timeline(store, mrn="DEMO-0001")
    late = [a for a in vogel.assessments if a.day == 5 and a.time.hour == 14]
    if late:
        wrong = _save(store, actor, "assessment", vogel.patient.id,
                      {**late[0].content, "id": None, "time": late[0].time.replace(minute=30).isoformat(
                          timespec="minutes"), "temperature_c": 36.1}).record
        content = {**wrong.content, "temperature_c": 37.1}
        amend_record(store, actor, "assessment", wrong.id, content, expected_version=wrong.version,
                     reason="temperature typed as 36.1 instead of 37.1 (tympanic reading re-checked)",
                     signature=Signature(DEMO_PASSWORD, "amended"))
        done += 2
    oconnor = patient_timeline(store, mrn="DEMO-0002")
    lab = next((r for r in oconnor.labs if r.day == 3), None)
    if lab is not None:
        twin = _save(store, actor, "lab", oconnor.patient.id, {**lab.content}).record
        void_record(store, actor, "lab", twin.id, expected_version=twin.version,
                    reason="the same sample was entered twice", signature=Signature(DEMO_PASSWORD, "amended"))
        done += 2
    demir = patient_timeline(store, mrn="DEMO-0003")
    worst = max((a for a in demir.assessments if a.grades), key=lambda a: a.grades.crs_astct or 0,  # type: ignore[union-attr]
                default=None)
    if worst is not None:
        review_record(store, actor, "assessment", worst.id, signature=Signature(DEMO_PASSWORD, "reviewed"),
                      note="grade 4 CRS confirmed at the ICU round")
        done += 1
    return done
