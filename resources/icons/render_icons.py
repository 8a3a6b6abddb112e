"""Renders cartox.svg to cartox-<N>.png (N = 16 ... 512) and cartox.ico (Windows) beside it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/icons/render_icons.py

Uses PySide6's QSvgRenderer (development only; the bundle ships the PNGs, not QtSvg) and Pillow
for the .ico. Run again after editing the SVG and commit the outputs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (keeps Qt alive)
    renderer = QSvgRenderer(str(HERE / "cartox.svg"))
    if not renderer.isValid():
        raise SystemExit("cartox.svg is not a valid SVG")
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        out = HERE / f"cartox-{size}.png"
        if not image.save(str(out), "PNG"):
            raise SystemExit(f"could not write {out}")
        print(f"wrote {out.name}")
    big = Image.open(HERE / "cartox-256.png")
    big.save(HERE / "cartox.ico", sizes=[(s, s) for s in ICO_SIZES])
    print("wrote cartox.ico")
    return 0


if __name__ == "__main__":
    sys.exit(main())
