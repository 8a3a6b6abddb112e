"""The 72-hour trend chart of the handover (reportlab.graphics), readable in black and white.

Four stacked panels share the time axis: temperature, systolic pressure, oxygen support, ICE.
Every label is set in the embedded DejaVu font (ReportLab's chart default would be Helvetica).
Reference lines (38 °C, 90 mmHg, ICE 10) are dashed; each series has its own marker shape.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Path, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.platypus import Flowable

from .fonts import SANS, SANS_BOLD
from .models import VitalPoint

# ASTCT hypoxia tiers, as oxygen support levels of the chart.
O2_LEVEL_LABELS = ("room air", "low-flow", "high-flow", "CPAP/vent")
_HIGH_FLOW_DEVICES = {"high_flow_nasal_cannula", "simple_face_mask", "venturi_mask", "non_rebreather_mask"}
_POSITIVE_PRESSURE = {"cpap", "bipap", "mechanical_ventilation"}

O2_DEVICE_WORDS = {
    "room_air": "room air",
    "blow_by": "blow-by",
    "nasal_cannula": "nasal cannula",
    "high_flow_nasal_cannula": "high-flow nasal cannula",
    "simple_face_mask": "face mask",
    "venturi_mask": "Venturi mask",
    "non_rebreather_mask": "non-rebreather",
    "cpap": "CPAP",
    "bipap": "BiPAP",
    "mechanical_ventilation": "mechanical ventilation",
}

_MARKERS = {
    "circle": [(1.5 * math.cos(a * math.pi / 4 + math.pi / 8), 1.5 * math.sin(a * math.pi / 4 + math.pi / 8))
               for a in range(8)],
    "square": [(-1.3, -1.3), (1.3, -1.3), (1.3, 1.3), (-1.3, 1.3)],
    "diamond": [(0, -1.9), (1.9, 0), (0, 1.9), (-1.9, 0)],
}

GREY = colors.Color(0.55, 0.55, 0.55)
LIGHT = colors.Color(0.82, 0.82, 0.82)
FILL = colors.Color(0.86, 0.86, 0.86)


def oxygen_level(device: str | None, flow: float | None) -> int | None:
    """0 room air, 1 low-flow (≤ 6 L/min cannula, blow-by), 2 high-flow / mask, 3 CPAP/BiPAP/ventilation."""
    if device is None:
        return None
    if device == "room_air":
        return 0
    if device in _POSITIVE_PRESSURE:
        return 3
    if device in _HIGH_FLOW_DEVICES:
        return 2
    if device == "nasal_cannula":
        return 2 if flow is not None and flow > 6 else 1
    if device == "blow_by":
        return 1
    return None


def _day_label(t: datetime, infusion: date) -> str:
    d = (t.date() - infusion).days
    sign = "−" if d < 0 else ""
    return f"D{sign}{abs(d)} {t:%H:%M}"


def trend_chart(
    points: Sequence[VitalPoint],
    as_of: datetime,
    infusion_date: date,
    width: float,
    height: float,
    hours: int = 72,
) -> Drawing:
    start = as_of - timedelta(hours=hours)
    pts = sorted((p for p in points if start <= p.time <= as_of), key=lambda p: p.time)
    d = Drawing(width, height, initialFontName=SANS, initialFontSize=6)  # never Helvetica (not embedded)
    left, right, bottom, top = 66.0, 10.0, 12.0, 3.0
    plot_w = width - left - right
    gap = 4.0
    n_panels = 4
    panel_h = (height - bottom - top - gap * (n_panels - 1)) / n_panels
    span = (as_of - start).total_seconds()

    def x_of(t: datetime) -> float:
        return left + plot_w * (t - start).total_seconds() / span

    # time grid: every 12 h, bold at midnight, labels at the bottom
    first = start.replace(minute=0, second=0, microsecond=0)
    first += timedelta(hours=(12 - first.hour % 12) % 12)
    if first < start:
        first += timedelta(hours=12)
    ticks = []
    t = first
    while t <= as_of:
        ticks.append(t)
        t += timedelta(hours=12)

    # one path each for all grid lines and ticks: far fewer drawing nodes than a Line apiece
    midnight = Path(strokeColor=LIGHT, strokeWidth=0.8, fillColor=None)
    noon = Path(strokeColor=LIGHT, strokeWidth=0.5, fillColor=None, strokeDashArray=[1, 2])
    tick_marks = Path(strokeColor=GREY, strokeWidth=0.5, fillColor=None)
    d.add(midnight)
    d.add(noon)
    d.add(tick_marks)

    def panel(
        index: int,
        title: str,
        unit: str,
        lo: float,
        hi: float,
        yticks: Sequence[float],
        ylabel: Callable[[float], str],
        ref: float | None,
    ) -> Callable[[float], float]:
        y0 = bottom + (n_panels - 1 - index) * (panel_h + gap)

        def y_of(v: float) -> float:
            v = min(max(v, lo), hi)
            return y0 + panel_h * (v - lo) / (hi - lo)

        d.add(Rect(left, y0, plot_w, panel_h, strokeColor=GREY, strokeWidth=0.5, fillColor=None))
        for tk in ticks:
            x = x_of(tk)
            path = midnight if tk.hour == 0 else noon
            path.moveTo(x, y0)
            path.lineTo(x, y0 + panel_h)
        for yv in yticks:
            tick_marks.moveTo(left - 2, y_of(yv))
            tick_marks.lineTo(left, y_of(yv))
            d.add(String(left - 3, y_of(yv) - 2, ylabel(yv), fontName=SANS, fontSize=5.6, textAnchor="end"))
        if ref is not None:
            d.add(Line(left, y_of(ref), left + plot_w, y_of(ref), strokeColor=colors.black, strokeWidth=0.5,
                       strokeDashArray=[3, 2]))
        d.add(String(1, y0 + panel_h / 2 + 1, title, fontName=SANS_BOLD, fontSize=6.3))
        d.add(String(1, y0 + panel_h / 2 - 6, unit, fontName=SANS, fontSize=5.6))
        return y_of

    def series(values: list[tuple[datetime, float]], y_of: Callable[[float], float], marker: str,
               dash: list[float] | None = None, labels: bool = False) -> None:
        if not values:
            return
        coords: list[float] = []
        for tv, v in values:
            coords += [x_of(tv), y_of(v)]
        if len(values) > 1:
            d.add(PolyLine(coords, strokeColor=colors.black, strokeWidth=0.9, strokeDashArray=dash))
        # all markers of a series in one path: filled octagons (temperature), open squares (pressure),
        # filled diamonds (ICE) — distinguishable without colour
        if marker == "square":
            marks = Path(fillColor=colors.white, strokeColor=colors.black, strokeWidth=0.6)
        else:
            marks = Path(fillColor=colors.black, strokeColor=None)
        shape = _MARKERS[marker]
        for i in range(0, len(coords), 2):
            x, y = coords[i], coords[i + 1]
            marks.moveTo(x + shape[0][0], y + shape[0][1])
            for dx, dy in shape[1:]:
                marks.lineTo(x + dx, y + dy)
            marks.closePath()
        d.add(marks)

    # temperature
    temps = [(p.time, p.temperature_c) for p in pts if p.temperature_c is not None]
    tv = [v for _, v in temps]
    lo, hi = min([35.5, *tv]), max([40.5, *tv])
    y_t = panel(0, "Temp", "°C", lo, hi, [36, 38, 40], lambda v: f"{v:.0f}", 38.0)
    series([(a, float(b)) for a, b in temps], y_t, "circle")

    # systolic pressure; points on vasopressors are labelled "V"
    sbps = [(p.time, p.systolic_bp_mmhg) for p in pts if p.systolic_bp_mmhg is not None]
    sv = [v for _, v in sbps]
    lo, hi = min([60.0, *sv]), max([160.0, *sv])
    y_s = panel(1, "Systolic", "mmHg", lo, hi, [60, 90, 120, 150], lambda v: f"{v:.0f}", 90.0)
    series([(a, float(b)) for a, b in sbps], y_s, "square", dash=None)
    for p in pts:
        if p.vasopressors and p.systolic_bp_mmhg is not None:
            d.add(String(x_of(p.time), y_s(p.systolic_bp_mmhg) + 2.5, "V", fontName=SANS_BOLD, fontSize=5.5,
                         textAnchor="middle"))

    # oxygen support: step line with a grey band under it
    o2 = [(p.time, oxygen_level(p.o2_device, p.o2_flow_l_min)) for p in pts]
    o2v = [(a, b) for a, b in o2 if b is not None]
    y_o = panel(2, "Oxygen", "support", 0, 3.3, [0, 1, 2, 3], lambda v: O2_LEVEL_LABELS[int(v)], None)
    if o2v:
        step: list[float] = []
        for i, (tt, lv) in enumerate(o2v):
            x = x_of(tt)
            nxt = x_of(o2v[i + 1][0]) if i + 1 < len(o2v) else x_of(as_of)
            step += [x, y_o(lv), nxt, y_o(lv)]
        base = y_o(0)
        poly = [step[0], base, *step, step[-2], base]
        d.add(Polygon(poly, fillColor=FILL, strokeColor=None))
        d.add(PolyLine(step, strokeColor=colors.black, strokeWidth=1.0))

    # ICE 0–10 with the value printed beside each point; "n/p" when ICE was not possible
    y_i = panel(3, "ICE", "/10", 0, 10.9, [0, 3, 7, 10], lambda v: f"{v:.0f}", 10.0)
    ices = [(p.time, float(p.ice_score)) for p in pts if p.ice_score is not None]
    series(ices, y_i, "diamond", dash=[2, 1])
    for p in pts:
        if p.ice_score is not None and p.ice_score < 10:
            # below the point when high (clear of the ICE 10 line), above when low; left of it at the right edge
            x = x_of(p.time)
            y = y_i(p.ice_score) + (-6.5 if p.ice_score >= 5 else 2.5)
            anchor = "end" if x > left + plot_w - 8 else "start"
            d.add(String(x - 2 if anchor == "end" else x + 2, y, str(p.ice_score), fontName=SANS, fontSize=5.2,
                         textAnchor=anchor))
        if p.ice_not_possible:
            d.add(String(x_of(p.time), y_i(0) + 1.5, "n/p", fontName=SANS_BOLD, fontSize=5.2, textAnchor="middle"))

    # time axis labels
    for tk in ticks:
        d.add(String(x_of(tk), 3.5, _day_label(tk, infusion_date), fontName=SANS, fontSize=5.6, textAnchor="middle"))
    if not pts:
        d.add(String(left + plot_w / 2, bottom + (height - bottom) / 2, "no observations in the last 72 h",
                     fontName=SANS_BOLD, fontSize=8, textAnchor="middle"))
    return d


class DrawingFlowable(Flowable):  # type: ignore[misc]
    """Places a Drawing made of plain shapes, rendered straight onto the canvas.

    ``renderPDF`` keeps a full graphics-state stack per node, which made the 40 charts of a ward
    handover a third of its build time. The charts here use only Rect, Line, PolyLine, Polygon,
    Path and String, and this renderer emits exactly the same marks for them; any other node
    makes it fall back to ``renderPDF`` for the whole drawing.
    """

    _SIMPLE = (Rect, Line, PolyLine, Polygon, Path, String)

    def __init__(self, drawing: Drawing) -> None:
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        nodes = self.drawing.contents
        if not all(type(n) in self._SIMPLE for n in nodes):
            renderPDF.draw(self.drawing, self.canv, 0, 0)
            return
        c = self.canv
        c.saveState()
        for n in nodes:
            if isinstance(n, String):
                c.setFillColor(n.fillColor or colors.black)
                c.setFont(n.fontName, n.fontSize)
                if n.textAnchor == "end":
                    c.drawRightString(n.x, n.y, n.text)
                elif n.textAnchor == "middle":
                    c.drawCentredString(n.x, n.y, n.text)
                else:
                    c.drawString(n.x, n.y, n.text)
                continue
            stroke = n.strokeColor is not None and (n.strokeWidth or 0) > 0
            fill = getattr(n, "fillColor", None) is not None and not isinstance(n, (Line, PolyLine))
            if not stroke and not fill:
                continue
            if stroke:
                c.setStrokeColor(n.strokeColor)
                c.setLineWidth(n.strokeWidth)
                c.setDash(n.strokeDashArray or [])
            if fill:
                c.setFillColor(n.fillColor)
            if isinstance(n, Rect):
                c.rect(n.x, n.y, n.width, n.height, stroke=int(stroke), fill=int(fill))
            elif isinstance(n, Line):
                c.line(n.x1, n.y1, n.x2, n.y2)
            else:
                p = c.beginPath()
                if isinstance(n, Path):
                    _replay_path(p, n)
                else:
                    pts = n.points
                    p.moveTo(pts[0], pts[1])
                    for i in range(2, len(pts), 2):
                        p.lineTo(pts[i], pts[i + 1])
                    if isinstance(n, Polygon):
                        p.close()
                c.drawPath(p, stroke=int(stroke), fill=int(fill))
        c.restoreState()


def _replay_path(p, path: Path) -> None:  # type: ignore[no-untyped-def]
    pts = path.points
    i = 0
    for op in path.operators:
        if op == 0:
            p.moveTo(pts[i], pts[i + 1])
            i += 2
        elif op == 1:
            p.lineTo(pts[i], pts[i + 1])
            i += 2
        elif op == 2:
            p.curveTo(*pts[i:i + 6])
            i += 6
        else:
            p.close()
