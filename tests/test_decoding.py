"""Legacy encodings on real text: each file is decoded exactly, and the warning names the
encoding that was used.

``data/vimtutor-ru-excerpt.txt`` is the end of Vim's Russian tutor (``tutor.ru.cp1251``, Vim
licence, translated by Andrey Kiselev and Sergey Alyoshin), kept here as UTF-8: encoded back
to Windows-1251 it is the file that charset-normalizer alone refused ("unknown encoding")."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.loaders import load_file

TUTOR = (Path(__file__).parent / "data" / "vimtutor-ru-excerpt.txt").read_text(encoding="utf-8")

FRENCH = (
    "Le conseil municipal s’est réuni jeudi : « Nous avons dépensé 12 400 € pour la "
    "rénovation de l’école », a déclaré la maire. Les élèves reviendront après les fêtes.\n"
    "Après des années d’attente, le théâtre rouvre ses portes ; la façade a été restaurée.\n"
)
GERMAN = (
    "Die Stadtverwaltung hat am Donnerstag bestätigt, dass die Brücke über die Spree "
    "gesperrt bleibt. Laut Gutachten müssen die Stahlträger ersetzt werden; die Kosten "
    "übersteigen die geschätzten Mittel deutlich. Anwohner äußerten Ärger über die Dauer.\n"
)
RUSSIAN_NEWS = (
    "Государственная таможенная служба сообщила, что в марте через порт прошло 412 "
    "контейнеров. По словам представителя службы, досмотр занял больше времени, чем "
    "обычно, из-за нехватки сотрудников. Ещё два судна ожидают разгрузки.\n"
)


def _load(tmp_path: Path, name: str, data: bytes) -> tuple[str, str, list[str]]:
    path = tmp_path / name
    path.write_bytes(data)
    loaded = load_file(path, max_bytes=10**7)
    (doc,) = loaded.documents
    return doc.text, doc.metadata.get("encoding", "utf-8"), loaded.warnings


def test_the_russian_vim_tutor_in_windows_1251_is_read(tmp_path: Path) -> None:
    text, encoding, warnings = _load(tmp_path, "tutor.ru.txt", TUTOR.encode("cp1251"))
    assert text == TUTOR
    assert encoding == "cp1251"
    assert warnings == ["not UTF-8; decoded as cp1251"]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (TUTOR, "koi8-r"),
        (RUSSIAN_NEWS, "cp1251"),
        (RUSSIAN_NEWS, "koi8-r"),
        (FRENCH, "cp1252"),  # curly quotes and the euro sign exist only in cp1252
        (GERMAN, "latin-1"),
        (RUSSIAN_NEWS, "utf-16"),  # with its byte-order mark
    ],
)
def test_legacy_encodings_are_detected_and_named(tmp_path: Path, text: str, encoding: str) -> None:
    got, used, warnings = _load(tmp_path, "doc.txt", text.encode(encoding))
    assert got == text
    assert used == encoding
    assert warnings == [f"not UTF-8; decoded as {encoding}"]
