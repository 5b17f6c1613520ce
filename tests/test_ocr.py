"""OCR of scans made in the test: a scanned PDF (Russian), a mixed PDF (a text layer on one
page, an English scan on another), images (Belarusian PNG, Bulgarian multi-page TIFF, JPEG),
confidences stored per page, OCR citations labelled in the CLI and JSON, skip by hash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from multilingual import SOURCES
from scans import image_bytes, join_pdfs, render_page, scan_pdf, text_pdf_page, word_recall

from index.ingest import ingest
from index.language import tag_document
from index.loaders import Loaded, LoadError, load_file
from index.settings import get_settings
from index.store import Store
from rag.cli import cli

LIMIT = 50 * 1024 * 1024
SCAN_EN = (
    "Port inspectors in Burgas counted 418 crates of ammunition aboard the freighter "
    "Nordic Swan on 9 June 2022. The crates were declared as farm machinery parts."
)
TEXT_LAYER = ["Annual shipping review", "The harbour handled 2,140 vessels this year."]


def _load(path: Path) -> Loaded:
    return load_file(path, max_bytes=LIMIT)


def test_scanned_pdf_in_russian(tmp_path: Path) -> None:
    first, second = SOURCES["ru"].split("\n\n")
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(scan_pdf([render_page(first), render_page(second)]))
    doc = _load(pdf).documents[0]
    assert doc.format == "pdf"
    assert len(doc.page_starts) == len(doc.page_ocr) == 2
    assert all(c is not None and 0.8 < c <= 1 for c in doc.page_ocr)
    page_two = doc.text[doc.page_starts[1] :]
    assert word_recall(second, page_two) >= 0.95
    assert word_recall(first, doc.text[: doc.page_starts[1]]) == 1.0
    assert "240 ящиков патронов" in " ".join(page_two.split())
    assert "3,7 млн рублей" in " ".join(page_two.split())
    assert tag_document(doc).language == "ru"


def test_mixed_pdf_keeps_its_text_layer_and_reads_the_scan(tmp_path: Path) -> None:
    pdf = tmp_path / "mixed.pdf"
    pdf.write_bytes(join_pdfs([text_pdf_page(TEXT_LAYER), scan_pdf([render_page(SCAN_EN)])]))
    doc = _load(pdf).documents[0]
    assert doc.page_ocr[0] is None  # page 1 has a text layer: never OCR'd
    assert doc.page_ocr[1] is not None and doc.page_ocr[1] > 0.8
    assert doc.text[: doc.page_starts[1]].strip() == "\n".join(TEXT_LAYER)
    assert word_recall(SCAN_EN, doc.text[doc.page_starts[1] :]) >= 0.95
    assert doc.page_at(doc.text.index("418")) == 2


def test_images_png_jpeg_and_multipage_tiff(tmp_path: Path) -> None:
    png = tmp_path / "letter.png"
    png.write_bytes(image_bytes(render_page(SOURCES["be"]), "PNG"))
    doc = _load(png).documents[0]
    assert (doc.format, doc.page_starts, len(doc.page_ocr)) == ("png", (0,), 1)
    assert word_recall(SOURCES["be"], doc.text) >= 0.95
    assert "18 вагонаў" in " ".join(doc.text.split())
    assert tag_document(doc).language == "be"

    first, second = SOURCES["bg"].split("\n\n")
    pages = [render_page(first), render_page(second)]
    tiff = tmp_path / "fax.tif"
    pages[0].save(tiff, "TIFF", save_all=True, append_images=pages[1:], dpi=(300, 300))
    doc = _load(tiff).documents[0]
    assert doc.format == "tiff" and len(doc.page_starts) == 2
    assert word_recall(second, doc.text[doc.page_starts[1] :]) >= 0.95
    assert tag_document(doc).language == "bg"

    jpg = tmp_path / "photo.jpeg"
    jpg.write_bytes(image_bytes(render_page(SCAN_EN).convert("RGB"), "JPEG"))
    doc = _load(jpg).documents[0]
    assert doc.format == "jpg" and word_recall(SCAN_EN, doc.text) >= 0.95


def test_image_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (600, 400), 255).save(blank)
    with pytest.raises(LoadError, match=r"^OCR found no text in the image$"):
        _load(blank)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff garbage")
    with pytest.raises(LoadError, match=r"^unreadable image: "):
        _load(broken)
    monkeypatch.setattr("shutil.which", lambda name: None)  # no tesseract on this machine
    with pytest.raises(LoadError) as err:
        _load(blank)
    assert str(err.value).startswith("OCR needs Tesseract, which is not installed: run `make ocr`")
    assert "\n" not in str(err.value)


@pytest.fixture(scope="module")
def ocr_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("scans")
    (folder / "mixed.pdf").write_bytes(
        join_pdfs([text_pdf_page(TEXT_LAYER), scan_pdf([render_page(SCAN_EN)])])
    )
    (folder / "letter.png").write_bytes(image_bytes(render_page(SOURCES["be"]), "PNG"))
    store = tmp_path_factory.mktemp("store")
    summary = ingest([folder], get_settings(store=store))
    assert (summary.added, summary.failed) == (2, [])
    return folder, store


def test_ocr_confidence_is_stored_per_page(ocr_store: tuple[Path, Path]) -> None:
    _folder, store_path = ocr_store
    store = Store(get_settings(store=store_path))
    docs = {Path(d.file).name: d for d in store.documents()}
    assert (docs["mixed.pdf"].ocr_pages, docs["letter.png"].ocr_pages) == (1, 1)
    assert docs["letter.png"].language == "be"
    confidences = store.page_ocr(docs["mixed.pdf"].doc_id)
    assert confidences[0] is None and confidences[1] is not None and confidences[1] > 0.8
    result = CliRunner().invoke(cli, ["sources", "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    detail = {Path(lines[i]).name: lines[i + 1] for i in range(0, len(lines), 2)}
    assert detail["mixed.pdf"].endswith(" | OCR: 1 page(s)")
    assert detail["letter.png"].split(" | ")[2] == "be"


def test_ocr_citation_says_so_in_cli_and_json(ocr_store: tuple[Path, Path]) -> None:
    _folder, store_path = ocr_store
    store = Store(get_settings(store=store_path))
    mixed = next(d for d in store.documents() if d.file.endswith("mixed.pdf"))
    confidence = store.page_ocr(mixed.doc_id)[1]
    assert confidence is not None
    question = "How many crates of ammunition were aboard the Nordic Swan?"
    runner = CliRunner()
    result = runner.invoke(cli, ["ask", question, "--store", str(store_path), "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    cited = [c for c in answer["citations"] if "418 crates" in c["quote"]]
    assert cited, answer
    assert cited[0]["ocr"] is True
    assert cited[0]["ocr_confidence"] == confidence
    assert cited[0]["page"] == 2
    evidence = store_path.parent / "evidence.json"
    result = runner.invoke(
        cli, ["ask", question, "--store", str(store_path), "--export", str(evidence)]
    )
    assert result.exit_code == 0, result.output
    records = json.loads(evidence.read_text(encoding="utf-8"))["answers"]
    exported = [c for c in records[0]["citations"] if "418 crates" in c["quote"]]
    assert (exported[0]["ocr"], exported[0]["ocr_confidence"]) == (True, confidence)
    label = f"OCR, page 2, confidence {confidence:.2f}"
    cite_lines = [
        line for line in result.output.splitlines() if line.startswith("[") and "418" in line
    ]
    assert cite_lines and f", {label}): “" in cite_lines[0]


def test_text_layer_citation_is_not_labelled_ocr(ocr_store: tuple[Path, Path]) -> None:
    from rag import open_store

    _folder, store_path = ocr_store
    answer = open_store(store_path, create=False).ask("How many vessels did the harbour handle?")
    cited = [c for c in answer.citations if "2,140 vessels" in c.quote]
    assert cited, answer.text
    assert (cited[0].ocr, cited[0].ocr_confidence, cited[0].page) == (False, None, 1)
    assert cited[0].ocr_label == ""


def test_ocr_citation_label_in_the_ui() -> None:
    from rag.records import Answer, Citation
    from ui.render import render_citations_html

    citation = Citation(1, "d1", "/x/scan.pdf", "Scan", "2024-01-02", "document", "418 crates",
                        0, 10, 0.9, page=3, ocr=True, ocr_confidence=0.8149)  # fmt: skip
    html = render_citations_html(Answer("q", "a [1]", False, [citation]))
    assert '<span class="rag-ocr">OCR, page 3, confidence 0.81</span>' in html


def test_reingest_skips_ocr_by_hash(
    ocr_store: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, store_path = ocr_store

    def no_ocr(*args: object, **kwargs: object) -> None:
        raise AssertionError("OCR ran again on an unchanged file")

    monkeypatch.setattr("index.ocr.ocr_image", no_ocr)
    summary = ingest([folder], get_settings(store=store_path))
    assert (summary.unchanged, summary.added, summary.updated, summary.failed) == (2, 0, 0, [])
