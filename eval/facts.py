"""The facts file: questions with the facts a correct answer must contain.

A facts file is YAML (a list of items, or a mapping with a ``questions`` list) or JSONL (one
JSON object per line; blank lines and lines starting with ``#`` are skipped). Each item::

    - id: konkurs-total-value          # optional; default q1, q2, ... by position
      question: What were the weapons Belarus sent to Bulgaria in 2015 worth in total?
      kind: number                     # number, entity, date, list, unanswerable, false_premise
      expect: ["37.9 million euros|€37.9M"]   # every fact must appear; "a|b" = spellings of one
      source: belarus-weapons-syria    # optional: part of the path of the document to cite
      reject: ["300"]                  # optional: facts the answer must NOT state
      expect_together: [["136", "U.S."]]  # optional: facts that must stand together

Rules: ``unanswerable`` items have an empty ``expect`` (the answer must abstain); every other
kind needs at least one fact. ``false_premise`` items list in ``expect`` what the sources really
say (the correction), and in ``reject`` the false claims the answer must not repeat; without
``reject`` the numbers of the question that are not among the expected facts are rejected.
``expect_together`` binds a value to what it counts: each group (two or more facts) must occur
within one sentence of the answer and within one cited quote, so "80" found in a sentence
about Saudi Arabia does not pass for a question about the U.S.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_POSSESSIVE = re.compile(r"(\w)['’]s\b")
KINDS = ("number", "entity", "date", "list", "unanswerable", "false_premise")
_KEYS = {"id", "question", "expect", "kind", "source", "reject", "expect_together"}


class FactsError(Exception):
    """A facts file that cannot be used; the message is one line naming file, item, problem."""


@dataclass(frozen=True)
class Fact:
    """One expected fact and its accepted spellings (``"37.9 million euros|€37.9M"``)."""

    alternatives: tuple[str, ...]

    @classmethod
    def parse(cls, spec: str) -> Fact:
        return cls(tuple(part.strip() for part in spec.split("|") if part.strip()))

    @property
    def label(self) -> str:
        return "|".join(self.alternatives)

    def found_in(self, text: str) -> bool:
        """True when any spelling is in ``text`` (numbers, currencies, dates normalised).

        A name followed by a possessive counts: "Brisbane's Linc McCarthy" names Brisbane.
        """
        from rag.normalize import fact_in_text

        plain = _POSSESSIVE.sub(r"\1", text)
        return any(
            fact_in_text(alternative, text) or (plain != text and fact_in_text(alternative, plain))
            for alternative in self.alternatives
        )


@dataclass(frozen=True)
class FactQuestion:
    """One question of a facts file."""

    id: str
    question: str
    kind: str
    expect: tuple[Fact, ...] = ()
    source: str | None = None
    reject: tuple[Fact, ...] = ()
    together: tuple[tuple[Fact, ...], ...] = ()
    location: str = ""  # "file:line" of the item, for messages
    reject_given: bool = field(default=False, compare=False)

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"

    def rejected(self) -> tuple[Fact, ...]:
        """The false claims an answer must not state (false premises only).

        Without an explicit ``reject`` list: the numbers in the question whose values are not
        among the expected facts, since the usual false premise is a wrong figure.
        """
        if self.kind != "false_premise" or self.reject_given:
            return self.reject
        from rag.normalize import extract_quantities

        expected = {
            q.value
            for fact in self.expect
            for alternative in fact.alternatives
            for q in extract_quantities(alternative)
        }
        return tuple(
            Fact((q.text,)) for q in extract_quantities(self.question) if q.value not in expected
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "kind": self.kind,
            "expect": [f.label for f in self.expect],
            "source": self.source,
            "reject": [f.label for f in self.reject],
            "expect_together": [[f.label for f in group] for group in self.together],
        }


def load_facts(path: str | Path) -> list[FactQuestion]:
    """Read and validate a facts file (``.yaml``/``.yml`` or ``.jsonl``/``.json``)."""
    path = Path(path)
    items = read_items(path, "questions")
    questions = [_question(item, line, index, path) for index, (line, item) in enumerate(items)]
    if not questions:
        raise FactsError(f"{path}: no questions in the facts file")
    check_unique_ids(questions)
    log.info("loaded %d questions from %s", len(questions), path)
    return questions


def check_unique_ids(items: Sequence[Any]) -> None:
    """Raise on the second item with an id already used (items have ``id``, ``location``)."""
    seen: dict[str, str] = {}
    for item in items:
        if item.id in seen:
            raise FactsError(
                f"{item.location}: duplicate id {item.id!r} (first at {seen[item.id]})"
            )
        seen[item.id] = item.location


def read_items(path: Path, key: str) -> list[tuple[int, Any]]:
    """(line, item) pairs of a YAML list (or a mapping with one ``key`` holding the list) or
    a JSONL file; the line numbers name items in error messages."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FactsError(f"{path}: cannot read the file: {exc}") from exc
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        return list(_jsonl_items(path, text))
    if path.suffix.lower() in (".yaml", ".yml"):
        return list(_yaml_items(path, text, key))
    label = "facts" if key == "questions" else key
    raise FactsError(f"{path}: unknown {label} format (use .yaml, .yml or .jsonl)")


