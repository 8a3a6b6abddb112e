"""Patient toxicity summary: the whole course of one patient, for the file and for registries."""

from __future__ import annotations

from collections import Counter

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table

from .common import (
    BANNER_BG,
    P,
    PatientMark,
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
    lab_label,
    limited,
    more_text,
    num,
    render,
    styles,
    table_style,
)
from .models import DRUG_LABELS, AssessmentRow, Grade, PatientReportData
from .summary import hematotox_text, iec_hs_text, registry_rows

TITLE = "Patient toxicity summary"
MAX_REASONS = 6


def _reasons(g: Grade | None) -> str:
    if g is None:
        return ""
    shown, n_more = limited(list(g.reasons), MAX_REASONS)
    parts = [esc(clip(r, 120)) for r in shown] + ([more_text(n_more)] if n_more else [])
    text = "; ".join(parts)
    if not g.complete and g.unassessed:
        text += f"{'; ' if text else ''}<i>not assessed: {esc(', '.join(g.unassessed))}</i>"
    if g.flags:
        text += f"{'; ' if text else ''}<font size=6>flags: {esc(', '.join(g.flags))}</font>"
    return text


def _grade_cell(g: Grade | None) -> Paragraph:
    if g is None:
        return T("—")
    text = esc(grade_of(g))
    if g.value is not None and g.value >= 3:
        text = f"<b>{text}</b>"
    return P(text)


def _counts(data: PatientReportData) -> Counter[str]:
    return Counter(iv.drug for iv in data.interventions)


