"""Bilingual noun maps composed through Apertium: English -> Russian (Mueller's dictionary,
rag.lexicon) -> Ukrainian or Belarusian (Apertium's Russian-Ukrainian and Russian-Belarusian
lexicons, Debian's ``apertium-rus-ukr`` and ``apertium-bel-rus``).

Debian has no English-Ukrainian or English-Belarusian dictionary, and multilingual-e5-small
does not tell single nouns apart across languages ("beds" is closer to "медиків" than to
"ліжок"). Apertium's machine-translation pairs hold what a dictionary would: each Russian
word analysed by its morphological analyser (``<pair>.automorf.bin``: "кровать" ->
"кровать<n><f><nn><sg><nom>") and looked up in its bilingual transducer
(``<pair>.autobil.bin``: -> "ліжко<n><nt>..."), both run by lttoolbox's ``lt-proc`` over every
Russian word of the pivot dictionary at once. A translation of several words ("медицинская
сестра") is kept when each word translates.

Which files serve which language is data: ``apertium`` in the profile of the language
translated into (``uk.yaml``: ``ru`` -> the rus-ukr files). The composed map is cached like a
dictionary's (rag.lexicon), keyed by the hashes of the pivot dictionary and the Apertium
files. Missing files or ``lt-proc`` are logged once: the pair falls back to the embedding.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = ["apertium_files", "compose"]

# "^кровать/кровать<n><f><nn><sg><nom>/кровать<n><f><nn><sg><acc>$": the word, its analyses
_UNIT = re.compile(r"\^(.*?)\$")
_HOMONYM = re.compile(r"[\d¹²³⁴⁵⁶⁷⁸⁹⁰]+$")
_TIMEOUT = 300  # seconds for one lt-proc run over the whole vocabulary


def apertium_files(prefix: str) -> tuple[Path, Path] | None:
    """(analyser, bilingual transducer) of an Apertium pair given as ``<folder>/<pair>``
    ("/usr/share/apertium/apertium-rus-ukr/rus-ukr"); None when either or ``lt-proc`` is
    missing."""
    analyser, bilingual = Path(prefix + ".automorf.bin"), Path(prefix + ".autobil.bin")
    if not (analyser.is_file() and bilingual.is_file()):
        return None
    if shutil.which("lt-proc") is None:
        return None
    return analyser, bilingual


def _lt_proc(args: list[str], lines: list[str]) -> list[str]:
    """``lt-proc`` over one item per line; its output line by line (it keeps the blanks)."""
    done = subprocess.run(
        ["lt-proc", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=_TIMEOUT,
    )
    return done.stdout.split("\n")[: len(lines)]


def _analyses(words: list[str], analyser: Path) -> dict[str, list[str]]:
    """Each word's analyses as a noun ("кровать<n><f><nn><sg><nom>"), or as an adjective
    when it is none (the modifier of "медицинская сестра"); none for an unknown word or
    another class (a dictionary's "служащий" read as a participle is no noun here)."""
    out: dict[str, list[str]] = {}
    for word, line in zip(words, _lt_proc([str(analyser)], words), strict=False):
        unit = _UNIT.search(line)
        if not unit:
            continue
        found = [a for a in unit.group(1).split("/")[1:] if not a.startswith(("*", "@", "#"))]
        nouns = [a for a in found if "<n>" in a] or [a for a in found if "<adj>" in a]
        if nouns:
            out[word] = list(dict.fromkeys(nouns))
    return out


def _translated(words: list[str], analyser: Path, bilingual: Path) -> dict[str, list[str]]:
    """Each word's translations as lemmas ("кровать" -> ["ліжко"]); none for a word either
    transducer does not know."""
    analyses = _analyses(words, analyser)
    units = [(w, a) for w, found in analyses.items() for a in found]
    out: dict[str, list[str]] = {}
    lines = _lt_proc(["-b", str(bilingual)], [f"^{a}$" for _, a in units])
    for (word, _), line in zip(units, lines, strict=False):
        unit = _UNIT.search(line)
        if not unit:
            continue
        for target in unit.group(1).split("/")[1:]:
            if target.startswith(("@", "*", "#")):
                continue
            # "слой²": the pair numbers homonyms; the word is the letters
            lemma = _HOMONYM.sub("", target.split("<", 1)[0].lower())
            if lemma:
                out.setdefault(word, []).append(lemma)
    return {w: list(dict.fromkeys(t)) for w, t in out.items()}


def compose(
    pivot: Mapping[str, frozenset[tuple[str, ...]]], analyser: Path, bilingual: Path
) -> dict[str, set[tuple[str, ...]]]:
    """``pivot`` (source word -> translations in the pivot language) carried into the
    Apertium pair's target language: each translation whose every word translates, in every
    combination of the words' first two translations."""
    words = sorted({w for found in pivot.values() for t in found for w in t})
    translated = _translated(words, analyser, bilingual)
    out: dict[str, set[tuple[str, ...]]] = {}
    for key, found in pivot.items():
        carried: set[tuple[str, ...]] = set()
        for translation in found:
            if not all(w in translated for w in translation):
                continue
            combos: list[tuple[str, ...]] = [()]
            for w in translation:
                combos = [(*c, t) for c in combos for t in translated[w][:2]]
            carried.update(combos)
        if carried or not found:
            out[key] = carried
    return out
