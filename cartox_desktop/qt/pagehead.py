"""The top row and table set-up shared by the two board pages (ward board, follow-up board)."""

from __future__ import annotations

from .qt import QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView


def board_header(title: str, filter_hint: str, filter_name: str, filter_width: int,
                 attention: str) -> tuple[QHBoxLayout, QLabel, QLineEdit, QCheckBox]:
    """A bold page title, then (at the right) the filter box; the "needs attention" box is returned
    for the caller to place."""
    top = QHBoxLayout()
    label = QLabel(title)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.3)
    label.setFont(font)
    top.addWidget(label)
    top.addStretch(1)
    edit = QLineEdit()
    edit.setPlaceholderText(filter_hint)
    edit.setClearButtonEnabled(True)
    edit.setMinimumWidth(filter_width)
    edit.setAccessibleName(filter_name)
    return top, label, edit, QCheckBox(attention)


def board_table(table: QTableView, accessible_name: str) -> None:
    """Whole-row single selection, no row numbers, no wrapping, columns the user can resize."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    table.setAccessibleName(accessible_name)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
