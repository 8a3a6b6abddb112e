"""Deterministic, made-up view models for tests, the benchmark and the screenshots.

No real patient: names are invented and deliberately international (Unicode everywhere).
The same arguments always give the same objects.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .handover import snapshot_of
from .models import (
    AssessmentRow,
    AuditEventRow,
    AuditReportData,
    ChainVerification,
    CheckDue,
    CourseSummary,
    DocumentMeta,
    FieldChange,
    Grade,
    HandoverData,
    HandoverPatient,
    Intervention,
    LabValue,
    PatientIdentity,
    PatientReportData,
    SuggestedAction,
    VitalPoint,
)

NAMES = (
    "Groß-Böll, Jürgen",
    "Nguyễn Thị Ánh",
    "Øverli, Åse",
    "Łukasiewicz, Zoë",
    "O'Brien, Seán",
    "Dvořák, Tomáš",
    "Çelik, Ayşe",
    "Papadopoulou, Ελένη",
    "Müller-Lüdenscheidt, Hans-Joachim Friedrich",
    "Fernández García, María José",
    "Kowalczyk, Małgorzata",
    "Żółkiewski, Stanisław",
)
PRODUCTS = ("axi-cel", "brexu-cel", "tisa-cel", "liso-cel", "obe-cel", "ide-cel", "cilta-cel")
PROTOCOL = "Ward protocol CAR-T toxicity v3.2 (2026-01)"
AS_OF = datetime(2026, 3, 20, 7, 0)


def sample_meta(printed_at: datetime = AS_OF + timedelta(minutes=12), by: str = "Schwester Anna Weiß") -> DocumentMeta:
    return DocumentMeta(
        institution="Universitätsklinikum Süd",
        ward="Station 7B — Hämatologie / CAR-T",
        printed_at=printed_at,
        printed_by=by,
        rules_version="cartox-rules 1.0 (ASTCT 2019, CTCAE v5.0, EHA/EBMT 2023)",
        chain_head_hash=hashlib.sha256(b"cartox sample chain head").hexdigest(),
        chain_head_seq=48213,
        app_version="0.1.0",
        protocol_name=PROTOCOL,
    )


@dataclass(frozen=True)
class _Course:
    """Hidden trajectory of one made-up patient (hours after infusion)."""

    crs_onset_h: float
    crs_peak: int
    crs_len_h: float
    icans_onset_h: float
    icans_peak: int
    icans_len_h: float
    weight: float
    age: int

    def crs_at(self, h: float) -> int:
        return _bump(h, self.crs_onset_h, self.crs_peak, self.crs_len_h)

    def icans_at(self, h: float) -> int:
        return _bump(h, self.icans_onset_h, self.icans_peak, self.icans_len_h)


def _bump(h: float, onset: float, peak: int, length: float) -> int:
    if peak == 0 or h < onset or h > onset + length:
        return 0
    x = (h - onset) / length
    level = 1 + (peak - 1) * (1 - abs(2 * x - 1) * 1.2)
    return max(1, min(peak, round(level)))


def _course(rng: random.Random) -> _Course:
    return _Course(
        crs_onset_h=rng.uniform(10, 80),
        crs_peak=rng.choices([0, 1, 2, 3, 4], weights=[2, 4, 4, 2, 1])[0],
        crs_len_h=rng.uniform(48, 200),
        icans_onset_h=rng.uniform(70, 180),
        icans_peak=rng.choices([0, 1, 2, 3, 4], weights=[5, 3, 2, 1, 1])[0],
        icans_len_h=rng.uniform(30, 150),
        weight=round(rng.uniform(48, 110), 1),
        age=rng.randint(19, 79),
    )


_CRS_REASONS = {1: ["fever 38.6 °C"], 2: ["fever 38.9 °C", "hypotension without vasopressor (SBP 84 mmHg)"],
                3: ["fever 39.1 °C", "hypotension needing one vasopressor (norepinephrine)"],
                4: ["fever 39.4 °C", "two vasopressors (norepinephrine, vasopressin excluded: epinephrine)",
                    "CPAP"]}


def _vital(t: datetime, crs: int, icans: int, rng: random.Random) -> VitalPoint:
    temp = round(rng.uniform(36.4, 37.4) if crs == 0 else rng.uniform(38.1, 39.6), 1)
    sbp = rng.randint(105, 135) if crs < 2 else (rng.randint(80, 88) if crs == 2 else rng.randint(72, 86))
    device, flow = ("room_air", None)
    if crs >= 2 and rng.random() < 0.5:
        device, flow = "nasal_cannula", float(rng.choice([2, 3, 4]))
    if crs >= 3:
        device, flow = "high_flow_nasal_cannula", 40.0
    if crs >= 4:
        device, flow = "cpap", None
    pressors: tuple[str, ...] = ()
    if crs == 3:
        pressors = ("norepinephrine",)
    elif crs >= 4:
        pressors = ("norepinephrine", "epinephrine")
    ice = {0: 10, 1: rng.choice([7, 8, 9]), 2: rng.choice([3, 4, 5, 6]), 3: rng.choice([0, 1, 2]), 4: 0}[icans]
    return VitalPoint(
        time=t, temperature_c=temp, systolic_bp_mmhg=float(sbp), diastolic_bp_mmhg=float(sbp // 2 + 8),
        spo2_percent=float(rng.randint(92, 99)), o2_device=device, o2_flow_l_min=flow, vasopressors=pressors,
        ice_score=ice if icans < 4 else None, ice_not_possible="unarousable" if icans >= 4 else None,
        consciousness="awake" if icans < 3 else ("awakens_to_touch" if icans == 3 else "unarousable"),
    )


def _patient(i: int, as_of: datetime, day: int, seed: int) -> HandoverPatient:
    rng = random.Random(f"{seed}-{i}")
    c = _course(rng)
    name = NAMES[i % len(NAMES)] if i < len(NAMES) else f"{NAMES[i % len(NAMES)].split(',')[0]}, Patient {i + 1}"
    infusion = as_of.date() - timedelta(days=day)
    inf_dt = datetime.combine(infusion, datetime.min.time()) + timedelta(hours=11)
    ident = PatientIdentity(name=name, mrn=f"{100200 + i * 37}", date_of_birth=date(2026 - c.age, 1 + i % 12, 1 + i % 27),
                            age_years=c.age, sex="F" if i % 2 else "M", weight_kg=c.weight)
    # observations every 4 h from the day before infusion; the series is independent of as_of
    vitals: list[VitalPoint] = []
    vrng = random.Random(f"{seed}-{i}-vitals")
    t = inf_dt - timedelta(hours=20)
    crs_max = icans_max = 0
    crs_max_day = icans_max_day = None
    crs_onset = icans_onset = None
    last_crs = last_icans = 0
    while t <= as_of:
        h = (t - inf_dt).total_seconds() / 3600
        crs, icans = c.crs_at(h), c.icans_at(h)
        vitals.append(_vital(t, crs, icans, vrng))
        d = (t.date() - infusion).days
        if crs and crs_onset is None:
            crs_onset = d
        if icans and icans_onset is None:
            icans_onset = d
        if crs > crs_max:
            crs_max, crs_max_day = crs, d
        if icans > icans_max:
            icans_max, icans_max_day = icans, d
        last_crs, last_icans = crs, icans
        t += timedelta(hours=4)
    ivs: list[Intervention] = []
    hh = c.crs_onset_h + 6
    for k in range(min(4, max(0, c.crs_peak - 1) * 2)):
        tt = inf_dt + timedelta(hours=hh + 9 * k)
        if tt <= as_of:
            ivs.append(Intervention(tt, "tocilizumab", round(min(800, 8 * c.weight)), recorded_by="Dr. Ümit Yılmaz"))
    if c.icans_peak >= 2:
        for k in range(int(c.icans_len_h // 6)):
            tt = inf_dt + timedelta(hours=c.icans_onset_h + 4 + 6 * k)
            if tt <= as_of:
                ivs.append(Intervention(tt, "dexamethasone", 10, recorded_by="Pfl. Jörg Schäfer"))
    if c.crs_peak >= 1:
        ivs.append(Intervention(inf_dt + timedelta(hours=c.crs_onset_h + 1), "antipyretic", 1000,
                                recorded_by="Pfl. Jörg Schäfer"))
    if c.icans_peak >= 4:
        ivs.append(Intervention(inf_dt + timedelta(hours=c.icans_onset_h + 30), "anakinra", 100))
        ivs.append(Intervention(inf_dt + timedelta(hours=c.icans_onset_h + 12), "levetiracetam", 500))
    ivs = sorted((iv for iv in ivs if iv.time <= as_of), key=lambda iv: iv.time)
    counts: dict[str, int] = {}
    for iv in ivs:
        counts[iv.drug] = counts.get(iv.drug, 0) + 1
    labs: list[LabValue] = []
    lrng = random.Random(f"{seed}-{i}-labs")
    for dd in range(-1, day + 1):
        lt = datetime.combine(infusion + timedelta(days=dd), datetime.min.time()) + timedelta(hours=6)
        if lt > as_of:
            break
        labs += [
            LabValue("anc_per_ul", float(lrng.choice([80, 300, 450, 900, 1600, 2400]) if dd > 2 else 1500), lt),
            LabValue("platelets_per_ul", float(lrng.randint(18, 160) * 1000), lt),
            LabValue("hemoglobin_g_dl", round(lrng.uniform(7.5, 11.5), 1), lt),
            LabValue("crp_mg_dl", round(lrng.uniform(0.3, 22.0), 1), lt),
            LabValue("ferritin_ng_ml", float(lrng.randint(300, 9000)), lt),
            LabValue("ldh_u_l", float(lrng.randint(180, 700)), lt),
            LabValue("creatinine_mg_dl", round(lrng.uniform(0.6, 1.9), 2), lt),
            LabValue("fibrinogen_mg_dl", float(lrng.randint(120, 480)), lt),
        ]
    crs_now = Grade(last_crs, "ASTCT 2019", True, (), tuple(_CRS_REASONS.get(last_crs, ["no fever"])))
    icans_reasons = (f"ICE {vitals[-1].ice_score}/10",) if vitals and vitals[-1].ice_score is not None else ("unarousable",)
    icans_now = Grade(last_icans, "ASTCT 2019", i % 5 != 3, () if i % 5 != 3 else ("seizure", "raised_icp"),
                      icans_reasons if last_icans else ("ICE 10/10",))
    alerts: list[str] = []
    if counts.get("tocilizumab", 0) >= 3:
        alerts.append(f"Tocilizumab: {counts['tocilizumab']} doses given — the protocol allows 4 in total (ASCO 2021)")
    if last_icans >= 3:
        alerts.append("ICANS Grade 3 or more: neurology review and seizure precautions (protocol §4)")
    if i % 7 == 2:
        alerts.append("Weight needed for the tocilizumab dose")
    if i % 9 == 4:
        alerts.append("IEC-HS screening criteria met: ferritin > 2 × baseline with falling fibrinogen — confirm")
    actions: list[SuggestedAction] = []
    if last_crs >= 2:
        actions.append(SuggestedAction("Consider tocilizumab 8 mg/kg IV (max 800 mg); repeat after ≥ 8 h if no improvement",
                                       f"{PROTOCOL} §2.2 (ASCO 2021)"))
    if last_crs >= 3:
        actions.append(SuggestedAction("Add dexamethasone 10 mg IV every 6 h; inform ICU", f"{PROTOCOL} §2.3"))
    if last_icans >= 2:
        actions.append(SuggestedAction("Dexamethasone 10 mg IV every 6 h; ICE every 4 h; seizure prophylaxis",
                                       f"{PROTOCOL} §4.1 (ASCO 2021)"))
    if last_crs == 1:
        actions.append(SuggestedAction("Antipyretics, fluids; blood cultures if new fever", f"{PROTOCOL} §2.1"))
    if not actions:
        actions.append(SuggestedAction("Routine monitoring: vitals every 4 h, ICE twice daily", f"{PROTOCOL} §1"))
    pending = ["ferritin and fibrinogen result (sent 06:10)"] if i % 3 == 0 else []
    if i % 4 == 1:
        pending.append("neurology consult requested")
    last_ice_v = next((v for v in reversed(vitals) if v.ice_score is not None or v.ice_not_possible), None)
    checks = (CheckDue("vital signs", as_of + timedelta(hours=1 + i % 3)),
              CheckDue("ICE score", as_of + timedelta(hours=2 if last_icans else 5)),
              CheckDue("labs: CBC, CRP, ferritin", as_of + timedelta(hours=23)))
    course = CourseSummary(
        crs_max=crs_max, crs_max_day=crs_max_day, crs_onset_day=crs_onset,
        crs_resolution_day=None if last_crs or crs_onset is None else min(day, (crs_onset or 0) + int(c.crs_len_h // 24) + 1),
        crs_duration_days=None if last_crs or crs_onset is None else int(c.crs_len_h // 24) + 1,
        icans_max=icans_max, icans_max_day=icans_max_day, icans_onset_day=icans_onset,
        icaht_early=(i % 4) if day > 3 else None, icaht_late=None,
        hematotox_score=i % 6, hematotox_risk="low" if i % 6 < 2 else "high",
        hematotox_points={"platelets": 1, "anc": 0, "hemoglobin": i % 2, "crp": 0, "ferritin": 1},
        iec_hs_met=i % 9 == 4, iec_hs_grade=2 if i % 9 == 4 else None, iec_hs_first_day=9 if i % 9 == 4 else None,
    )
    return HandoverPatient(
        bed=str(1 + (i * 7) % 97) if i >= 12 else str(i + 1),
        patient=ident, infusion_date=infusion, product=PRODUCTS[i % len(PRODUCTS)],
        crs_now=crs_now, icans_now=icans_now,
        crs_ctcae_now=Grade(last_crs, "CTCAE v5.0"),
        course=course,
        last_ice_score=last_ice_v.ice_score if last_ice_v else None,
        last_ice_time=last_ice_v.time if last_ice_v else None,
        last_ice_note=("not possible: unarousable" if last_ice_v and last_ice_v.ice_not_possible else None),
        dose_counts=counts, interventions=tuple(ivs), vitals=tuple(vitals), labs=tuple(labs),
        alerts=tuple(alerts), next_checks=checks, suggested_actions=tuple(actions), pending=tuple(pending),
    )


def sample_handover(n_patients: int = 8, days: int = 35, seed: int = 7, as_of: datetime = AS_OF,
                    full_course: bool = False, with_previous: bool = True) -> HandoverData:
    """A ward; ``full_course`` gives every patient ``days`` days of data (the benchmark)."""
    rng = random.Random(seed)
    day_of = [days if full_course else rng.randint(1, min(days, 20)) for _ in range(n_patients)]

    def build(at: datetime) -> HandoverData:
        pats = tuple(_patient(i, at, day_of[i] - (as_of.date() - at.date()).days, seed) for i in range(n_patients))
        return HandoverData(meta=sample_meta(at + timedelta(minutes=12)), as_of=at, patients=pats)

    current = build(as_of)
    if not with_previous:
        return current
    prev = snapshot_of(build(as_of - timedelta(hours=12)))
    # the previous shift had one more patient, since discharged
    from .models import HandoverSnapshot, PatientSnapshot

    patients = dict(prev.patients)
    patients["999001"] = PatientSnapshot(bed="99", name="Ångström, Britt-Marie", crs_now=0, crs_max=1)
    prev = HandoverSnapshot(at=prev.at, by="Pfleger Tomasz Wiśniewski", patients=patients)
    return HandoverData(meta=current.meta, as_of=as_of, patients=current.patients, previous=prev)


def sample_patient_report(seed: int = 7, index: int = 0, day: int = 21) -> PatientReportData:
    p = _patient(index, AS_OF, day, seed)
    rows: list[AssessmentRow] = []
    for k, v in enumerate(p.vitals[::2]):
        h = k
        crs = 0 if v.temperature_c is None or v.temperature_c < 38 else (
            4 if v.o2_device == "cpap" else 3 if v.vasopressors else 2 if (v.systolic_bp_mmhg or 120) < 90 else 1)
        icans = {10: 0, 9: 1, 8: 1, 7: 1, 6: 2, 5: 2, 4: 2, 3: 2}.get(v.ice_score if v.ice_score is not None else -1,
                                                                      3 if v.ice_score is not None else 4)
        reasons = tuple(_CRS_REASONS.get(crs, [f"no fever ({v.temperature_c} °C)"]))
        day_k = (v.time.date() - p.infusion_date).days
        rows.append(AssessmentRow(
            id=f"a{h}", time=v.time, day=day_k,
            crs=Grade(crs, "ASTCT 2019", crs > 0 or v.o2_device is not None, (), reasons,
                      ("fever_waived",) if k % 11 == 5 else ()),
            crs_ctcae=Grade(crs, "CTCAE v5.0", True, (), reasons[:1], ("fio2_estimated",) if v.o2_device == "nasal_cannula" else ()),
            icans=Grade(icans, "ASTCT 2019", k % 6 != 1, ("seizure", "motor") if k % 6 == 1 else (),
                        (f"ICE {v.ice_score}/10",) if v.ice_score is not None else ("unarousable (ICE not possible)",)),
            ice_score=v.ice_score,
            easix=round(1.2 + (k % 7) * 0.83, 2) if k % 3 == 0 else None,
            m_easix=round(8.4 + (k % 5) * 3.1, 2) if k % 3 == 0 else None,
            recorded_by="Pfl. Jörg Schäfer" if k % 2 else "Dr. Ümit Yılmaz",
        ))
    return PatientReportData(
        meta=sample_meta(), patient=p.patient, infusion_date=p.infusion_date, product=p.product, status="active",
        course=CourseSummary(**{**p.course.__dict__, "icaht_reasons": (
            "longest neutropenic episode (ANC ≤ 500/µL) 5 days, days 3–7", "no profound neutropenia (ANC ≤ 100/µL)"),
            "iec_hs_reasons": ("ferritin 9 000 ng/mL > 2 × ULN", "fibrinogen 120 mg/dL < 150 mg/dL")}),
        assessments=tuple(rows), interventions=p.interventions,
        baseline_labs={"platelets_per_ul": 142000, "anc_per_ul": 1800, "hemoglobin_g_dl": 10.2, "crp_mg_dl": 1.2,
                       "ferritin_ng_ml": 900},
        alerts=p.alerts,
    )


def sample_audit_report(n_events: int = 40, broken: bool = False) -> AuditReportData:
    rng = random.Random(11)
    meta = sample_meta()
    p = _patient(0, AS_OF, 10, 7)
    events = []
    prev = "0" * 64
    t = AS_OF - timedelta(days=9)
    actions = [("create", "assessment"), ("modify", "assessment"), ("create", "intervention"), ("print", "document"),
               ("sign", "assessment"), ("delete", "lab")]
    for k in range(n_events):
        action, entity = actions[rng.randrange(len(actions))]
        t += timedelta(minutes=rng.randint(20, 400))
        changes: tuple[FieldChange, ...] = ()
        reason = None
        summary = None
        if action == "modify":
            changes = (FieldChange("temperature_c", "36.8", "38.6"), FieldChange("o2_device", "room_air", "nasal_cannula"),
                       FieldChange("o2_flow_l_min", None, "4"))
            reason = "Transcription error corrected after re-measurement by Dr. Ümit Yılmaz"
        elif action == "create" and entity == "assessment":
            changes = (FieldChange("temperature_c", None, "38.9"), FieldChange("systolic_bp_mmhg", None, "84"),
                       FieldChange("ice_score", None, "8"))
        elif action == "create":
            changes = (FieldChange("drug", None, "tocilizumab"), FieldChange("dose_mg", None, "656"))
        elif action == "print":
            summary = "Ward handover printed (sha256 3f1c…e9a0, 12 pages)"
        elif action == "delete":
            changes = (FieldChange("ferritin_ng_ml", "24000", None),)
            reason = "Wrong patient: sample belonged to bed 4"
        else:
            summary = "Assessment signed"
        h = hashlib.sha256(f"{prev}{k}{action}".encode()).hexdigest()
        events.append(AuditEventRow(seq=48213 - n_events + k + 1, time=t, actor=rng.choice(
            ["anna.weiss", "joerg.schaefer", "uemit.yilmaz", "małgorzata.k"]), action=action, entity=entity,
            entity_id=f"{p.patient.mrn}/a{k}", changes=changes, reason=reason, summary=summary, hash=h))
        prev = h
    v = ChainVerification(ok=not broken, events_checked=48213, checked_at=meta.printed_at, head_seq=48213,
                          head_hash=meta.chain_head_hash, first_broken_seq=48100 if broken else None,
                          detail="stored hash does not match the recomputed hash" if broken else None)
    return AuditReportData(meta=meta, scope=f"patient {p.patient.name}, MRN {p.patient.mrn}", events=tuple(events),
                           verification=v, patient=p.patient, period_from=events[0].time if events else None,
                           period_to=events[-1].time if events else None)


def write_samples(folder: str) -> list[str]:
    """Write the three sample documents (handover.pdf, patient-report.pdf, audit-report.pdf)."""
    from pathlib import Path

    from .audit_report import build_audit_report_pdf
    from .handover import build_handover_pdf
    from .patient_report import build_patient_report_pdf

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    docs = {"handover.pdf": build_handover_pdf(sample_handover(8)),
            "patient-report.pdf": build_patient_report_pdf(sample_patient_report()),
            "audit-report.pdf": build_audit_report_pdf(sample_audit_report())}
    for name, pdf in docs.items():
        (out / name).write_bytes(pdf)
    return [str(out / name) for name in docs]


if __name__ == "__main__":  # python -m cartox_desktop.reports.sample FOLDER (screenshots: see docs/screenshots)
    import sys

    print("\n".join(write_samples(sys.argv[1] if len(sys.argv) > 1 else ".")))
