"""Bundled fonts: DejaVu Sans (regular, bold) and DejaVu Sans Mono, embedded in every PDF.

System fonts are never used: the TTFs and their license ship in ``resources/fonts/``. Resources are
found by ``cartox_desktop.resources`` (the repository root, or ``sys._MEIPASS/resources`` when the
app runs frozen with PyInstaller).
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from cartox_desktop.resources import resource_path

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
MONO = "DejaVuSansMono"

_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}
_lock = threading.Lock()
_registered = False


def resources_dir() -> Path:
    """The ``resources`` folder (``cartox_desktop.resources``: ``sys._MEIPASS`` when frozen, else the repo root)."""
    return resource_path()


def font_path(name: str) -> Path:
    return resources_dir() / "fonts" / _FILES[name]


def register_fonts() -> None:
    """Register the bundled TTFs with ReportLab once per process (idempotent, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            path = resources_dir() / "fonts" / filename
            if not path.is_file():
                raise FileNotFoundError(f"bundled font missing: {path}")
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # <b> in paragraphs maps to the bold face; there is no italic face, so italic maps to regular.
        pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD)
        addMapping(MONO, 0, 0, MONO)
        addMapping(MONO, 1, 0, MONO)
        addMapping(MONO, 0, 1, MONO)
        addMapping(MONO, 1, 1, MONO)
        _registered = True
