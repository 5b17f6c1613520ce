"""Facts files (YAML, JSONL): their forms, their errors (one line, exit 2), and the sample
facts against the sources they come from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eval.facts import KINDS, FactsError, load_facts
from eval.run import DEFAULT_FACTS
from rag.cli import cli

ROOT = Path(__file__).resolve().parents[1]
BELARUS = ROOT / "samples" / "belarus-weapons-syria-2024-12-13.txt"
WIKIPEDIA = ROOT / "samples" / "wikipedia-2024-syrian-opposition-offensives.txt"
TEXT = BELARUS.read_text(encoding="utf-8")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_facts_with_alternatives_and_default_ids(tmp_path: Path) -> None:
    path = write(
        tmp_path / "f.yaml",
        """
- id: total
  question: What were the weapons worth?
  kind: number
  expect: ["37.9 million euros|€37.9M"]
  source: belarus
- question: Who won the 2022 World Cup?
  kind: unanswerable
- question: Why did Belarus send 300 Konkurs systems to Romania?
  kind: false_premise
  expect: [240, Bulgaria]
""",
    )
    total, world_cup, premise = load_facts(path)
    assert total.id == "total" and total.kind == "number" and total.source == "belarus"
    assert total.expect[0].alternatives == ("37.9 million euros", "€37.9M")
    assert total.location == f"{path}:2"
    assert world_cup.id == "q2" and world_cup.expect == () and not world_cup.answerable
    assert [f.label for f in premise.expect] == ["240", "Bulgaria"]
    # No explicit reject list: the question's figures that are not expected are rejected.
    assert [f.label for f in premise.rejected()] == ["300"]


def test_yaml_mapping_form_and_jsonl(tmp_path: Path) -> None:
    mapping = write(
        tmp_path / "f.yml",
        "questions:\n  - {question: 'How many?', kind: number, expect: ['136']}\n",
    )
    assert load_facts(mapping)[0].expect[0].alternatives == ("136",)
    lines = [
        "# a comment",
        json.dumps({"id": "a", "question": "Who?", "kind": "entity", "expect": ["A|B"]}),
        "",
        json.dumps({"question": "Price?", "kind": "unanswerable", "expect": []}),
    ]
    jsonl = write(tmp_path / "f.jsonl", "\n".join(lines) + "\n")
    first, second = load_facts(jsonl)
    assert first.id == "a" and first.expect[0].alternatives == ("A", "B")
    assert second.id == "q2" and second.location == f"{jsonl}:4"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("- {kind: number, expect: ['1']}\n", ":1: item 1: 'question' must be"),
        ("- {question: 'Q?', kind: numbr, expect: ['1']}\n", "'kind' must be one of"),
        ("- {question: 'Q?', kind: number}\n", "'expect' must list at least one fact"),
        ("- {question: 'Q?', kind: unanswerable, expect: ['1']}\n", "must have an empty 'expect'"),
        ("- {question: 'Q?', kind: number, expected: ['1']}\n", "unknown key 'expected'"),
        ("- {question: 'Q?', kind: number, expect: ['1'], reject: ['2']}\n", "only for kind"),
        ("- {question: 'Q?', kind: number, expect: [[1]]}\n", "entries must be strings"),
        ("- {question: 'Q?', kind: number, expect: ['|']}\n", "empty fact"),
        ("- just a string\n", "expected a mapping"),
        ("question: Q?\n", "a YAML mapping must have one key"),
        ("- {question: 'Q?'\n", "not valid YAML"),
        ("", "no questions"),
        (
            "- {id: a, question: 'Q?', kind: number, expect: ['1']}\n"
            "- {id: a, question: 'R?', kind: number, expect: ['2']}\n",
            ":2: duplicate id 'a' (first at",
        ),
    ],
)
def test_invalid_yaml_facts(tmp_path: Path, content: str, problem: str) -> None:
    path = write(tmp_path / "bad.yaml", content)
    with pytest.raises(FactsError) as caught:
        load_facts(path)
    message = str(caught.value)
    assert str(path) in message and problem in message and "\n" not in message


def test_invalid_jsonl_names_the_line(tmp_path: Path) -> None:
    good = json.dumps({"question": "Q?", "kind": "number", "expect": ["1"]})
    path = write(tmp_path / "bad.jsonl", f"{good}\n{{not json\n")
    with pytest.raises(FactsError, match=r"bad\.jsonl:2: not valid JSON"):
        load_facts(path)
    path = write(tmp_path / "bad2.jsonl", f"{good}\n{json.dumps({'question': 'Q?'})}\n")
    with pytest.raises(FactsError, match=r"bad2\.jsonl:2: item 2: 'kind' must be"):
        load_facts(path)
    with pytest.raises(FactsError, match="unknown facts format"):
        load_facts(write(tmp_path / "facts.txt", good))


def test_bad_facts_file_is_one_error_line_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.yaml", "- {question: 'Q?', kind: nope, expect: ['1']}\n")
    result = CliRunner().invoke(cli, ["eval", "--facts", str(path)])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: ") and "'kind' must be one of" in result.output


def test_sample_facts_cover_the_brief_and_hold_in_the_sources() -> None:
    questions = load_facts(DEFAULT_FACTS)
    kinds = [q.kind for q in questions]
    assert len(questions) >= 30 and set(kinds) == set(KINDS)
    assert kinds.count("unanswerable") >= 5 and kinds.count("false_premise") >= 3
    labels = {f.label for q in questions for f in q.expect}
    for needed in ("240", "136", "80", "216", "Matthew Allen", "Regulus Global", "2015"):
        assert any(needed in label for label in labels), needed
    assert sum(q.source == "wikipedia-2024-syrian-opposition-offensives" for q in questions) >= 5
    texts = {"belarus-weapons-syria": TEXT, "wikipedia": WIKIPEDIA.read_text(encoding="utf-8")}
    both = "\n".join(texts.values())
    for q in questions:
        if q.source:
            assert any(q.source.startswith(name) for name in texts), q.id
            source_text = next(t for name, t in texts.items() if q.source.startswith(name))
        else:
            source_text = both
        for fact in q.expect:
            # 216 is the sum the reader asks for: its operands are in the text, not the total.
            if q.id != "konkurs-transfer-sum":
                assert fact.found_in(source_text), (q.id, fact.label)
        for claim in q.rejected():
            assert not claim.found_in(both), (q.id, claim.label)
