"""Read YAML (and JSON, its subset) safely while remembering where every value came from.

Authors fix files from error messages, so every later check (pydantic, cross-references,
conditions) needs a line and column. We compose PyYAML's node tree once, keep it beside the
plain Python value, and resolve a pydantic error location back to the node it names.
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from ._errors import Problem, SourceError

__all__ = [
    "MAX_INTEGER_DIGITS",
    "MAX_NESTING_DEPTH",
    "MAX_SOURCE_BYTES",
    "Source",
    "format_path",
    "read_source",
]

MAX_SOURCE_BYTES = 1024 * 1024
MAX_NESTING_DEPTH = 64
MAX_INTEGER_DIGITS = 30
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_INT = "tag:yaml.org,2002:int"
_STR = "tag:yaml.org,2002:str"


# libyaml's C parser reads a 100 kB questionnaire ten times faster than the pure-Python one;
# PyYAML wheels include it, builds without it fall back to Python.
class _YAMLLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader without YAML 1.1's timestamps and merge keys.

    Dates stay text for pydantic to check (dpia._calendar): PyYAML's own conversion crashes on
    `2026-02-30` or `25:61:00` and turns a typo into a traceback. `<<` is an ordinary key here
    and is refused by name below: merging hides where a value came from.
    """


_YAMLLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in (_TIMESTAMP, _MERGE)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YAMLLoader.add_constructor(_TIMESTAMP, yaml.SafeLoader.construct_yaml_str)
_INTEGER = next(
    pattern
    for resolvers in yaml.SafeLoader.yaml_implicit_resolvers.values()
    for tag, pattern in resolvers
    if tag == _INT
)
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[{}\[\]:,]|[^\s{}\[\]:,"]+')
_JSON_NUMBER = re.compile(r"-?[0-9]")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_DIGITS = re.compile(r"[0-9]+")
_NOT_BRACKET = re.compile(r"[^{}\[\]]+")
_BRACKET_STEPS = str.maketrans({"{": "\x01", "[": "\x01", "}": "\xff", "]": "\xff"})

PathPart = str | int


def _existing(value: Any, path: Sequence[PathPart]) -> tuple[PathPart, ...]:
    """The parts of `path` present in a value that was not read from a file (the app's
    answers), so that its problems still name their field."""
    found: list[PathPart] = []
    for part in path:
        inside = (isinstance(value, dict) and part in value) or (
            isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        )
        if not inside:
            continue
        value = value[part]
        found.append(part)
    return tuple(found)


def format_path(path: Sequence[PathPart]) -> str:
    """`("sections", 2, "questions", 0, "label")` → `sections[2].questions[0].label`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


@dataclass(frozen=True)
class Source:
    """A parsed document: its plain value, its node tree and the name to put in messages."""

    name: str
    value: Any
    root: yaml.Node | None
    json_text: str | None = field(default=None, repr=False, compare=False)
    """For JSON, the text its node tree is built from when a message first needs a line."""

    def _tree(self) -> yaml.Node | None:
        if self.root is None and self.json_text is not None:
            object.__setattr__(self, "root", _json_tree(self.json_text, self.name))
            object.__setattr__(self, "json_text", None)
        return self.root

    def locate(
        self, path: Sequence[PathPart], *, key: bool = False
    ) -> tuple[int, int, tuple[PathPart, ...]]:
        """Line, column and the part of `path` that exists in the file.

        Parts that are not in the file (pydantic's union tags such as `single_choice`, or a
        missing field) are skipped, so a missing field is reported at its parent mapping. With
        `key`, a path that ends in a mapping key points at the key itself: an unknown field is
        fixed by renaming the key, not by editing its value.
        """
        node = self._tree()
        found: list[PathPart] = []
        if node is None:
            return 1, 1, _existing(self.value, path)
        key_node: yaml.Node | None = None
        for part in path:
            entry = _child(node, part)
            key_node = None if entry is None else entry[0]
            if entry is None:
                continue
            node = entry[1]
            found.append(part)
        best = key_node if key and key_node is not None else node
        return best.start_mark.line + 1, best.start_mark.column + 1, tuple(found)

    def problem(
        self, path: Sequence[PathPart], message: str, severity: str = "error", *, key: bool = False
    ) -> Problem:
        line, column, _ = self.locate(path, key=key)
        return Problem(self.name, line, column, format_path(path), message, severity)


def _child(node: yaml.Node, part: PathPart) -> tuple[yaml.Node | None, yaml.Node] | None:
    """The key node (None in a sequence) and the value node that `part` names under `node`."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(part):
                return key_node, value_node
        return None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return None, node.value[part]
    return None


def read_source(origin: str | Path | bytes, name: str | None = None) -> Source:
    """Parse a YAML or JSON document from a path or from bytes, refusing unsafe input.

    Refused before any value is built: files over 1 MiB, nesting deeper than 64 levels,
    integers of more than 30 digits, anchors and aliases (the "billion laughs" shape, and a
    feature no questionnaire needs), merge keys, duplicate keys (PyYAML would silently keep the
    last), several documents in one file, and anything but UTF-8. Each refusal names the line
    and column an editor can jump to. Every step is linear in the size of the file and none
    recurses deeper than the nesting limit.
    """
    if isinstance(origin, bytes):
        raw, label = origin, name or "<input>"
    else:
        path = Path(origin)
        label = name or str(origin)
        try:
            size = path.stat().st_size
            if size > MAX_SOURCE_BYTES:
                raise SourceError(_too_large(label, size))
            raw = path.read_bytes()
        except OSError as exc:
            raise SourceError(f"{label}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(_too_large(label, len(raw)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(_not_utf8(label, raw, exc)) from None
    if text.lstrip()[:1] in ("{", "["):
        source = _json_source(text, label)
        if source is not None:
            return source
    return _yaml_source(text, label)


def _yaml_source(text: str, label: str) -> Source:
    try:
        _check_events(text, label)
        loader = _YAMLLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return Source(label, None, None)
            _check_keys(root, label)
            value = loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{label}:{mark.line + 1}:{mark.column + 1}" if mark else label
        reason = exc.problem or exc.context
        if exc.context and exc.problem and exc.problem.startswith("but "):
            reason = f"{exc.context}, {exc.problem}"
        raise SourceError(f"{where}: not valid YAML: {reason}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise SourceError(
            f"{label}:{line}:{column}: the control character U+{exc.character:04X} is not "
            "allowed in YAML; remove it or write it as an escape inside double quotes"
        ) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"{label}: not valid YAML: {exc}") from None
    return Source(label, value, root)


def _json_source(text: str, label: str) -> Source | None:
    """A document that opens like JSON, read by the standard library's C parser.

    Before `json` recurses into anything, the nesting depth and the longest number are measured
    with regular expressions over the text with its strings blanked out, both linear and in C.
    The node tree that gives messages their line and column is built only when a message needs
    it (or here, to say where a limit was broken, a key repeated or NaN written), so an honest
    file costs little more than `json.loads`. JSON habits YAML gets wrong (characters beyond
    U+FFFF escaped as UTF-16 pairs, `1e-05`) are read as JSON means them. None when the text is
    not JSON after all (YAML flow style such as `{a: 1}`): it is then read as YAML, and a JSON
    error is reported only if that fails too.
    """
    bare = _JSON_STRING.sub('""', text)
    steps = array("b", _NOT_BRACKET.sub("", bare).translate(_BRACKET_STEPS).encode("latin-1"))
    depth = max(accumulate(steps, initial=0))
    longest = max((len(m) for m in _JSON_DIGITS.findall(bare)), default=0)
    if depth > MAX_NESTING_DEPTH or longest > MAX_INTEGER_DIGITS:
        _json_tree(text, label)  # raises, saying where
    try:
        value = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique)
    except json.JSONDecodeError as exc:
        try:
            return _yaml_source(text, label)
        except SourceError:
            raise SourceError(
                f"{label}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
            ) from None
    except (_Refused, RecursionError):
        root = _json_tree(text, label)
        if root is not None:
            _check_keys(root, label)
        raise SourceError(f"{label}:1:1: not valid JSON: a value no dpia file may hold") from None
    return Source(label, value, None, text)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _Refused("a key appears twice in the same mapping")
    return mapping


