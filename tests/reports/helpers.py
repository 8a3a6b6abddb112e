"""Helpers of the report tests: text extraction with pypdf, page rendering with pdftoppm."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from PIL import Image
from pypdf import PdfReader


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Whitespace collapsed, so that text wrapped over lines still matches."""
    return re.sub(r"\s+", " ", text)


def font_names(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
            for desc in [d.get_object() for d in font.get("/DescendantFonts", [])] + [font]:
                fd = desc.get("/FontDescriptor")
                if fd is not None:
                    assert "/FontFile2" in fd.get_object(), f"font {font['/BaseFont']} not embedded"
    return names


def have_pdftoppm() -> bool:
    return shutil.which("pdftoppm") is not None


def render_pages(pdf: bytes, tmp: Path, dpi: int = 40) -> list[Path]:
    src = tmp / "doc.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(tmp / "page")], check=True, timeout=120)
    return sorted(tmp.glob("page-*.png"))


def ink_fraction(png: Path) -> float:
    """Share of pixels that are not (near) white."""
    with Image.open(png) as im:
        gray = im.convert("L")
        hist = gray.histogram()
    total = sum(hist)
    return sum(hist[:200]) / total
