"""Read YAML (and JSON, its subset) safely while remembering where every value came from.

Authors fix files from error messages, so every later check (pydantic, cross-references,
conditions) needs a line and column. We compose PyYAML's node tree once, keep it beside the
plain Python value, and resolve a pydantic error location back to the node it names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._errors import Problem, SourceError

__all__ = ["MAX_SOURCE_BYTES", "Source", "format_path", "read_source"]

MAX_SOURCE_BYTES = 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


# libyaml's C parser reads a 100 kB questionnaire ten times faster than the pure-Python one;
# PyYAML wheels include it, builds without it fall back to Python.
_YAMLLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _JSONLoader(yaml.SafeLoader):
    """The pure-Python safe loader, for documents that open like JSON (`{` or `[`).

    Two JSON habits need it: characters beyond U+FFFF escaped as UTF-16 pairs (`\\ud83d\\ude00`),
    which libyaml refuses outright, and exponent numbers without a dot (`1e-05`, as written by
    `json.dumps`), which YAML 1.1 reads as text. Block-style YAML keeps the fast loader and
    YAML's own rules, since PyYAML's dumper writes the text "1e5" unquoted.
    """


_JSONLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)

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

    def locate(
        self, path: Sequence[PathPart], *, key: bool = False
    ) -> tuple[int, int, tuple[PathPart, ...]]:
        """Line, column and the part of `path` that exists in the file.

        Parts that are not in the file (pydantic's union tags such as `single_choice`, or a
        missing field) are skipped, so a missing field is reported at its parent mapping. With
        `key`, a path that ends in a mapping key points at the key itself: an unknown field is
        fixed by renaming the key, not by editing its value.
        """
        node = self.root
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

    Refused: files over 1 MiB, anchors and aliases (the "billion laughs" shape, and a feature no
    questionnaire needs), duplicate keys (PyYAML would silently keep the last), several
    documents in one file, and anything but UTF-8. Each refusal names the line and column an
    editor can jump to.
    """
    if isinstance(origin, bytes):
        raw, label = origin, name or "<input>"
    else:
        path = Path(origin)
        label = name or str(origin)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise SourceError(f"{label}: cannot read: {exc.strerror or exc}") from None
        if size > MAX_SOURCE_BYTES:
            raise SourceError(_too_large(label, size))
        raw = path.read_bytes()
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(_too_large(label, len(raw)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(_not_utf8(label, raw, exc)) from None
    try:
        loader_class = _JSONLoader if text.lstrip()[:1] in ("{", "[") else _YAMLLoader
        _refuse_aliases(text, label, loader_class)
        loader = loader_class(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return Source(label, None, None)
            _refuse_duplicate_keys(root, label)
            if "\\" in text:
                _join_surrogate_pairs(root)
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


def _refuse_aliases(text: str, label: str, loader_class: type[yaml.SafeLoader]) -> None:
    """Stop at the first anchor or alias, before any of them is expanded.

    This works on the event stream, not the node tree, so a "billion laughs" file costs no more
    than its own size; the path is tracked by hand to tell the author which field to rewrite.
    """
    open_collections: list[_Position] = []
    for event in yaml.parse(text, Loader=loader_class):
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
            open_collections.append(_Position(isinstance(event, yaml.MappingStartEvent)))
        elif is_key and top is not None:
            top.part = str(event.value)
            top.awaiting_key = False
        elif top is not None:
            top.value_done()


def _join_surrogate_pairs(node: yaml.Node) -> None:
    """Read JSON's `"\\ud83d\\ude00"` as the one character it encodes.

    JSON writes characters beyond U+FFFF as two escaped UTF-16 halves (Python's `json.dumps`
    does by default); PyYAML decodes each escape on its own and would leave two lone halves
    that no document can hold. A half without its partner stays as it is, to be refused later.
    """
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            if isinstance(current.value, str) and _SURROGATE.search(current.value):
                halves = current.value.encode("utf-16-le", "surrogatepass")
                current.value = halves.decode("utf-16-le", "surrogatepass")
        elif isinstance(current, yaml.MappingNode):
            stack.extend(part for pair in current.value for part in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _refuse_duplicate_keys(node: yaml.Node, label: str) -> None:
    stack: list[tuple[yaml.Node, tuple[PathPart, ...]]] = [(node, ())]
    while stack:
        current, path = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key_node, value_node in current.value:
                key = str(key_node.value)
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
