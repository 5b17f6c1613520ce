"""The chat UI in a real browser: Debian's headless Chromium driven by playwright.

Ask a question, wait for the verified answer, click its citation marker, and check that the
quoted span is highlighted, visible and scrolled into view. Saves artifacts/ui-citation.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from netkit import serving
from playwright.sync_api import Browser, Locator, Page
from storekit import BIG_FACT, BIG_QUESTION, index_big

from index.settings import get_settings
from rag import RAG

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# No downloads, no background services: the machine is offline.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "How many Konkurs systems did Sofia transfer to the U.S.?"
# A source that tries to run script in the reader's browser when shown.
HOSTILE = """# Shipments <img src=x onerror="window.__pwned = 1"> report

The shipment of <script>window.__pwned = 2</script> 55 crates of rifles arrived in Varna on
3 March 2016. The crates were marked <b onmouseover="window.__pwned = 3">agricultural</b>.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    rag = RAG(get_settings(store=tmp_path_factory.mktemp("ui-browser-store")))
    hostile = tmp_path_factory.mktemp("hostile") / "hostile.md"
    hostile.write_text(HOSTILE)
    summary = rag.ingest([ROOT / "samples", hostile])
    assert summary.added == 3 and not summary.failed
    with serving(rag) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[tuple[Page, list[str]]]:
    """A fresh page on the app, and the script errors and dialogs it produced."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.goto(server, wait_until="domcontentloaded")
    try:
        yield page, errors
    finally:
        context.close()


def ask(page: Page, question: str, turn: int = 1) -> Locator:
    """Submit a question; returns the first citation marker of the answer, once shown."""
    page.locator("#rag-question textarea").fill(question)
    page.locator("#rag-ask").click()
    marker = page.locator(f"#rag-transcript #t{turn}-answer a.cite").first
    marker.wait_for(state="visible", timeout=60_000)
    return marker


def test_clicking_a_citation_highlights_the_quote(
    page: tuple[Page, list[str]], server: str
) -> None:
    from playwright.sync_api import expect

    tab, errors = page
    marker = ask(tab, QUESTION)
    assert "136" in tab.locator("#t1-answer").inner_text()
    quote = tab.locator("#t1-cite-1 .rag-quote").inner_text().strip()
    assert "136" in quote

    mark = tab.locator("mark#t1-q-1")
    assert not mark.is_visible()  # the document stays hidden until asked for
    marker.click()
    expect(mark).to_be_visible(timeout=5_000)
    expect(mark).to_be_in_viewport(ratio=1.0, timeout=5_000)
    assert mark.inner_text().strip() == quote
    assert "rag-active" in (mark.get_attribute("class") or "")
    assert "#" not in tab.url  # the click handler did it, not the href fallback

    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    tab.screenshot(path=str(artifacts / "ui-citation.png"))
    assert not errors, errors


def test_hostile_source_text_shows_as_text(page: tuple[Page, list[str]]) -> None:
    from playwright.sync_api import expect

    tab, errors = page
    marker = ask(tab, "How many crates of rifles arrived in Varna?")
    marker.click()
    mark = tab.locator("mark#t1-q-1")
    expect(mark).to_be_visible(timeout=5_000)
    assert "<script>window.__pwned = 2</script>" in mark.inner_text()
    transcript = tab.locator("#rag-transcript")
    assert 'onerror="window.__pwned = 1"' in transcript.inner_text()
    assert transcript.locator("img, script, b").count() == 0
    assert tab.evaluate("window.__pwned") is None
    assert not errors, errors


SMALL = "The customs office of Varna seized 37 crates of cigarettes in May.\n"


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store with a 50 MB port log (its fact in the first line) and a one-line note."""
    store = tmp_path_factory.mktemp("ui-big-store")
    folder = tmp_path_factory.mktemp("big-sources")
    index_big(store, folder / "port-log.txt", 50)
    rag = RAG(get_settings(store=store))
    (folder / "customs.txt").write_text(SMALL)
    assert rag.ingest([folder / "customs.txt"]).added == 1
    with serving(rag) as url:
        yield url


def _html_size(page: Page, selector: str) -> int:
    return int(page.evaluate(f"document.querySelector({selector!r}).outerHTML.length"))


def test_a_50_mb_source_answers_and_opens_like_a_small_one(
    browser: Browser, big_server: str
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 860})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        tab.goto(big_server, wait_until="domcontentloaded")
        big_marker = ask(tab, BIG_QUESTION, turn=1)
        ask(tab, "How many crates of cigarettes did the customs office of Varna seize?", turn=2)
        assert "412" in tab.locator("#t1-answer").inner_text()
        assert "37" in tab.locator("#t2-answer").inner_text()
        # The answer citing 50 MB weighs what the one citing one line does: no document text
        # is on the page (it used to hold a window around each quote, and before that the
        # whole document once per citation: 62.8 million characters for a 30 MB file).
        big_turn, small_turn = _html_size(tab, "#t1"), _html_size(tab, "#t2")
        assert abs(big_turn - small_turn) < 1_000, (big_turn, small_turn)
        page_before = _html_size(tab, "html")
        assert "Shipping notes" not in tab.content()

        big_marker.click()  # opening the citation fetches a window around the quote
        mark = tab.locator("mark#t1-q-1")
        expect(mark).to_be_visible(timeout=15_000)
        expect(mark).to_be_in_viewport(ratio=1.0, timeout=5_000)
        assert mark.inner_text().strip() == BIG_FACT.strip()
        assert "rag-active" in (mark.get_attribute("class") or "")
        opened = tab.locator("#t1-doc-1 .rag-doc-text").inner_text()
        assert "Shipping notes" in opened  # the text around the quote, bounded:
        assert len(opened) <= 2 * get_settings().ui_context_chars + len(BIG_FACT) + 10
        assert _html_size(tab, "html") - page_before < 3 * get_settings().ui_context_chars
        assert not errors, errors
    finally:
        context.close()


