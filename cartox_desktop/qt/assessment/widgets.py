"""Small editors of the assessment form: each shows its own validation message under itself."""

from __future__ import annotations

from cartox_desktop.clinical.units import celsius_to_fahrenheit, fahrenheit_to_celsius, fmt

from ..qt import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ..theme import ERROR_FG
from .spec import Choice, Num, Tri

ERROR_STYLE = f"border: 2px solid {ERROR_FG}; border-radius: 3px; padding: 1px;"


def parse_number(text: str) -> float | None:
    """The number typed (a decimal comma is accepted); None for empty; ValueError for anything else."""
    t = text.strip().replace(",", ".").replace(" ", "")
    if not t:
        return None
    value = float(t)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def clean(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


class FieldBox(QWidget):
    """An editor with its unit, an optional note (e.g. a unit conversion) and its error line."""

    changed = Signal()

    def __init__(self, editor: QWidget, unit: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(editor, 1)
        self.unit_label = QLabel(unit)
        self.unit_label.setMinimumWidth(48)
        if unit:
            row.addWidget(self.unit_label)
        self.note = QLabel("")
        self.note.setStyleSheet("color:#37474f;")
        self.note.hide()
        row.addWidget(self.note)
        outer.addLayout(row)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color:{ERROR_FG}; font-weight:bold;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        outer.addWidget(self.error)
        self.messages: list[str] = []
        self.error_target: QWidget | None = editor

    def set_errors(self, messages: list[str]) -> None:
        if messages == self.messages:
            return
        self.messages = list(messages)
        if messages:
            self.error.setText("⚠ " + "; ".join(messages))
            self.error.show()
            if self.error_target is not None:
                self.error_target.setStyleSheet(ERROR_STYLE)
            self.editor.setToolTip("\n".join(messages))
            self.editor.setAccessibleDescription("Error: " + "; ".join(messages))
        else:
            self.error.hide()
            if self.error_target is not None:
                self.error_target.setStyleSheet("")
            self.editor.setToolTip("")
            self.editor.setAccessibleDescription("")

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))


class NumberField(FieldBox):
    def __init__(self, spec: Num, parent: QWidget | None = None) -> None:
        self.spec = spec
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(spec.hint)
        self.edit.setAccessibleName(f"{spec.label} ({spec.unit})")
        self.edit.setMaximumWidth(140)
        self.edit.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        super().__init__(self.edit, spec.unit, parent)
        self.edit.textChanged.connect(self.changed)

    def value(self) -> tuple[float | int | None, str | None]:
        """(value, local error)."""
        try:
            v = parse_number(self.edit.text())
        except ValueError:
            return None, f"“{self.edit.text().strip()}” is not a number ({self.spec.unit}, {self.spec.hint})"
        return (None if v is None else clean(v)), None

    def raw(self) -> str:
        return self.edit.text()

    def set_raw(self, text: str) -> None:
        self.edit.setText(text)

    def display(self) -> str:
        v, _ = self.value()
        return "" if v is None else f"{fmt(v)} {self.spec.unit}".strip()


class TemperatureField(FieldBox):
    """Temperature typed in °C or °F; always stored in °C, the conversion shown beside it."""

    def __init__(self, unit: str = "C", parent: QWidget | None = None) -> None:
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setMaximumWidth(100)
        self.edit.setAccessibleName("Temperature")
        self.unit_box = QComboBox()
        self.unit_box.addItem("°C", "C")
        self.unit_box.addItem("°F", "F")
        self.unit_box.setAccessibleName("Temperature unit")
        self.unit_box.setCurrentIndex(1 if unit == "F" else 0)
        lay.addWidget(self.edit)
        lay.addWidget(self.unit_box)
        lay.addStretch(1)
        super().__init__(box, "", parent)
        self.focus_proxy = self.edit
        self.error_target = self.edit
        self.edit.textChanged.connect(self._update)
        self.unit_box.currentIndexChanged.connect(self._update)
        self._update()

    @property
    def unit(self) -> str:
        return str(self.unit_box.currentData())

    def _update(self) -> None:
        self.edit.setPlaceholderText("30–44" if self.unit == "C" else "86–111")
        v, _ = self.value()
        if v is None:
            self.set_note("")
        elif self.unit == "F":
            self.set_note(f"= {fmt(round(v, 1))} °C (stored in °C)")
        else:
            self.set_note(f"= {fmt(round(celsius_to_fahrenheit(v), 1))} °F")
        emit(self.changed)

    def entered(self) -> float | None:
        try:
            return parse_number(self.edit.text())
        except ValueError:
            return None

    def value(self) -> tuple[float | None, str | None]:
        """The temperature in °C (rounded to 0.01), or a local error."""
        try:
            v = parse_number(self.edit.text())
        except ValueError:
            return None, f"“{self.edit.text().strip()}” is not a temperature (°{self.unit})"
        if v is None:
            return None, None
        return (round(fahrenheit_to_celsius(v), 2) if self.unit == "F" else v), None

    def raw(self) -> dict[str, str]:
        return {"text": self.edit.text(), "unit": self.unit}

    def set_raw(self, raw: dict[str, str]) -> None:
        self.unit_box.setCurrentIndex(1 if raw.get("unit") == "F" else 0)
        self.edit.setText(raw.get("text", ""))

    def display(self) -> str:
        v, _ = self.value()
        if v is None:
            return ""
        if self.unit == "F":
            return f"{fmt(round(v, 2))} °C (entered {self.edit.text().strip()} °F)"
        return f"{fmt(v)} °C"


