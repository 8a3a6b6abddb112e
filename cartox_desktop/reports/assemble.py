"""From the services to the report view models, and printing with an audit record.

Everything is read through ``cartox_desktop.services`` (timelines, audit events, the chain head,
verification); grading goes through the clinical core exactly as ``cartox grade`` does. Nothing
here writes except ``print_*``, which archive the printed document through
``services.record_document_printed``: the SHA-256 of the exact bytes and the inputs that re-create
them (time "as of", print time, who, chain head, rules version, settings), plus, for a handover,
the snapshot the next handover compares against ("changed since the previous handover").

Settings: the institution and ward printed in the header come from ``ReportSettings``:
``ReportSettings.from_store`` reads the ward settings of the record store (``services.get_settings``:
institution name, ward name), the caller may override them, and ``$CARTOX_INSTITUTION`` /
``$CARTOX_WARD`` fill what neither gives. Grading uses the services' active protocol (the ward
settings' protocol file, else the bundled one): a broken protocol file stops the print with its
one-line error instead of printing without the protocol.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cartox_desktop import __version__
from cartox_desktop.clinical import RULES_VERSION, CaseInvalid, Protocol, grade_case_json

from .handover import build_handover_pdf, snapshot_of
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
    HandoverSnapshot,
    Intervention,
    LabValue,
    PatientIdentity,
    PatientReportData,
    SuggestedAction,
    VitalPoint,
)
from .patient_report import build_patient_report_pdf

HANDOVER_KIND = "handover"
PATIENT_REPORT_KIND = "patient_report"
AUDIT_REPORT_KIND = "audit_report"
# How many of the ward's handover prints to look through for the previous handover.
PREVIOUS_HANDOVER_MAX_PRINTS = 4_096
TREND_HOURS = 72
ADMITTED_DAYS_BEFORE_INFUSION = 7
DEFAULT_INSTITUTION = "CARTOX Desktop"

# --------------------------------------------------------------------------------------------------
# settings and metadata


@dataclass(frozen=True)
class ReportSettings:
    institution: str = DEFAULT_INSTITUTION
    ward: str | None = None  # None: every ward (the handover then lists all active patients)
    ward_name: str | None = None  # the ward settings' name, printed when no ward is chosen

    @classmethod
    def from_env(cls, ward: str | None = None, institution: str | None = None) -> ReportSettings:
        return cls(
            institution=institution or os.environ.get("CARTOX_INSTITUTION") or DEFAULT_INSTITUTION,
            ward=ward if ward is not None else (os.environ.get("CARTOX_WARD") or None),
        )

    @classmethod
    def from_store(cls, store: Any, ward: str | None = None, institution: str | None = None) -> ReportSettings:
        """The header from the store's ward settings (institution, ward name); ``ward`` and
        ``institution`` given by the caller win, the environment fills the rest."""
        from cartox_desktop.services import get_settings

        saved = get_settings(store)
        env = cls.from_env(ward=ward, institution=institution or saved.institution_name or None)
        return cls(env.institution, env.ward, saved.ward_name or None)

    @property
    def ward_label(self) -> str:
        return self.ward or self.ward_name or "all wards"


@dataclass(frozen=True)
class PrintedDocument:
    """A printed document: its bytes, the view model it was built from, and its audit event."""

    pdf: bytes
    data: Any
    event_seq: int
    event_hash: str


def _protocol() -> Protocol:
    """The protocol the services grade with (``ProtocolError``, one line, when it is broken)."""
    from cartox_desktop.services.protocols import active_protocol

    return active_protocol()


def actor_label(actor: Any) -> str:
    name = getattr(actor, "display_name", None) or ""
    user = getattr(actor, "username", None) or str(actor)
    return f"{name} ({user})" if name and name != user else user


def document_meta(store: Any, *, printed_by: str, printed_at: datetime, settings: ReportSettings,
                  ward_label: str | None = None) -> DocumentMeta:
    from cartox_desktop.services import chain_head

    head = chain_head(store)
    protocol = _protocol()
    return DocumentMeta(
        institution=settings.institution,
        ward=ward_label or settings.ward_label,
        printed_at=printed_at.replace(microsecond=0),
        printed_by=printed_by,
        rules_version=RULES_VERSION,
        chain_head_hash=head.hash if head else "",
        chain_head_seq=head.seq if head else None,
        app_version=__version__,
        protocol_name=protocol.label if protocol else "",
    )


def _meta_inputs(meta: DocumentMeta) -> dict[str, Any]:
    return {
        "printed_at": meta.printed_at.isoformat(timespec="seconds"),
        "printed_by": meta.printed_by,
        "institution": meta.institution,
        "ward": meta.ward,
        "rules_version": meta.rules_version,
        "app_version": meta.app_version,
        "protocol": meta.protocol_name,
        "chain_head_seq": meta.chain_head_seq,
        "chain_head_hash": meta.chain_head_hash,
    }


# --------------------------------------------------------------------------------------------------
# small conversions


def _local(ts: str | None) -> datetime | None:
    """A stored UTC or offset ISO stamp as naive local time (seconds)."""
    if not ts:
        return None
    t = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    if t.tzinfo is not None:
        t = t.astimezone().replace(tzinfo=None)
    return t.replace(microsecond=0)


def _entry_time(entry: Mapping[str, Any]) -> datetime | None:
    value = entry.get("time") or entry.get("date")
    if not value:
        return None
    text = str(value)
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time())
    return datetime.fromisoformat(text)


def _grade(result: Mapping[str, Any] | None) -> Grade:
    if not result:
        return Grade(None)
    return Grade(
        value=result.get("grade"),
        scale=str(result.get("version") or ""),
        complete=bool(result.get("complete", True)),
        unassessed=tuple(str(x) for x in result.get("unassessed") or ()),
        reasons=tuple(str(x) for x in result.get("reasons") or ()),
        flags=tuple(str(x) for x in result.get("flags") or ()),
    )


def _max_day(entries: Iterable[Mapping[str, Any]], key: str, max_grade: int | None) -> int | None:
    if max_grade is None:
        return None
    for e in entries:
        if (e.get(key) or {}).get("grade") == max_grade:
            day: int | None = e.get("day")
            return day
    return None


def course_summary(course: Mapping[str, Any], assessments: Sequence[Mapping[str, Any]]) -> CourseSummary:
    """The case-format ``course`` object (plus onset/resolution fields of the core) as a view model."""
    ordered = sorted(assessments, key=lambda e: (str(e.get("time") or ""), e.get("day") or 0))
    icaht = course.get("icaht") or {}
    hemato = course.get("car_hematotox") or {}
    iec = course.get("iec_hs") or {}
    return CourseSummary(
        crs_max=course.get("crs_max_grade"),
        crs_max_day=_max_day(ordered, "crs_astct", course.get("crs_max_grade")),
        crs_onset_day=course.get("crs_onset_day"),
        crs_resolution_day=course.get("crs_resolution_day"),
        crs_duration_days=course.get("crs_duration_days"),
        icans_max=course.get("icans_max_grade"),
        icans_max_day=_max_day(ordered, "icans_astct", course.get("icans_max_grade")),
        icans_onset_day=course.get("icans_onset_day"),
        icans_resolution_day=course.get("icans_resolution_day"),
        icans_duration_days=course.get("icans_duration_days"),
        icaht_early=icaht.get("early_grade"),
        icaht_late=icaht.get("late_grade"),
        icaht_reasons=tuple(str(r) for r in icaht.get("reasons") or ()),
        hematotox_score=hemato.get("score"),
        hematotox_risk=hemato.get("risk"),
        hematotox_points={str(k): int(v) for k, v in (hemato.get("points") or {}).items() if v is not None},
        iec_hs_met=iec.get("met"),
        iec_hs_grade=iec.get("grade"),
        iec_hs_first_day=iec.get("first_day"),
        iec_hs_reasons=tuple(str(r) for r in iec.get("reasons") or ()),
        flags=tuple(str(f) for f in course.get("flags") or ()),
    )


def _with_death(summary: CourseSummary, death: Mapping[str, Any] | None) -> CourseSummary:
    if not death:
        return summary
    from dataclasses import replace

    d = death.get("date")
    return replace(summary, death_date=date.fromisoformat(str(d)) if d else None, death_cause=death.get("cause"))


def _identity(p: Any) -> PatientIdentity:
    return PatientIdentity(name=p.name, mrn=p.mrn, date_of_birth=p.date_of_birth, age_years=p.age_years,
                           weight_kg=p.weight_kg)


def _intervention(r: Any) -> Intervention:
    c = r.content
    return Intervention(time=r.time, drug=str(c.get("drug")), dose_mg=c.get("dose_mg"), name=c.get("name"),
                        recorded_by=r.given_by or r.created_by)


def _case_until(timeline: Any, as_of: datetime | None) -> dict[str, Any]:
    """The stored case (voided records left out), cut at ``as_of`` when given."""
    from cartox_desktop.services import case_from_timeline

    case = case_from_timeline(timeline)
    if as_of is not None:
        for key in ("assessments", "labs", "interventions"):
            case[key] = [e for e in case[key] if (_entry_time(e) or datetime.min) <= as_of]
    return case


def _grades(timeline: Any, case: dict[str, Any], as_of: datetime | None) -> dict[str, Any]:
    """Grades as of ``as_of`` (graded afresh by the core); the stored grades when that fails."""
    try:
        return grade_case_json(case, _protocol(), as_of)
    except CaseInvalid:
        from cartox_desktop.services.interop import grades_from_timeline

        return grades_from_timeline(timeline, case)


# --------------------------------------------------------------------------------------------------
# handover


def _vital(entry: Mapping[str, Any], icans: Mapping[str, Any] | None) -> VitalPoint:
    t = _entry_time(entry) or datetime.min
    ice = (icans or {}).get("ice_score")
    if ice is None:
        ice = entry.get("ice_score")
    return VitalPoint(
        time=t,
        temperature_c=entry.get("temperature_c"),
        systolic_bp_mmhg=entry.get("systolic_bp_mmhg"),
        diastolic_bp_mmhg=entry.get("diastolic_bp_mmhg"),
        mean_arterial_pressure_mmhg=entry.get("mean_arterial_pressure_mmhg"),
        spo2_percent=entry.get("spo2_percent"),
        o2_device=entry.get("o2_device"),
        o2_flow_l_min=entry.get("o2_flow_l_min"),
        fio2_percent=entry.get("fio2_percent"),
        vasopressors=tuple(str(v.get("agent")) for v in entry.get("vasopressors") or ()),
        ice_score=ice if (entry.get("ice") is not None or entry.get("ice_score") is not None) else None,
        ice_not_possible=entry.get("ice_not_possible"),
        capd_score=entry.get("capd_score"),
        consciousness=entry.get("consciousness"),
    )


def _latest_labs(case: Mapping[str, Any]) -> list[LabValue]:
    latest: dict[str, tuple[datetime, float]] = {}
    sources: list[tuple[datetime | None, Mapping[str, Any]]] = []
    for a in case.get("assessments") or ():
        sources.append((_entry_time(a), a.get("labs") or {}))
    for lab in case.get("labs") or ():
        sources.append((_entry_time(lab), {k: v for k, v in lab.items() if k not in ("time", "date")}))
    for when, values in sources:
        if when is None:
            continue
        for name, value in values.items():
            if isinstance(value, int | float) and (name not in latest or when >= latest[name][0]):
                latest[name] = (when, float(value))
    return [LabValue(name, v, t) for name, (t, v) in sorted(latest.items())]


def _next_checks(case: Mapping[str, Any], course: Mapping[str, Any], protocol: Protocol | None,
                 as_of: datetime, day: int, age_years: float) -> tuple[CheckDue, ...]:
    checks: list[CheckDue] = []
    tool = "CAPD" if int(age_years) < 12 else "ICE"
    mon = course.get("monitoring") or {}
    due = mon.get("next_ice_due")
    if due:
        checks.append(CheckDue(f"{tool} score" + (" (OVERDUE)" if mon.get("ice_overdue") else ""),
                               datetime.fromisoformat(due)))
    assessments = case.get("assessments") or ()
    if protocol is not None and assessments:
        worst = max(course.get("crs_current_grade") or 0, course.get("icans_current_grade") or 0)
        rule = protocol.monitoring_rule(day, worst)
        last = max((_entry_time(a) for a in assessments), default=None, key=lambda t: t or datetime.min)
        if rule is not None and last is not None:
            checks.append(CheckDue(f"vital signs (every {rule.vitals_every_h:g} h)",
                                   last + timedelta(hours=rule.vitals_every_h)))
    return tuple(sorted(checks, key=lambda c: c.due or as_of))


def _pending(case: Mapping[str, Any], crs: Grade, icans: Grade, course: Mapping[str, Any], as_of: datetime,
             labs: list[LabValue]) -> tuple[str, ...]:
    out: list[str] = []
    for label, g in (("CRS", crs), ("ICANS", icans)):
        if g.value is not None and not g.complete and g.unassessed:
            out.append(f"{label}: assess {', '.join(g.unassessed)} (the grade may be higher)")
        if g.value is None and case.get("assessments"):
            out.append(f"{label}: not gradable from the last assessment — complete it")
    if (course.get("iec_hs") or {}).get("met"):
        out.append("IEC-HS screening met: clinician confirmation")
    newest = max((lab.time for lab in labs), default=None)
    if newest is None:
        out.append("no laboratory values recorded")
    elif as_of - newest > timedelta(hours=24):
        out.append(f"labs: last values {newest:%Y-%m-%d %H:%M} (over 24 h ago)")
    return tuple(out)


def _grade_word_prefix(scale: str, grade: int) -> str:
    from .common import grade_text

    names = {"crs": "CRS", "icans": "ICANS", "iec_hs": "IEC-HS"}
    if scale == "iec_hs":
        return "IEC-HS screening met"
    return f"{names.get(scale, scale)} {grade_text(grade)}"


def handover_patient(timeline: Any, as_of: datetime, protocol: Protocol | None = None) -> HandoverPatient:
    """One patient's handover section as of ``as_of`` (records after it are ignored)."""
    p = timeline.patient
    case = _case_until(timeline, as_of)
    grades = _grades(timeline, case, as_of)
    course = grades.get("course") or {}
    entries: list[dict[str, Any]] = list(grades.get("assessments") or [])
    by_id = {str(e.get("id")): e for e in entries}
    assessments = sorted(case["assessments"], key=lambda a: _entry_time(a) or datetime.min)
    latest = by_id.get(str(assessments[-1].get("id"))) if assessments else None
    crs_now = _grade((latest or {}).get("crs_astct"))
    icans_now = _grade((latest or {}).get("icans_astct"))
    ctcae_now = _grade((latest or {}).get("crs_ctcae")) if latest else None
    start = as_of - timedelta(hours=TREND_HOURS)
    vitals = tuple(_vital(a, (by_id.get(str(a.get("id"))) or {}).get("icans_astct"))
                   for a in assessments if (_entry_time(a) or datetime.min) >= start)
    last_ice_entry = next((a for a in reversed(assessments) if a.get("ice") is not None or a.get("ice_score") is not None
                           or a.get("ice_not_possible") or a.get("capd_score") is not None), None)
    last_ice = last_ice_note = None
    last_ice_time = None
    if last_ice_entry is not None:
        last_ice_time = _entry_time(last_ice_entry)
        graded = (by_id.get(str(last_ice_entry.get("id"))) or {}).get("icans_astct") or {}
        if last_ice_entry.get("ice_not_possible"):
            last_ice_note = f"ICE not possible ({str(last_ice_entry['ice_not_possible']).replace('_', ' ')})"
        elif last_ice_entry.get("capd_score") is not None and last_ice_entry.get("ice") is None \
                and last_ice_entry.get("ice_score") is None:
            last_ice_note = f"CAPD {last_ice_entry['capd_score']}/32"
        else:
            last_ice = graded.get("ice_score", last_ice_entry.get("ice_score"))
    ivs = [_intervention(r) for r in timeline.interventions if not r.voided and r.time <= as_of]
    counts = Counter(iv.drug for iv in ivs)
    labs = _latest_labs(case)
    day = (as_of.date() - p.infusion_date).days
    suggestions = tuple(
        SuggestedAction(f"{_grade_word_prefix(str(s.get('scale')), int(s.get('grade') or 0))}: {s.get('text')}",
                        str(s.get("source") or "protocol"))
        for s in course.get("suggestions") or ())
    summary = _with_death(course_summary(course, entries), p.death)
    return HandoverPatient(
        bed=p.bed or "—",
        patient=_identity(p),
        infusion_date=p.infusion_date,
        product=p.product,
        crs_now=crs_now,
        icans_now=icans_now,
        crs_ctcae_now=ctcae_now,
        course=summary,
        last_ice_score=last_ice,
        last_ice_time=last_ice_time,
        last_ice_note=last_ice_note,
        dose_counts=dict(sorted(counts.items())),
        interventions=tuple(ivs),
        vitals=vitals,
        labs=tuple(labs),
        alerts=tuple(str(a) for a in course.get("alerts") or ()),
        next_checks=_next_checks(case, course, protocol, as_of, day, p.age_years),
        suggested_actions=suggestions,
        pending=_pending(case, crs_now, icans_now, course, as_of, labs),
    )