class _Refused(ValueError):
    """A value the JSON parser met that no dpia file may hold."""


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number a file may hold; write a finite number")


def _json_tree(text: str, label: str) -> yaml.Node | None:
    """The node tree of a JSON text, with marks; None if the tokens do not fit together."""
    root: yaml.Node | None = None
    open_nodes: list[yaml.Node] = []
    keys: list[yaml.Node | None] = []
    awaiting_key: list[bool] = []
    line, line_start, scanned = 0, 0, 0
    intact = True
    for token in _JSON_TOKEN.finditer(text):
        start = token.start()
        breaks = text.count("\n", scanned, start)
        if breaks:
            line += breaks
            line_start = text.rfind("\n", scanned, start) + 1
        scanned = start
        piece = token.group()
        mark = yaml.Mark(label, start, line, start - line_start, None, None)
        if piece in (":", ","):
            continue
        if piece in ("}", "]"):
            if not open_nodes:
                intact = False
                continue
            open_nodes.pop()
            keys.pop()
            awaiting_key.pop()
            continue
        node: yaml.Node
        if piece == "{":
            node = yaml.MappingNode("tag:yaml.org,2002:map", [], mark, mark)
        elif piece == "[":
            node = yaml.SequenceNode("tag:yaml.org,2002:seq", [], mark, mark)
        else:
            refusal = _number_fault(piece) if _JSON_NUMBER.match(piece) else None
            if piece in ("NaN", "Infinity", "-Infinity"):
                refusal = f"{piece} is not a number a file may hold; write a finite number"
            if refusal:
                raise SourceError(f"{_where(label, mark, _json_path(open_nodes, keys))} {refusal}")
            node = yaml.ScalarNode(_STR, _json_text(piece), mark, mark)
        top = open_nodes[-1] if open_nodes else None
        if top is None:
            intact = intact and root is None
            root = node if root is None else root
        elif isinstance(top, yaml.SequenceNode):
            top.value.append(node)
        elif awaiting_key[-1]:
            if not isinstance(node, yaml.ScalarNode):
                intact = False
                continue
            keys[-1], awaiting_key[-1] = node, False
            continue
        else:
            top.value.append((keys[-1], node))
            awaiting_key[-1] = True
        if isinstance(node, yaml.CollectionNode):
            open_nodes.append(node)
            keys.append(None)
            awaiting_key.append(isinstance(node, yaml.MappingNode))
            if len(open_nodes) > MAX_NESTING_DEPTH:
                raise SourceError(_too_deep(label, mark, _json_path(open_nodes[:-1], keys[:-1])))
    return root if intact and not open_nodes else None


