"""Quotes taken verbatim from the sample sources, checked to be there, for the tests."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BELARUS = (SAMPLES / "belarus-weapons-syria-2024-12-13.txt").read_text(encoding="utf-8")
WIKI = (SAMPLES / "wikipedia-2024-syrian-opposition-offensives.txt").read_text(encoding="utf-8")


def sample(doc: str, text: str) -> str:
    """``text``, after making sure the sample really contains it."""
    assert text in doc, f"not in the sample: {text!r}"
    return text


KONKURS = sample(
    BELARUS,
    "In 2015, Belarus sent 240 ATGW 9P135M Konkurs (NATO: AT-5 Spandrel) portable anti-tank "
    "missile systems and 140 AGS-17 automatic grenade launchers — worth a total of 37.9 "
    "million euros — to Bulgaria.",
)
SOFIA = sample(
    BELARUS,
    "The same year, Sofia transferred 136 Konkurs systems to the U.S. and another 80 to "
    "Saudi Arabia.",
)
ALLEN = sample(
    BELARUS,
    "A representative of the U.S. Special Operations Command, Lt. Com. Matthew Allen, told "
    "BuzzFeed in 2015 that the Pentagon was purchasing missiles from Belarus for its program "
    "to arm the Syrian opposition.",
)
