"""Read YAML (and JSON, its subset) safely while remembering where every value came from.

Authors fix files from error messages, so every later check (pydantic, cross-references,
conditions) needs a line and column. We compose PyYAML's node tree once, keep it beside the
plain Python value, and resolve a pydantic error location back to the node it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._errors import Problem, SourceError

__all__ = ["MAX_SOURCE_BYTES", "Source", "format_path", "read_source"]

MAX_SOURCE_BYTES = 1024 * 1024

PathPart = str | int


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

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int, tuple[PathPart, ...]]:
        """Line, column and the part of `path` that exists in the file.

        Parts that are not in the file (pydantic's union tags such as `single_choice`, or a
        missing field) are skipped, so a missing field is reported at its parent mapping.
        """
        node = self.root
        found: list[PathPart] = []
        if node is None:
            return 1, 1, ()
        best = node
        for part in path:
            child = _child(node, part)
            if child is None:
                continue
            node = child
            best = child
            found.append(part)
        return best.start_mark.line + 1, best.start_mark.column + 1, tuple(found)

    def problem(self, path: Sequence[PathPart], message: str, severity: str = "error") -> Problem:
        line, column, _ = self.locate(path)
        return Problem(self.name, line, column, format_path(path), message, severity)


def _child(node: yaml.Node, part: PathPart) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(part):
                return value_node
        return None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return node.value[part]
    return None


def read_source(origin: str | Path | bytes, name: str | None = None) -> Source:
    """Parse a YAML or JSON document from a path or from bytes, refusing unsafe input.

    Refused: files over 1 MiB, anchors and aliases (the "billion laughs" shape, and a feature no
    questionnaire needs), duplicate keys (PyYAML would silently keep the last), several
    documents in one file, and anything but UTF-8.
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
            raise SourceError(
                f"{label}: {size:,} bytes is over the limit of {MAX_SOURCE_BYTES:,} bytes"
            )
        raw = path.read_bytes()
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(
            f"{label}: {len(raw):,} bytes is over the limit of {MAX_SOURCE_BYTES:,} bytes"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{label}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    try:
        _refuse_aliases(text, label)
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return Source(label, None, None)
            _refuse_duplicate_keys(root, label)
            value = loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{label}:{mark.line + 1}:{mark.column + 1}" if mark else label
        raise SourceError(f"{where}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SourceError(f"{label}: not valid YAML: {exc}") from None
    return Source(label, value, root)


def _refuse_aliases(text: str, label: str) -> None:
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            mark = event.start_mark
            raise SourceError(
                f"{label}:{mark.line + 1}:{mark.column + 1}: YAML anchors and aliases "
                "(&name, *name) are not allowed; write the value out in full"
            )


def _refuse_duplicate_keys(node: yaml.Node, label: str) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key_node, value_node in current.value:
                key = str(key_node.value)
                if key in seen:
                    first = seen[key].start_mark.line + 1
                    mark = key_node.start_mark
                    raise SourceError(
                        f"{label}:{mark.line + 1}:{mark.column + 1}: key {key!r} appears twice "
                        f"in the same mapping (first on line {first})"
                    )
                seen[key] = key_node
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
