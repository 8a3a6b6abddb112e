"""Item-by-item guides for the ICE (10 points) and the CAPD (8 items, 0–4 each).

The nurse sees one item at a time: what to ask, the patient's expected (baseline) answer, and
one button per answer with its points. A key press answers and moves on: ICE keys are the
points (0/1, naming 0–3); CAPD keys 1–5 are Never … Always, whose points the guide works out
(items 1–4 reverse-scored, Traube 2014). The strip on top shows every item and jumps to it.
"""

from __future__ import annotations

from ..qt import (
    QButtonGroup,
    QEvent,
    QFrame,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QObject,
    QPushButton,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ..theme import ERROR_FG
from .spec import GuideItem


class GuidedScale(QWidget):
    changed = Signal()

    def __init__(self, name: str, items: tuple[GuideItem, ...], keys: str = "points",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.items = list(items)
        self.keys = keys  # "points" (ICE) or "position" (CAPD: 1..5)
        self.scores: dict[str, int | None] = {it.key: None for it in items}
        self.index = 0
        self.errors: dict[str, list[str]] = {}
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(f"{name} guide")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        strip = QHBoxLayout()
        strip.setSpacing(3)
        self.step_buttons: list[QToolButton] = []
        for i, _it in enumerate(items):
            b = QToolButton()
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the strip is for the mouse; keys answer items
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setMinimumWidth(70)
            b.clicked.connect(lambda _=False, i=i: self.go(i))
            strip.addWidget(b)
            self.step_buttons.append(b)
        strip.addStretch(1)
        outer.addLayout(strip)

        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setObjectName("guideCard")
        card.setStyleSheet("#guideCard { background: palette(base); }")
        cl = QVBoxLayout(card)
        self.title = QLabel()
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.25)
        f.setBold(True)
        self.title.setFont(f)
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.expected = QLabel()
        self.expected.setWordWrap(True)
        self.expected.setStyleSheet("color:#0d47a1;")
        self.item_error = QLabel()
        self.item_error.setStyleSheet(f"color:{ERROR_FG}; font-weight:bold;")
        self.item_error.setWordWrap(True)
        self.item_error.hide()
        cl.addWidget(self.title)
        cl.addWidget(self.prompt)
        cl.addWidget(self.expected)
        self.answers_row = QHBoxLayout()
        cl.addLayout(self.answers_row)
        cl.addWidget(self.item_error)
        nav = QHBoxLayout()
        self.prev_btn = QPushButton("◀ Previous")
        self.next_btn = QPushButton("Next ▶")
        self.clear_btn = QPushButton("Clear answer")
        self.prev_btn.clicked.connect(lambda: self.go(self.index - 1))
        self.next_btn.clicked.connect(lambda: self.go(self.index + 1))
        self.clear_btn.clicked.connect(self.clear_current)
        nav.addWidget(self.prev_btn)
        nav.addWidget(self.next_btn)
        nav.addStretch(1)
        nav.addWidget(self.clear_btn)
        cl.addLayout(nav)
        self.hint = QLabel()
        self.hint.setStyleSheet("color:#546e7a;")
        cl.addWidget(self.hint)
        outer.addWidget(card)
        self.total = QLabel()
        tf = self.total.font()
        tf.setBold(True)
        self.total.setFont(tf)
        outer.addWidget(self.total)

        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        self.answer_buttons: list[QPushButton] = []
        self.group.idClicked.connect(self._answer_clicked)
        self.go(0)

    # ---- data -----------------------------------------------------------------------------
    def set_expected(self, key: str, text: str) -> None:
        for i, it in enumerate(self.items):
            if it.key == key:
                self.items[i] = GuideItem(it.key, it.title, it.prompt, it.choices, text)
        self._render()

    def answered(self) -> int:
        return sum(1 for v in self.scores.values() if v is not None)

    def total_points(self) -> int:
        return sum(v for v in self.scores.values() if v is not None)

    def max_points(self) -> int:
        return sum(max(p for _, p in it.choices) for it in self.items)

    def values(self) -> dict[str, int]:
        return {k: v for k, v in self.scores.items() if v is not None}

    def set_values(self, values: dict[str, int | None]) -> None:
        for k in self.scores:
            v = values.get(k)
            self.scores[k] = int(v) if v is not None else None
        self._render()
        emit(self.changed)

    def clear(self) -> None:
        self.set_values({})
        self.go(0)

    def clear_current(self) -> None:
        self.scores[self.items[self.index].key] = None
        self._render()
        emit(self.changed)

    def set_errors(self, errors: dict[str, list[str]]) -> None:
        """Errors per item key ("" for the whole scale)."""
        if errors == self.errors:
            return
        self.errors = errors
        self._render()

    # ---- navigation -------------------------------------------------------------------------
    def go(self, i: int) -> None:
        self.index = max(0, min(len(self.items) - 1, i))
        self._build_answers()
        self._render()

    def answer(self, points: int) -> None:
        """Record the current item's answer and move to the next item."""
        it = self.items[self.index]
        if points not in [p for _, p in it.choices]:
            return
        had_focus = self.hasFocus() or any(b.hasFocus() for b in self.answer_buttons)
        self.scores[it.key] = points
        emit(self.changed)
        if self.index < len(self.items) - 1:
            self.go(self.index + 1)
        else:
            self._render()
        if had_focus:
            self.setFocus()

    def _answer_clicked(self, choice_index: int) -> None:
        self.answer(self.items[self.index].choices[choice_index][1])
        self.setFocus()

    def _key_for(self, choice_index: int, points: int) -> str:
        return str(points) if self.keys == "points" else str(choice_index + 1)

    def _build_answers(self) -> None:
        for b in self.answer_buttons:
            self.group.removeButton(b)
            self.answers_row.removeWidget(b)
            b.hide()
            b.setParent(None)
            b.deleteLater()
        self.answer_buttons = []
        it = self.items[self.index]
        for ci, (words, points) in enumerate(it.choices):
            key = self._key_for(ci, points)
            label = f"{key}  ·  {words}" + (f"  ({points} pt)" if self.keys == "position" else "")
            b = QPushButton(label)
            b.setCheckable(True)
            b.setMinimumHeight(34)
            b.setAccessibleName(f"{it.title}: {words}, {points} points")
            b.installEventFilter(self)
            self.group.addButton(b, ci)
            self.answers_row.addWidget(b)
            self.answer_buttons.append(b)

    def _render(self) -> None:
        it = self.items[self.index]
        self.title.setText(f"{self.name} {self.index + 1}/{len(self.items)} — {it.title}")
        self.prompt.setText(it.prompt)
        self.expected.setText(f"Expected answer (baseline): {it.expected}" if it.expected else "")
        self.expected.setVisible(bool(it.expected))
        current = self.scores[it.key]
        for ci, b in enumerate(self.answer_buttons):
            b.setChecked(current is not None and it.choices[ci][1] == current)
        for i, (item, b) in enumerate(zip(self.items, self.step_buttons, strict=True)):
            v = self.scores[item.key]
            short = item.title.split(":")[-1].strip().split(". ")[-1]
            short = short[:1].upper() + short[1:]
            mark = "—" if v is None else str(v)
            bad = bool(self.errors.get(item.key))
            b.setText(f"{short}\n{'⚠ ' if bad else ''}{mark}")
            b.setChecked(i == self.index)
            b.setToolTip("; ".join(self.errors.get(item.key, [])) or item.prompt)
        messages = self.errors.get(it.key, []) + self.errors.get("", [])
        self.item_error.setText("⚠ " + "; ".join(messages) if messages else "")
        self.item_error.setVisible(bool(messages))
        keys = ", ".join(self._key_for(ci, p) for ci, (_, p) in enumerate(it.choices))
        self.hint.setText(f"Keys: {keys} answer and go on · ← previous item · Del clears")
        self.prev_btn.setEnabled(self.index > 0)
        self.next_btn.setEnabled(self.index < len(self.items) - 1)
        n = self.answered()
        self.total.setText(f"{self.name}: {self.total_points()}/{self.max_points()} points · "
                           f"{n} of {len(self.items)} items answered")

    # ---- keys ---------------------------------------------------------------------------------
    def _handle_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        text = event.text()
        if text.isdigit():
            it = self.items[self.index]
            for ci, (_, points) in enumerate(it.choices):
                if self._key_for(ci, points) == text:
                    self.answer(points)
                    return True
            return True
        if key == Qt.Key.Key_Left:
            self.go(self.index - 1)
            return True
        if key == Qt.Key.Key_Right:
            self.go(self.index + 1)
            return True
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear_current()
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if not self._handle_key(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        return bool(event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and self._handle_key(event))
