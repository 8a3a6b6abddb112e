"""The patient timeline plot, painted with QPainter (no QtCharts: not in pyside6-essentials).

Lanes share one axis of days after infusion: temperature (38 °C fever line), systolic pressure
(90 mmHg line), oxygen support (step), ICE or CAPD score, and the CRS and ICANS grades as bars
carrying their number (never colour alone). Interventions are vertical markers with a letter
(T tocilizumab, S steroid, A anakinra) and a tooltip. Sizes follow the font, so high-DPI and
font scaling keep the proportions.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data import OXYGEN_LEVEL_WORDS, ChartData
from .qt import QColor, QFont, QHelpEvent, QPainter, QPen, QPointF, QRectF, QSize, Qt, QToolTip, QWidget
from .theme import GRADE_BG, GRADE_FG

MARKER_COLORS = {"tocilizumab": "#1565c0", "steroid": "#6a1b9a", "anakinra": "#00695c", "other": "#546e7a"}


@dataclass
class Lane:
    key: str
    title: str
    lo: float
    hi: float
    weight: float = 1.0
    ref: float | None = None
    ref_text: str = ""


LANES = (
    Lane("temperature", "Temp °C", 35.0, 41.0, 1.2, 38.0, "38 °C"),
    Lane("sbp", "SBP mmHg", 50.0, 180.0, 1.0, 90.0, "90"),
    Lane("oxygen", "O₂ support", -0.3, 4.3, 0.8),
    Lane("ice", "ICE /10", -0.5, 10.5, 0.9, 7.0, ""),
    Lane("crs", "CRS grade", 0, 4, 0.6),
    Lane("icans", "ICANS grade", 0, 4, 0.6),
)


class TimelineWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: ChartData | None = None
        self.setMouseTracking(True)
        self.setMinimumHeight(220)
        self.setAccessibleName("Patient timeline plot")
        self._marker_rects: list[tuple[QRectF, str]] = []
        self._point_tips: list[tuple[QPointF, str]] = []

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(900, 300)

    def set_data(self, data: ChartData | None) -> None:
        self.data = data
        if data is not None:
            summary = (f"{len(data.temperature)} temperatures, {len(data.markers)} interventions, "
                       f"days {data.first_day:g} to {data.last_day:g}")
            self.setAccessibleDescription(summary)
        self.update()

    # ---- geometry -----------------------------------------------------------------------------
    def _plot_rect(self) -> QRectF:
        fm = self.fontMetrics()
        left = fm.horizontalAdvance("ICANS grade ") + 30
        top = fm.height() * 2.9
        return QRectF(left, top, max(10.0, self.width() - left - 12),
                      max(10.0, self.height() - top - fm.height() * 2.3))

    def _x(self, day: float, r: QRectF) -> float:
        d = self.data
        assert d is not None
        span = max(1e-6, d.last_day - d.first_day)
        return r.left() + (day - d.first_day) / span * r.width()

    def paintEvent(self, event: object) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.base())
        self._marker_rects = []
        self._point_tips = []
        d = self.data
        fm = self.fontMetrics()
        if d is None:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No data yet")
            return
        r = self._plot_rect()
        lanes = [ln if ln.key != "ice" else Lane("ice", f"{d.ice_label} score", -0.5,
                                                     (32.5 if d.ice_label == "CAPD" else 10.5), 0.9,
                                                     (9.0 if d.ice_label == "CAPD" else 7.0)) for ln in LANES]
        total = sum(ln.weight for ln in lanes)
        gap = 4.0
        y = r.top()
        grid = QPen(QColor("#cfd8dc"))
        grid.setWidthF(1.0)
        text_pen = QPen(pal.text().color())
        # day grid and axis labels
        first, last = int(d.first_day), int(d.last_day)
        step = 1 if last - first <= 16 else (2 if last - first <= 32 else 5)
        p.setPen(grid)
        for day in range(first, last + 1):
            x = self._x(day, r)
            p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
            if (day - first) % step == 0:
                p.setPen(text_pen)
                p.drawText(QRectF(x - 30, r.bottom() + 2, 60, fm.height()), Qt.AlignmentFlag.AlignHCenter,
                           f"D{day}")
                p.setPen(grid)
        p.setPen(text_pen)
        p.drawText(QRectF(r.left(), r.bottom() + fm.height(), r.width(), fm.height() + 2),
                   Qt.AlignmentFlag.AlignHCenter, "days after infusion (D0 = infusion)")
        for lane in lanes:
            h = (r.height() - gap * (len(lanes) - 1)) * lane.weight / total
            box = QRectF(r.left(), y, r.width(), h)
            self._paint_lane(p, lane, box, d)
            y += h + gap
        # intervention markers across every lane
        placed: list[tuple[float, int]] = []
        for m in sorted(d.markers, key=lambda m: m.day):
            x = self._x(m.day, r)
            row = 0
            while any(abs(px - x) < fm.height() * 1.3 and prow == row for px, prow in placed):
                row = (row + 1) % 2
                if row == 0:
                    break
            placed.append((x, row))
            color = QColor(MARKER_COLORS.get(m.kind, "#546e7a"))
            pen = QPen(color)
            pen.setWidthF(1.5)
            pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
            tag = QRectF(x - fm.height() * 0.6, r.top() - fm.height() * (1.35 + 1.3 * row), fm.height() * 1.2,
                         fm.height() * 1.2)
            p.setBrush(color)
            p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(tag, 3, 3)
            p.setPen(QPen(QColor("white")))
            p.drawText(tag, Qt.AlignmentFlag.AlignCenter, m.short)
            self._marker_rects.append((tag.adjusted(-2, -2, 2, r.height()), m.text))
        p.setBrush(Qt.BrushStyle.NoBrush)
        legend = "Markers: T tocilizumab · S steroid · A anakinra · letter: other drug"
        p.setPen(text_pen)
        f = QFont(self.font())
        f.setPointSizeF(max(6.0, f.pointSizeF() * 0.85))
        p.setFont(f)
        p.drawText(QRectF(4, r.bottom() + fm.height(), r.left() + r.width() / 2 - 160, fm.height() + 2),
                   Qt.AlignmentFlag.AlignLeft, legend)
        p.end()

    def _paint_lane(self, p: QPainter, lane: Lane, box: QRectF, d: ChartData) -> None:
        pal = self.palette()
        fm = self.fontMetrics()
        p.setPen(QPen(QColor("#b0bec5")))
        p.drawRect(box)
        p.setPen(QPen(pal.text().color()))
        p.drawText(QRectF(0, box.top(), box.left() - 6, box.height()),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, lane.title)

        def yv(v: float) -> float:
            return box.bottom() - (min(max(v, lane.lo), lane.hi) - lane.lo) / (lane.hi - lane.lo) * box.height()

        if lane.ref is not None:
            pen = QPen(QColor("#e57373"))
            pen.setStyle(Qt.PenStyle.DotLine)
            p.setPen(pen)
            p.drawLine(QPointF(box.left(), yv(lane.ref)), QPointF(box.right(), yv(lane.ref)))
            if lane.ref_text:
                p.drawText(QPointF(box.right() - fm.horizontalAdvance(lane.ref_text) - 2, yv(lane.ref) - 2),
                           lane.ref_text)
        if lane.key in ("crs", "icans"):
            series = d.crs if lane.key == "crs" else d.icans
            for i, (day, grade) in enumerate(series):
                nxt = series[i + 1][0] if i + 1 < len(series) else min(d.last_day, day + 0.25)
                x0, x1 = self._x(day, box), self._x(nxt, box)
                rect = QRectF(x0, box.top() + 1, max(1.5, x1 - x0), box.height() - 2)
                if grade is None:
                    continue
                p.fillRect(rect, QColor(GRADE_BG.get(grade, "#eeeeee")))
                if grade > 0 and rect.width() > fm.horizontalAdvance("4") + 2:
                    p.setPen(QPen(QColor(GRADE_FG.get(grade, "#000"))))
                    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(grade))
                self._point_tips.append((QPointF(x0 + 1, box.center().y()),
                                         f"{lane.title.split()[0]} grade {grade} (D{day:.2f})"))
            return
        if lane.key == "temperature":
            pts = d.temperature
            color = QColor("#c62828")
        elif lane.key == "sbp":
            pts = d.sbp
            color = QColor("#283593")
        elif lane.key == "ice":
            pts = [(a, float(b)) for a, b in d.ice]
            color = QColor("#2e7d32")
        else:
            pts = [(a, float(b)) for a, b in d.oxygen]
            color = QColor("#00838f")
            p.setPen(QPen(QColor("#78909c")))
            small = QFont(self.font())
            small.setPointSizeF(max(6.0, small.pointSizeF() * 0.75))
            p.setFont(small)
            sfm = p.fontMetrics()
            top_word, low_word = "↑ " + OXYGEN_LEVEL_WORDS[4], "↓ " + OXYGEN_LEVEL_WORDS[0]
            p.drawText(QPointF(box.right() - sfm.horizontalAdvance(top_word) - 3, box.top() + sfm.ascent()), top_word)
            p.drawText(QPointF(box.right() - sfm.horizontalAdvance(low_word) - 3, box.bottom() - 2), low_word)
            p.setFont(self.font())
        if not pts:
            p.setPen(QPen(QColor("#90a4ae")))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, "not recorded")
            return
        pen = QPen(color)
        pen.setWidthF(1.6)
        p.setPen(pen)
        step = lane.key == "oxygen"
        for (d0, v0), (d1, v1) in zip(pts, pts[1:], strict=False):
            a = QPointF(self._x(d0, box), yv(v0))
            b = QPointF(self._x(d1, box), yv(v1))
            if step:
                mid = QPointF(b.x(), a.y())
                p.drawLine(a, mid)
                p.drawLine(mid, b)
            else:
                p.drawLine(a, b)
        p.setBrush(color)
        radius = max(2.0, fm.height() / 6)
        for day, v in pts:
            pt = QPointF(self._x(day, box), yv(v))
            p.drawEllipse(pt, radius, radius)
            word = OXYGEN_LEVEL_WORDS[int(v)] if step else f"{v:g}"
            self._point_tips.append((pt, f"{lane.title}: {word} (D{int(day)} {_hm(day)})"))
        p.setBrush(Qt.BrushStyle.NoBrush)

    def event(self, ev: object) -> bool:
        if isinstance(ev, QHelpEvent):
            pos = QPointF(ev.pos())
            for rect, text in self._marker_rects:
                if rect.contains(pos):
                    QToolTip.showText(ev.globalPos(), text, self)
                    return True
            best = None
            for pt, text in self._point_tips:
                dist = abs(pt.x() - pos.x()) + abs(pt.y() - pos.y())
                if dist < 12 and (best is None or dist < best[0]):
                    best = (dist, text)
            if best:
                QToolTip.showText(ev.globalPos(), best[1], self)
            else:
                QToolTip.hideText()
            return True
        return super().event(ev)  # type: ignore[arg-type]


def _hm(day: float) -> str:
    minutes = round((day - int(day)) * 1440)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
