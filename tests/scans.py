"""Scans made in the test: text rendered to page images with Pillow (DejaVu Sans, which
covers Cyrillic; Debian's fonts-dejavu-core, installed by `make ocr`), wrapped as PDFs.

Shared by the OCR tests and ``bench/ocr_bench.py``.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
A4_INCHES = (8.27, 11.69)


def render_page(text: str, dpi: int = 300, points: float = 12, width_chars: int = 70) -> Image:
    """A clean scan of ``text``: an A4 page at ``dpi``, black on white, ``points`` type.

    Paragraphs (blank-line separated) are wrapped at ``width_chars``.
    """
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    if not FONT.exists():
        raise FileNotFoundError(f"{FONT} is missing: run `make ocr` (fonts-dejavu-core)")
    size = (int(A4_INCHES[0] * dpi), int(A4_INCHES[1] * dpi))
    page = PILImage.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), round(points * dpi / 72))
    line_height = round(points * 1.5 * dpi / 72)
    x = y = dpi  # one-inch margins
    for paragraph in text.split("\n\n"):
        for line in textwrap.wrap(" ".join(paragraph.split()), width_chars):
            draw.text((x, y), line, fill=0, font=font)
            y += line_height
        y += line_height // 2
    page.info["dpi"] = (dpi, dpi)
    return page


def image_bytes(image: Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    dpi = image.info.get("dpi", (300, 300))
    image.save(buf, fmt, dpi=dpi)
    return buf.getvalue()


def scan_pdf(images: list[Image], dpi: int = 300) -> bytes:
    """A PDF of page images only (no text layer), as a scanner writes it."""
    buf = io.BytesIO()
    first, *rest = [image.convert("RGB") for image in images]
    first.save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=rest)
    return buf.getvalue()


def text_pdf_page(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer (reportlab, Latin text)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    y = 800
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 18
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def join_pdfs(parts: list[bytes]) -> bytes:
    """One PDF of the pages of several, in order."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
