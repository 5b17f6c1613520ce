"""OCR of scanned pages and images with Tesseract (through pytesseract).

Used by the loaders only where there is no text layer: image files (.png, .jpg/.jpeg,
.tif/.tiff, every frame of a multi-page TIFF) and PDF pages whose text layer is empty (those
are rendered with pypdfium2 first). Each page's text is rebuilt from Tesseract's word boxes
(one OCR pass gives both the text and the word confidences), and its confidence is the mean
word confidence on a 0..1 scale.

Which language packs: reading with all five (eng+rus+bel+bul+ukr) at once lets Tesseract
mix up close Cyrillic alphabets (a Ukrainian page: 74% of its words right, against 100% with
ukr alone; bench/ocr_bench.py). So by default (``OcrOptions.detect``) a file's first scanned
page is read with every pack, the language of that text detected (index/language.py), and
that page and the file's other pages read with the detected language's pack plus eng. A
later page that reads poorly (confidence under ``_RECHECK``) is read again with every pack
and the better reading kept: a file may change language.

Tesseract itself is a Debian package (``make ocr`` installs it with the eng, rus, bel, bul
and ukr language packs); its absence is a one-line error that says so, never a crash.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "run `make ocr` (apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus "
    "tesseract-ocr-bel tesseract-ocr-bul tesseract-ocr-ukr)"
)
_MAX_PIXELS = 200_000_000  # Pillow's bomb guard, raised for 600-dpi A3 scans but still bounded


_RECHECK = 0.75  # below this mean word confidence a page is read again with every pack


class OcrError(Exception):
    """OCR cannot run or cannot read the input; str(err) is one line for the user."""


@dataclass(frozen=True)
class OcrOptions:
    """How to OCR: the Tesseract packs ("eng+rus+..."); with ``detect``, the language of the
    first page's text picks the pack for the file (``detect_among``: the language detector's
    candidates, "en,ru,..."; None: the ``languages`` setting)."""

    languages: str = "eng+rus+bel+bul+ukr"
    detect: bool = True
    detect_among: str | None = None
    dpi: int = 300  # PDF pages are rendered at this resolution


@dataclass(frozen=True)
class OcrPage:
    """The text Tesseract read on one page and its mean word confidence (0..1)."""

    text: str
    confidence: float
    words: int


def _pytesseract() -> Any:
    try:
        import pytesseract
    except ImportError:
        raise OcrError("OCR needs pytesseract: pip install pytesseract") from None
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise OcrError(f"OCR needs Tesseract, which is not installed: {INSTALL_HINT}")
    # Tesseract's OpenMP threads fight over 2 busy cores: one thread per page measured 2-3x
    # faster here (bench/ocr_bench.py). The child inherits this; a user's own value wins.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    return pytesseract


@functools.cache
def installed_languages() -> frozenset[str]:
    """Tesseract language packs on this machine (eng, rus, ...)."""
    return frozenset(_pytesseract().get_languages(config=""))


def resolve_languages(wanted: str) -> str:
    """``wanted`` ("eng+rus+...") cut down to the installed packs; an error if none is."""
    asked = [code for code in wanted.split("+") if code.strip()]
    have = installed_languages()
    usable = [code for code in asked if code in have]
    missing = [code for code in asked if code not in have]
    if missing:
        log.warning("Tesseract language packs missing: %s (%s)", ", ".join(missing), INSTALL_HINT)
    if not usable:
        raise OcrError(f"no Tesseract language pack for {wanted!r} is installed; {INSTALL_HINT}")
    return "+".join(usable)


def ocr_image(image: Image, languages: str, dpi: int | None = None) -> OcrPage:
    """Read one page image. ``dpi`` tells Tesseract the scale when the image lacks it."""
    pytesseract = _pytesseract()
    config = f"--dpi {dpi}" if dpi else ""
    try:
        data = pytesseract.image_to_data(
            image, lang=resolve_languages(languages), config=config,
            output_type=pytesseract.Output.DICT,
        )  # fmt: skip
    except pytesseract.TesseractError as err:
        raise OcrError(f"Tesseract failed: {str(err).strip().splitlines()[-1]}") from None
    return _page_from_data(data)


def _page_from_data(data: dict[str, list[Any]]) -> OcrPage:
    """Text with Tesseract's layout (lines, blank line between paragraphs) and confidence."""
    lines: list[tuple[tuple[int, int], list[str]]] = []  # (block, paragraph), words
    key_of_line: tuple[int, int, int] | None = None
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        word = str(word).strip()
        confidence = float(data["conf"][i])
        if not word or confidence < 0:
            continue
        confidences.append(confidence)
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        if key != key_of_line:
            lines.append(((key[0], key[1]), []))
            key_of_line = key
        lines[-1][1].append(word)
    parts: list[str] = []
    previous: tuple[int, int] | None = None
    for paragraph, words in lines:
        if parts:
            parts.append("\n\n" if paragraph != previous else "\n")
        parts.append(" ".join(words))
        previous = paragraph
    mean = sum(confidences) / len(confidences) / 100 if confidences else 0.0
    return OcrPage(text="".join(parts), confidence=round(mean, 4), words=len(confidences))