def build_patient_report_pdf(data: PatientReportData) -> bytes:
    st = styles()
    fw, _ = body_frame_size()
    c = data.course
    counts = _counts(data)
    story: list[Flowable] = [PatientMark(header_identity(data.patient))]

    # identification
    story.append(Paragraph(f"Toxicity summary — {esc(data.patient.name)}", st["title"]))
    ident = [
        ["Patient", data.patient.name, "MRN", data.patient.mrn],
        ["Born", dt_text(data.patient.date_of_birth), "Age / sex / weight",
         " · ".join(x for x in (f"{int(data.patient.age_years)} y" if data.patient.age_years is not None else "",
                                data.patient.sex or "",
                                f"{num(data.patient.weight_kg)} kg" if data.patient.weight_kg is not None else "") if x) or "—"],
        ["Product", data.product or "—", "Infusion (day 0)", data.infusion_date.isoformat()],
        ["Status", data.status or "—", "Assessments / interventions", f"{len(data.assessments)} / {len(data.interventions)}"],
    ]
    if c.death_date is not None:
        ident.append(["Died", c.death_date.isoformat(), "Cause", c.death_cause or "not recorded"])
    story.append(Table([[T(a, "cellb"), T(b), T(x, "cellb"), T(d)] for a, b, x, d in ident],
                       colWidths=[24 * mm, fw / 2 - 24 * mm, 40 * mm, fw / 2 - 40 * mm],
                       style=table_style(("BACKGROUND", (0, 0), (0, -1), BANNER_BG),
                                         ("BACKGROUND", (2, 0), (2, -1), BANNER_BG), header_rows=0)))

    # maximum grades
    story.append(Paragraph("Maximum grades", st["h1"]))
    head = ["Toxicity (scale)", "Maximum grade", "Reached", "Onset", "Resolution", "Duration"]
    rows: list[list[object]] = [[T(h, "head") for h in head]]
    ctcae_max = max((a.crs_ctcae.value for a in data.assessments if a.crs_ctcae and a.crs_ctcae.value is not None),
                    default=None)
    table_rows = [
        ("CRS (ASTCT 2019)", c.crs_max, c.crs_max_day, c.crs_onset_day, c.crs_resolution_day, c.crs_duration_days),
        ("CRS (CTCAE v5.0)", ctcae_max, None, None, None, None),
        ("ICANS (ASTCT 2019)", c.icans_max, c.icans_max_day, c.icans_onset_day, c.icans_resolution_day,
         c.icans_duration_days),
        ("ICAHT early, days 0–30 (EHA/EBMT 2023)", c.icaht_early, None, None, None, None),
        ("ICAHT late, days 31–100 (EHA/EBMT 2023)", c.icaht_late, None, None, None, None),
        ("IEC-HS (screening, Hines 2023)", c.iec_hs_grade if c.iec_hs_met else None, c.iec_hs_first_day, None, None,
         None),
    ]
    extra = []
    for i, (label, g, reached, onset, res, dur) in enumerate(table_rows, start=1):
        if label.startswith("IEC-HS") and not c.iec_hs_met:
            gtext = "criteria not met" if c.iec_hs_met is False else "not evaluated"
        else:
            gtext = grade_text(g)
        rows.append([T(label), P(f"<b>{esc(gtext)}</b>" if g is not None and g >= 3 else esc(gtext)),
                     T(day_text(reached)), T(day_text(onset)),
                     T(day_text(res) if res is not None else ("ongoing" if onset is not None else "—")),
                     T(f"{dur} days" if dur is not None else "—")])
        bg = grade_bg(g)
        if bg is not None:
            extra.append(("BACKGROUND", (1, i), (1, i), bg))
    story.append(Table(rows, colWidths=[56 * mm, 40 * mm, 20 * mm, 20 * mm, 22 * mm, fw - 158 * mm],
                       style=table_style(*extra)))
    story.append(P("Grades: 0 none, 1 mild, 2 moderate, 3 severe, 4 life-threatening, 5 fatal. “≥” marks a floor "
                   "from incomplete data. Onset, resolution and duration in days after infusion (day 0).", "tiny"))

    # registry fields and risk scores side by side
    story.append(Paragraph("Registry summary fields", st["h1"]))
    reg = registry_rows(c, counts)
    reg_t = Table([[T(a, "cellb"), T(b)] for a, b in reg], colWidths=[46 * mm, fw / 2 - 46 * mm - 2 * mm],
                  style=table_style(header_rows=0))
    risk: list[Flowable] = [P("<b>CAR-HEMATOTOX</b> (baseline, Rejeski 2021): " + esc(hematotox_text(c)), "small")]
    if c.hematotox_points:
        pts = ", ".join(f"{esc(k)} {v}" for k, v in sorted(c.hematotox_points.items()))
        risk.append(P(f"points: {pts}", "tiny"))
    if data.baseline_labs:
        base = ", ".join(f"{lab_label(k)[0]} {num(v)} {lab_label(k)[1]}" for k, v in data.baseline_labs.items())
        risk.append(P(f"baseline labs: {esc(base)}", "tiny"))
    easix = [(a.day, a.easix, a.m_easix) for a in data.assessments if a.easix is not None or a.m_easix is not None]
    if easix:
        first = easix[0]
        top = max(easix, key=lambda x: x[1] if x[1] is not None else -1)
        risk.append(P(f"<b>EASIX</b> (risk score, not a grade): first {num(first[1], 2)} on {esc(day_text(first[0]))}"
                      f" (m-EASIX {num(first[2], 2)}); highest {num(top[1], 2)} on {esc(day_text(top[0]))}", "small"))
    else:
        risk.append(P("<b>EASIX</b>: no assessment with LDH, creatinine and platelets", "small"))
    risk.append(P("<b>IEC-HS</b>: " + esc(iec_hs_text(c)), "small"))
    risk += bullets([esc(clip(r, 140)) for r in c.iec_hs_reasons[:4]], "tiny")
    risk.append(P("<b>ICAHT</b>", "small"))
    risk += bullets([esc(clip(r, 140)) for r in c.icaht_reasons[:4]] or ["no reasons recorded"], "tiny")
    side = Table([[reg_t, risk]], colWidths=[fw / 2, fw / 2])
    side.setStyle(table_style(("LEFTPADDING", (0, 0), (0, 0), 0), header_rows=0, grid=False))
    story.append(side)

    if data.alerts or c.flags:
        story.append(Paragraph("Alerts and flags", st["h2"]))
        story += bullets([esc(clip(a, 160)) for a in data.alerts] + ([f"flags: {esc(', '.join(c.flags))}"]
                                                                     if c.flags else []))

    # treatments
    story += [CondPageBreak(30 * mm), Paragraph("Treatments", st["h1"])]
    if data.interventions:
        tr: list[list[object]] = [[T(h, "head") for h in ("Time", "Day", "Drug", "Dose", "Recorded by")]]
        for iv in sorted(data.interventions, key=lambda iv: (iv.time, iv.drug)):
            tr.append([T(dt_text(iv.time)), T(day_text((iv.time.date() - data.infusion_date).days)),
                       T(drug_text(iv)), T(dose_text(iv)), T(iv.recorded_by or "—")])
        story.append(Table(tr, colWidths=[30 * mm, 18 * mm, 50 * mm, 34 * mm, fw - 132 * mm], repeatRows=1,
                           style=table_style()))
        totals = ", ".join(f"{DRUG_LABELS.get(d, d)} ×{n}" for d, n in sorted(counts.items()))
        mg: dict[str, float] = {}
        for iv in data.interventions:
            if iv.dose_mg is not None:
                mg[iv.drug] = mg.get(iv.drug, 0.0) + iv.dose_mg
        mg_text = ", ".join(f"{DRUG_LABELS.get(d, d)} {num(v)} mg" for d, v in sorted(mg.items()))
        story.append(P(f"Totals: {esc(totals)}" + (f" · cumulative doses: {esc(mg_text)}" if mg_text else ""), "small"))
    else:
        story.append(P("No treatments recorded.", "base"))

    # assessments
    story += [CondPageBreak(30 * mm), Paragraph("Every assessment with its grades and reasons", st["h1"])]
    story.append(_assessment_table(data.assessments, fw))
    story += [Spacer(1, 3 * mm), P("Reasons name each finding that set the grade, with its value and unit. "
                                   "“not assessed” lists domains without data, which could raise the grade.", "tiny")]
    return render(story, data.meta, TITLE, f"Toxicity summary of MRN {data.patient.mrn}")


