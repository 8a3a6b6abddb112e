"""Ward handover: an overview table, then one I-PASS page per patient in bed order.

I-PASS (Starmer et al., N Engl J Med 2014;371:1803-12): Illness severity, Patient summary,
Action list, Situation awareness and contingency planning, Synthesis by receiver. Each patient page
carries these five blocks in that order, each headed by its letter.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta

from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Frame,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from .charts import O2_DEVICE_WORDS, DrawingFlowable, oxygen_level, trend_chart
from .common import (
    BANNER_BG,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE,
    P,
    PatientMark,
    SectionBar,
    T,
    body_frame_size,
    bullets,
    clip,
    day_text,
    dose_text,
    drug_text,
    dt_text,
    esc,
    grade_bg,
    grade_of,
    grade_text,
    header_identity,
    identity_line,
    lab_label,
    limited,
    more_text,
    num,
    render,
    short_dt,
    styles,
    table_style,
)
from .models import (
    LAB_LABELS,
    STEROIDS,
    HandoverData,
    HandoverPatient,
    HandoverSnapshot,
    Intervention,
    PatientSnapshot,
    VitalPoint,
)
from .summary import course_markup

TITLE = "Ward handover"
_SOURCE_TAIL = re.compile(r"\s*\[[^\]]*\]?$")
_NUMBERS = re.compile(r"\d+(?:[.,:]\d+)*")
LANDSCAPE = landscape(PAGE)


# --------------------------------------------------------------------------------------------------
# data helpers (pure)


def bed_key(bed: str) -> tuple[object, ...]:
    """Natural bed order: "2" < "10", "A2" < "A10"."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.lower()) for part in re.split(r"(\d+)", bed) if part)


def in_bed_order(patients: tuple[HandoverPatient, ...]) -> list[HandoverPatient]:
    return sorted(patients, key=lambda p: (bed_key(p.bed), p.patient.mrn))


def derived_severity(p: HandoverPatient) -> str:
    """A suggestion for the I-PASS illness severity, from the current grades; the nurse ticks the box."""
    latest = p.vitals[-1] if p.vitals else None
    crs = p.crs_now.value or 0
    icans = p.icans_now.value or 0
    if crs >= 3 or icans >= 3 or (latest is not None and (latest.vasopressors or
                                                          (oxygen_level(latest.o2_device, latest.o2_flow_l_min) or 0) >= 2)):
        return "unstable"
    if crs >= 1 or icans >= 1 or p.alerts or p.course.iec_hs_met:
        return "watcher"
    return "stable"


def interventions_since(p: HandoverPatient, start: datetime, end: datetime) -> list[Intervention]:
    return sorted((iv for iv in p.interventions if start < iv.time <= end), key=lambda iv: (iv.time, iv.drug))


def snapshot_of(data: HandoverData) -> HandoverSnapshot:
    """What this handover shows, to be stored with it and compared against by the next one."""
    return HandoverSnapshot(
        at=data.as_of,
        by=data.meta.printed_by,
        patients={
            p.patient.mrn: PatientSnapshot(
                bed=p.bed,
                name=p.patient.name,
                crs_now=p.crs_now.value,
                crs_max=p.course.crs_max,
                icans_now=p.icans_now.value,
                icans_max=p.course.icans_max,
                dose_counts=dict(p.dose_counts),
                alerts=tuple(p.alerts),
            )
            for p in data.patients
        },
    )


