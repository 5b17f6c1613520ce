"""Answers over the real sample store: facts with exact quotes, refusals, false premises,
LLM generation logic with a scripted model, the OpenAI back-end over HTTP, API and CLI."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openai_stub import OpenAIStub

from index.settings import get_settings
from rag import RAG, Answer, open_store
from rag.llm import LLMError, ScriptedLLM
from rag.normalize import fact_in_text
from rag.pipeline import NOT_SAY, answer_question
from rag.retrieve import Filters

RAG_CLI = [sys.executable, "-m", "rag.cli"]

FACTS = [
    ("What was the total value of the weapons Belarus sent to Bulgaria?", "€37.9M"),
    ("How many Konkurs systems did Belarus send to Bulgaria in 2015?", "240"),
    ("How many AGS-17 grenade launchers did Belarus supply to Bulgaria?", "140"),
    ("How many Konkurs systems did Sofia transfer to the U.S.?", "136"),
    ("How many Konkurs systems went to Saudi Arabia?", "80"),
    ("Who told BuzzFeed that the Pentagon was purchasing missiles from Belarus?", "Matthew Allen"),
    ("Which American defense company's instructors were trained in Belarus?", "Regulus Global"),
    ("Which organization identified Regulus Global as a Pentagon contractor?", "OCCRP"),
    ("When did Syrian opposition armed groups launch the offensive in Aleppo province?", "Nov. 27"),
    ("Which cities had Assad's opponents taken by the evening of Dec. 7?", "Homs"),
    ("What was the offensive codenamed by HTS?", "Deterrence of Aggression"),
]

UNANSWERABLE = [
    "What is the population of Belarus?",
    "What was the unit price of a Konkurs missile?",
    "Who won the 2022 FIFA World Cup?",
    "How many tanks did Russia send to Syria in 2024?",
    "What is the name of Lukashenko's wife?",
]


def _assert_quotes_hold(rag: RAG, answer: Answer) -> None:
    for c in answer.citations:
        assert rag.document_text(c.doc_id)[c.start : c.end] == c.quote
        assert f"[{c.n}]" in answer.text
        assert c.date and c.title and c.source


@pytest.mark.parametrize(("question", "fact"), FACTS)
def test_facts_are_answered_with_exact_quotes(sample_rag: RAG, question: str, fact: str) -> None:
    answer = sample_rag.ask(question)
    assert not answer.abstained, answer.text
    assert fact_in_text(fact, answer.text), answer.text
    assert any(fact_in_text(fact, c.quote) for c in answer.citations)
    _assert_quotes_hold(sample_rag, answer)


def test_each_citation_shows_its_document_date(sample_rag: RAG) -> None:
    answer = sample_rag.ask("How many Konkurs systems did Sofia transfer to the U.S.?")
    (citation,) = answer.citations
    assert (citation.date, citation.date_origin) == ("2024-12-13", "document")


def test_a_total_value_is_quoted_not_summed(sample_rag: RAG) -> None:
    answer = sample_rag.ask("What was the total worth of the weapons Belarus sent to Bulgaria?")
    assert "37.9 million euros" in answer.text and "+" not in answer.text


def test_sum_is_shown_with_cited_operands(sample_rag: RAG) -> None:
    answer = sample_rag.ask(
        "How many Konkurs systems did Sofia transfer in total to the U.S. and Saudi Arabia?"
    )
    assert "136 + 80 = 216" in answer.text
    assert any("136" in c.quote and "80" in c.quote for c in answer.citations)


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_unanswerable_questions_are_declined(sample_rag: RAG, question: str) -> None:
    answer = sample_rag.ask(question)
    assert answer.abstained, answer.text
    assert answer.text.startswith(NOT_SAY)
    assert answer.citations == [] and answer.closest


def test_false_premise_gets_what_the_sources_say(sample_rag: RAG) -> None:
    answer = sample_rag.ask("Why did Belarus send 300 Konkurs systems to Romania?")
    assert not answer.abstained
    assert answer.text.startswith(NOT_SAY) and "300" in answer.text and "Romania" in answer.text
    assert "240" in answer.text and "Bulgaria" in answer.text
    _assert_quotes_hold(sample_rag, answer)


def test_filters_restrict_sources_and_dates(sample_rag: RAG) -> None:
    question = "How many Konkurs systems did Sofia transfer to the U.S.?"
    only_wiki = sample_rag.ask(question, sources=["wikipedia"])
    assert all("wikipedia" in c.source for c in only_wiki.citations)
    assert "136" not in only_wiki.text
    dated = sample_rag.ask(question, date_from="2024-12-01", date_to="2024-12-31")
    assert "136" in dated.text
    too_early = sample_rag.ask(question, date_to="2020-01-01", sources=["belarus"])
    assert too_early.abstained and not too_early.closest


# ----------------------------------------------------------- generation logic (scripted LLM)
def _generate(rag: RAG, question: str, reply: str) -> tuple[Answer, ScriptedLLM, list[str]]:
    llm = ScriptedLLM([reply])
    deltas: list[str] = []
    answer: Answer | None = None
    for event in answer_question(
        question,
        retriever=rag.retriever,
        llm=llm,
        backend="scripted",
        top_k=None,
        filters=Filters(),
        started=0.0,
    ):
        if event.kind == "delta":
            deltas.append(event.text)
        else:
            answer = event.answer
    assert answer is not None
    return answer, llm, deltas


QUESTION_US = "How many Konkurs systems did Sofia transfer to the U.S.?"


def test_llm_sentence_with_its_quote_is_kept(sample_rag: RAG) -> None:
    reply = "Sofia transferred 136 Konkurs systems to the U.S. [1]"
    answer, llm, deltas = _generate(sample_rag, QUESTION_US, reply)
    assert "".join(deltas) == reply  # tokens stream as they come
    assert answer.text == "Sofia transferred 136 Konkurs systems to the U.S. [1]"
    assert not answer.notes and len(answer.citations) == 1
    assert [s.model_written for s in answer.sentences] == [True]  # the model's, kept
    assert "136" in answer.citations[0].quote
    _assert_quotes_hold(sample_rag, answer)
    system, user = llm.history[0]
    assert "ONLY" in system["content"] and "[1]" in user["content"]
    assert QUESTION_US in user["content"]


def test_llm_wrong_number_is_replaced_by_the_quote(sample_rag: RAG) -> None:
    reply = "Sofia transferred 150 Konkurs systems to the U.S. [1]"
    answer, _, _ = _generate(sample_rag, QUESTION_US, reply)
    assert "150" not in answer.text
    assert "136" in answer.text
    assert answer.notes and "150" in answer.notes[0]
    # What stands in its place is the source's quote, not the model's sentence.
    assert [(s.text, s.model_written) for s in answer.sentences] == [
        (answer.citations[0].quote, False)
    ]
    _assert_quotes_hold(sample_rag, answer)


def test_llm_value_true_to_its_quote_but_not_the_answer_is_replaced(sample_rag: RAG) -> None:
    # "80" is in the quote, so the sentence alone checks out; but the quote binds 80 to
    # Saudi Arabia and 136 to the U.S., which the question asks about.
    reply = "80 [1] INSUFFICIENT [1]\nINSUFFICIENT\nINSUF"  # cut at the token limit
    answer, _, _ = _generate(sample_rag, QUESTION_US, reply)
    assert [(s.text, s.model_written) for s in answer.sentences] == [
        (answer.citations[0].quote, False)
    ]
    assert answer.notes[0].startswith("Replaced a sentence by the passage it cited (‘80’ is not")
    # The model's own refusal after an answer is no claim: one note, nothing replaced for it.
    assert answer.notes[1:] == ["The model also said the quotes do not answer the question."]


def test_llm_right_value_is_kept_once_however_often_repeated(sample_rag: RAG) -> None:
    answer, _, _ = _generate(sample_rag, QUESTION_US, "136 [1] 136 [1]\n136 [1]")
    # A bare value is followed by the quote that says what it counts.
    assert [(s.text, s.model_written) for s in answer.sentences] == [
        ("136", True),
        (answer.citations[0].quote, False),
    ]
    assert answer.text == f"136 [1] {answer.citations[0].quote} [1]" and not answer.notes


def test_llm_bare_sentence_of_another_kind_than_asked_is_replaced(sample_rag: RAG) -> None:
    # "2015" is in the quote ("told BuzzFeed in 2015"), so the verifier finds it true; but a
    # who-question is not answered by a year, and a bare value says nothing else.
    question = "Who told BuzzFeed that the Pentagon was purchasing missiles from Belarus?"
    year, _, _ = _generate(sample_rag, question, "2015 [1]")
    assert [s.model_written for s in year.sentences] == [False]
    assert "Matthew Allen" in year.sentences[0].text
    assert year.notes[0].startswith("Replaced a sentence by the passage it cited (‘2015’ gives")
    for name in ("Matthew Allen", "Allen"):  # a one-word name opening the reply is a name
        # "[1][" was cut at the token limit: a stray bracket is no sentence
        named, _, _ = _generate(sample_rag, question, f"{name} [1]\n[1][")
        assert [(s.text, s.model_written) for s in named.sentences] == [
            (name, True),  # followed by the quote that says what it is of
            (named.citations[0].quote, False),
        ]
        assert not named.notes


def test_llm_bare_figure_for_a_question_that_asks_no_value_is_bound_by_its_clause(
    sample_rag: RAG,
) -> None:
    # "Which weapons ...": 240 stands in a clause that says nothing of weapons (it counts
    # "ATGW 9P135M Konkurs"); as a bare answer it is wrong, though true to its quote.
    weapons = "Which weapons did Belarus send to Bulgaria in 2015?"
    answer, _, _ = _generate(sample_rag, weapons, "240 [2]")
    assert [s.model_written for s in answer.sentences] == [False]
    assert "the quotes do not write ‘240’ of what was asked" in answer.notes[0]
    # A clause that names what is asked binds the figure: "136 Konkurs systems".
    systems = "Which systems did Sofia transfer to the U.S.?"
    kept, _, _ = _generate(sample_rag, systems, "136 [1]")
    assert [(s.text, s.model_written) for s in kept.sentences] == [
        ("136", True),
        (kept.citations[0].quote, False),
    ]
    assert not kept.notes


def test_llm_invented_markers_and_uncited_sentences_are_dropped(sample_rag: RAG) -> None:
    reply = "Sofia transferred 136 Konkurs systems to the U.S. [1][9] Assad is a doctor."
    answer, _, _ = _generate(sample_rag, QUESTION_US, reply)
    assert "[9]" not in answer.text and "doctor" not in answer.text
    assert any("no valid citation" in n for n in answer.notes)
    assert [c.n for c in answer.citations] == [1]


def test_llm_arithmetic_is_checked(sample_rag: RAG) -> None:
    question = "How many Konkurs systems did Sofia transfer to the U.S. and Saudi Arabia?"
    right, _, _ = _generate(sample_rag, question, "Sofia sent 136 + 80 = 216 systems [1].")
    assert "136 + 80 = 216" in right.text and not right.notes
    wrong, _, _ = _generate(sample_rag, question, "Sofia sent 136 + 80 = 226 systems [1].")
    assert "226" not in wrong.text and "226" in wrong.notes[0]


def test_llm_insufficient_means_abstain(sample_rag: RAG) -> None:
    answer, _, _ = _generate(sample_rag, QUESTION_US, "INSUFFICIENT")
    assert answer.abstained and answer.text.startswith(NOT_SAY)


def test_llm_not_consulted_when_there_is_no_evidence(sample_rag: RAG) -> None:
    answer, llm, _ = _generate(sample_rag, "Who won the 2022 FIFA World Cup?", "France [1].")
    assert answer.abstained and llm.history == []


# ------------------------------------------------------------------ OpenAI back-end over HTTP
def test_openai_backend_end_to_end(sample_store: Path) -> None:
    with OpenAIStub(model="m") as stub:
        rag = RAG(
            get_settings(
                store=sample_store,
                backend="openai",
                openai_base_url=stub.base_url,
                openai_model="m",
                llm_retries=0,
                llm_timeout=5,
            )
        )
        stub.enqueue_reply("Sofia sent 136 Konkurs systems to the U.S. [1]")
        answer = rag.ask(QUESTION_US)
        assert answer.backend == "openai" and "136" in answer.text and not answer.notes
        assert stub.requests[-1]["model"] == "m" and stub.requests[-1]["stream"] is True

        stub.enqueue_status(500)
        stub.enqueue_reply("Sofia sent 80 Konkurs systems to Saudi Arabia [1]")
        results = rag.ask_many(
            [QUESTION_US, "How many Konkurs systems went to Saudi Arabia?"], concurrency=1
        )
        assert results[0].error and "500" in results[0].error
        assert "80" in results[1].text and results[1].error is None
        stub.enqueue_status(500)
        with pytest.raises(LLMError):
            rag.ask(QUESTION_US)


# ------------------------------------------------------------------------------ API and CLI
def test_ask_many_keeps_input_order_and_async_forms(sample_rag: RAG) -> None:
    questions = [q for q, _ in FACTS[:4]]
    answers = sample_rag.ask_many(questions, concurrency=3)
    assert [a.question for a in answers] == questions
    assert [fact_in_text(f, a.text) for a, (_, f) in zip(answers, FACTS, strict=False)] == [
        True
    ] * 4
    async_answers = asyncio.run(sample_rag.aask_many(questions[:2], concurrency=2))
    assert [a.text for a in async_answers] == [a.text for a in answers[:2]]
    single = asyncio.run(sample_rag.aask(questions[0]))
    assert single.text == answers[0].text


def test_cli_ask_refuses_a_missing_store(tmp_path: Path) -> None:
    done = subprocess.run(
        [*RAG_CLI, "ask", "anything?", "--store", str(tmp_path / "none")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: no index at") and "rag ingest" in done.stderr
    assert not (tmp_path / "none").exists()


def test_cli_ask_json(sample_store: Path) -> None:
    done = subprocess.run(
        [*RAG_CLI, "ask", QUESTION_US, "--store", str(sample_store), "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["abstained"] is False and "136" in answer["answer"]
    (citation,) = answer["citations"]
    assert set(citation) >= {"n", "source", "title", "date", "quote", "start", "end"}
    text = Path(citation["source"]).read_text(encoding="utf-8")
    assert text[citation["start"] : citation["end"]] == citation["quote"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "q.jsonl",
            '{"id": "a", "question": "How many Konkurs systems went to Saudi Arabia?"}\n'
            "not json\n"
            '{"id": "c", "question": "Who won the 2022 FIFA World Cup?"}\n',
        ),
        (
            "q.csv",
            "id,question\na,How many Konkurs systems went to Saudi Arabia?\nb,\n"
            "c,Who won the 2022 FIFA World Cup?\n",
        ),
        (
            "q.txt",
            "How many Konkurs systems went to Saudi Arabia?\n\nWho won the 2022 FIFA World Cup?\n",
        ),
    ],
)
def test_cli_batch(sample_store: Path, tmp_path: Path, name: str, content: str) -> None:
    source = tmp_path / name
    source.write_text(content)
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "RAG_STORE": str(sample_store)}
    done = subprocess.run(
        [*RAG_CLI, "batch", str(source), "--out", str(out)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    first, last = lines[0], lines[-1]
    assert "80" in first["answer"] and first["citations"] and "error" not in first
    assert last["abstained"] is True and last["answer"].startswith(NOT_SAY)
    if name == "q.txt":
        assert [line["id"] for line in lines] == ["1", "3"]
    else:
        assert len(lines) == 3 and lines[1]["error"] and "answer" in lines[1]
        assert [line["id"] for line in lines] == ["a", "2" if name == "q.jsonl" else "b", "c"]


def test_store_opened_twice_shares_nothing_wrong(sample_store: Path) -> None:
    rag = open_store(sample_store)
    assert {Path(d.source).name for d in rag.sources()} == {
        "belarus-weapons-syria-2024-12-13.txt",
        "wikipedia-2024-syrian-opposition-offensives.txt",
    }


def test_llm_sentence_without_marker_gets_its_supporting_quote(sample_rag: RAG) -> None:
    reply = "Sofia transferred 136 Konkurs systems. Bulgaria paid 5 million euros."
    answer, _, _ = _generate(sample_rag, QUESTION_US, reply)
    assert answer.text == "Sofia transferred 136 Konkurs systems. [1]"
    assert "5 million" not in answer.text  # no quote backs it: dropped, not matched
    assert any("matched by the verifier" in n for n in answer.notes)
    assert any("no valid citation" in n for n in answer.notes)


def test_llm_two_different_bare_answers_to_a_one_answer_question_are_replaced(
    sample_rag: RAG,
) -> None:
    # both names are in the quote, so each passes alone; given together, the model did not
    # choose, and neither is its answer
    question = "Who told BuzzFeed that the Pentagon was purchasing missiles from Belarus?"
    reply = "Matthew Allen [1]\nU.S. Special Operations Command [1]\nMatthew Allen [1]"
    hedged, _, _ = _generate(sample_rag, question, reply)
    assert not any(s.model_written for s in hedged.sentences)
    assert "the model gave several answers" in hedged.notes[0]
    # one answer written two ways is one answer
    same, _, _ = _generate(sample_rag, question, "Matthew Allen [1]\nLt. Com. Matthew Allen [1]")
    assert same.sentences[0].model_written and same.sentences[0].text == "Matthew Allen"
    assert not any("several answers" in n for n in same.notes)


def test_llm_sum_adding_one_quoted_figure_twice_is_replaced(sample_rag: RAG) -> None:
    # the sum is right and 136 is in the quote, but the quote writes 136 once
    question = "How many Konkurs systems did Sofia transfer to the U.S. and Saudi Arabia?"
    doubled, _, _ = _generate(sample_rag, question, "136 + 136 = 272 [1]")
    assert not any(s.model_written for s in doubled.sentences)
    assert "‘136’ is added 2 times; the quotes write it 1" in doubled.notes[0]
    right, _, _ = _generate(sample_rag, question, "Sofia sent 136 + 80 = 216 systems [1].")
    assert right.sentences[0].model_written and not right.notes
