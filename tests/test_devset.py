"""The development set holds what the brief asks and what its documents say.

Every expected fact must occur in the document the question names, every group bound
together must stand in one line (one sentence) of it, a false premise's wrong value must not
be in it, and no question may copy a document's wording (eight words in a row).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from eval.claims import load_claims
from eval.devset import DEV_CLAIMS, DEV_DOCS_FACTS, DEV_FACTS, dev_documents
from eval.facts import FactQuestion, load_facts
from index.loaders import load_file

REPO = Path(__file__).resolve().parents[1]


def _text(path: Path) -> str:
    """The text the index sees (every document of an email), plus the raw text of an
    email: a value in a part the loader skips is still what the email says."""
    if path.suffix == ".txt":
        return path.read_text(encoding="utf-8")
    loaded = load_file(path, max_bytes=50_000_000)
    texts = [d.text for d in loaded.documents]
    if path.suffix == ".eml":
        texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n\n".join(texts)


def _docs() -> dict[str, str]:
    return {
        str(p.relative_to(REPO)): _text(p)
        for folder in dev_documents(REPO)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".md"
    }


def _sentences(text: str) -> list[str]:
    """Lines, and sentences with line breaks joined (HTML and PDF wrap inside sentences)."""
    return text.splitlines() + re.split(r"(?<=[.!?])\s+", " ".join(text.split()))


DOCS = _docs()


def _sources(q: FactQuestion | object, needle: str) -> list[str]:
    found = [name for name in DOCS if needle in name]
    assert found, f"{getattr(q, 'id', q)}: no document matches source {needle!r}"
    return found


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def test_the_multihop_set_has_what_the_brief_asks() -> None:
    questions = load_facts(DEV_FACTS)
    kinds = Counter(q.kind for q in questions)
    assert len(questions) >= 150
    assert kinds["unanswerable"] >= 30
    assert kinds["false_premise"] >= 10
    assert all(kinds[k] >= 10 for k in ("number", "entity", "date", "list"))
    claims = load_claims(DEV_CLAIMS)
    assert len(claims) >= 40
    types = Counter(c.type for c in claims)
    assert all(types[t] >= 5 for t in ("faithful", "swapped", "negated", "wrong_value", "absent"))


def test_the_other_documents_set_has_what_the_brief_asks() -> None:
    questions = load_facts(DEV_DOCS_FACTS)
    assert len(questions) >= 40
    kinds = Counter(q.kind for q in questions)
    assert kinds["unanswerable"] >= 5 and kinds["false_premise"] >= 1
    formats = Counter(Path(n).suffix for q in questions if q.source for n in _sources(q, q.source))
    assert all(formats[s] >= 2 for s in (".html", ".pdf", ".eml", ".docx")), formats


@pytest.mark.parametrize(
    "q", [*load_facts(DEV_FACTS), *load_facts(DEV_DOCS_FACTS)], ids=lambda q: q.id
)
def test_each_expected_fact_is_what_its_document_says(q: FactQuestion) -> None:
    if q.source is None:
        assert not q.answerable, f"{q.id}: an answerable question must name its source"
        return
    names = _sources(q, q.source)
    texts = [DOCS[n] for n in names]
    for fact in q.expect:
        assert any(fact.found_in(t) for t in texts), f"{q.id}: {fact.label} not in {names}"
    lines = [line for t in texts for line in _sentences(t)]
    for group in q.together:
        assert any(all(f.found_in(line) for f in group) for line in lines), (
            f"{q.id}: {[f.label for f in group]} not together in one sentence of {names}"
        )
    for fact in q.rejected():
        assert not any(fact.found_in(t) for t in texts), f"{q.id}: false {fact.label} is true"
    # Paraphrased, not copied: no run of eight words of the question stands in the document.
    words = _words(q.question)
    doc_words = [" ".join(_words(t)) for t in texts]
    for i in range(len(words) - 7):
        run = " ".join(words[i : i + 8])
        assert not any(f" {run} " in f" {d} " for d in doc_words), f"{q.id} copies {run!r}"


def test_each_claim_agrees_with_its_document() -> None:
    for claim in load_claims(DEV_CLAIMS):
        if claim.source is None:
            assert claim.verdict == "not_found", f"{claim.id}: name the deciding source"
            continue
        texts = [DOCS[n] for n in _sources(claim, claim.source)]
        if claim.quote is not None:
            assert any(claim.quote.found_in(t) for t in texts), f"{claim.id}: quote not in source"


def test_the_sample_gate_binds_its_figures_to_one_source_sentence() -> None:
    """The tightened sample expectations stand together in one sentence of their source."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (REPO / "samples").glob("*.txt")}
    questions = load_facts(REPO / "eval" / "data" / "sample_facts.yaml")
    bound = [q for q in questions if q.together]
    assert len(bound) >= 15
    for q in bound:
        source = next(t for stem, t in texts.items() if q.source and stem.startswith(q.source))
        sentences = _sentences(source)
        for group in q.together:
            assert any(all(f.found_in(s) for f in group) for s in sentences), (q.id, group)