def _json_text(piece: str) -> str:
    if piece.startswith('"'):
        try:
            return str(json.loads(piece))
        except ValueError:
            return piece
    return piece


def _json_path(open_nodes: list[yaml.Node], keys: list[yaml.Node | None]) -> list[PathPart]:
    """Where the next JSON value goes; only built for messages, so its cost is per message."""
    path: list[PathPart] = []
    innermost = len(open_nodes) - 1
    for depth, (node, key) in enumerate(zip(open_nodes, keys, strict=True)):
        if isinstance(node, yaml.SequenceNode):
            path.append(len(node.value) - (depth < innermost))
        elif key is not None:
            path.append(str(key.value))
    return path


def _number_fault(value: str) -> str | None:
    digits = sum(character.isdigit() for character in value)
    if digits <= MAX_INTEGER_DIGITS:
        return None
    return (
        f"a number of {digits:,} digits is over the limit of {MAX_INTEGER_DIGITS} digits; no "
        "answer needs one this large (if it is text, put it in quotes)"
    )


def _too_deep(label: str, mark: yaml.Mark, path: Sequence[PathPart]) -> str:
    return (
        f"{_where(label, mark, path[:8])} nested more than {MAX_NESTING_DEPTH} levels deep; "
        "no dpia file needs that many, so the file is refused before it is read further"
    )


