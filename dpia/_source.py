"""Read YAML (and JSON, its subset) safely while remembering where every value came from.

Authors fix files from error messages, so every later check (pydantic, cross-references,
conditions) needs a line and column. We compose PyYAML's node tree once, keep it beside the
plain Python value, and resolve a pydantic error location back to the node it names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ._errors import Problem, SourceError
from ._source_checks import (
    MAX_INTEGER_DIGITS,
    MAX_NESTING_DEPTH,
    PathPart,
    check_events,
    check_keys,
    format_path,
)
from ._source_json import Refused, json_tree, limits_broken, no_constant, unique_keys

__all__ = [
    "MAX_INTEGER_DIGITS",
    "MAX_NESTING_DEPTH",
    "MAX_SOURCE_BYTES",
    "Source",
    "format_path",
    "read_source",
]

MAX_SOURCE_BYTES = 1024 * 1024
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


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
            object.__setattr__(self, "root", json_tree(self.json_text, self.name))
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
        check_events(text, label, _YAMLLoader)
        loader = _YAMLLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return Source(label, None, None)
            check_keys(root, label)
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
    if limits_broken(text):
        json_tree(text, label)  # raises, saying where
    try:
        value = json.loads(text, parse_constant=no_constant, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as exc:
        try:
            return _yaml_source(text, label)
        except SourceError:
            raise SourceError(
                f"{label}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
            ) from None
    except (Refused, RecursionError):
        root = json_tree(text, label)
        if root is not None:
            check_keys(root, label)
        raise SourceError(f"{label}:1:1: not valid JSON: a value no dpia file may hold") from None
    return Source(label, value, None, text)


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