def changes_since(p: HandoverPatient, previous: HandoverSnapshot | None, as_of: datetime) -> list[str] | None:
    """New grades, new doses and new alerts since the previous handover (None: there was none)."""
    if previous is None:
        return None
    before = previous.patients.get(p.patient.mrn)
    if before is None:
        return ["new on the handover list since the previous handover"]
    out: list[str] = []
    if p.bed != before.bed:
        out.append(f"moved from bed {before.bed} to bed {p.bed}")
    for label, now, was, mx, was_mx in (
        ("CRS", p.crs_now.value, before.crs_now, p.course.crs_max, before.crs_max),
        ("ICANS", p.icans_now.value, before.icans_now, p.course.icans_max, before.icans_max),
    ):
        if now != was:
            out.append(f"{label} now {grade_text(now)} (was {grade_text(was)})")
        if mx is not None and (was_mx is None or mx > was_mx):
            out.append(f"new maximum {label} {grade_text(mx)}")
    new_doses = [iv for iv in interventions_since(p, previous.at, as_of)]
    listed = Counter(iv.drug for iv in new_doses)
    for iv in new_doses:
        out.append(f"new dose: {drug_text(iv)} {dose_text(iv)} at {short_dt(iv.time, as_of)}")
    for drug in sorted(set(p.dose_counts) | set(before.dose_counts)):
        diff = p.dose_counts.get(drug, 0) - before.dose_counts.get(drug, 0)
        if diff > listed.get(drug, 0):
            out.append(f"{diff - listed.get(drug, 0)} more {drug} dose(s) recorded (total {p.dose_counts.get(drug, 0)})")
    # an alert is the same alert when only its numbers changed: "ICE check overdue: last at 08:00"
    # and "… last at 12:00" are one alert still active, not one new and one gone
    now_kinds = {_alert_kind(a) for a in p.alerts}
    before_kinds = {_alert_kind(a) for a in before.alerts}
    for alert in p.alerts:
        if _alert_kind(alert) not in before_kinds:
            out.append(f"new alert: {_SOURCE_TAIL.sub('', alert)}")
    for alert in before.alerts:
        if _alert_kind(alert) not in now_kinds:
            out.append(f"alert no longer active: {_SOURCE_TAIL.sub('', alert)}")
    return out


def _alert_kind(alert: str) -> str:
    return _NUMBERS.sub("#", _SOURCE_TAIL.sub("", alert)).strip().lower()


def departed(data: HandoverData) -> list[PatientSnapshot]:
    if data.previous is None:
        return []
    now = {p.patient.mrn for p in data.patients}
    return [s for mrn, s in sorted(data.previous.patients.items(), key=lambda kv: bed_key(kv[1].bed))
            if mrn not in now]


def _tocilizumab(p: HandoverPatient, as_of: datetime) -> tuple[int, int]:
    day = interventions_since(p, as_of - timedelta(hours=24), as_of)
    return sum(1 for iv in day if iv.drug == "tocilizumab"), p.dose_counts.get("tocilizumab", 0)


def _steroid_text(p: HandoverPatient, as_of: datetime) -> str:
    day = [iv for iv in interventions_since(p, as_of - timedelta(hours=24), as_of) if iv.drug in STEROIDS]
    total = sum(p.dose_counts.get(s, 0) for s in STEROIDS)
    if not day and not total:
        return "none"
    parts = []
    for drug in STEROIDS:
        doses = [iv for iv in day if iv.drug == drug]
        if doses:
            last = doses[-1]
            parts.append(f"{drug} ×{len(doses)} in 24 h (last {dose_text(last)} {short_dt(last.time, as_of)})")
    if not parts:
        parts.append("none in 24 h")
    return "; ".join(parts) + f"; {total} total"


# --------------------------------------------------------------------------------------------------
# overview


def _ice_text(p: HandoverPatient, as_of: datetime) -> str:
    if p.last_ice_score is None and not p.last_ice_note:
        return "no ICE recorded"
    score = f"{p.last_ice_score}/10" if p.last_ice_score is not None else ""
    note = p.last_ice_note or ""
    when = f" at {short_dt(p.last_ice_time, as_of)}" if p.last_ice_time else ""
    return (" ".join(x for x in (score, note) if x)) + when


def _grade_cell(now_g: object, mx: int | None, mx_day: int | None) -> Paragraph:
    from .models import Grade

    assert isinstance(now_g, Grade)
    bold = now_g.value is not None and now_g.value >= 3
    now = esc(grade_of(now_g))
    now = f"<b>{now}</b>" if bold else now
    text = f"now {now}<br/>max {esc(grade_text(mx))}" + (f", {esc(day_text(mx_day))}" if mx_day is not None else "")
    return P(text)