def _on_ward(p: Any, as_of: datetime, ward: str | None) -> bool:
    """Active at ``as_of``: not discharged by then, and within a week of infusion or later (admission
    for lymphodepletion). Records are often entered after the fact, so entry times do not count."""
    if ward is not None and (p.ward or "") != ward:
        return False
    if p.infusion_date - timedelta(days=ADMITTED_DAYS_BEFORE_INFUSION) > as_of.date():
        return False
    if p.status == "active":
        return True
    left = _local(p.discharged_at)
    return left is not None and left > as_of


def previous_handover(store: Any, as_of: datetime, ward_label: str) -> HandoverSnapshot | None:
    """The snapshot stored with the latest handover of this ward printed for a time before ``as_of``.

    Asks the services for the ward's handover print events, newest first (``print_events``:
    print events only, filtered in SQL), widening the window only when the newest ones were
    printed for later times or carry no snapshot."""
    from cartox_desktop.services import print_events

    wanted = 1
    while True:
        found = print_events(store, HANDOVER_KIND, ward=ward_label, limit=wanted)
        for ev in found:
            snap = ((ev.detail or {}).get("inputs") or {}).get("snapshot")
            if not snap:
                continue
            try:
                snapshot = HandoverSnapshot.from_dict(snap)
            except (KeyError, ValueError, TypeError):
                continue
            if snapshot.at < as_of:
                return snapshot
        if len(found) < wanted or wanted >= PREVIOUS_HANDOVER_MAX_PRINTS:
            return None
        wanted *= 8