def image_pages(data: bytes) -> Iterator[tuple[Image, int | None]]:
    """Every frame of an image file (a multi-page TIFF has several) with its dpi if known."""
    from PIL import Image as PILImage
    from PIL import ImageSequence, UnidentifiedImageError

    PILImage.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        image = PILImage.open(io.BytesIO(data))
        dpi = image.info.get("dpi")
        for frame in ImageSequence.Iterator(image):
            frame.load()
            yield (
                frame.convert("RGB") if frame.mode not in ("RGB", "L") else frame.copy(),
                (round(float(dpi[0])) if dpi and float(dpi[0]) > 1 else None),
            )
    except UnidentifiedImageError:
        raise OcrError("unreadable image: not a PNG, JPEG or TIFF file, or damaged") from None
    except (OSError, ValueError, PILImage.DecompressionBombError) as err:
        raise OcrError(f"unreadable image: {str(err).splitlines()[0]}") from None


class OcrReader:
    """Reads the pages of one file, choosing the language packs as the module doc says."""

    def __init__(self, options: OcrOptions) -> None:
        self.options = options
        self.every = resolve_languages(options.languages)
        self.chosen: str | None = None if options.detect else self.every

    def read(self, image: Image, dpi: int | None) -> OcrPage:
        if self.chosen is None:
            first = ocr_image(image, self.every, dpi)
            self.chosen = self._packs_for(first.text)
            if self.chosen == self.every:
                return first
            again = ocr_image(image, self.chosen, dpi)
            return again if again.confidence >= first.confidence else first
        page = ocr_image(image, self.chosen, dpi)
        if page.confidence < _RECHECK and self.chosen != self.every:
            other = ocr_image(image, self.every, dpi)
            if other.confidence > page.confidence:
                return other
        return page

    def _packs_for(self, text: str) -> str:
        """The detected language's pack (+eng for the Latin names, numbers and codes that
        documents in any language carry); every pack when the language has none here."""
        from index.language import UNDETERMINED, detect_language, tesseract_code

        code = detect_language(text, self.options.detect_among)
        pack = tesseract_code(code) if code != UNDETERMINED else None
        if pack is None or pack not in installed_languages():
            return self.every
        log.debug("OCR language detected: %s (pack %s)", code, pack)
        return pack if pack == "eng" else f"{pack}+eng"


def ocr_image_file(data: bytes, options: OcrOptions) -> list[OcrPage]:
    """OCR of every frame of an image file, in order."""
    reader = OcrReader(options)
    return [reader.read(image, dpi) for image, dpi in image_pages(data)]


def ocr_pdf_pages(data: bytes, pages: Sequence[int], options: OcrOptions) -> dict[int, OcrPage]:
    """OCR of some pages (0-based) of a PDF, each rendered at ``options.dpi``."""
    if not pages:
        return {}
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise OcrError("OCR of PDF pages needs pypdfium2: pip install pypdfium2") from None
    reader = OcrReader(options)  # fails before rendering anything when OCR cannot run
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        raise OcrError(f"cannot render the PDF for OCR: {err}") from None
    result: dict[int, OcrPage] = {}
    try:
        for number in pages:
            page = pdf[number]
            image = page.render(scale=options.dpi / 72, grayscale=True).to_pil()
            page.close()
            result[number] = reader.read(image, options.dpi)
            log.debug("OCR page %d: %d words, confidence %.2f", number + 1,
                      result[number].words, result[number].confidence)  # fmt: skip
    finally:
        pdf.close()
    return result
