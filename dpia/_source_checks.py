"""Limits and refusals found while a YAML or JSON document is read, before any value is built.

Each message has the shape of a Problem (`file:line:column: path.to.field: message`), so an
author can jump to the place; the checks work on the event stream or the node tree, never on
the built value, so a hostile file costs no more than its size.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from ._errors import SourceError

__all__ = [
    "MAX_INTEGER_DIGITS",
    "MAX_NESTING_DEPTH",
    "PathPart",
    "check_events",
    "check_keys",
    "format_path",
    "number_fault",
    "too_deep",
    "where",
]

MAX_NESTING_DEPTH = 64
MAX_INTEGER_DIGITS = 30
_MERGE = "tag:yaml.org,2002:merge"
_INT = "tag:yaml.org,2002:int"
_INTEGER = next(
    pattern
    for resolvers in yaml.SafeLoader.yaml_implicit_resolvers.values()
    for tag, pattern in resolvers
    if tag == _INT
)
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


def number_fault(value: str) -> str | None:
    digits = sum(character.isdigit() for character in value)
    if digits <= MAX_INTEGER_DIGITS:
        return None
    return (
        f"a number of {digits:,} digits is over the limit of {MAX_INTEGER_DIGITS} digits; no "
        "answer needs one this large (if it is text, put it in quotes)"
    )


def too_deep(label: str, mark: yaml.Mark, path: Sequence[PathPart]) -> str:
    return (
        f"{where(label, mark, path[:8])} nested more than {MAX_NESTING_DEPTH} levels deep; "
        "no dpia file needs that many, so the file is refused before it is read further"
    )


def where(label: str, mark: yaml.Mark, path: Sequence[PathPart]) -> str:
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


def check_events(text: str, label: str, loader: type[yaml.SafeLoader]) -> None:
    """Stop at the first anchor or alias, at nesting over the limit and at an integer with too
    many digits, before any value is built.

    This works on the event stream, not the node tree, so a "billion laughs" file costs no more
    than its own size and a deep one is refused before anything recurses; the path is tracked
    by hand to tell the author which field to rewrite.
    """
    open_collections: list[_Position] = []
    for event in yaml.parse(text, Loader=loader):
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
                f"{where(label, event.start_mark, parts)} YAML anchors and aliases "
                "(&name, *name) are not allowed; write the value out in full"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_collections) >= MAX_NESTING_DEPTH:
                parts = [p.part for p in open_collections]
                raise SourceError(too_deep(label, event.start_mark, parts))
            open_collections.append(_Position(isinstance(event, yaml.MappingStartEvent)))
            continue
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_INTEGER_DIGITS:
            integer = event.tag == _INT or (event.implicit[0] and _INTEGER.match(event.value))
            refusal = number_fault(event.value) if integer else None
            if refusal:
                parts = [p.part for p in open_collections]
                raise SourceError(f"{where(label, event.start_mark, parts)} {refusal}")
        if is_key and top is not None:
            top.part = str(event.value)
            top.awaiting_key = False
        elif top is not None:
            top.value_done()


def check_keys(node: yaml.Node, label: str) -> None:
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
                        f"{where(label, key_node.start_mark, path)} YAML merge keys (<<) are "
                        "not allowed; write the fields out in full"
                    )
                if key in seen:
                    first = seen[key].start_mark.line + 1
                    raise SourceError(
                        f"{where(label, key_node.start_mark, (*path, key))} key {key!r} appears "
                        f"twice in the same mapping (first on line {first})"
                    )
                seen[key] = key_node
                stack.append((value_node, (*path, key)))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((child, (*path, index)) for index, child in enumerate(current.value))
