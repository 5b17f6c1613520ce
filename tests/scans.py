"""Scans made in the test: text rendered to page images with Pillow (DejaVu Sans, which
covers Cyrillic; Debian's fonts-dejavu-core, installed by `make ocr`), wrapped as PDFs.

Shared by the OCR tests and ``bench/ocr_bench.py``.
"""

from __future__ import annotations

import io
import re
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


def word_recall(original: str, read: str) -> float:
    """Share of the original's words (lower-cased, as often as they occur) that OCR read."""
    left: dict[str, int] = {}
    for word in re.findall(r"\w+", read.lower()):
        left[word] = left.get(word, 0) + 1
    words = re.findall(r"\w+", original.lower())
    found = 0
    for word in words:
        if left.get(word, 0) > 0:
            left[word] -= 1
            found += 1
    return found / len(words) if words else 1.0


def page_text(text: str, points: float = 12, width_chars: int = 70, dpi: int = 300) -> str:
    """As much of ``text`` (whole paragraphs, or one cut paragraph) as fits one A4 page of
    :func:`render_page`."""
    lines = int((A4_INCHES[1] * dpi - 2 * dpi) / round(points * 1.5 * dpi / 72)) - 1
    kept: list[str] = []
    used = 0
    for paragraph in text.split("\n\n"):
        wrapped = textwrap.wrap(" ".join(paragraph.split()), width_chars)
        if not wrapped:
            continue
        if used + len(wrapped) > lines:
            room = lines - used
            if room > 0:
                kept.append(" ".join(wrapped[:room]))
            break
        kept.append(paragraph.strip())
        used += len(wrapped) + 1  # the half-line gap rounds up
    return "\n\n".join(kept)
