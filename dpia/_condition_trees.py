"""Checked conditions written as plain data, so a later process skips Jinja2's parser.

Lexing and parsing are most of what checking a condition costs (a catalogue holds hundreds).
A condition's parsed tree is written here as JSON-ready lists and dictionaries and read back
into the same Jinja2 nodes, from which `_condition_code` builds its function as it would from
the parser's tree. Only data is kept, never code: reading it back builds nodes of the few
kinds listed in `_KINDS`, each with exactly its fields, and anything else is refused with
ValueError, so the caller parses the expression instead.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, NamedTuple

import jinja2.nodes as nodes

__all__ = ["read_tree", "written_tree"]

_KINDS: dict[str, type[nodes.Node]] = {
    kind.__name__: kind
    for kind in (
        nodes.Name,
        nodes.Const,
        nodes.List,
        nodes.Tuple,
        nodes.Dict,
        nodes.Pair,
        nodes.And,
        nodes.Or,
        nodes.Not,
        nodes.Neg,
        nodes.Pos,
        nodes.Add,
        nodes.Sub,
        nodes.Mul,
        nodes.Div,
        nodes.FloorDiv,
        nodes.Mod,
        nodes.Compare,
        nodes.Operand,
        nodes.Concat,
        nodes.CondExpr,
        nodes.Filter,
        nodes.Test,
    )
}
_PLAIN = (str, int, float, bool, type(None))


def written_tree(node: nodes.Node) -> dict[str, Any] | None:
    """The tree as data (`{"kind": ..., "fields": [...]}`), or None when it holds a node that
    `read_tree` would not rebuild."""
    try:
        return _written(node)
    except ValueError:
        return None


def _written(node: nodes.Node) -> dict[str, Any]:
    kind = type(node).__name__
    if _KINDS.get(kind) is not type(node):
        raise ValueError(kind)
    return {"kind": kind, "fields": [_written_field(getattr(node, name)) for name in node.fields]}


def _written_field(value: Any) -> Any:
    if isinstance(value, nodes.Node):
        return _written(value)
    if isinstance(value, list):
        return [_written_field(item) for item in value]
    if isinstance(value, _PLAIN):
        return value
    raise ValueError(type(value).__name__)


def read_tree(
    written: Any, filters: Collection[str], tests: Collection[str], depth: int
) -> tuple[nodes.Expr, frozenset[str]]:
    """The nodes `written_tree` wrote and the names they read. ValueError for anything it could
    not have written from a checked condition: a node of another kind (so none of the kinds a
    condition may not hold), a filter or test outside `filters` and `tests`, or nesting deeper
    than `depth`."""
    names: set[str] = set()
    tree = _read(written, _Allowed(filters, tests, depth), names, 0)
    if not isinstance(tree, nodes.Expr):
        raise ValueError("not an expression")
    return tree, frozenset(names)


class _Allowed(NamedTuple):
    filters: Collection[str]
    tests: Collection[str]
    depth: int


def _read(written: Any, allowed: _Allowed, names: set[str], depth: int) -> nodes.Node:
    if depth > allowed.depth:
        raise ValueError("nested too deeply")
    if type(written) is not dict or len(written) != 2:
        raise ValueError("not a written node")
    kind_name, fields = written.get("kind"), written.get("fields")
    kind = _KINDS.get(kind_name) if type(kind_name) is str else None
    if kind is None or type(fields) is not list or len(fields) != len(kind.fields):
        raise ValueError("not a known node")
    node = kind(*[_read_field(value, allowed, names, depth + 1) for value in fields], lineno=1)
    if isinstance(node, nodes.Name):
        if node.ctx == "load" and isinstance(node.name, str):
            names.add(node.name)
    elif isinstance(node, nodes.Filter) and node.name not in allowed.filters:
        raise ValueError("not an allowed filter")
    elif isinstance(node, nodes.Test) and node.name not in allowed.tests:
        raise ValueError("not an allowed test")
    return node


def _read_field(value: Any, allowed: _Allowed, names: set[str], depth: int) -> Any:
    if isinstance(value, dict):
        return _read(value, allowed, names, depth)
    if isinstance(value, list):
        return [_read_field(item, allowed, names, depth) for item in value]
    if isinstance(value, _PLAIN):
        return value
    raise ValueError("not a field value")
