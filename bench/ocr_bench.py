"""OCR figures: word recall of clean 300-dpi scans, and ingest time of a multi-page scan.

    .venv/bin/python bench/ocr_bench.py [--pages 10] [--json]

1. Recall: one full A4 page per language (English from samples/, Russian, Belarusian and
   Bulgarian from eval/data/xlang/docs, Ukrainian from the tests' own sources) is rendered at
   300 dpi with DejaVu Sans 12 pt (tests/scans.py), OCR'd by the loader, and the share of the
   rendered words that OCR read back is reported (word-level recall, each word as often as it
   occurs), with the packs chosen by language detection (the default) and with every pack.
2. Ingest: a ``--pages`` page scanned PDF (English sample text) is ingested into a new store
   (OCR + chunking + embedding + storing); seconds per page, total and OCR alone, wall time
   and CPU time (Tesseract runs as child processes: their CPU counts), since on a shared
   machine wall time says as much about the neighbours. The load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from multilingual import SOURCES  # noqa: E402
from scans import page_text, render_page, scan_pdf, word_recall  # noqa: E402

XLANG = ROOT / "eval" / "data" / "xlang" / "docs"


def _cpu() -> float:
    """CPU seconds of this process and its finished children (Tesseract) so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _corpus(code: str) -> str:
    """Enough text of one language for a page."""
    if code == "en":
        return (ROOT / "samples" / "wikipedia-2024-syrian-opposition-offensives.txt").read_text()
    parts = [p.read_text(encoding="utf-8") for p in sorted(XLANG.glob(f"{code}-*.txt"))]
    return "\n\n".join([*parts, SOURCES[code]] * 3)


def recall_table(detect: bool) -> dict[str, dict[str, float]]:
    from index.loaders import load_file
    from index.ocr import OcrOptions

    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for code in ("en", "ru", "be", "bg", "uk"):
            text = page_text(_corpus(code))
            path = Path(tmp) / f"{code}.pdf"
            path.write_bytes(scan_pdf([render_page(text)]))
            started = time.perf_counter()
            doc = load_file(path, max_bytes=1 << 30, ocr=OcrOptions(detect=detect)).documents[0]
            rows[code] = {
                "words": len(text.split()),
                "recall": round(word_recall(text, doc.text), 4),
                "confidence": doc.page_ocr[0] or 0.0,
                "seconds": round(time.perf_counter() - started, 2),
            }
    return rows


def ingest_figures(pages: int) -> dict[str, float]:
    from index.ingest import ingest
    from index.loaders import load_file
    from index.settings import get_settings

    text = _corpus("en")
    paragraphs = text.split("\n\n")
    images: list[Image] = []
    texts: list[str] = []
    start = 0
    while len(images) < pages:
        chunk = page_text("\n\n".join(paragraphs[start:] or paragraphs))
        used = chunk.count("\n\n") + 1
        start = start + used if start + used < len(paragraphs) else 0
        texts.append(chunk)
        images.append(render_page(chunk))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scans"
        folder.mkdir()
        pdf = folder / "scan.pdf"
        pdf.write_bytes(scan_pdf(images))
        started, cpu = time.perf_counter(), _cpu()
        doc = load_file(pdf, max_bytes=1 << 30).documents[0]
        ocr_seconds, ocr_cpu = time.perf_counter() - started, _cpu() - cpu
        settings = get_settings(store=Path(tmp) / "store")
        started, cpu = time.perf_counter(), _cpu()
        summary = ingest([folder], settings)
        total, total_cpu = time.perf_counter() - started, _cpu() - cpu
    assert summary.added == 1 and not summary.failed, summary
    return {
        "pages": pages,
        "ocr_s_per_page": round(ocr_seconds / pages, 2),
        "ocr_cpu_s_per_page": round(ocr_cpu / pages, 2),
        "ingest_s_per_page": round(total / pages, 2),
        "ingest_cpu_s_per_page": round(total_cpu / pages, 2),
        "ingest_total_s": round(total, 1),
        "recall": round(word_recall("\n\n".join(texts), doc.text), 4),
        "median_page_confidence": statistics.median(c or 0.0 for c in doc.page_ocr),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    result: dict[str, object] = {
        "recall_detected_pack": recall_table(detect=True),
        "recall_every_pack": recall_table(detect=False),
        "ingest": ingest_figures(args.pages),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cores": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for name in ("recall_detected_pack", "recall_every_pack"):
        print(f"{name}: | lang | words | recall | confidence | s/page |")
        table = result[name]
        assert isinstance(table, dict)
        for code, row in table.items():
            print(
                f"  | {code} | {row['words']:.0f} | {row['recall']:.1%} | "
                f"{row['confidence']:.2f} | {row['seconds']:.1f} |"
            )
    print("ingest:", json.dumps(result["ingest"]))
    print(f"1-min load average before/after: {result['load_average']} on {result['cores']} cores")


if __name__ == "__main__":
    main()
