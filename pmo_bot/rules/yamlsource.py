"""Load YAML into plain Python values while remembering where every key and value was written.

The one home of ruamel.yaml. We compose the node graph ourselves rather than letting ruamel build objects, so
that every duplicate key is reported (not only the first), only plain YAML types are accepted (no Python
tags), and each value keeps its line and column for error messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pmo_bot.rules.limits import MAX_YAML_DEPTH, MAX_YAML_VALUES, file_too_large
from pmo_bot.rules.problems import Path, Problem, describe_path, element_label

_STD = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(f"{_STD}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp"))
_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_MAX_DEPTH = MAX_YAML_DEPTH


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed file: ``data`` is plain Python (dict, list, str, int, float, bool, None, date, datetime)."""

    file: str
    data: Any
    key_marks: Mapping[Path, tuple[int, int]] = field(default_factory=dict)
    value_marks: Mapping[Path, tuple[int, int]] = field(default_factory=dict)

    def mark(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value (or key) at ``path``, or of its nearest located ancestor."""
        marks = self.key_marks if key else self.value_marks
        probe = tuple(path)
        while probe:
            if probe in marks:
                return marks[probe]
            if probe in self.value_marks:
                return self.value_marks[probe]
            probe = probe[:-1]
        return self.value_marks.get((), (1, 1))


@dataclass(slots=True)
class _Builder:
    file: str
    constructor: Any
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    value_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)

    pending: list[tuple[Path, tuple[int, int], str]] = field(default_factory=list)
    built: int = 0

    def problem(self, node: Node, message: str, path: Path = ()) -> None:
        self.pending.append((path, _mark(node), message))

    def finish(self, data: Any) -> list[Problem]:
        """Problems worded with the element they sit in (``rule 'x' > owner``), once the data exists."""
        problems = []
        for path, (line, column), message in self.pending:
            label, rest = element_label(data, path)
            problems.append(Problem(self.file, line, column, describe_path(rest, label), message))
        return problems

    def build(self, node: Node, path: Path, depth: int = 0) -> Any:
        self.built += 1
        if self.built > MAX_YAML_VALUES:  # aliases re-used inside aliases: stop before memory runs out
            raise _TooManyValues(node)
        self.value_marks[path] = _mark(node)
        if depth > _MAX_DEPTH:
            self.problem(node, f"nesting deeper than {_MAX_DEPTH} levels (is an alias referring to itself?)", path)
            return None
        tag = _tag(node)
        if isinstance(node, MappingNode | SequenceNode) and tag not in _COLLECTION_TAGS:
            self.problem(node, _unsupported(tag), path)
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            return [self.build(child, (*path, index), depth + 1) for index, child in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node, path) if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                self.problem(key_node, "keys must be plain text", path)
                continue
            if key in first_line:
                self.problem(key_node, f"duplicate key '{key}' (first written on line {first_line[key]})", path)
                continue
            first_line[key] = _mark(key_node)[0]
            self.key_marks[(*path, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def _scalar(self, node: Node, path: Path) -> Any:
        tag = _tag(node)
        if tag not in _PLAIN_TAGS:
            self.problem(node, _unsupported(tag), path)
            return None
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (YAMLError, ValueError, TypeError, OverflowError) as error:
            kind = "date" if tag.endswith("timestamp") else "value"
            self.problem(node, f"'{node.value}' is not a valid {kind}: {_first_line(str(error))}", path)
            return None
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # instants without a zone are UTC (documented)
        return value


class _TooManyValues(Exception):
    def __init__(self, node: Node) -> None:
        self.node = node


def _too_deep(yaml: YAML, text: str) -> tuple[int, int] | None:
    """Where nesting first passes the limit, found on the event stream (which, unlike composing, does not
    recurse): 10,000 nested brackets fail fast and at their place instead of exhausting the stack."""
    depth = 0
    for event in yaml.parse(text):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return event.start_mark.line + 1, event.start_mark.column + 1
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return None


def _unsupported(tag: str) -> str:
    return f"unsupported YAML tag '{tag.replace(_STD, '!!')}': only plain values are allowed"


def _tag(node: Node) -> str:
    return str(getattr(node.tag, "value", node.tag))


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


def parse(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML document. On a syntax error returns ``None`` and the problem; never raises."""
    too_large = file_too_large(len(text.encode("utf-8", "surrogatepass")))  # text given directly, not read
    if too_large:
        return None, [Problem(file, 1, 1, "", too_large)]
    yaml = YAML(typ="safe", pure=True)
    try:
        deep = _too_deep(yaml, text)
        if deep is not None:
            message = f"nesting deeper than {MAX_YAML_DEPTH} levels"
            return None, [Problem(file, deep[0], deep[1], "", message)]
        root = yaml.compose(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = getattr(error, "problem", None) or _first_line(str(error))
        context = getattr(error, "context", None)
        detail = f"{problem} ({context})" if context else str(problem)
        return None, [Problem(file, line, column, "", f"YAML syntax error: {detail}")]
    except RecursionError:
        return None, [Problem(file, 1, 1, "", "YAML syntax error: the document is nested too deeply")]
    if root is None:
        return Document(file, None, {}, {(): (1, 1)}), []
    builder = _Builder(file, yaml.constructor)
    try:
        data = builder.build(root, ())
    except RecursionError:
        return None, [Problem(file, 1, 1, "", "YAML syntax error: the document is nested too deeply")]
    except _TooManyValues as bomb:
        line, column = _mark(bomb.node)
        message = f"the document expands to more than {MAX_YAML_VALUES:,} values (aliases re-used too often)"
        return None, [Problem(file, line, column, "", message)]
    return Document(file, data, builder.key_marks, builder.value_marks), builder.finish(data)


def as_date(value: object) -> date | None:
    """A YAML value as a calendar date (``2026-12-31`` unquoted or quoted), or ``None``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
