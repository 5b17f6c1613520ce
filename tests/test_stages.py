"""The answering stages: question analysis, clean evidence units, answerability, answer-first
values with document offsets, yes/no, the marker grammar, and the import graph."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from index.settings import get_settings
from rag import RAG
from rag.evidence import Evidence, Unit, assess, units
from rag.markers import marker_numbers, render_markers, strip_markers
from rag.question import analyze
from rag.records import Passage
from ui.render import render_document_html

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------- markers
def test_one_marker_grammar() -> None:
    text = "A [1][2] B [1, 3] C [4-6] D [7–8] E [2024-11-27 is not one] F [9; 10]"
    assert marker_numbers(text) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert strip_markers("Sofia sent 136 [1, 2].") == "Sofia sent 136."
    assert strip_markers("Sofia sent 136 [1][2]") == "Sofia sent 136"
    assert render_markers([1, 3]) == "[1][3]"
    assert marker_numbers("[1-2024]") == [1]  # not a citation range


# ------------------------------------------------------------------ question analysis
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many Konkurs systems did Sofia transfer to the U.S.?", "number"),
        ("What was the total value of the weapons Belarus sent to Bulgaria?", "amount"),
        ("When did the offensive start?", "date"),
        ("Who told BuzzFeed about the missiles?", "person"),
        ("Where was Lukashenko when he said Assad was no dictator?", "place"),
        ("Which organization identified Regulus Global as a contractor?", "organisation"),
        ("Did Sofia transfer Konkurs systems to the U.S.?", "yesno"),
        ("Why did Belarus send weapons?", "reason"),
        ("In which city did the accident happen?", "place"),
    ],
)
def test_answer_kind_comes_from_the_first_question_word(question: str, kind: str) -> None:
    assert analyze(question).kind == kind


def test_question_constraints() -> None:
    q = analyze("What was the unit price of a Konkurs missile in 2015?")
    assert q.attribute_text == "unit price" and {"unit", "price"} <= q.attribute
    assert "Konkurs" in q.entities
    assert (2015, None, None) in q.asked_dates
    assert analyze("How many systems in total went to the U.S. and Saudi Arabia?").wants_total


# ------------------------------------------------------------------- clean units
def _passage(text: str, doc_id: str = "d") -> Passage:
    return Passage(
        "c", doc_id, f"{doc_id}.txt", "T", "2024-01-01", "document", text, 0, len(text), 0.1
    )


def test_header_line_is_not_glued_to_the_next_sentence() -> None:
    text = " date 2024-12-13 Since the start of the war in 2011, rebels got weapons from Belarus."
    found = units(_passage(text), text)
    assert [u.quote for u in found] == [
        "Since the start of the war in 2011, rebels got weapons from Belarus."
    ]


def test_pdf_hyphenation_resolved_for_display_with_exact_offsets() -> None:
    text = "Title\n\nThe checksum protects the stream against manip-\nulation by an attacker.\n"
    (unit,) = units(_passage(text), text)
    assert text[unit.start : unit.end] == unit.quote  # the quote is the exact span
    assert "manip-\nulation" in unit.quote
    assert unit.display == "The checksum protects the stream against manipulation by an attacker."


def test_title_page_and_boilerplate_are_not_units() -> None:
    text = (
        "Annual Report of the Ministry 2023\n\nJohn Smith, Editor\n\n"
        "Copyright 2023 Example Corp. All rights reserved.\n\n"
        "The ministry sold 5 helicopters to Peru in March.\n"
    )
    assert [u.quote for u in units(_passage(text), text)] == [
        "The ministry sold 5 helicopters to Peru in March."
    ]


def _evidence(text: str, doc_id: str, score: float) -> Evidence:
    unit = Unit(_passage(text, doc_id), 0, len(text), text, " ".join(text.split()))
    return Evidence(unit, score, score, 1.0, True, True, True)


def test_answer_never_repeats_a_sentence() -> None:
    same = "The ministry sold 5 helicopters to Peru."
    ranked = [
        _evidence(same, "a", 0.9),
        _evidence(same.replace(" to", "\nto"), "b", 0.89),  # the same sentence, line broken
        _evidence("Peru paid in cash for the helicopters.", "c", 0.85),
    ]
    picked = assess(analyze("How many helicopters were sold?"), ranked, get_settings()).picked
    assert [e.unit.passage.doc_id for e in picked] == ["a", "c"]


# ------------------------------------------------------- answer first, value offsets
def _value_holds(rag: RAG, question: str, value: str) -> None:
    answer = rag.ask(question)
    assert not answer.abstained, answer.text
    assert answer.text.startswith(f"{value}. [1] "), answer.text
    first = answer.citations[0]
    document = rag.document_text(first.doc_id)
    assert first.value == value
    assert first.value_start is not None and first.value_end is not None
    assert document[first.value_start : first.value_end] == value
    assert first.start <= first.value_start < first.value_end <= first.end
    assert document[first.start : first.end] == first.quote


def test_number_answer_leads_with_the_value_and_its_offsets(sample_rag: RAG) -> None:
    _value_holds(sample_rag, "How many Konkurs systems did Sofia transfer to the U.S.?", "136")
    # bound to what is asked: the same sentence gives 80 for Saudi Arabia
    _value_holds(sample_rag, "How many Konkurs systems went to Saudi Arabia?", "80")


def test_a_name_the_sentence_refers_back_to_is_found_in_its_passage(sample_rag: RAG) -> None:
    # The sentence with the figure says "Sofia"; the question says "Bulgaria", which the
    # sentence before it names. The figure answers it, bound to Saudi Arabia (not the 136).
    _value_holds(sample_rag, "How many Konkurs systems did Bulgaria hand to Saudi Arabia?", "80")


def test_amount_and_date_answers_lead_with_the_value(sample_rag: RAG) -> None:
    _value_holds(
        sample_rag,
        "What was the total value of the weapons Belarus sent to Bulgaria?",
        "37.9 million euros",
    )
    _value_holds(
        sample_rag,
        "When did Syrian opposition armed groups launch the offensive in Aleppo province?",
        "Nov. 27, 2024",
    )


def test_person_answer_leads_with_the_name(sample_rag: RAG) -> None:
    answer = sample_rag.ask("Who told BuzzFeed that the Pentagon was purchasing missiles?")
    assert not answer.abstained
    assert answer.citations[0].value is not None
    assert "Matthew Allen" in answer.citations[0].value
    assert answer.text.startswith(answer.citations[0].value)


def test_ui_highlights_the_value_inside_the_quote() -> None:
    text = "Before. Sofia sent 136 systems. After."
    html = render_document_html(text, 8, 31, "a-q-1", 19, 22)
    assert '<mark class="rag-quote-mark" id="a-q-1">Sofia sent ' in html
    assert '<mark class="rag-value-mark">136</mark> systems.</mark>' in html


# ----------------------------------------------------------------------- yes / no
def test_yes_when_a_quote_states_it(sample_rag: RAG) -> None:
    answer = sample_rag.ask("Did Sofia transfer 136 Konkurs systems to the U.S.?")
    assert not answer.abstained, answer.text
    assert answer.text.startswith("Yes. [1] ")
    assert "136" in answer.citations[0].quote


def test_no_when_a_quote_states_the_opposite(sample_rag: RAG) -> None:
    answer = sample_rag.ask("Were the Konkurs weapons of use to the American or the Saudi armies?")
    assert not answer.abstained, answer.text
    assert answer.text.startswith("No. [1] ")
    assert "of no use" in answer.citations[0].quote


def test_yes_no_without_a_stating_quote_is_declined(sample_rag: RAG) -> None:
    answer = sample_rag.ask("Did Bulgaria pay Belarus for the Konkurs systems in cash?")
    assert answer.abstained, answer.text
    assert answer.text.startswith("The sources do not say yes or no")
    assert answer.closest


# ------------------------------------------------------------------ answerability
@pytest.mark.parametrize(
    "question",
    [
        # every content word is in the sources; the answer is not
        "How much did Saudi Arabia pay for the Konkurs systems?",
        "What was the unit price of the Konkurs systems Sofia transferred?",
        "On what date did the instructor of Regulus Global die in Bulgaria?",
    ],
)
def test_words_present_but_answer_absent_is_declined(sample_rag: RAG, question: str) -> None:
    answer = sample_rag.ask(question)
    assert answer.abstained, answer.text
    assert answer.citations == [] and answer.closest
    assert " but not " in answer.text or "do not give" in answer.text, answer.text


# ------------------------------------------------------------------- import graph
def _imports(folder: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def test_layers_import_only_downwards() -> None:
    assert "rag" not in _imports("index") and "ui" not in _imports("index")
    assert "index" not in _imports("ui"), "ui must use what rag exports"
    assert "index" not in _imports("eval"), "eval must use what rag exports"
    assert "ui" not in _imports("rag") and "eval" not in _imports("rag")


@pytest.mark.parametrize(
    "module",
    [
        "rag.question",
        "rag.answer_values",
        "rag.question_identify",
        "rag.crosslang",
        "rag.crosslang_match",
        "rag.crosslang_values",
        "rag.lexicon",
        "rag.lexicon_dictd",
        "rag.evidence",
        "rag.candidates",
        "rag.assess",
        "rag.compose.extractive",
        "rag.compose.llm",
        "rag.pipeline",
        "rag.api",
        "rag.markers",
        "index.languages",
    ],
)
def test_each_stage_imports_on_its_own(module: str) -> None:
    # A fresh interpreter per module: an import circle fails whichever module comes first.
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr


def test_question_phrase_words_are_not_the_topic() -> None:
    # "how old" asks for a number; "old" is not something the evidence must repeat
    # ("Willow, 22"), while the topic words of the question stay.
    from rag.question import analyze

    q = analyze("How old was the pilot who landed the plane?")
    assert q.kind == "number"
    assert "old" not in q.focus and "pilot" in q.focus


def test_an_acronym_is_backed_by_the_words_it_abbreviates() -> None:
    from rag.normalize import name_in_texts

    assert name_in_texts("FTC", ["after the Federal Trade Commission and 17 states sued"])
    assert not name_in_texts("FTC", ["after the Federal Reserve and 17 states sued"])
    assert not name_in_texts("FTC", ["federal trade rules"])  # not capitalised: not a name


def test_a_headline_is_a_unit_without_its_key_and_metadata_values_are_not() -> None:
    text = (
        "title: Binance to pay $4.3B in fines and its CEO to step down\n"
        "source: TechCrunch\nurl: https://example.org/binance-fines\n\n"
        "The exchange agreed to the settlement on Tuesday.\n"
    )
    found = units(_passage(text), text)
    assert [u.quote for u in found] == [
        "Binance to pay $4.3B in fines and its CEO to step down",
        "The exchange agreed to the settlement on Tuesday.",
    ]
    assert all(text[u.start : u.end] == u.quote for u in found)


def test_a_contraction_is_not_a_name() -> None:
    from rag.normalize import extract_names

    assert extract_names("Virginia woman urges people: ‘Don’t waste time’") == ["Virginia"]