def _overview(data: HandoverData, patients: list[HandoverPatient]) -> list[Flowable]:
    st = styles()
    as_of = data.as_of
    out: list[Flowable] = [
        Paragraph(f"Ward handover — {esc(data.meta.ward)}", st["title"]),
        P(
            f"As of <b>{esc(dt_text(as_of))}</b> · {len(patients)} active patient{'s' if len(patients) != 1 else ''} "
            "in bed order · "
            + (f"previous handover {esc(dt_text(data.previous.at))}"
               + (f" by {esc(data.previous.by)}" if data.previous.by else "")
               if data.previous else "no previous handover on record"),
            "base",
        ),
        P(
            "Grades are printed as number and word: Grade 0 (none), 1 (mild), 2 (moderate), 3 (severe), "
            "4 (life-threatening), 5 (fatal); “≥” marks a floor from incomplete data (an unassessed domain "
            "could raise it). Grey shading repeats the current grade and is never needed to read it. "
            "CRS and ICANS by ASTCT 2019. One I-PASS page per patient follows.",
            "small",
        ),
        Spacer(1, 2 * mm),
    ]
    head = ["Bed", "Patient / MRN", "Day", "CRS (ASTCT)", "ICANS (ASTCT)", "Last ICE",
            "Tocilizumab\n24 h / total", "Steroids", "Alerts", "Next checks due"]
    rows: list[list[object]] = [list(head)]
    extra: list[tuple[object, ...]] = []
    for i, p in enumerate(patients, start=1):
        toc24, toct = _tocilizumab(p, as_of)
        alerts, n_more = limited(list(p.alerts), 3)
        # the overview drops the bracketed source of an alert; the patient's page prints it in full
        alert_lines = [esc(clip(_SOURCE_TAIL.sub("", a), 90)) for a in alerts] + ([more_text(n_more)] if n_more else [])
        checks, c_more = limited(list(p.next_checks), 3)
        check_lines = [esc(f"{short_dt(c.due, as_of) if c.due else 'now'} {c.what}") for c in checks]
        check_lines += [more_text(c_more)] if c_more else []
        day = (as_of.date() - p.infusion_date).days
        rows.append([
            P(f"<b>{esc(clip(p.bed, 24))}</b>", "cellb"),
            P(f"<b>{esc(clip(p.patient.name, 60))}</b><br/>MRN {esc(p.patient.mrn)}"),
            day_text(day),
            _grade_cell(p.crs_now, p.course.crs_max, p.course.crs_max_day),
            _grade_cell(p.icans_now, p.course.icans_max, p.course.icans_max_day),
            T(_ice_text(p, as_of)),
            f"{toc24} / {toct}",
            T(clip(_steroid_text(p, as_of), 90)),
            P("<br/>".join(alert_lines) if alert_lines else "none"),
            P("<br/>".join(check_lines) if check_lines else "—"),
        ])
        for col, g in ((3, p.crs_now.value), (4, p.icans_now.value)):
            bg = grade_bg(g)
            if bg is not None:
                extra.append(("BACKGROUND", (col, i), (col, i), bg))
    widths = [13, 41, 13, 37, 37, 20, 21, 31, 37, 39]
    scale = (LANDSCAPE[0] - 2 * MARGIN_X) / (sum(widths) * mm)
    extra += [("FONT", (6, 1), (6, -1), "DejaVuSans-Bold", 7)]
    out.append(Table(rows, colWidths=[w * mm * scale for w in widths], repeatRows=1,
                     style=table_style(*extra)))
    out += _changes_overview(data, patients)
    return out