def handover_data(store: Any, *, as_of: datetime, printed_by: str, printed_at: datetime,
                  settings: ReportSettings | None = None) -> HandoverData:
    """Every patient on the ward (``settings.ward``, or every ward) as of ``as_of``, in bed order."""
    from cartox_desktop.services import find_patients, patient_timeline

    settings = settings or ReportSettings.from_store(store)
    as_of = as_of.replace(microsecond=0)
    protocol = _protocol()
    patients = [p for p in find_patients(store, "", limit=1_000_000) if _on_ward(p, as_of, settings.ward)]
    sections = tuple(handover_patient(patient_timeline(store, p.id), as_of, protocol) for p in patients)
    if settings.ward is None and len({p.ward for p in patients}) > 1:
        # several wards on one sheet: keep each ward's beds together
        ward_of = {p.mrn: p.ward or "" for p in patients}
        from dataclasses import replace

        sections = tuple(replace(s, bed=f"{ward_of[s.patient.mrn]} {s.bed}".strip()) for s in sections)
    meta = document_meta(store, printed_by=printed_by, printed_at=printed_at, settings=settings)
    return HandoverData(meta=meta, as_of=as_of, patients=sections,
                        previous=previous_handover(store, as_of, meta.ward))


# --------------------------------------------------------------------------------------------------
# patient toxicity summary


