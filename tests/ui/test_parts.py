"""The parts on their own: board model, timeline plot, idle timer, operations, drafts, layout."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cartox_desktop.qt.board import COL, BoardPage
from cartox_desktop.qt.data import BoardRow, ChartData, Marker
from cartox_desktop.qt.drafts import DraftStore
from cartox_desktop.qt.idle import InactivityTimer
from cartox_desktop.qt.ops import Op, Runner
from cartox_desktop.qt.qt import QColor, QImage, Qt
from cartox_desktop.qt.timeline import TimelineWidget

NOW = datetime(2026, 3, 5, 14, 0)


def _rows() -> list[BoardRow]:
    return [
        BoardRow(1, "3", "Anna A", "M1", "axi-cel", 4, crs_now=3, crs_max=3, icans_now=0, icans_max=1, crs_prev=1,
                 icans_prev=0, last_time=NOW - timedelta(hours=1), last_ice_score=10,
                 last_ice_time=NOW - timedelta(hours=1), next_ice_due=NOW + timedelta(hours=1), ice_every_h=2,
                 toci_24h=1, toci_total=1, alerts=("IEC-HS screening criteria met on day 4",)),
        BoardRow(2, "12", "Bert B", "M2", "tisa-cel", 9, crs_now=0, crs_max=2, icans_now=2, icans_max=2, crs_prev=0,
                 icans_prev=3, last_time=NOW - timedelta(hours=9), last_ice_kind="CAPD", last_ice_score=6,
                 last_ice_time=NOW - timedelta(hours=9), next_ice_due=NOW - timedelta(hours=1), ice_every_h=8,
                 ice_overdue=True),
        BoardRow(3, "1", "Cleo C", "M3", "liso-cel", 1),
    ]


def test_board_shows_grades_as_words_with_colour_sorts_and_filters(qtbot: Any) -> None:
    page = BoardPage()
    qtbot.addWidget(page)
    page.set_rows(_rows(), NOW)
    m = page.model
    assert m.index(0, COL["crs_now"]).data() == "G3 severe"
    bg = m.index(0, COL["crs_now"]).data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(bg, QColor) and bg != m.index(1, COL["crs_now"]).data(Qt.ItemDataRole.BackgroundRole)
    assert m.index(0, COL["trend"]).data() == "▲ CRS 1→3"
    assert m.index(1, COL["trend"]).data() == "▼ ICANS 3→2"
    assert m.index(1, COL["next_ice"]).data() == "⚠ OVERDUE 13:00"
    assert m.index(1, COL["next_ice"]).data(Qt.ItemDataRole.FontRole).bold()
    assert m.index(1, COL["last_ice"]).data() == "CAPD 6  05:00"
    assert m.index(0, COL["toci"]).data() == "1 / 1"
    assert m.index(0, COL["alerts"]).data().startswith("⚠ IEC-HS")
    assert m.index(2, COL["crs_now"]).data() == "no assessment"
    # sorting: beds numerically, then by the current CRS grade (numeric sort role)
    proxy = page.proxy
    assert [proxy.index(r, COL["bed"]).data() for r in range(3)] == ["1", "3", "12"]
    page.table.sortByColumn(COL["crs_now"], Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, COL["name"]).data() == "Anna A"
    page.table.sortByColumn(COL["next_ice"], Qt.SortOrder.AscendingOrder)
    assert proxy.index(0, COL["name"]).data() == "Bert B"  # overdue first
    page.filter_edit.setText("tisa")
    assert proxy.rowCount() == 1
    page.filter_edit.clear()
    page.attention.setChecked(True)
    assert {proxy.index(r, COL["mrn"]).data() for r in range(proxy.rowCount())} == {"M1", "M2"}


def test_board_enter_and_double_click_open_the_patient(qtbot: Any) -> None:
    page = BoardPage()
    qtbot.addWidget(page)
    page.set_rows(_rows(), NOW)
    page.show()
    opened: list[int] = []
    page.open_patient.connect(opened.append)
    assert page.select_patient(2)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    idx = page.proxy.index(0, COL["name"])
    rect = page.table.visualRect(idx)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [2, page.proxy.index(0, 0).data(Qt.ItemDataRole.UserRole + 2)]


def test_board_refresh_keeps_the_selection(qtbot: Any) -> None:
    page = BoardPage()
    qtbot.addWidget(page)
    page.set_rows(_rows(), NOW)
    page.select_patient(2)
    page.set_rows(list(reversed(_rows())), NOW)
    assert page.table.current_patient_id() == 2


def test_timeline_paints_every_lane_and_marks_interventions(qtbot: Any) -> None:
    w = TimelineWidget()
    qtbot.addWidget(w)
    w.resize(900, 320)
    data = ChartData(date(2026, 3, 1), 0.0, 6.0,
                     temperature=[(1.3, 37.0), (2.3, 39.1), (3.3, 38.2)], sbp=[(1.3, 120), (2.3, 84)],
                     oxygen=[(1.3, 0), (2.3, 1), (3.3, 2)], ice=[(1.3, 10), (3.3, 7)],
                     crs=[(1.3, 0), (2.3, 2), (3.3, 3)], icans=[(1.3, 0), (3.3, 1)],
                     markers=[Marker(2.5, "T", "tocilizumab 656 mg", "tocilizumab")])
    w.set_data(data)
    w.show()
    img = QImage(w.size(), QImage.Format.Format_ARGB32)
    w.render(img)
    colours = {img.pixelColor(x, y).name() for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert len(colours) > 8  # lines, grade bands, markers were drawn
    assert w._marker_rects and "tocilizumab" in w._marker_rects[0][1]
    assert any("grade 3" in text for _, text in w._point_tips)


def test_idle_timer_fires_once_and_activity_postpones_it(qtbot: Any) -> None:
    from cartox_desktop.qt.qt import QLineEdit

    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    timer = InactivityTimer()
    timer.set_timeout_ms(400)
    fired: list[float] = []
    timer.inactivity_detected.connect(lambda: fired.append(1))
    timer.activate()
    for _ in range(5):  # typing keeps it awake
        qtbot.wait(150)
        qtbot.keyClick(edit, Qt.Key.Key_A)
    assert not fired
    with qtbot.waitSignal(timer.inactivity_detected, timeout=2000):
        pass
    qtbot.wait(600)
    assert len(fired) == 1 and not timer.is_active()


def test_operations_run_off_the_ui_thread_and_report_back(qtbot: Any) -> None:
    import threading

    runner = Runner()
    seen: dict[str, Any] = {}

    def work() -> str:
        seen["thread"] = threading.current_thread().name
        return "done"

    Op(runner, work).success(lambda r: seen.setdefault("result", (r, threading.current_thread().name))).run()

    def boom() -> None:
        raise ValueError("refused")

    Op(runner, boom).failure(lambda e: seen.setdefault("error", str(e))).run()
    assert runner.wait_idle(5)
    assert seen["thread"].startswith("cartox-db")
    assert seen["result"] == ("done", threading.main_thread().name)
    assert seen["error"] == "refused"
    runner.shutdown()


def test_drafts_round_trip_per_user_and_survive_partial_writes(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save("db", "anna", 7, {"state": {"temperature_c": {"text": "38.2", "unit": "C"}}}, label="Zoë (M1)")
    (tmp_path / ".draft-junk").write_text("{half")  # an interrupted write elsewhere is ignored
    (tmp_path / "broken.json").write_text("{not json")
    got = store.load("db", "anna", 7)
    assert got is not None and got.fields["state"]["temperature_c"]["text"] == "38.2" and got.label == "Zoë (M1)"
    assert store.load("db", "bert", 7) is None
    assert [d.patient_id for d in store.all_for("db", "anna")] == [7]
    store.discard("db", "anna", 7)
    assert store.all_for("db", "anna") == []


@pytest.mark.parametrize("scale", [1.0, 1.25])
def test_layout_holds_at_1366x768(app: Any, scale: float) -> None:
    from cartox_desktop.qt.qt import QApplication, QFont

    from .conftest import ADULT_MRN

    old = QApplication.font()
    if scale != 1.0:
        f = QFont(old)
        f.setPointSizeF(f.pointSizeF() * scale)
        QApplication.setFont(f)
    try:
        win = app.win
        app.open_patient_from_board(ADULT_MRN)
        win.new_assessment()
        for page in (win.board, win.chart, win.assessment, win.audit):
            win.stack.setCurrentWidget(page)
            hint = win.minimumSizeHint()
            assert hint.width() <= 1366 and hint.height() <= 768, (page, hint)
        form = win.assessment.form
        for i in range(form.tabs.count()):
            form.tabs.setCurrentIndex(i)
            area = form.tabs.currentWidget()
            assert area.widget().minimumSizeHint().width() <= 1366 - 330, (i, area.widget().minimumSizeHint())
    finally:
        QApplication.setFont(old)