def _jsonl_items(path: Path, text: str) -> Iterable[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise FactsError(f"{path}:{number}: not valid JSON: {exc.msg}") from exc


def _yaml_items(path: Path, text: str, key: str) -> Iterable[tuple[int, Any]]:
    import yaml

    try:
        # compose() keeps the line of every node; safe_load() the values. Both parse the
        # same text, so the n-th item node is the n-th item.
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FactsError(f"{path}{where}: not valid YAML: {problem}") from exc
    if data is None:
        raise FactsError(f"{path}: no {key} in the file")
    if isinstance(data, dict) and isinstance(root, yaml.MappingNode):
        if set(data) != {key}:
            raise FactsError(f"{path}: a YAML mapping must have one key, '{key}'")
        data = data[key]
        root = next(value for name, value in root.value if name.value == key)
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        raise FactsError(f"{path}: expected a list of {key} (or '{key}:' and a list)")
    for node, item in zip(root.value, data, strict=True):
        yield node.start_mark.line + 1, item


def item_mapping(item: Any, keys: set[str], where: str, shape: str) -> dict[str, Any]:
    """An item of a facts or claims file as a mapping with only known ``keys``."""
    if not isinstance(item, dict):
        raise FactsError(f"{where}: expected a mapping with {shape}")
    unknown = sorted(set(map(str, item)) - keys)
    if unknown:
        raise FactsError(f"{where}: unknown key {unknown[0]!r} (keys: {', '.join(sorted(keys))})")
    return item


def required_text(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FactsError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def optional_text(item: dict[str, Any], key: str, where: str) -> str | None:
    return None if item.get(key) is None else required_text(item, key, where)


def one_of(item: dict[str, Any], key: str, options: Sequence[str], where: str) -> str:
    value = item.get(key)
    if value not in options:
        raise FactsError(f"{where}: '{key}' must be one of {', '.join(options)}, got {value!r}")
    return str(value)


def item_id(item: dict[str, Any], default: str, where: str) -> str:
    """The item's ``id`` (a string or number), or ``default`` (its position) without one."""
    value = item.get("id", default)
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise FactsError(f"{where}: 'id' must be a non-empty string")
    return str(value)


def _facts(value: Any, key: str, where: str) -> tuple[Fact, ...]:
    if value is None:
        return ()
    if isinstance(value, str):  # a single fact may be written without the list
        value = [value]
    if not isinstance(value, list):
        raise FactsError(f"{where}: '{key}' must be a list of strings")
    facts = []
    for entry in value:
        if isinstance(entry, bool) or not isinstance(entry, str | int | float):
            raise FactsError(f"{where}: '{key}' entries must be strings, got {entry!r}")
        fact = Fact.parse(str(entry))
        if not fact.alternatives:
            raise FactsError(f"{where}: '{key}' has an empty fact")
        facts.append(fact)
    return tuple(facts)


def _groups(value: Any, where: str) -> tuple[tuple[Fact, ...], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(g, list) for g in value):
        raise FactsError(f"{where}: 'expect_together' must be a list of lists of strings")
    groups = tuple(_facts(group, "expect_together", where) for group in value)
    if any(len(group) < 2 for group in groups):
        raise FactsError(f"{where}: each 'expect_together' group needs at least two facts")
    return groups


def _question(raw: Any, line: int, index: int, path: Path) -> FactQuestion:
    where = f"{path}:{line}: item {index + 1}"
    item = item_mapping(raw, _KEYS, where, "'question', 'kind', 'expect'")
    question = required_text(item, "question", where)
    kind = one_of(item, "kind", KINDS, where)
    expect = _facts(item.get("expect"), "expect", where)
    if kind == "unanswerable" and expect:
        raise FactsError(f"{where}: an unanswerable question must have an empty 'expect'")
    if kind != "unanswerable" and not expect:
        raise FactsError(f"{where}: 'expect' must list at least one fact for kind {kind}")
    reject = _facts(item.get("reject"), "reject", where)
    if reject and kind != "false_premise":
        raise FactsError(f"{where}: 'reject' is only for kind false_premise")
    together = _groups(item.get("expect_together"), where)
    if together and kind == "unanswerable":
        raise FactsError(f"{where}: an unanswerable question cannot have 'expect_together'")
    return FactQuestion(
        id=item_id(item, f"q{index + 1}", where),
        question=question,
        kind=kind,
        expect=expect,
        source=optional_text(item, "source", where),
        reject=reject,
        together=together,
        location=f"{path}:{line}",
        reject_given="reject" in item,
    )
