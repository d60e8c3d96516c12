"""Checked conditions written as plain data, so a later process skips Jinja2's parser.

Lexing and parsing are most of what checking a condition costs (a catalogue holds hundreds).
A condition's parsed tree is written here as JSON-ready lists and read back into the same
Jinja2 nodes, from which `_condition_code` builds its function as it would from the parser's
tree. Only data is kept, never code: reading it back builds nodes of the few kinds listed in
`_KINDS`, each with exactly its fields, and anything else is refused with ValueError, so the
caller parses the expression instead.
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


def written_tree(node: nodes.Node) -> list[Any] | None:
    """The tree as data, or None when it holds a node that `read_tree` would not rebuild.

    A node is a list of its kind's name and its fields (`["Name", "captured", "load"]`); a
    field holding nodes is a list of them, which never starts with a name (every list field of
    these kinds holds nodes only), and any other field is its plain value."""
    try:
        return _written(node)
    except ValueError:
        return None


def _written(node: nodes.Node) -> list[Any]:
    kind = type(node).__name__
    if _KINDS.get(kind) is not type(node):
        raise ValueError(kind)
    return [kind, *[_written_field(getattr(node, name)) for name in node.fields]]


def _written_field(value: Any) -> Any:
    if isinstance(value, nodes.Node):
        return _written(value)
    if isinstance(value, list):
        if not all(isinstance(item, nodes.Node) for item in value):
            raise ValueError("a list of other than nodes")
        return [_written(item) for item in value]
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
    if type(written) is not list or not written or type(written[0]) is not str:
        raise ValueError("not a written node")
    kind = _KINDS.get(written[0])
    if kind is None or len(written) != len(kind.fields) + 1:
        raise ValueError("not a known node")
    fields = [_read_field(value, allowed, names, depth + 1) for value in written[1:]]
    node = kind(*fields, lineno=1)
    if isinstance(node, nodes.Name):
        if node.ctx == "load" and isinstance(node.name, str):
            names.add(node.name)
    elif isinstance(node, nodes.Filter) and node.name not in allowed.filters:
        raise ValueError("not an allowed filter")
    elif isinstance(node, nodes.Test) and node.name not in allowed.tests:
        raise ValueError("not an allowed test")
    return node


def _read_field(value: Any, allowed: _Allowed, names: set[str], depth: int) -> Any:
    if type(value) is list:
        if value and type(value[0]) is str:
            return _read(value, allowed, names, depth)
        return [_read(item, allowed, names, depth) for item in value]
    if isinstance(value, _PLAIN):
        return value
    raise ValueError("not a field value")