def _assessment_table(rows_in: tuple[AssessmentRow, ...], fw: float) -> Flowable:
    if not rows_in:
        return P("No assessments recorded.", "base")
    head = ["Time (day)", "CRS ASTCT", "CRS CTCAE", "ICANS ASTCT (ICE)", "Reasons", "EASIX"]
    rows: list[list[object]] = [[T(h, "head") for h in head]]
    extra = []
    for i, a in enumerate(sorted(rows_in, key=lambda a: a.time), start=1):
        reasons = []
        for label, g in (("CRS", a.crs), ("CTCAE", a.crs_ctcae), ("ICANS", a.icans)):
            r = _reasons(g)
            if r:
                reasons.append(f"<b>{label}</b> {r}")
        ice = f" (ICE {a.ice_score}/10)" if a.ice_score is not None else ""
        rows.append([
            P(f"{esc(dt_text(a.time))}<br/>{esc(day_text(a.day))}" + (f"<br/><font size=6>{esc(a.recorded_by)}</font>"
                                                                     if a.recorded_by else "")),
            _grade_cell(a.crs),
            _grade_cell(a.crs_ctcae),
            P(_grade_cell(a.icans).text + esc(ice)),
            P("<br/>".join(reasons) or "—"),
            P(f"{num(a.easix, 2)}<br/><font size=6>m {num(a.m_easix, 2)}</font>" if a.easix is not None or
              a.m_easix is not None else "—"),
        ])
        for col, g in ((1, a.crs), (2, a.crs_ctcae), (3, a.icans)):
            bg = grade_bg(g.value if g is not None else None)
            if bg is not None:
                extra.append(("BACKGROUND", (col, i), (col, i), bg))
    return Table(rows, colWidths=[24 * mm, 25 * mm, 25 * mm, 27 * mm, fw - 115 * mm, 14 * mm], repeatRows=1,
                 style=table_style(*extra))
