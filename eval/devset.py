"""Where the development set lives: its question and claim files and the document folders
a temporary index of it is built from.

The development set is what the pipeline is tuned on; ``eval/data/sample_facts.yaml`` is the
gate nobody tunes on. Its documents ship with the repository (``bench/multihop/docs`` and
``eval/data/dev/docs``), not with the package.
"""

from __future__ import annotations

from pathlib import Path

DEV_DIR = Path(__file__).parent / "data" / "dev"
DEV_FACTS = DEV_DIR / "multihop_facts.yaml"
DEV_CLAIMS = DEV_DIR / "multihop_claims.yaml"
DEV_DOCS_FACTS = DEV_DIR / "docs_facts.yaml"
DEV_THRESHOLDS = DEV_DIR / "thresholds.yaml"


def dev_documents(repo: Path | None = None) -> list[Path]:
    """The folders the development set asks about, those that exist in this checkout."""
    repo = repo or Path(__file__).resolve().parents[1]
    folders = [repo / "bench" / "multihop" / "docs", DEV_DIR / "docs"]
    return [f for f in folders if f.is_dir()]