def in_viewport(tab: Page, selector: str) -> bool:
    """Whether the whole element is inside the window (its own box, not its scroll parent)."""
    return bool(
        tab.locator(selector).first.evaluate(
            "(el) => { const r = el.getBoundingClientRect();"
            " return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }"
        )
    )


def test_clicking_a_citation_keeps_the_question_box_in_view(page: tuple[Page, list[str]]) -> None:
    from playwright.sync_api import expect

    tab, errors = page
    ask(tab, QUESTION)
    # A second answer goes on top; the first one's citation is then lower down the page.
    ask(tab, "How many crates of rifles arrived in Varna?", turn=2)
    for turn in ("t2", "t1"):
        tab.locator(f"#rag-transcript #{turn}-answer a.cite").first.click()
        mark = tab.locator(f"mark#{turn}-q-1")
        expect(mark).to_be_in_viewport(ratio=1.0, timeout=5_000)
        tab.wait_for_timeout(300)  # any scrolling has settled
        assert in_viewport(tab, "#rag-question textarea"), f"question box scrolled away ({turn})"
        assert in_viewport(tab, f"mark#{turn}-q-1"), turn
        # ... and not hidden under the sticky question row either.
        covered = mark.evaluate(
            "(el) => { const r = el.getClientRects()[0];"
            " const hit = document.elementFromPoint(r.left + 2, r.top + r.height / 2);"
            " return !(hit && (hit === el || el.contains(hit))); }"
        )
        assert not covered, turn
    assert not errors, errors


def test_failures_are_styled_as_errors(page: tuple[Page, list[str]]) -> None:
    tab, errors = page
    tab.locator("#rag-question textarea").fill("Anything?")
    tab.get_by_text("Options").click()
    tab.locator("#rag-date-from textarea, #rag-date-from input").first.fill("13/13/2020")
    tab.locator("#rag-ask").click()
    error = tab.locator("#rag-live .rag-error").first
    error.wait_for(state="visible", timeout=30_000)
    assert "YYYY-MM-DD" in error.inner_text()
    colour = error.evaluate("(el) => getComputedStyle(el).color")
    assert colour == "rgb(185, 28, 28)", colour  # red, not the pale grey of notes
    # The claim checker's errors look the same.
    tab.get_by_role("tab", name="Check a claim").click()
    tab.locator("#rag-check").click()
    claim_error = tab.locator("#rag-verdict .rag-error").first
    claim_error.wait_for(state="visible", timeout=30_000)
    assert claim_error.evaluate("(el) => getComputedStyle(el).color") == "rgb(185, 28, 28)"
    assert not errors, errors


def test_question_headings_are_not_set_in_gradios_bold_face(
    page: tuple[Page, list[str]],
) -> None:
    tab, errors = page
    ask(tab, QUESTION)
    heading = tab.locator("#t1 .rag-question, .rag-turn .rag-question").first
    assert heading.inner_text().endswith(QUESTION)
    family = heading.evaluate("(el) => getComputedStyle(el).fontFamily")
    weight = heading.evaluate("(el) => getComputedStyle(el).fontWeight")
    # Gradio's SemiBold/Bold Source Sans Pro drew a capital "B" as "ʙ".
    assert "Source Sans" not in family.split(",")[0] and int(weight) >= 600, (family, weight)
    assert not errors, errors


def test_an_uploaded_file_keeps_its_own_date(page: tuple[Page, list[str]], tmp_path: Path) -> None:
    """Gradio's upload gives the server a fresh file; the browser's File.lastModified is
    sent with it, so a page last changed in 2005 is dated 2005, not today."""
    import os
    from datetime import datetime

    from playwright.sync_api import expect

    tab, errors = page
    old = tmp_path / "minsk-memo.txt"
    old.write_text("The memo lists 41 trucks leaving Minsk for the border.\n")
    stamp = datetime(2005, 6, 7, 12, 0).timestamp()
    os.utime(old, (stamp, stamp))
    tab.get_by_role("tab", name="Sources").click()
    tab.locator("input[type=file]").first.set_input_files(str(old))
    tab.get_by_role("button", name="Add to the index").click()
    expect(tab.locator("#rag-report")).to_contain_text("added: minsk-memo.txt", timeout=60_000)
    row = tab.locator("#rag-sources tr", has_text="minsk-memo")
    expect(row).to_contain_text("2005-06-07 (file date)", timeout=10_000)
    assert not errors, errors