def _changes_overview(data: HandoverData, patients: list[HandoverPatient]) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [CondPageBreak(14 * mm), Paragraph("Changed since the previous handover", st["h1"])]
    if data.previous is None:
        out.append(P("No previous handover of this ward is on record: everything is new.", "base"))
        return out
    out.append(P(f"Compared with the handover of {esc(dt_text(data.previous.at))}"
                 + (f" printed by {esc(data.previous.by)}" if data.previous.by else "")
                 + ": new grades, new doses, new alerts.", "small"))
    rows: list[list[object]] = [[P("<b>Bed</b>", "head"), P("<b>Patient</b>", "head"), P("<b>Changes</b>", "head")]]
    for p in patients:
        ch = changes_since(p, data.previous, data.as_of) or []
        if not ch:
            continue
        shown, n_more = limited(ch, 8)
        text = "; ".join(esc(clip(c, 110)) for c in shown) + (f"; {more_text(n_more)}" if n_more else "")
        rows.append([T(p.bed), P(f"<b>{esc(p.patient.name)}</b> · MRN {esc(p.patient.mrn)}"), P(text)])
    for s in departed(data):
        rows.append([T(s.bed), P(f"<b>{esc(s.name)}</b>"), T("no longer on the handover list (discharged or moved)")])
    if len(rows) == 1:
        out.append(P("No changes in grades, doses or alerts.", "base"))
        return out
    w = LANDSCAPE[0] - 2 * MARGIN_X
    out.append(Table(rows, colWidths=[14 * mm, 60 * mm, w - 74 * mm], repeatRows=1, style=table_style()))
    return out


# --------------------------------------------------------------------------------------------------
# one page per patient


def _section(letter: str, title: str, hint: str) -> Flowable:
    return SectionBar(letter, title, hint)


def _latest(points: list[VitalPoint], attr: str) -> VitalPoint | None:
    for p in reversed(points):
        if getattr(p, attr) not in (None, ()):
            return p
    return None


def _vitals_rows(p: HandoverPatient, as_of: datetime) -> list[list[str]]:
    pts = sorted((v for v in p.vitals if v.time <= as_of), key=lambda v: v.time)
    rows: list[list[str]] = []

    def add(label: str, attr: str, fmt) -> None:  # type: ignore[no-untyped-def]
        v = _latest(pts, attr)
        rows.append([label, fmt(v) if v else "—", short_dt(v.time, as_of) if v else ""])

    add("Temperature", "temperature_c", lambda v: f"{v.temperature_c:.1f} °C")

    def bp(v: VitalPoint) -> str:
        s = f"{num(v.systolic_bp_mmhg)}"
        if v.diastolic_bp_mmhg is not None:
            s += f"/{num(v.diastolic_bp_mmhg)}"
        s += " mmHg"
        if v.mean_arterial_pressure_mmhg is not None:
            s += f" (MAP {num(v.mean_arterial_pressure_mmhg)})"
        return s

    add("Blood pressure", "systolic_bp_mmhg", bp)
    add("SpO₂", "spo2_percent", lambda v: f"{num(v.spo2_percent)} %")

    def o2(v: VitalPoint) -> str:
        s = O2_DEVICE_WORDS.get(v.o2_device or "", v.o2_device or "")
        if v.o2_flow_l_min is not None and v.o2_device != "room_air":
            s += f" {num(v.o2_flow_l_min)} L/min"
        if v.fio2_percent is not None and v.o2_device != "room_air":
            s += f", FiO₂ {num(v.fio2_percent)} %"
        return s

    add("Oxygen", "o2_device", o2)
    last = pts[-1] if pts else None
    rows.append(["Vasopressors", ", ".join(last.vasopressors) if last and last.vasopressors else "none",
                 short_dt(last.time, as_of) if last else ""])

    def neuro(v: VitalPoint) -> str:
        if v.ice_not_possible:
            return f"ICE not possible ({v.ice_not_possible.replace('_', ' ')})"
        return f"ICE {v.ice_score}/10"

    v_ice = next((v for v in reversed(pts) if v.ice_score is not None or v.ice_not_possible), None)
    rows.append(["ICE", neuro(v_ice) if v_ice else "—", short_dt(v_ice.time, as_of) if v_ice else ""])
    v_capd = _latest(pts, "capd_score")
    if v_capd is not None:
        rows.append(["CAPD", f"{v_capd.capd_score}/32", short_dt(v_capd.time, as_of)])
    add("Consciousness", "consciousness", lambda v: (v.consciousness or "").replace("_", " "))
    return rows