class ChoiceField(FieldBox):
    def __init__(self, spec: Choice, parent: QWidget | None = None) -> None:
        self.spec = spec
        self.combo = QComboBox()
        self.combo.addItem(spec.blank, "")
        for value, words in spec.options:
            self.combo.addItem(words, value)
        self.combo.setAccessibleName(spec.label)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        super().__init__(self.combo, "", parent)
        self.combo.currentIndexChanged.connect(self.changed)

    def value(self) -> str | None:
        return str(self.combo.currentData()) or None

    def raw(self) -> str:
        return str(self.combo.currentData())

    def set_raw(self, value: str) -> None:
        i = self.combo.findData(value or "")
        self.combo.setCurrentIndex(max(0, i))

    def display(self) -> str:
        return self.combo.currentText() if self.value() else ""


class TriField(FieldBox):
    def __init__(self, spec: Tri, parent: QWidget | None = None) -> None:
        self.spec = spec
        self.combo = QComboBox()
        self.combo.addItem(spec.blank, "")
        self.combo.addItem("Yes", "yes")
        self.combo.addItem("No", "no")
        self.combo.setAccessibleName(spec.label)
        super().__init__(self.combo, "", parent)
        self.combo.currentIndexChanged.connect(self.changed)

    def value(self) -> bool | None:
        data = self.combo.currentData()
        return None if not data else data == "yes"

    def raw(self) -> str:
        return str(self.combo.currentData())

    def set_raw(self, value: str) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(value or "")))

    def display(self) -> str:
        v = self.value()
        return "" if v is None else ("yes" if v else "no")


class CheckGroup(FieldBox):
    """Several findings; ``assessed`` (optional) distinguishes "none found" from "not checked"."""

    def __init__(self, options: tuple[tuple[str, str], ...], assessed_text: str | None = None,
                 columns: int = 2, parent: QWidget | None = None) -> None:
        from ..qt import QGridLayout

        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        self.assessed: QCheckBox | None = None
        row = 0
        if assessed_text:
            self.assessed = QCheckBox(assessed_text)
            grid.addWidget(self.assessed, 0, 0, 1, columns)
            row = 1
        self.boxes: dict[str, QCheckBox] = {}
        for i, (value, words) in enumerate(options):
            cb = QCheckBox(words)
            self.boxes[value] = cb
            grid.addWidget(cb, row + i // columns, i % columns)
        super().__init__(box, "", parent)
        self.error_target = None  # the message under the group says it; no frame around every box
        for cb in self.boxes.values():
            cb.toggled.connect(self._finding_toggled)
        if self.assessed is not None:
            self.assessed.toggled.connect(self.changed)

    def _finding_toggled(self, on: bool) -> None:
        if on and self.assessed is not None and not self.assessed.isChecked():
            self.assessed.setChecked(True)
        emit(self.changed)

    def value(self) -> list[str] | None:
        found = [k for k, cb in self.boxes.items() if cb.isChecked()]
        if self.assessed is not None:
            return found if (self.assessed.isChecked() or found) else None
        return found or None

    def raw(self) -> dict[str, object]:
        return {"assessed": bool(self.assessed and self.assessed.isChecked()),
                "found": [k for k, cb in self.boxes.items() if cb.isChecked()]}

    def set_raw(self, raw: dict[str, object]) -> None:
        found = raw.get("found") or []
        for k, cb in self.boxes.items():
            cb.setChecked(k in found)  # type: ignore[operator]
        if self.assessed is not None:
            self.assessed.setChecked(bool(raw.get("assessed")))

    def display(self) -> str:
        v = self.value()
        if v is None:
            return ""
        return ", ".join(self.boxes[k].text() for k in v) if v else "none found"