def _too_large(label: str, size: int) -> str:
    return f"{label}:1:1: {size:,} bytes is over the limit of {MAX_SOURCE_BYTES:,} bytes"


def _not_utf8(label: str, raw: bytes, exc: UnicodeDecodeError) -> str:
    line_start = raw.rfind(b"\n", 0, exc.start) + 1
    line = raw.count(b"\n", 0, exc.start) + 1
    column = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
    return (
        f"{label}:{line}:{column}: not UTF-8 text: byte 0x{raw[exc.start]:02X} cannot be read "
        f"({exc.reason}); save the file as UTF-8"
    )


def _where(label: str, mark: yaml.Mark, path: Sequence[PathPart]) -> str:
    """`file:line:column: path:` in the same shape as a Problem, for errors found while parsing."""
    field = f" {format_path(path)}:" if path else ""
    return f"{label}:{mark.line + 1}:{mark.column + 1}:{field}"


class _Position:
    """Where the parser stands inside one open mapping or sequence."""

    def __init__(self, mapping: bool):
        self.mapping = mapping
        self.part: PathPart = 0 if not mapping else ""
        self.awaiting_key = mapping

    def value_done(self) -> None:
        if self.mapping:
            self.awaiting_key = True
        else:
            self.part = int(self.part) + 1


def _check_events(text: str, label: str) -> None:
    """Stop at the first anchor or alias, at nesting over the limit and at an integer with too
    many digits, before any value is built.

    This works on the event stream, not the node tree, so a "billion laughs" file costs no more
    than its own size and a deep one is refused before anything recurses; the path is tracked
    by hand to tell the author which field to rewrite.
    """
    open_collections: list[_Position] = []
    for event in yaml.parse(text, Loader=_YAMLLoader):
        if isinstance(event, yaml.CollectionEndEvent):
            open_collections.pop()
            if open_collections:
                parent = open_collections[-1]
                if parent.mapping and parent.awaiting_key:
                    parent.awaiting_key = False
                else:
                    parent.value_done()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        top = open_collections[-1] if open_collections else None
        is_key = top is not None and top.mapping and top.awaiting_key
        if isinstance(event, yaml.AliasEvent) or event.anchor:
            parts = [p.part for p in open_collections]
            if is_key:
                parts.pop()
            raise SourceError(
                f"{_where(label, event.start_mark, parts)} YAML anchors and aliases "
                "(&name, *name) are not allowed; write the value out in full"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_collections) >= MAX_NESTING_DEPTH:
                parts = [p.part for p in open_collections]
                raise SourceError(_too_deep(label, event.start_mark, parts))
            open_collections.append(_Position(isinstance(event, yaml.MappingStartEvent)))
            continue
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_INTEGER_DIGITS:
            integer = event.tag == _INT or (event.implicit[0] and _INTEGER.match(event.value))
            refusal = _number_fault(event.value) if integer else None
            if refusal:
                parts = [p.part for p in open_collections]
                raise SourceError(f"{_where(label, event.start_mark, parts)} {refusal}")
        if is_key and top is not None:
            top.part = str(event.value)
            top.awaiting_key = False
        elif top is not None:
            top.value_done()


def _check_keys(node: yaml.Node, label: str) -> None:
    """Refuse a key written twice and YAML's merge key `<<`, naming where."""
    stack: list[tuple[yaml.Node, tuple[PathPart, ...]]] = [(node, ())]
    while stack:
        current, path = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key_node, value_node in current.value:
                key = str(key_node.value)
                if key == "<<" or key_node.tag == _MERGE:
                    raise SourceError(
                        f"{_where(label, key_node.start_mark, path)} YAML merge keys (<<) are "
                        "not allowed; write the fields out in full"
                    )
                if key in seen:
                    first = seen[key].start_mark.line + 1
                    raise SourceError(
                        f"{_where(label, key_node.start_mark, (*path, key))} key {key!r} appears "
                        f"twice in the same mapping (first on line {first})"
                    )
                seen[key] = key_node
                stack.append((value_node, (*path, key)))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((child, (*path, index)) for index, child in enumerate(current.value))