def patient_report_data(store: Any, mrn: str, *, printed_by: str, printed_at: datetime,
                        settings: ReportSettings | None = None) -> PatientReportData:
    """The whole course of one patient (``NotFound`` for an unknown MRN), with the stored grades."""
    from cartox_desktop.services import patient_timeline
    from cartox_desktop.services.interop import grades_from_timeline

    timeline = patient_timeline(store, mrn=mrn.strip())
    p = timeline.patient
    case = _case_until(timeline, None)
    grades = grades_from_timeline(timeline, case)
    entries: list[dict[str, Any]] = list(grades.get("assessments") or [])
    by_id = {str(e.get("id")): e for e in entries}
    rows = []
    for r in timeline.assessments:
        if r.voided:
            continue
        e = by_id.get(str(r.content.get("id", r.case_id))) or {}
        icans = e.get("icans_astct") or {}
        rows.append(AssessmentRow(
            id=str(r.content.get("id", r.case_id)), time=r.time, day=r.day,
            crs=_grade(e.get("crs_astct")), crs_ctcae=_grade(e.get("crs_ctcae")) if e.get("crs_ctcae") else None,
            icans=_grade(icans), ice_score=icans.get("ice_score"), easix=e.get("easix"), m_easix=e.get("m_easix"),
            recorded_by=r.created_by))
    settings = settings or ReportSettings.from_store(store, ward=p.ward)
    if settings.ward is None and p.ward:
        settings = ReportSettings(settings.institution, p.ward, settings.ward_name)
    course = grades.get("course") or {}
    return PatientReportData(
        meta=document_meta(store, printed_by=printed_by, printed_at=printed_at, settings=settings),
        patient=_identity(p),
        infusion_date=p.infusion_date,
        product=p.product,
        status=p.status + (f" (discharged {_local(p.discharged_at):%Y-%m-%d %H:%M})"
                           if p.status == "discharged" and p.discharged_at else ""),
        course=_with_death(course_summary(course, entries), p.death),
        assessments=tuple(rows),
        interventions=tuple(_intervention(r) for r in timeline.interventions if not r.voided),
        baseline_labs=dict(p.baseline_labs or {}),
        alerts=tuple(str(a) for a in course.get("alerts") or ()),
    )


