"""English nouns carried into Ukrainian and Belarusian through Apertium (rag/lexicon_apertium.py):
Mueller's English-Russian dictionary composed with Debian's apertium-rus-ukr and apertium-bel-rus
transducers, run by lttoolbox's lt-proc (all installed by `make dictionaries`). Such a composed
map finds translations, but its gaps are two resources' gaps: no translation found rules
nothing out (the embedding decides), and its senses are not reasoned through. Sentences
written for these tests (not the dev or held-out sets)."""

from __future__ import annotations

import shutil
from pathlib import Path

from index.languages import get_profile
from rag.lexicon import lexicon, phrase_match
from rag.lexicon_apertium import apertium_files, compose


def test_the_profiles_name_apertium_pairs_and_the_set_up_installs_them() -> None:
    assert shutil.which("lt-proc"), "run `make dictionaries` (lttoolbox)"
    for code in ("uk", "be"):
        prefix = get_profile(code).apertium["ru"]
        assert apertium_files(prefix) is not None, f"{prefix}: run `make dictionaries`"


def test_compose_carries_russian_translations_on_through_the_transducers() -> None:
    files = apertium_files(get_profile("uk").apertium["ru"])
    assert files is not None
    pivot = {
        "bed": frozenset({("кровать",)}),
        "nurse": frozenset({("медицинская", "сестра")}),
        "gizmo": frozenset({("xyzzyqq",)}),  # no Russian word: nothing to carry
    }
    carried = compose(pivot, *files)
    assert carried["bed"] == {("ліжко",)}
    assert ("медичний", "сестра") in carried["nurse"]
    assert "gizmo" not in carried


def test_a_composed_translation_matches_a_ukrainian_count_s_noun() -> None:
    uk = lexicon("en", "uk")
    assert uk is not None and uk.composed
    assert ("ліжко",) in uk.translations("beds")
    assert phrase_match(["beds"], "en", "ліжок", "uk") is True
    # the other direction reads the composed map inverted
    assert phrase_match(["лікарів"], "uk", "doctors", "en") is True
    assert phrase_match(["ліжок"], "uk", "beds", "en") is True


def test_finding_no_composed_translation_rules_nothing_out() -> None:
    # A dictionary of the pair says False here ("helicopters" is not "пожарных"); a composed
    # map lacks too much to say so: "employee" reaches no Belarusian word through Russian
    # "служащий" (a participle to Apertium), yet "супрацоўнікаў" are employees.
    assert phrase_match(["beds"], "en", "медиків", "uk") is None
    assert phrase_match(["employees"], "en", "супрацоўнікаў", "be") is None
    assert phrase_match(["helicopters"], "en", "пожарных", "ru") is False


def test_a_missing_apertium_pair_is_none(tmp_path: Path) -> None:
    assert apertium_files(str(tmp_path / "rus-xyz")) is None


def test_the_dictionary_not_the_embedding_decides_a_ukrainian_count_s_noun() -> None:
    # e5 puts "beds" closer to "медиків" (0.86) than to "ліжок" (0.81), so "85 медиків" led
    # an answer about beds; the composed map finds "ліжко" for "bed" without the embedding
    from rag.counted import counted_similarity
    from rag.question import analyze

    class NoEmbedding:
        def embed_query(self, text: str) -> None:
            raise AssertionError("the dictionary decides, not the embedding")

    q = analyze("How many beds does the new ward in Rivne have?", "en")
    assert counted_similarity(q, "ліжок", "uk", NoEmbedding()) == 1.0
