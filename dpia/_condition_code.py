"""Checked conditions and rationale templates turned into plain Python functions, once.

Jinja2 runs an expression by generating Python source for it, compiling that and building a
render context on every call: about 0.7 ms to compile each condition and several microseconds
per evaluation, paid hundreds of times per rating. The conditions `_conditions` accepts are a
small language (names, literals, `and`/`or`/`not`, comparisons, arithmetic, `~`, `if`/`else`,
and the allowed filters and tests), so each one is turned here into nested closures over its
parsed tree instead, with the same meaning as Jinja2's code:

- every operator is the Python operator Jinja2 writes for it, and `*` and `%` go through the
  sandbox's `call_binop`, which refuses text and lists;
- filters and tests are the environment's own functions (`call_filter`, `call_test`), so only
  the allowed ones exist;
- anything outside that language (a node these functions do not know, a filter with keyword
  arguments, `a if b` without `else`) is not turned into a function: `None` is returned and
  the caller keeps Jinja2's compiled code, which stays the reference.

Nothing here can reach an attribute, an index or a call: the tree has already been refused if
it holds one, and the closures only apply the operators listed in `_BINARY` and `_COMPARE`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

import jinja2.nodes as nodes
from jinja2 import Environment

__all__ = ["TextPieces", "expression_function", "text_function", "text_pieces", "tree_function"]

Values = Mapping[str, Any]
Function = Callable[[Values], Any]

_BINARY: dict[type[nodes.BinExpr], Callable[[Any, Any], Any]] = {
    nodes.Add: operator.add,
    nodes.Sub: operator.sub,
    nodes.Div: operator.truediv,
    nodes.FloorDiv: operator.floordiv,
}
_SANDBOXED = {nodes.Mul: "*", nodes.Mod: "%"}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gteq": operator.ge,
    "lt": operator.lt,
    "lteq": operator.le,
    "in": lambda left, right: left in right,
    "notin": lambda left, right: left not in right,
}


class _Outside(Exception):
    """The tree holds something this module does not turn into a function."""


def expression_function(
    tree: nodes.Expr, environment: Environment, names: frozenset[str]
) -> Function | None:
    """A function of the values computing `tree` as Jinja2 would; None if it cannot.

    `names` are the names the caller supplies values for; a name outside them (`self`, which
    Jinja2 gives a meaning of its own) leaves the expression to Jinja2.
    """
    read = [tree] if isinstance(tree, nodes.Name) else list(tree.find_all(nodes.Name))
    if any(name.name not in names for name in read):
        return None
    return tree_function(tree, environment)


def tree_function(tree: nodes.Expr, environment: Environment) -> Function | None:
    """`expression_function` for a tree whose every name the caller supplies a value for."""
    try:
        return _function(tree, environment)
    except _Outside:
        return None


TextPieces = tuple[tuple[bool, str], ...]


def text_pieces(template: nodes.Template) -> TextPieces | None:
    """A rationale made of text and bare `{{ name }}`s as its pieces, each (is literal text,
    text or name); None otherwise."""
    pieces: list[tuple[bool, str]] = []
    for output in template.body:
        if not isinstance(output, nodes.Output):
            return None
        for node in output.nodes:
            if isinstance(node, nodes.TemplateData):
                pieces.append((True, node.data))
            elif isinstance(node, nodes.Name):
                pieces.append((False, node.name))
            else:
                return None
    return tuple(pieces)


def text_function(parts: TextPieces) -> Callable[[Values], str]:
    """The function filling a rationale from its pieces."""

    def fill(values: Values) -> str:
        return "".join(piece if literal else str(values[piece]) for literal, piece in parts)

    return fill


def _function(node: nodes.Node, environment: Environment) -> Function:
    if isinstance(node, nodes.Name):
        name = node.name
        return lambda values: values[name]
    if isinstance(node, nodes.Const):
        constant = node.value
        return lambda values: constant
    if isinstance(node, nodes.List | nodes.Tuple):
        items = _functions(node.items, environment)
        if isinstance(node, nodes.Tuple):
            return lambda values: tuple(item(values) for item in items)
        return lambda values: [item(values) for item in items]
    if isinstance(node, nodes.Dict):
        pairs = [
            (_function(pair.key, environment), _function(pair.value, environment))
            for pair in node.items
        ]
        return lambda values: {key(values): value(values) for key, value in pairs}
    if isinstance(node, nodes.And):
        left, right = _function(node.left, environment), _function(node.right, environment)
        return lambda values: left(values) and right(values)
    if isinstance(node, nodes.Or):
        left, right = _function(node.left, environment), _function(node.right, environment)
        return lambda values: left(values) or right(values)
    if isinstance(node, nodes.Not):
        inner = _function(node.node, environment)
        return lambda values: not inner(values)
    if isinstance(node, nodes.Neg):
        inner = _function(node.node, environment)
        return lambda values: -inner(values)
    if isinstance(node, nodes.Pos):
        inner = _function(node.node, environment)
        return lambda values: +inner(values)
    if isinstance(node, nodes.BinExpr):
        return _binary(node, environment)
    if isinstance(node, nodes.Compare):
        return _compare(node, environment)
    if isinstance(node, nodes.Concat):
        parts = _functions(node.nodes, environment)
        return lambda values: "".join([str(part(values)) for part in parts])
    if isinstance(node, nodes.CondExpr):
        if node.expr2 is None:
            raise _Outside
        test = _function(node.test, environment)
        yes, no = _function(node.expr1, environment), _function(node.expr2, environment)
        return lambda values: yes(values) if test(values) else no(values)
    if isinstance(node, nodes.Filter | nodes.Test):
        return _filter_or_test(node, environment)
    raise _Outside


def _functions(items: list[nodes.Expr], environment: Environment) -> list[Function]:
    return [_function(item, environment) for item in items]


def _binary(node: nodes.BinExpr, environment: Environment) -> Function:
    left, right = _function(node.left, environment), _function(node.right, environment)
    kind = type(node)
    if kind in _SANDBOXED:
        symbol, binop = _SANDBOXED[kind], environment.call_binop  # type: ignore[attr-defined]
        return lambda values: binop(None, symbol, left(values), right(values))
    if kind not in _BINARY:
        raise _Outside
    apply = _BINARY[kind]
    return lambda values: apply(left(values), right(values))


def _compare(node: nodes.Compare, environment: Environment) -> Function:
    first = _function(node.expr, environment)
    steps = [(_COMPARE[o.op], _function(o.expr, environment)) for o in node.ops if o.op in _COMPARE]
    if len(steps) != len(node.ops):
        raise _Outside

    def compare(values: Values) -> Any:
        # As Python's chained comparison: each operand read once, stop at the first false.
        left = first(values)
        result: Any = True
        for apply, operand in steps:
            right = operand(values)
            result = apply(left, right)
            if not result:
                return result
            left = right
        return result

    return compare


def _filter_or_test(node: nodes.Filter | nodes.Test, environment: Environment) -> Function:
    if node.node is None or node.kwargs or node.dyn_args or node.dyn_kwargs:
        raise _Outside
    subject = _function(node.node, environment)
    arguments = _functions(node.args, environment)
    name = node.name
    is_filter = isinstance(node, nodes.Filter)
    known = environment.filters if is_filter else environment.tests
    if name not in known:
        raise _Outside
    direct = known[name]
    if not hasattr(direct, "jinja_pass_arg"):
        # A plain function (length, int, lower, the comparison tests): called as Jinja2 would.
        if not arguments:
            return lambda values: direct(subject(values))
        return lambda values: direct(subject(values), *[a(values) for a in arguments])
    # One that wants the environment or evaluation context (join, sum): Jinja2 supplies it.
    call = environment.call_filter if is_filter else environment.call_test
    return lambda values: call(name, subject(values), [a(values) for a in arguments])