# --------------------------------------------------------------------------------------------------
# audit report

_BOOKKEEPING = {"created_at", "created_by", "updated_at", "updated_by", "version", "id", "patient_id",
                "grade_result", "grade_rules_version", "grade_crs_astct", "grade_crs_ctcae", "grade_icans_astct",
                "password_hash"}
_FIRST_KEYS = ("time", "date", "name", "mrn", "drug", "dose_mg", "temperature_c", "systolic_bp_mmhg", "o2_device")


def _flat(record: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in record.items():
        if key in _BOOKKEEPING:
            continue
        if key == "content" and isinstance(value, Mapping):
            for k, v in value.items():
                if k != "id":  # the case id, shown as case_id
                    out[k] = _text(v)
        else:
            out[key] = _text(value)
    return out


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def _event_row(ev: Any, previous: dict[tuple[str, int], dict[str, str]]) -> AuditEventRow:
    detail = dict(ev.detail or {})
    changes: list[FieldChange] = []
    record = detail.get("record")
    recorded = ""
    if isinstance(record, Mapping) and ev.entity is not None and ev.entity_id is not None:
        now = _flat(record)
        before = previous.get((ev.entity, ev.entity_id))
        if before is None:
            # a record seen for the first time: its values in one line rather than "∅ → value" rows
            keys = [k for k in _FIRST_KEYS if k in now] + sorted(k for k in now if k not in _FIRST_KEYS)
            recorded = "; ".join(f"{k} {now[k] if len(now[k]) <= 60 else now[k][:59] + '…'}" for k in keys
                                 if now[k] not in ("", "null", "false", "[]", "{}"))
        else:
            for key in sorted(set(now) | set(before)):
                if now.get(key) != before.get(key):
                    changes.append(FieldChange(key, before.get(key), now.get(key)))
        previous[(ev.entity, ev.entity_id)] = now
    gb, ga = detail.get("grades_before") or {}, detail.get("grades_after") or {}
    for key, label in (("crs_astct", "CRS ASTCT grade"), ("crs_ctcae", "CRS CTCAE grade"),
                       ("icans_astct", "ICANS ASTCT grade")):
        if gb.get(key) != ga.get(key) and (gb or ga):
            changes.append(FieldChange(label, None if gb.get(key) is None else str(gb.get(key)),
                                       None if ga.get(key) is None else str(ga.get(key))))
    summary_parts = [recorded] if recorded else []
    if detail.get("kind"):
        summary_parts.append(f"{detail['kind']}")
    if detail.get("sha256"):
        summary_parts.append(f"sha256 {str(detail['sha256'])[:16]}…")
    sig = detail.get("signature") or {}
    if sig.get("meaning"):
        summary_parts.append(f"signed ({sig['meaning']})")
    if ev.action in ("login", "login_failed", "login_refused", "export") and detail.get("workstation"):
        summary_parts.append(str(detail["workstation"]))
    return AuditEventRow(
        seq=ev.seq, time=_local(ev.ts_local) or datetime.min, actor=ev.actor, action=ev.action,
        entity=ev.entity or "", entity_id=str(ev.entity_id) if ev.entity_id is not None else None,
        changes=tuple(changes), reason=detail.get("reason"), summary=" · ".join(summary_parts) or None,
        hash=ev.hash)


def audit_report_data(store: Any, *, printed_by: str, printed_at: datetime, mrn: str | None = None,
                      since: datetime | None = None, until: datetime | None = None,
                      settings: ReportSettings | None = None, verify_chain: bool = True) -> AuditReportData:
    """The audit events of one patient (``mrn``) or of a period, and the chain verified now."""
    from cartox_desktop.services import events, get_patient, verify

    patient = get_patient(store, mrn=mrn) if mrn else None
    evs = events(store, patient_id=patient.id if patient else None)
    previous: dict[tuple[str, int], dict[str, str]] = {}
    rows = []
    for ev in evs:
        row = _event_row(ev, previous)  # every event feeds the "before" state, shown or not
        if since is not None and row.time < since:
            continue
        if until is not None and row.time > until:
            continue
        rows.append(row)
    settings = settings or ReportSettings.from_store(store, ward=patient.ward if patient else None)
    meta = document_meta(store, printed_by=printed_by, printed_at=printed_at, settings=settings)
    checked_at = printed_at.replace(microsecond=0)
    if verify_chain:
        report = verify(store)
        problem = report.problems[0] if report.problems else None
        verification = ChainVerification(
            ok=report.ok, events_checked=report.events, checked_at=checked_at,
            head_seq=report.head.seq if report.head else None, head_hash=report.head.hash if report.head else "",
            first_broken_seq=problem.seq if problem else None,
            detail=(f"{problem.message}" + (f" (+{len(report.problems) - 1} more problems)"
                                             if len(report.problems) > 1 else "")) if problem else
            f"{report.records} stored records match their latest audited version")
    else:
        verification = ChainVerification(ok=True, events_checked=0, checked_at=checked_at,
                                         head_seq=meta.chain_head_seq, head_hash=meta.chain_head_hash,
                                         detail="not verified for this print")
    if patient is not None:
        scope = f"patient {patient.name}, MRN {patient.mrn}"
    elif since or until:
        scope = f"{since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M}" if since and until else (
            f"from {since:%Y-%m-%d %H:%M}" if since else f"until {until:%Y-%m-%d %H:%M}")
    else:
        scope = "the whole trail"
    return AuditReportData(meta=meta, scope=scope, events=tuple(rows), verification=verification,
                           patient=_identity(patient) if patient else None, period_from=since, period_to=until)


# --------------------------------------------------------------------------------------------------
# printing: build, then archive through the services


def _archive(store: Any, actor: Any, kind: str, mrn: str | None, pdf: bytes, inputs: dict[str, Any]) -> Any:
    from cartox_desktop.services import record_document_printed

    return record_document_printed(store, actor, kind, mrn, pdf, inputs)


def _now() -> datetime:
    return datetime.now(UTC).astimezone().replace(tzinfo=None, microsecond=0)


def print_handover(store: Any, actor: Any, *, as_of: datetime | None = None, printed_at: datetime | None = None,
                   settings: ReportSettings | None = None) -> PrintedDocument:
    """Build the ward handover and archive it (audit event ``print``, kind ``handover``)."""
    printed_at = (printed_at or _now()).replace(microsecond=0)
    data = handover_data(store, as_of=as_of or printed_at, printed_by=actor_label(actor), printed_at=printed_at,
                         settings=settings)
    pdf = build_handover_pdf(data)
    inputs = {**_meta_inputs(data.meta), "as_of": data.as_of.isoformat(timespec="seconds"),
              "patients": [p.patient.mrn for p in data.patients],
              "previous_handover_at": data.previous.at.isoformat(timespec="seconds") if data.previous else None,
              "snapshot": snapshot_of(data).to_dict()}
    head = _archive(store, actor, HANDOVER_KIND, None, pdf, inputs)
    return PrintedDocument(pdf, data, head.seq, head.hash)


def print_patient_report(store: Any, actor: Any, mrn: str, *, printed_at: datetime | None = None,
                         settings: ReportSettings | None = None) -> PrintedDocument:
    """Build one patient's toxicity summary and archive it (kind ``patient_report``)."""
    printed_at = (printed_at or _now()).replace(microsecond=0)
    data = patient_report_data(store, mrn, printed_by=actor_label(actor), printed_at=printed_at, settings=settings)
    pdf = build_patient_report_pdf(data)
    inputs = {**_meta_inputs(data.meta), "mrn": data.patient.mrn, "assessments": len(data.assessments),
              "interventions": len(data.interventions)}
    head = _archive(store, actor, PATIENT_REPORT_KIND, data.patient.mrn, pdf, inputs)
    return PrintedDocument(pdf, data, head.seq, head.hash)


def print_audit_report(store: Any, actor: Any, *, mrn: str | None = None, since: datetime | None = None,
                       until: datetime | None = None, printed_at: datetime | None = None,
                       settings: ReportSettings | None = None) -> PrintedDocument:
    """Build an audit report (one patient or a period) and archive it (kind ``audit_report``)."""
    from .audit_report import build_audit_report_pdf

    printed_at = (printed_at or _now()).replace(microsecond=0)
    data = audit_report_data(store, printed_by=actor_label(actor), printed_at=printed_at, mrn=mrn, since=since,
                             until=until, settings=settings)
    pdf = build_audit_report_pdf(data)
    v = data.verification
    inputs = {**_meta_inputs(data.meta), "mrn": mrn, "since": since.isoformat() if since else None,
              "until": until.isoformat() if until else None, "events": len(data.events),
              "verified_ok": v.ok, "verified_events": v.events_checked, "first_broken_seq": v.first_broken_seq}
    head = _archive(store, actor, AUDIT_REPORT_KIND, data.patient.mrn if data.patient else None, pdf, inputs)
    return PrintedDocument(pdf, data, head.seq, head.hash)


__all__ = [
    "PrintedDocument", "ReportSettings", "audit_report_data", "course_summary", "document_meta", "handover_data",
    "handover_patient", "patient_report_data", "previous_handover", "print_audit_report", "print_handover",
    "print_patient_report",
]
