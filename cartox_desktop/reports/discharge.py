"""The discharge sheet: for the patient and the person caring for them, in plain words.

Large type, black and white (no colour carries meaning; grey only behind headings), the
patient's name and "Page N of M" on every page. It says, in this order: the warning signs that
need a call now with the ward's telephone number (ward settings), the product's driving and
distance advice with the date of the label it comes from (protocol file: it changed in June 2025,
clinical-background.md §9.3), the follow-up appointments (protocol file schedule), and a 14-day
symptom diary with a handwriting line for each day. Every page carries the notice that the sheet
supports and does not replace clinical judgement.

``build_discharge_pdf(DischargeData)`` is pure (view model in, bytes out). ``discharge_data`` and
``print_discharge_sheet`` fill the view model from the services and archive the print
(``services.record_document_printed``, kind ``discharge_sheet``), as ``assemble`` does for the
other documents.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from reportlab import rl_config
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from cartox_desktop.clinical.followup import Appointment, ProductAdvice

from .common import BANNER_BG, BLACK, GRID, HEAD_BG, _DeferredCanvas, _fit, esc
from .fonts import MONO, SANS, SANS_BOLD, register_fonts
from .models import DocumentMeta, PatientIdentity

TITLE = "Going home after CAR-T cell therapy"
KIND = "discharge_sheet"
DIARY_DAYS = 14
DEFAULT_SENTENCE = "The birds sing in the garden."
NOTICE = ("This sheet supports and does not replace clinical judgement: if you are worried, call the ward, "
          "whatever this sheet says.")

# Warning signs that need a call now (issue 8; clinical-background.md §2 ICANS and §1 CRS in plain words).
WARNING_SIGNS: tuple[str, ...] = (
    "a temperature of <b>38.0 °C or more</b>",
    "<b>confusion</b>, or not knowing where you are",
    "<b>trouble speaking</b>, finding words, or <b>writing</b>",
    "<b>shaking</b> (tremor) or a fit",
    "<b>drowsiness</b>: very sleepy or hard to wake",
    "<b>shortness of breath</b>",
    "<b>dizziness</b> or feeling faint",
)

CHECK_EXPLAINED: tuple[tuple[str, str], ...] = (
    ("Blood count", "CAR-T cell therapy can keep your blood counts low for weeks or months. Low counts make "
                    "infections and bleeding more likely."),
    ("IgG level", "Your body may make fewer antibodies (IgG) for months. If your level is low, you may be given "
                  "antibodies (immunoglobulin) by drip or injection."),
    ("Check for new cancers", "All these medicines carry a warning that, rarely, a new blood cancer can start "
                              "months or years later. We check for this every year, for life."),
)

PAGE = A4
MARGIN_X = 16 * mm
MARGIN_TOP = 30 * mm
MARGIN_BOTTOM = 24 * mm


@dataclass(frozen=True)
class DischargeData:
    """Everything the discharge sheet prints (plain data: no services, no database)."""

    meta: DocumentMeta
    patient: PatientIdentity
    product: str | None  # case-format product name (axi-cel ...)
    infusion_date: date
    discharge_date: date
    ward_phone: str  # "" when the ward settings have none: a line to write it on is printed
    advice: ProductAdvice | None  # None: product unknown or not in the protocol file
    appointments: tuple[Appointment, ...]
    later_checks: tuple[str, ...]  # "Check for new cancers: every year for life"
    diary_start: date
    diary_sentence: str = DEFAULT_SENTENCE
    diary_days: int = DIARY_DAYS


# --------------------------------------------------------------------------------------------------
# styles: large type (13 pt body), black on white


@functools.lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("d_body", fontName=SANS, fontSize=13, leading=17.5, alignment=TA_LEFT, textColor=BLACK,
                          spaceAfter=4)
    return {
        "body": body,
        "title": ParagraphStyle("d_title", parent=body, fontName=SANS_BOLD, fontSize=22, leading=27, spaceAfter=2),
        "subtitle": ParagraphStyle("d_sub", parent=body, fontSize=14, leading=19, spaceAfter=8),
        "h1": ParagraphStyle("d_h1", parent=body, fontName=SANS_BOLD, fontSize=17, leading=22, spaceBefore=10,
                             spaceAfter=5),
        "alarm": ParagraphStyle("d_alarm", parent=body, fontName=SANS_BOLD, fontSize=17, leading=22, spaceAfter=6),
        "sign": ParagraphStyle("d_sign", parent=body, fontSize=15, leading=20, leftIndent=16, bulletIndent=2,
                               bulletFontName=SANS_BOLD, bulletFontSize=15, spaceAfter=2),
        "phone": ParagraphStyle("d_phone", parent=body, fontName=SANS_BOLD, fontSize=22, leading=28, spaceBefore=6),
        "cell": ParagraphStyle("d_cell", parent=body, fontSize=12.5, leading=16, spaceAfter=0),
        "cell12": ParagraphStyle("d_cell12", parent=body, fontSize=12, leading=15, spaceAfter=0),
        "cellb": ParagraphStyle("d_cellb", parent=body, fontName=SANS_BOLD, fontSize=12.5, leading=16, spaceAfter=0),
        "small": ParagraphStyle("d_small", parent=body, fontSize=10.5, leading=13.5, spaceAfter=2),
    }


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(text, _styles()[style])


def _date_words(d: date) -> str:
    """``Mon 23 Nov 2026``: the weekday helps at home; the ISO date is printed beside it where needed."""
    return d.strftime("%a %d %b %Y").replace(" 0", " ")


def _boxed(flowables: list[Flowable], width: float, thickness: float = 2.5) -> Table:
    return Table([[flowables]], colWidths=[width], style=TableStyle([
        ("BOX", (0, 0), (-1, -1), thickness, BLACK),
        ("LEFTPADDING", (0, 0), (-1, -1), 9), ("RIGHTPADDING", (0, 0), (-1, -1), 9),
        ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
    ]))


# --------------------------------------------------------------------------------------------------
# sections


def _phone_text(data: DischargeData) -> str:
    number = esc(data.ward_phone) if data.ward_phone else "______________________"
    return f'<font size="15">Ward telephone, day and night:</font><br/>{number}'


def _call_now(data: DischargeData, width: float) -> Table:
    inner: list[Flowable] = [_p("Call the ward now, day or night, if you have any of these:", "alarm")]
    inner += [Paragraph(sign, _styles()["sign"], bulletText="■") for sign in WARNING_SIGNS]
    inner.append(_p(_phone_text(data), "phone"))
    inner.append(_p("Do not wait until the morning and do not drive yourself. If you cannot reach the ward, call "
                    "your local emergency number. Say that you have had CAR-T cell therapy and show this sheet."))
    return _boxed(inner, width)


def _treatment(data: DischargeData, width: float) -> Table:
    brand = data.advice.brand if data.advice else None
    product = f"{brand} ({data.product})" if brand and data.product else (data.product or "not recorded")
    rows = [
        ("Your CAR-T medicine", product),
        ("Infusion (day 0)", f"{_date_words(data.infusion_date)} ({data.infusion_date.isoformat()})"),
        ("Going home", f"{_date_words(data.discharge_date)} (day {(data.discharge_date - data.infusion_date).days} "
                       "after the infusion)"),
    ]
    return Table([[_p(f"<b>{esc(a)}</b>", "cell"), _p(esc(b), "cell")] for a, b in rows],
                 colWidths=[58 * mm, width - 58 * mm], style=TableStyle([
                     ("GRID", (0, 0), (-1, -1), 0.6, GRID), ("BACKGROUND", (0, 0), (0, -1), BANNER_BG),
                     ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 4),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))


def _driving(data: DischargeData, width: float) -> list[Flowable]:
    out: list[Flowable] = [_p("Driving and staying near the hospital", "h1")]
    a = data.advice
    if a is None:
        out.append(_boxed([_p("<b>Do not drive</b> and <b>stay near your treatment centre</b> until your team tells "
                              "you it is safe. Ask them how long, and write it here:"),
                           _p("Stay near the centre until: ____________________"),
                           _p("No driving until: ____________________")], width, 1.5))
        return out
    inner: list[Flowable] = [_p(f"<b>Driving:</b> {esc(a.driving)}"), _p(f"<b>Distance:</b> {esc(a.distance)}")]
    if a.extra:
        inner.append(_p(esc(a.extra)))
    inner.append(_p(f"From the {esc(a.brand)} product label as of <b>{esc(a.label_date_text)}</b>. These rules "
                    "changed in June 2025, when the US medicines regulator (FDA) ended the special safety programme "
                    "(REMS) for CAR-T medicines and shortened the time you must stay near the centre and must not "
                    "drive.", "small"))
    if a.check_label:
        inner.append(_p("<b>Check with your team:</b> these times come from that label and may have changed "
                        "since. Your team may also ask you to wait longer.", "small"))
    out.append(_boxed(inner, width, 1.5))
    return out


def _appointments(data: DischargeData, width: float) -> list[Flowable]:
    out: list[Flowable] = [_p("Your check-ups", "h1"),
                           _p("Please come to these check-ups even if you feel well. The clinic will confirm the "
                              "time and the place; write them in.")]
    head = [_p("<b>Date</b>", "cell12"), _p("<b>Day</b>", "cell12"), _p("<b>What</b>", "cell12"),
            _p("<b>Time, place</b>", "cell12")]
    rows: list[list[Any]] = [head]
    for app in data.appointments:
        rows.append([_p(f"{_date_words(app.due_date)}", "cell12"), _p(f"day {app.day}", "cell12"),
                     _p(esc(", ".join(app.labels)), "cell12"), ""])
    if len(rows) == 1:
        rows.append([_p("Your team will give you the dates of your check-ups.", "cell"), "", "", ""])
    widths = [43 * mm, 22 * mm, width - 43 * mm - 22 * mm - 26 * mm, 26 * mm]
    out.append(Table(rows, colWidths=widths, repeatRows=1, style=TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5)])))
    if data.later_checks:
        out.append(Spacer(1, 4))
        out.append(_p("After that: " + "; ".join(esc(line) for line in data.later_checks) + "."))
    out.append(_p("Why these checks", "h1"))
    for label, text in CHECK_EXPLAINED:
        out.append(_p(f"<b>{esc(label)}:</b> {esc(text)}"))
    return out


def _diary(data: DischargeData, width: float) -> list[Flowable]:
    out: list[Flowable] = [
        _p("Your symptom diary for the first 14 days at home", "h1"),
        _p("Fill it in every morning and evening with the person caring for you: take your temperature, and "
           "once a day write the sentence below by hand. If your handwriting changes or writing gets hard, "
           "<b>call the ward now</b>."),
        _p(f"The sentence to write: <b>“{esc(data.diary_sentence)}”</b>"),
        Spacer(1, 4),
    ]
    widths = [50 * mm, 36 * mm, 36 * mm, width - 122 * mm]
    for n in range(data.diary_days):
        day = data.diary_start + timedelta(days=n)
        after = (day - data.infusion_date).days
        block = Table([
            [_p(f"<b>Day {n + 1}</b> · {_date_words(day)[:-5]}<br/>day {after} after infusion", "cell"),
             _p("Morning<br/>______ °C", "cell"), _p("Evening<br/>______ °C", "cell"),
             _p("Warning sign?<br/>☐ No   ☐ Yes: <b>call</b>", "cell")],
            [_WritingLine("Write the sentence here:"), "", "", ""],
        ], colWidths=widths, style=TableStyle([
            ("SPAN", (0, 1), (-1, 1)), ("BOX", (0, 0), (-1, -1), 1.2, BLACK),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID), ("LINEAFTER", (0, 0), (-2, 0), 0.6, GRID),
            ("BACKGROUND", (0, 0), (0, 0), BANNER_BG), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        out += [KeepTogether([block]), Spacer(1, 2 * mm)]
    return out


class _WritingLine(Flowable):  # type: ignore[misc]
    """Room for one handwritten line: a small label, then a ruled line to write on."""

    def __init__(self, label: str, height: float = 11.5 * mm) -> None:
        super().__init__()
        self.label, self.height = label, height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFont(SANS, 10)
        c.setFillColor(BLACK)
        c.drawString(0, self.height - 9, self.label)
        c.setLineWidth(0.9)
        c.line(0, 1.5 * mm, self.width, 1.5 * mm)
        c.restoreState()


# --------------------------------------------------------------------------------------------------
# page chrome and build


def _chrome(canv: Canvas, total: int, data: DischargeData) -> None:
    w, h = canv._pagesize
    x0, x1 = MARGIN_X, w - MARGIN_X
    canv.saveState()
    canv.setFillColor(BLACK)
    canv.setStrokeColor(BLACK)
    y = h - 11 * mm
    canv.setFont(SANS_BOLD, 11)
    canv.drawRightString(x1, y, TITLE)
    tw = stringWidth(TITLE, SANS_BOLD, 11)
    canv.setFont(SANS, 11)
    canv.drawString(x0, y, _fit(f"{data.meta.institution} — {data.meta.ward}", SANS, 11, x1 - x0 - tw - 8 * mm))
    y -= 7 * mm
    p = data.patient
    name = f"{p.name} · MRN {p.mrn}" + (f" · born {p.date_of_birth.isoformat()}" if p.date_of_birth else "")
    canv.setFont(SANS_BOLD, 14)
    canv.drawString(x0, y, _fit(name, SANS_BOLD, 14, x1 - x0))
    canv.setLineWidth(1.2)
    canv.line(x0, h - 22 * mm, x1, h - 22 * mm)
    fy = MARGIN_BOTTOM - 6 * mm
    canv.setLineWidth(0.8)
    canv.line(x0, fy, x1, fy)
    page = f"Page {canv.getPageNumber()} of {total}"
    canv.setFont(SANS_BOLD, 12)
    canv.drawRightString(x1, fy - 5.5 * mm, page)
    room = x1 - x0 - stringWidth(page, SANS_BOLD, 12) - 6 * mm
    canv.setFont(SANS, 9.5)
    first, second = NOTICE.split(": ", 1)
    canv.drawString(x0, fy - 4.8 * mm, _fit(first + ":", SANS, 9.5, room))
    canv.drawString(x0, fy - 9 * mm, _fit(second, SANS, 9.5, room))
    meta = data.meta
    seq = f"#{meta.chain_head_seq} " if meta.chain_head_seq is not None else ""
    printed = (f"Printed {meta.printed_at:%Y-%m-%d %H:%M} by {meta.printed_by} · audit chain head {seq}"
               f"{(meta.chain_head_hash or '(empty chain)')[:16]}")
    canv.setFont(MONO, 7)
    canv.drawString(x0, fy - 12.6 * mm, _fit(printed, MONO, 7, x1 - x0))
    canv.restoreState()


def build_discharge_pdf(data: DischargeData) -> bytes:
    """The discharge sheet as PDF bytes; the same data and ``meta.printed_at`` give the same bytes."""
    register_fonts()
    rl_config.useA85 = 0
    rl_config.invariant = 1
    width = PAGE[0] - 2 * MARGIN_X
    story: list[Flowable] = [
        _p(TITLE, "title"),
        _p(f"Information for <b>{esc(data.patient.name)}</b> and the person caring for you. "
           "Keep it with you and show it to any doctor or nurse you see.", "subtitle"),
        _call_now(data, width),
        *_driving(data, width),
        PageBreak(),
        _p("Your treatment", "h1"),
        _treatment(data, width),
        *_appointments(data, width),
        PageBreak(),
        *_diary(data, width),
    ]
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=PAGE, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=f"{TITLE}: {data.patient.name}", author=data.meta.printed_by,
        subject="Discharge sheet for the patient and caregiver", creator=f"CARTOX Desktop {data.meta.app_version}".strip(),
        producer="CARTOX Desktop (ReportLab)", invariant=1, initialFontName=SANS, initialFontSize=13, lang="en")
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, width, PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="sheet", frames=[frame], pagesize=PAGE)])
    chrome = functools.partial(_chrome, data=data)
    doc.build(story, canvasmaker=functools.partial(_DeferredCanvas, chrome=lambda c, n: chrome(c, n)))
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------
# from the services, and printing with an audit record


def discharge_data(store: Any, mrn: str, *, printed_by: str, printed_at: datetime, today: date | None = None,
                   settings: Any = None) -> DischargeData:
    """The sheet of one patient (``NotFound`` for an unknown MRN): the ward phone, the ICE
    sentence and the header from the ward settings; schedule and advice from the protocol."""
    from cartox_desktop.clinical.followup import appointments, later_checks
    from cartox_desktop.services import active_follow_up_plan, get_patient, get_settings

    from .assemble import ReportSettings, _local, document_meta

    patient = get_patient(store, mrn=mrn.strip())
    ward = get_settings(store)
    plan = active_follow_up_plan()
    today = today or printed_at.date()
    left = _local(patient.discharged_at) if patient.status == "discharged" else None
    start = left.date() if left is not None else today
    year = max(365, (start - patient.infusion_date).days + 1)
    sentence = (patient.ice_baseline or {}).get("sentence") or ward.ice_sentence or DEFAULT_SENTENCE
    settings = settings or ReportSettings.from_store(store, ward=patient.ward)
    return DischargeData(
        meta=document_meta(store, printed_by=printed_by, printed_at=printed_at, settings=settings),
        patient=PatientIdentity(name=patient.name, mrn=patient.mrn, date_of_birth=patient.date_of_birth,
                                age_years=patient.age_years, weight_kg=patient.weight_kg),
        product=patient.product, infusion_date=patient.infusion_date, discharge_date=start,
        ward_phone=ward.ward_phone, advice=plan.advice_for(patient.product),
        appointments=appointments(plan, patient.infusion_date, start + timedelta(days=1), year),
        later_checks=later_checks(plan, year), diary_start=start, diary_sentence=sentence)


def print_discharge_sheet(store: Any, actor: Any, mrn: str, *, printed_at: datetime | None = None,
                          today: date | None = None, settings: Any = None) -> Any:
    """Build one patient's discharge sheet and archive it (audit event ``print``, kind
    ``discharge_sheet``, with the inputs that re-create it). Returns ``assemble.PrintedDocument``."""
    from .assemble import PrintedDocument, _meta_inputs, _now, actor_label

    printed_at = (printed_at or _now()).replace(microsecond=0)
    data = discharge_data(store, mrn, printed_by=actor_label(actor), printed_at=printed_at, today=today,
                          settings=settings)
    pdf = build_discharge_pdf(data)
    inputs = {**_meta_inputs(data.meta), "mrn": data.patient.mrn, "ward_phone": data.ward_phone,
              "product": data.product, "advice_label_date": data.advice.label_date if data.advice else None,
              "discharge_date": data.discharge_date.isoformat(), "diary_start": data.diary_start.isoformat(),
              "appointments": [[a.due_date.isoformat(), list(a.labels)] for a in data.appointments]}
    from cartox_desktop.services import record_document_printed

    head = record_document_printed(store, actor, KIND, data.patient.mrn, pdf, inputs)
    return PrintedDocument(pdf, data, head.seq, head.hash)
