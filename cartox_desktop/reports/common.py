"""Shared layout for every printed document: fonts, styles, words for grades, page chrome.

Page chrome (header, footer, "Page N of M") is drawn when the document is saved, by a canvas that
keeps every page until the total is known. A zero-size flowable (``PatientMark``) records whose
page it is, so the patient identifiers appear in the header of every page of that patient.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Paragraph, TableStyle

from .fonts import MONO, SANS, SANS_BOLD, register_fonts
from .models import DRUG_LABELS, GRADE_WORDS, LAB_LABELS, DocumentMeta, Grade, Intervention, PatientIdentity

NOTICE = (
    "This document supports and does not replace clinical judgement. "
    "Management suggestions come from the hospital's protocol file, shown with their source."
)

PAGE = A4
MARGIN_X = 14 * mm
MARGIN_TOP = 25 * mm
MARGIN_BOTTOM = 21 * mm

BLACK = colors.black
GRID = colors.Color(0.45, 0.45, 0.45)
HEAD_BG = colors.Color(0.86, 0.86, 0.86)
BANNER_BG = colors.Color(0.92, 0.92, 0.92)
# Shading by grade is redundant with the printed words: it only helps the eye, never carries meaning.
GRADE_BG = {
    0: None,
    1: colors.Color(0.95, 0.95, 0.95),
    2: colors.Color(0.88, 0.88, 0.88),
    3: colors.Color(0.78, 0.78, 0.78),
    4: colors.Color(0.68, 0.68, 0.68),
    5: colors.Color(0.68, 0.68, 0.68),
}

# --------------------------------------------------------------------------------------------------
# styles


@functools.lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=SANS, fontSize=8, leading=10, alignment=TA_LEFT, textColor=BLACK,
                          bulletFontName=SANS, bulletFontSize=7)
    s = {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7, leading=8.6),
        "tiny": ParagraphStyle("tiny", parent=base, fontSize=6.3, leading=7.6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7, leading=8.4),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=SANS_BOLD, fontSize=7, leading=8.4),
        "head": ParagraphStyle("head", parent=base, fontName=SANS_BOLD, fontSize=7, leading=8.4),
        "title": ParagraphStyle("title", parent=base, fontName=SANS_BOLD, fontSize=13, leading=16, spaceAfter=2),
        "h1": ParagraphStyle("h1", parent=base, fontName=SANS_BOLD, fontSize=10.5, leading=13, spaceBefore=5, spaceAfter=2),
        "h2": ParagraphStyle("h2", parent=base, fontName=SANS_BOLD, fontSize=8.5, leading=10.5, spaceBefore=3, spaceAfter=1),
        "bed": ParagraphStyle("bed", parent=base, fontSize=7.5, leading=13),
        "banner": ParagraphStyle("banner", parent=base, fontName=SANS_BOLD, fontSize=10, leading=12.5),
        "mono": ParagraphStyle("mono", parent=base, fontName=MONO, fontSize=6.5, leading=8),
        "bullet": ParagraphStyle("bullet", parent=base, fontSize=7.3, leading=8.8, leftIndent=8, bulletIndent=0),
        "notice": ParagraphStyle("notice", parent=base, fontSize=7.5, leading=9.2),
    }
    return s


def table_style(*extra: tuple[Any, ...], header_rows: int = 1, font_size: float = 7, grid: bool = True) -> TableStyle:
    cmds: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), SANS, font_size, font_size * 1.2),
        *([("GRID", (0, 0), (-1, -1), 0.4, GRID)] if grid else []),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
    ]
    if header_rows:
        cmds += [
            ("FONT", (0, 0), (-1, header_rows - 1), SANS_BOLD, font_size, font_size * 1.2),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
        ]
    cmds += list(extra)
    return TableStyle(cmds)


# --------------------------------------------------------------------------------------------------
# words


def esc(text: object) -> str:
    return escape(str(text))


class CachedParagraph(Paragraph):  # type: ignore[misc]
    """A Paragraph that does not break its lines again when wrapped again at the same width.

    Tables wrap their cells once to measure and again to draw; the line breaks only depend on the
    width, so the second break is pure waste (it dominated the handover's build time).
    """

    _cx_width: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._cx_width == availWidth:
            return self.width, self.height
        result: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._cx_width = availWidth
        return result

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803
        self._cx_width = None
        parts: list[Any] = super().split(availWidth, availHeight)
        return parts


def P(text: str, style: str = "cell") -> Paragraph:
    """A paragraph from already-escaped markup."""
    return CachedParagraph(text, styles()[style])


def T(text: object, style: str = "cell") -> Paragraph:
    """A paragraph from plain text (escaped)."""
    return CachedParagraph(esc(text), styles()[style])


def grade_word(value: int | None) -> str:
    if value is None:
        return "not gradable"
    return GRADE_WORDS.get(value, "?")


def grade_text(value: int | None, complete: bool = True) -> str:
    """``Grade 3 (severe)``; a floor from incomplete data reads ``≥ Grade 2 (moderate)``."""
    if value is None:
        return "not gradable (missing data)"
    text = f"Grade {value} ({grade_word(value)})"
    if not complete and value < 4:
        text = "≥ " + text
    return text


def grade_of(g: Grade | None) -> str:
    if g is None:
        return "—"
    return grade_text(g.value, g.complete)


def grade_bg(value: int | None) -> Any:
    if value is None:
        return None
    return GRADE_BG.get(value)


def day_text(day: int | None) -> str:
    if day is None:
        return "—"
    return f"day {day}" if day >= 0 else f"day −{-day}"


def num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or float(value).is_integer():
        v = int(value)
        return f"{v:,}".replace(",", " ") if abs(v) >= 10000 else str(v)
    return f"{value:.{digits}f}"


def dt_text(t: datetime | date | None) -> str:
    if t is None:
        return "—"
    if isinstance(t, datetime):
        return t.strftime("%Y-%m-%d %H:%M")
    return t.isoformat()


def short_dt(t: datetime | None, ref: datetime | None = None) -> str:
    """``07:30`` on the reference day, ``03-04 07:30`` otherwise."""
    if t is None:
        return "—"
    if ref is not None and t.date() == ref.date():
        return t.strftime("%H:%M")
    return t.strftime("%m-%d %H:%M")


def drug_text(iv: Intervention) -> str:
    if iv.drug == "other" and iv.name:
        return iv.name
    return DRUG_LABELS.get(iv.drug, iv.drug)


def dose_text(iv: Intervention) -> str:
    return f"{num(iv.dose_mg)} mg" if iv.dose_mg is not None else "dose not recorded"


def lab_label(name: str) -> tuple[str, str]:
    return LAB_LABELS.get(name, (name, ""))


def clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def limited(items: Sequence[Any], limit: int) -> tuple[list[Any], int]:
    """The first items that fit and how many were left out (shown as "… N more")."""
    if len(items) <= limit:
        return list(items), 0
    return list(items[: limit - 1]), len(items) - (limit - 1)


def more_text(n: int) -> str:
    return f"… {n} more"


def age_text(p: PatientIdentity) -> str:
    parts = []
    if p.age_years is not None:
        parts.append(f"{int(p.age_years)} y")
    if p.sex:
        parts.append(p.sex)
    if p.weight_kg is not None:
        parts.append(f"{num(p.weight_kg)} kg")
    return " · ".join(parts)


def header_identity(p: PatientIdentity) -> str:
    """The identifiers printed in the page header: name, MRN, date of birth."""
    parts = [p.name, f"MRN {p.mrn}"]
    if p.date_of_birth is not None:
        parts.append(f"born {p.date_of_birth.isoformat()}")
    return " · ".join(parts)


def identity_line(p: PatientIdentity) -> str:
    parts = [p.name, f"MRN {p.mrn}"]
    if p.date_of_birth is not None:
        parts.append(f"born {p.date_of_birth.isoformat()}")
    extra = age_text(p)
    if extra:
        parts.append(extra)
    return " · ".join(parts)


def bullets(items: Iterable[str], style: str = "bullet") -> list[Paragraph]:
    return [CachedParagraph(text, styles()[style], bulletText="•") for text in items]


# --------------------------------------------------------------------------------------------------
# page chrome


class PatientMark(Flowable):  # type: ignore[misc]
    """Zero-size marker: the pages from here on belong to this patient (header identifiers)."""

    def __init__(self, line: str | None) -> None:
        super().__init__()
        self.line = line
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._cartox_patient = self.line


@functools.lru_cache(maxsize=512)
def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text, cut with "…" to fit the width (binary search on the length)."""
    if stringWidth(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid] + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


class SectionBar(Flowable):  # type: ignore[misc]
    """A section heading drawn straight on the canvas: a boxed letter, a bold title, a hint."""

    def __init__(self, letter: str, title: str, hint: str = "", height: float = 5.2 * mm) -> None:
        super().__init__()
        self.letter, self.title, self.hint = letter, title, hint
        self.height = height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        c = self.canv
        h = self.height
        c.saveState()
        c.setFillColor(BANNER_BG)
        c.rect(0, 0, 6.5 * mm, h, stroke=0, fill=1)
        c.setFillColor(BLACK)
        c.setLineWidth(0.8)
        c.line(0, 0, self.width, 0)
        c.setFont(SANS_BOLD, 10)
        c.drawCentredString(3.25 * mm, 1.4 * mm, self.letter)
        c.setFont(SANS_BOLD, 8.5)
        c.drawString(8.5 * mm, 1.5 * mm, self.title)
        tw = stringWidth(self.title, SANS_BOLD, 8.5)
        if self.hint:
            c.setFont(SANS, 6.5)
            c.drawString(8.5 * mm + tw + 2 * mm, 1.5 * mm,
                         _fit(self.hint, SANS, 6.5, self.width - 10.5 * mm - tw))
        c.restoreState()


def _draw_chrome(canv: Canvas, total: int, meta: DocumentMeta, title: str) -> None:
    w, h = canv._pagesize
    x0, x1 = MARGIN_X, w - MARGIN_X
    canv.saveState()
    canv.setFillColor(BLACK)
    canv.setStrokeColor(BLACK)
    # header: institution and ward | title; printed at / by; the patient's identifiers (full width)
    y = h - 10 * mm
    canv.setFont(SANS_BOLD, 10)
    rw = stringWidth(title, SANS_BOLD, 10)
    canv.drawRightString(x1, y, title)
    canv.drawString(x0, y, _fit(f"{meta.institution} — {meta.ward}", SANS_BOLD, 10, x1 - x0 - rw - 8 * mm))
    y -= 4.2 * mm
    canv.setFont(SANS, 7.5)
    printed = _fit(f"Printed {dt_text(meta.printed_at)} by {meta.printed_by}", SANS, 7.5, (x1 - x0) * 0.55)
    canv.drawRightString(x1, y, printed)
    if meta.protocol_name:
        canv.drawString(x0, y, _fit(f"Protocol file: {meta.protocol_name}", SANS, 7.5,
                                    x1 - x0 - stringWidth(printed, SANS, 7.5) - 6 * mm))
    patient = getattr(canv, "_cartox_patient", None)
    if patient:
        y -= 4.6 * mm
        canv.setFont(SANS_BOLD, 9)
        canv.drawString(x0, y, _fit(f"Patient: {patient}", SANS_BOLD, 9, x1 - x0))
    canv.setLineWidth(0.8)
    canv.line(x0, h - 21.5 * mm, x1, h - 21.5 * mm)
    # footer
    canv.setLineWidth(0.5)
    fy = MARGIN_BOTTOM - 4 * mm
    canv.line(x0, fy, x1, fy)
    page = f"Page {canv.getPageNumber()} of {total}"
    canv.setFont(SANS_BOLD, 9)
    canv.drawRightString(x1, fy - 4.2 * mm, page)
    pgw = stringWidth(page, SANS_BOLD, 9) + 5 * mm
    canv.setFont(SANS, 6.8)
    canv.drawString(x0, fy - 3.6 * mm, _fit(NOTICE[: NOTICE.index(". ") + 1], SANS, 6.8, x1 - x0 - pgw))
    second = NOTICE[NOTICE.index(". ") + 2 :]
    canv.drawString(x0, fy - 6.6 * mm, _fit(second, SANS, 6.8, x1 - x0 - pgw))
    rules = f"Grading rules: {meta.rules_version}"
    if meta.app_version:
        rules += f" · CARTOX Desktop {meta.app_version}"
    canv.drawString(x0, fy - 9.6 * mm, _fit(rules, SANS, 6.8, x1 - x0 - pgw))
    seq = f"#{meta.chain_head_seq} " if meta.chain_head_seq is not None else ""
    chain = f"Audit chain head {seq}SHA-256 "
    canv.drawString(x0, fy - 12.6 * mm, chain)
    cw = stringWidth(chain, SANS, 6.8)
    canv.setFont(MONO, 6.5)
    canv.drawString(x0 + cw, fy - 12.6 * mm, meta.chain_head_hash or "(empty chain)")
    canv.restoreState()


class _DeferredCanvas(Canvas):  # type: ignore[misc]
    """Keeps every page until ``save`` so that the chrome can say "Page N of M"."""

    def __init__(self, *args: Any, chrome: Callable[[Canvas, int], None], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._cartox_chrome = chrome
        self._cartox_pages: list[dict[str, Any]] = []
        self._cartox_patient: str | None = None  # set by PatientMark; part of every page's saved state

    def showPage(self) -> None:  # noqa: N802 (ReportLab API)
        self._cartox_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._cartox_pages)
        for state in self._cartox_pages:
            self.__dict__.update(state)
            self._cartox_chrome(self, total)
            Canvas.showPage(self)
        Canvas.save(self)


def render(
    flowables: list[Flowable],
    meta: DocumentMeta,
    title: str,
    subject: str,
    page_templates: Sequence[Any] | None = None,
) -> bytes:
    """Build the document into bytes; the same data and ``meta.printed_at`` give the same bytes."""
    from reportlab.platypus import Frame, PageTemplate

    register_fonts()
    # Streams are zlib-compressed binary; ASCII85 on top only costs time (pure Python in ReportLab 4+).
    rl_config.useA85 = 0
    # Invariant everywhere, not only in the document: reportlab.graphics orders its state changes
    # differently under the global flag, so the bytes would depend on the RL_invariant variable.
    rl_config.invariant = 1
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=PAGE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{title} — {meta.institution}, {meta.ward}",
        author=meta.printed_by,
        subject=subject,
        creator=f"CARTOX Desktop {meta.app_version}".strip(),
        producer="CARTOX Desktop (ReportLab)",
        invariant=1,
        initialFontName=SANS,
        initialFontSize=8,
        initialLeading=10,
        lang="en",
    )
    if page_templates is None:
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, PAGE[0] - 2 * MARGIN_X, PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        page_templates = [PageTemplate(id="portrait", frames=[frame], pagesize=PAGE)]
    doc.addPageTemplates(list(page_templates))
    chrome = functools.partial(_draw_chrome, meta=meta, title=title)
    doc.build(flowables, canvasmaker=functools.partial(_DeferredCanvas, chrome=lambda c, n: chrome(c, n)))
    return buf.getvalue()


def body_frame_size(pagesize: tuple[float, float] = PAGE) -> tuple[float, float]:
    return pagesize[0] - 2 * MARGIN_X, pagesize[1] - MARGIN_TOP - MARGIN_BOTTOM
