"""JSON read fast and located on demand: limits measured in C, the node tree built for messages.

`json.loads` is linear and written in C, but recurses without a bound of its own and keeps no
line numbers. So the depth and the longest number are measured first with regular expressions
over the text with its strings blanked out (`measure`), and the node tree that gives a message
its line and column is built by one pass over the tokens (`json_tree`) only when a message needs
it, which is also where a limit broken is located.
"""

from __future__ import annotations

import json
import re
from array import array
from itertools import accumulate
from typing import Any

import yaml

from ._errors import SourceError
from ._source_checks import (
    MAX_INTEGER_DIGITS,
    MAX_NESTING_DEPTH,
    PathPart,
    number_fault,
    too_deep,
    where,
)

__all__ = ["Refused", "json_tree", "limits_broken", "no_constant", "unique_keys"]

_STR = "tag:yaml.org,2002:str"
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[{}\[\]:,]|[^\s{}\[\]:,"]+')
_JSON_NUMBER = re.compile(r"-?[0-9]")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_DIGITS = re.compile(r"[0-9]+")
_NOT_BRACKET = re.compile(r"[^{}\[\]]+")
_BRACKET_STEPS = str.maketrans({"{": "\x01", "[": "\x01", "}": "\xff", "]": "\xff"})


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise Refused("a key appears twice in the same mapping")
    return mapping


class Refused(ValueError):
    """A value the JSON parser met that no dpia file may hold."""


def no_constant(name: str) -> Any:
    raise Refused(f"{name} is not a number a file may hold; write a finite number")


def json_tree(text: str, label: str) -> yaml.Node | None:
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
            refusal = number_fault(piece) if _JSON_NUMBER.match(piece) else None
            if piece in ("NaN", "Infinity", "-Infinity"):
                refusal = f"{piece} is not a number a file may hold; write a finite number"
            if refusal:
                raise SourceError(f"{where(label, mark, _json_path(open_nodes, keys))} {refusal}")
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
                raise SourceError(too_deep(label, mark, _json_path(open_nodes[:-1], keys[:-1])))
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


def limits_broken(text: str) -> bool:
    """Whether the text nests deeper or holds a longer number than a file may; linear, in C."""
    bare = _JSON_STRING.sub('""', text)
    steps = array("b", _NOT_BRACKET.sub("", bare).translate(_BRACKET_STEPS).encode("latin-1"))
    depth = max(accumulate(steps, initial=0))
    longest = max((len(digits) for digits in _JSON_DIGITS.findall(bare)), default=0)
    return depth > MAX_NESTING_DEPTH or longest > MAX_INTEGER_DIGITS