def _labs_rows(p: HandoverPatient, as_of: datetime, limit: int) -> list[list[str]]:
    latest: dict[str, tuple[datetime, float]] = {}
    for lab in p.labs:
        if lab.time <= as_of and (lab.name not in latest or lab.time >= latest[lab.name][0]):
            latest[lab.name] = (lab.time, lab.value)
    order = [n for n in LAB_LABELS if n in latest] + sorted(n for n in latest if n not in LAB_LABELS)
    rows = []
    for name in order:
        label, unit = lab_label(name)
        t, v = latest[name]
        rows.append([label, f"{num(v, 2 if v < 10 else 1)} {unit}".strip(), short_dt(t, as_of)])
    shown, n_more = limited(rows, limit)
    if n_more:
        shown.append([more_text(n_more), "", ""])
    return shown or [["no labs recorded", "", ""]]


def _checkboxes(chosen: str, derived: bool) -> str:
    marks = []
    for sev in ("stable", "watcher", "unstable"):
        box = "☒" if sev == chosen else "☐"
        marks.append(f"{box} {sev.capitalize()}")
    return "  ".join(marks)


def _patient_page(data: HandoverData, p: HandoverPatient) -> list[Flowable]:
    as_of = data.as_of
    fw, fh = body_frame_size()
    day = (as_of.date() - p.infusion_date).days
    parts: list[Flowable] = []

    # banner
    product = f"{esc(p.product)} · " if p.product else ""
    ident = identity_line(p.patient).split(" · ", 1)
    banner = Table(
        [[P(f"Bed<br/><font size={14 if len(p.bed) <= 5 else 9}><b>{esc(clip(p.bed, 24))}</b></font>", "bed"),
          P(f"<font size=11><b>{esc(ident[0])}</b></font><br/>{esc(ident[1] if len(ident) > 1 else '')}", "bed"),
          P(f"{product}infused {esc(p.infusion_date.isoformat())}<br/><font size=11><b>{esc(day_text(day))}</b></font>"
            " after infusion", "bed")]],
        colWidths=[18 * mm, fw - 18 * mm - 52 * mm, 52 * mm],
    )
    banner.setStyle(table_style(("BACKGROUND", (0, 0), (-1, -1), BANNER_BG), ("BOX", (0, 0), (-1, -1), 1.2, "black"),
                                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), header_rows=0))
    parts += [banner, Spacer(1, 1.5 * mm)]

    # I — illness severity
    chosen = p.illness_severity or derived_severity(p)
    sev_note = "recorded" if p.illness_severity else "suggested from current grades — tick to confirm"
    parts.append(_section("I", "Illness severity", "stable / watcher / unstable"))

    def grade_block(label: str, g, mx: int | None, mx_day: int | None, extra: str = "") -> Paragraph:  # type: ignore[no-untyped-def]
        reasons, n_more = limited(list(g.reasons), 3)
        rs = "; ".join(esc(clip(r, 60)) for r in reasons) + (f"; {more_text(n_more)}" if n_more else "")
        inc = ""
        if not g.complete and g.unassessed:
            inc = f"<br/><font size=6.3>not assessed: {esc(', '.join(g.unassessed))}</font>"
        max_t = esc(grade_text(mx)) + (f", {esc(day_text(mx_day))}" if mx_day is not None else "")
        return P(f"<b>{label} now: {esc(grade_of(g))}</b>{extra}<br/>"
                 f"<font size=6.5>{rs or 'no findings'}</font>{inc}<br/>max {max_t}")

    ctcae = f" · CTCAE {esc(grade_of(p.crs_ctcae_now))}" if p.crs_ctcae_now is not None else ""
    sev_table = Table(
        [[P(f"<b>{esc(chosen.upper())}</b><br/><font size=6.3>{esc(sev_note)}</font><br/>"
            f"{_checkboxes(chosen, p.illness_severity is None)}", "cell"),
          grade_block("CRS", p.crs_now, p.course.crs_max, p.course.crs_max_day, ctcae),
          grade_block("ICANS", p.icans_now, p.course.icans_max, p.course.icans_max_day,
                      f" · last ICE {esc(_ice_text(p, as_of))}")]],
        colWidths=[44 * mm, (fw - 44 * mm) / 2, (fw - 44 * mm) / 2],
    )
    sev_style: list[tuple[object, ...]] = [("BOX", (0, 0), (0, 0), 1.2, "black")]
    for col, g in ((1, p.crs_now.value), (2, p.icans_now.value)):
        bg = grade_bg(g)
        if bg is not None:
            sev_style.append(("BACKGROUND", (col, 0), (col, 0), bg))
    sev_table.setStyle(table_style(*sev_style, header_rows=0))
    parts += [sev_table, Spacer(1, 1.5 * mm)]

    # P — patient summary
    parts.append(_section("P", "Patient summary", "course, 72 h trend, latest vitals and labs"))
    parts += bullets(course_markup(p.course, p.dose_counts))
    chart_w = 116 * mm
    chart = DrawingFlowable(trend_chart(p.vitals, as_of, p.infusion_date, chart_w, 74 * mm))
    side_w = fw - chart_w - 2 * mm
    cw = [19 * mm, side_w - 19 * mm - 17 * mm, 17 * mm]
    vit_rows = [[a, clip(b, 34), c] for a, b, c in _vitals_rows(p, as_of)]
    vit = Table(vit_rows, colWidths=cw, style=table_style(header_rows=0, font_size=6.5))
    labs = Table([[a, clip(b, 34), c] for a, b, c in _labs_rows(p, as_of, 9)], colWidths=cw,
                 style=table_style(header_rows=0, font_size=6.5))
    side = [P("<b>Latest vitals</b>", "small"), vit, Spacer(1, 1 * mm), P("<b>Latest labs</b>", "small"), labs]
    row = Table([[chart, side]], colWidths=[chart_w, fw - chart_w])
    row.setStyle(table_style(("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0), header_rows=0, grid=False))
    parts += [Spacer(1, 1 * mm), row, Spacer(1, 1.5 * mm)]

    # A — action list
    parts.append(_section("A", "Action list", "protocol suggestions with their source, pending items, checks due, last 24 h"))
    sugg, s_more = limited(list(p.suggested_actions), 5)
    sugg_lines = [f"{esc(clip(a.text, 120))} <font size=6.3>[source: {esc(clip(a.source, 60))}]</font>" for a in sugg]
    sugg_lines += [more_text(s_more)] if s_more else []
    pend, p_more = limited(list(p.pending), 4)
    pend_lines = [esc(clip(x, 80)) for x in pend] + ([more_text(p_more)] if p_more else [])
    checks, c_more = limited(list(p.next_checks), 4)
    check_lines = [f"☐ {esc(clip(c.what, 50))} — due {esc(short_dt(c.due, as_of) if c.due else 'now')}" for c in checks]
    check_lines += [more_text(c_more)] if c_more else []
    left = [P("<b>Protocol suggestions</b>", "small")] + (bullets(sugg_lines) or [P("none from the protocol", "small")])
    right = ([P("<b>Pending</b>", "small")] + (bullets(pend_lines) or [P("nothing pending", "small")])
             + [P("<b>Next checks due</b>", "small")] + ([P(x, "bullet") for x in check_lines] or [P("none scheduled", "small")]))
    act = Table([[left, right]], colWidths=[fw * 0.58, fw * 0.42])
    act.setStyle(table_style(header_rows=0))
    parts += [act, Spacer(1, 1 * mm)]
    day_ivs = interventions_since(p, as_of - timedelta(hours=24), as_of)
    toc24, toct = _tocilizumab(p, as_of)
    iv_shown, iv_more = limited(list(reversed(day_ivs)), 6)
    iv_rows: list[list[object]] = [["Interventions, last 24 h", "Dose", "Time", "Recorded by"]]
    for iv in iv_shown:
        iv_rows.append([clip(drug_text(iv), 40), dose_text(iv), short_dt(iv.time, as_of), clip(iv.recorded_by or "—", 40)])
    if iv_more:
        iv_rows.append([more_text(iv_more), "", "", ""])
    if not day_ivs:
        iv_rows.append(["none in the last 24 h", "", "", ""])
    ivt = Table(iv_rows, colWidths=[fw * 0.34, fw * 0.16, fw * 0.14, fw * 0.36], repeatRows=1,
                style=table_style(font_size=6.8))
    parts += [ivt, P(f"Tocilizumab <b>{toc24}</b> in 24 h / <b>{toct}</b> total · Steroids: "
                     f"{esc(_steroid_text(p, as_of))}", "small"), Spacer(1, 1.5 * mm)]

    # S — situation awareness
    parts.append(_section("S", "Situation awareness and contingency", "active alerts, changes since the previous handover"))
    alerts, a_more = limited(list(p.alerts), 4)
    alert_lines = [f"<b>{esc(clip(a, 170))}</b>" for a in alerts] + ([more_text(a_more)] if a_more else [])
    ch = changes_since(p, data.previous, as_of)
    if ch is None:
        ch_lines = ["no previous handover on record"]
    else:
        shown, n_more = limited(ch, 5)
        ch_lines = [esc(clip(c, 110)) for c in shown] + ([more_text(n_more)] if n_more else [])
        ch_lines = ch_lines or ["no change in grades, doses or alerts"]
    prev_at = f" (since {esc(short_dt(data.previous.at, as_of))})" if data.previous else ""
    sa = Table([[[P("<b>Alerts</b>", "small")] + (bullets(alert_lines) or [P("none", "small")]),
                 [P(f"<b>Changed since the previous handover</b>{prev_at}", "small")] + bullets(ch_lines)]],
               colWidths=[fw * 0.45, fw * 0.55])
    sa.setStyle(table_style(header_rows=0))
    parts += [sa, Spacer(1, 1.5 * mm)]

    # S — synthesis by receiver
    parts.append(_section("S", "Synthesis by receiver", "read-back, questions, handwritten note"))
    note = Table([[P("<font size=6.3>Receiver's summary / note (handwritten)</font>", "small")]],
                 colWidths=[fw], rowHeights=[26 * mm])
    note.setStyle(table_style(("BOX", (0, 0), (-1, -1), 1, "black"), header_rows=0, grid=False))
    line = "_" * 30
    sig = Table(
        [["Handing-over nurse", f"Name {line}", f"Signature {line}", "Time ______"],
         ["Receiving nurse", f"Name {line}", f"Signature {line}", "Time ______"]],
        colWidths=[31 * mm, 58 * mm, 64 * mm, fw - 153 * mm], rowHeights=[8 * mm, 8 * mm],
    )
    sig.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                             ("FONT", (0, 0), (0, -1), "DejaVuSans-Bold", 7), header_rows=0, grid=False))
    parts += [note, sig]
    return [PatientMark(header_identity(p.patient) + f" · bed {p.bed}"),
            KeepInFrame(fw, fh, parts, mode="shrink", name=f"patient {p.patient.mrn}")]


# --------------------------------------------------------------------------------------------------


def build_handover_pdf(data: HandoverData) -> bytes:
    """The ward handover as PDF bytes (byte-identical for the same data and print time)."""
    patients = in_bed_order(data.patients)
    lw, lh = LANDSCAPE
    pw, ph = PAGE
    land = PageTemplate(id="landscape", pagesize=LANDSCAPE, frames=[
        Frame(MARGIN_X, MARGIN_BOTTOM, lw - 2 * MARGIN_X, lh - MARGIN_TOP - MARGIN_BOTTOM, id="land",
              leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)])
    port = PageTemplate(id="portrait", pagesize=PAGE, frames=[
        Frame(MARGIN_X, MARGIN_BOTTOM, pw - 2 * MARGIN_X, ph - MARGIN_TOP - MARGIN_BOTTOM, id="port",
              leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)])
    story: list[Flowable] = _overview(data, patients)
    for p in patients:
        story += [NextPageTemplate("portrait"), PageBreak()]
        story += _patient_page(data, p)
    return render(story, data.meta, TITLE, f"Ward handover as of {dt_text(data.as_of)}", page_templates=[land, port])
