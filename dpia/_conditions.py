"""The safe expression language of `when:` conditions, risk rules and rationale templates.

Conditions are written by DPO teams in YAML, so they must read like plain logic
(`'keystroke_content' in captured_data and retention_days > 30`) and must not be able to do
anything else. We use Jinja2's immutable sandbox with its globals cleared, a short allow-list of
filters and tests, StrictUndefined, and a result that must be exactly true or false. Attribute
access, indexing, calls and powers are refused when the expression is read, and repeating or
%-formatting text is refused when it runs, so no condition can reach Python objects or build a
gigabyte string.

Names are question ids. A question that is hidden or unanswered has its *empty value*:
`false` for boolean, `[]` for multi_choice and table, `none` for every other type. A comparison
or membership test that meets `none` (`headcount > 10` when headcount is empty) makes the whole
condition false rather than an error: an unanswered question never switches anything on.
Arithmetic that cannot be done (a division by an answer of zero) is false for the same reason.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

import jinja2
import jinja2.nodes
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ._condition_code import (
    TextPieces,
    expression_function,
    text_function,
    text_pieces,
    tree_function,
)
from ._condition_trees import read_tree, written_tree
from ._errors import ConditionError

__all__ = [
    "ALLOWED_FILTERS",
    "ALLOWED_TESTS",
    "MAX_EXPRESSION_LENGTH",
    "MAX_NESTING",
    "RESERVED_NAMES",
    "check_condition",
    "check_text",
    "evaluate",
    "keep_written",
    "names_in_order",
    "nesting_fault",
    "referenced_names",
    "render_text",
    "written_forms",
]

ALLOWED_FILTERS = ("length", "lower", "upper", "int", "float", "default", "join", "sum")
ALLOWED_TESTS = (
    "defined",
    "none",
    "number",
    "string",
    "sameas",
    "in",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "true",
    "false",
)
RESERVED_NAMES = frozenset(
    {"and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False"}
    | {"None", "loop", "self", "for", "endfor", "block", "with", "recursive", "import"}
)
MAX_EXPRESSION_LENGTH = 2000
MAX_NESTING = 120
"""Operators and brackets nest at most this deep: `a or b or c ...` nests one level per
operator, and Python, which runs the compiled expression, refuses about 200 levels with a
SyntaxError. 120 leaves room for a long list of alternatives (the deepest shipped condition
nests 16)."""

_FORBIDDEN_NODES: dict[type[jinja2.nodes.Node], str] = {
    jinja2.nodes.Getattr: "attribute access (.name) is",
    jinja2.nodes.Getitem: "indexing ([...]) is",
    jinja2.nodes.Call: "calling a function is",
    jinja2.nodes.Slice: "slicing is",
    jinja2.nodes.Pow: "raising to a power (**) is",
}

_WATCHED_NODES = (*_FORBIDDEN_NODES, jinja2.nodes.Filter, jinja2.nodes.Test, jinja2.nodes.Name)


class _SafeEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, also refusing `'x' * n` and `'%9999999s' % x`: both build huge strings."""

    intercepted_binops = frozenset({"*", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if isinstance(left, str | list | tuple) or isinstance(right, str | list | tuple):
            raise SecurityError(f"'{operator}' works on numbers only, not on text or lists")
        return super().call_binop(context, operator, left, right)


def _environment(block_statements: bool) -> _SafeEnvironment:
    env = _SafeEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.globals.clear()
    env.filters = {name: env.filters[name] for name in ALLOWED_FILTERS}
    env.tests = {name: env.tests[name] for name in ALLOWED_TESTS}
    if block_statements:
        # Rationale templates may only substitute values: `{% ... %}` is not part of the language.
        env.block_start_string = "\x00{%"
        env.block_end_string = "%}\x00"
    return env


_CONDITIONS = _environment(block_statements=False)
_TEXTS = _environment(block_statements=True)


def referenced_names(expression: str) -> set[str]:
    """Question ids an expression reads; raises ConditionError if it is not a safe expression."""
    return set(_checked(expression).names)


@lru_cache(maxsize=4096)
def names_in_order(expression: str) -> tuple[str, ...]:
    """The question ids an expression reads, sorted: the order a reason quotes the answers in."""
    return tuple(sorted(_checked(expression).names))


def nesting_fault(parsed: jinja2.nodes.Node, limit: int = MAX_NESTING) -> int | None:
    """The line at which `parsed` nests deeper than `limit`, or None; walked without recursion."""
    stack: list[tuple[jinja2.nodes.Node, int]] = [(parsed, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return getattr(node, "lineno", 1) or 1
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return None


def _refuse_unsafe(parsed: jinja2.nodes.Node, where: str) -> frozenset[str]:
    """Refuse what a condition or rationale may not hold; returns the names it reads.

    One walk of the tree finds all of it: reading a catalogue checks hundreds of them.
    """
    if nesting_fault(parsed) is not None:
        raise ConditionError(
            f"{where} is nested too deeply (more than {MAX_NESTING} levels of operators or "
            "brackets); split it over simpler conditions"
        )
    found: set[type[jinja2.nodes.Node]] = set()
    filters: list[str] = []
    tests: list[str] = []
    loaded: set[str] = set()
    for node in itertools.chain([parsed], parsed.find_all(_WATCHED_NODES)):
        if isinstance(node, jinja2.nodes.Name):
            if node.ctx == "load":
                loaded.add(node.name)
        elif isinstance(node, jinja2.nodes.Filter):
            filters.append(node.name)
        elif isinstance(node, jinja2.nodes.Test):
            tests.append(node.name)
        elif isinstance(node, _WATCHED_NODES):
            found.add(type(node))
    for node_type, words in _FORBIDDEN_NODES.items():
        if node_type in found:
            raise ConditionError(f"{words} not allowed in {where}")
    for name in filters:
        if name not in ALLOWED_FILTERS:
            raise ConditionError(
                f"filter {name!r} is not allowed in {where}; allowed: {', '.join(ALLOWED_FILTERS)}"
            )
    for name in tests:
        if name not in ALLOWED_TESTS:
            raise ConditionError(
                f"test {name!r} is not allowed in {where}; allowed: {', '.join(ALLOWED_TESTS)}"
            )
    # What `jinja2.meta.find_undeclared_variables` says, without generating the template's
    # code to find out: neither a condition nor a rationale declares a name (no loops, no
    # assignments), so every name loaded is undeclared, except `self`, Jinja2's own.
    return frozenset(loaded - {"self"})


class _Checked:
    """A condition read once: the names it reads, a plain function computing it when
    `_condition_code` could make one (and the tree it was made from, which a disk cache keeps),
    and Jinja2's compiled code, made only when needed."""

    __slots__ = ("_jinja", "expression", "function", "names", "tree")

    def __init__(
        self, expression: str, names: frozenset[str], function: Any, tree: jinja2.nodes.Expr
    ) -> None:
        self.expression = expression
        self.names = names
        self.function = function
        self.tree = tree
        self._jinja: Callable[..., Any] | None = None

    def jinja(self) -> Callable[..., Any]:
        if self._jinja is None:
            self._jinja = _CONDITIONS.compile_expression(self.expression, undefined_to_none=False)
        return self._jinja


def _tree(expression: str) -> jinja2.nodes.Expr:
    """The expression as `compile_expression` reads it (the tree its code is generated from)."""
    parser = Parser(_CONDITIONS, expression, state="variable")
    tree = parser.parse_expression()
    if not parser.stream.eos:
        raise jinja2.TemplateSyntaxError(
            "chunk after expression", parser.stream.current.lineno, None, None
        )
    return tree


def _refuse_malformed(expression: str) -> None:
    """For an expression that does not parse, the error it has always had: read inside
    `{{ ( ... ) }}` first, which names the token that breaks it, then what it may not hold."""
    parsed = _CONDITIONS.parse("{{ (" + expression + ") }}")
    output = parsed.body
    if len(output) != 1 or not isinstance(output[0], jinja2.nodes.Output):
        raise ConditionError("a condition must be a single expression")
    _refuse_unsafe(parsed, "a condition")


@lru_cache(maxsize=4096)
def _checked(expression: str) -> _Checked:
    if not expression or not expression.strip():
        raise ConditionError("a condition cannot be empty")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ConditionError(
            f"a condition is at most {MAX_EXPRESSION_LENGTH:,} characters; split the logic over "
            "earlier questions"
        )
    if "{" in expression or "}" in expression:
        raise ConditionError("a condition is a bare expression: drop '{{', '}}', '{%' and '%}'")
    kept = _kept(expression)
    if kept is not None:
        return kept
    try:
        try:
            tree = _tree(expression)
        except jinja2.TemplateSyntaxError as exc:
            _refuse_malformed(expression)
            raise exc from None
        names = _refuse_unsafe(tree, "a condition")
        checked = _Checked(expression, names, expression_function(tree, _CONDITIONS, names), tree)
        if checked.function is None:
            checked.jinja()
    except jinja2.TemplateSyntaxError as exc:
        raise ConditionError(f"not a valid expression: {exc.message}") from None
    except (RecursionError, SyntaxError, MemoryError):
        raise ConditionError(
            f"the expression is nested too deeply (at most {MAX_NESTING} levels of operators or "
            "brackets)"
        ) from None
    return checked


@lru_cache(maxsize=4096)
def _checked_text(template: str) -> tuple[jinja2.Template | None, frozenset[str], Any, Any]:
    """The template compiled (unless a plain function fills it), the names it quotes, that
    function and the pieces it was made from."""
    pieces = _KEPT_TEXTS.get(template)
    if pieces is not None:
        names = frozenset(piece for literal, piece in pieces if not literal) - {"self"}
        return None, names, text_function(pieces), pieces
    try:
        parsed = _TEXTS.parse(template)
        names = _refuse_unsafe(parsed, "a text template")
        pieces = text_pieces(parsed)
        fill = None if pieces is None else text_function(pieces)
        compiled = _TEXTS.from_string(parsed) if fill is None else None
    except jinja2.TemplateSyntaxError as exc:
        raise ConditionError(f"not a valid text template: {exc.message}") from None
    except (RecursionError, SyntaxError, MemoryError):
        raise ConditionError(
            f"the text template is nested too deeply (at most {MAX_NESTING} levels of operators "
            "or brackets)"
        ) from None
    return compiled, names, fill, pieces


def check_condition(expression: str, known: Iterable[str]) -> set[str]:
    """Validate an expression against the names it may read; returns the names it reads."""
    names = referenced_names(expression)
    _refuse_unknown(names, known)
    return names


def _refuse_unknown(names: Iterable[str], known: Iterable[str]) -> None:
    """Name the first unknown id and the nearest known one: most unknown names are typos."""
    known = list(known)
    unknown = sorted(set(names) - set(known))
    if not unknown:
        return
    message = f"unknown name{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
    close = difflib.get_close_matches(unknown[0], known, n=1)
    if close:
        message += f" (did you mean {close[0]}?)"
    raise ConditionError(message)


def evaluate(expression: str, values: Mapping[str, Any]) -> bool:
    """True or false for `expression` over `values`; any other result is a ConditionError."""
    checked = _checked(expression)
    names = checked.names
    try:
        if checked.function is not None and names <= values.keys():
            result = checked.function(values)
        else:
            # A name without a value: Jinja2's code says what is undefined, in its words.
            result = checked.jinja()(**{name: values[name] for name in names if name in values})
    except (TypeError, ArithmeticError):
        return False
    except SecurityError as exc:
        raise ConditionError(f"unsafe condition {expression!r}: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise ConditionError(f"cannot evaluate {expression!r}: {exc.message}") from None
    if isinstance(result, jinja2.Undefined):
        missing = ", ".join(sorted(names - values.keys()))
        raise ConditionError(f"cannot evaluate {expression!r}: no value for {missing}")
    if not isinstance(result, bool):
        raise ConditionError(
            f"condition {expression!r} must be true or false, got {type(result).__name__}"
        )
    return result


def render_text(template: str, values: Mapping[str, Any]) -> str:
    """Fill `{{ name }}` placeholders of a rationale; the values are display text already.

    Values are inserted as they are and never read as template text, so an answer containing
    `{{ 7*7 }}` or `{% include %}` is printed literally.
    """
    compiled, names, fill, _pieces = _checked_text(template)
    if fill is not None and names <= values.keys():
        return fill(values)
    if compiled is None:
        compiled = _TEXTS.from_string(template)
    try:
        return compiled.render(**{name: values[name] for name in names if name in values})
    except jinja2.UndefinedError as exc:
        raise ConditionError(f"cannot fill {template!r}: {exc.message}") from None
    except SecurityError as exc:
        raise ConditionError(f"unsafe text template {template!r}: {exc}") from None
    except (TypeError, ArithmeticError) as exc:
        raise ConditionError(f"cannot fill {template!r}: {exc}") from None


def check_text(template: str, known: Iterable[str]) -> set[str]:
    """Validate a rationale template at load time; returns the names it quotes."""
    names = set(_checked_text(template)[1])
    _refuse_unknown(names, known)
    return names


_KEPT_TREES: dict[str, Any] = {}
_KEPT_TEXTS: dict[str, TextPieces] = {}


def _kept(expression: str) -> _Checked | None:
    """The condition from the tree a disk cache kept for it, without Jinja2's parser; None when
    there is none or it does not hold a condition this module would have made (`read_tree`
    refuses every node, filter and test `_refuse_unsafe` would, and nesting it would)."""
    written = _KEPT_TREES.get(expression)
    if written is None:
        return None
    try:
        tree, read = read_tree(written, ALLOWED_FILTERS, ALLOWED_TESTS, MAX_NESTING)
    except (ValueError, TypeError, RecursionError):
        return None
    # `self` has a meaning of its own in Jinja2: such a condition is left to its code.
    function = None if "self" in read else tree_function(tree, _CONDITIONS)
    return None if function is None else _Checked(expression, read, function, tree)


def written_forms(conditions: Iterable[str], templates: Iterable[str]) -> dict[str, Any]:
    """The checked conditions and text templates as data a disk cache can keep: each
    condition's tree and each template's pieces, for those a plain function computes."""
    trees: dict[str, Any] = {}
    for expression in conditions:
        checked = _checked(expression)
        written = None if checked.function is None else written_tree(checked.tree)
        if written is not None:
            trees[expression] = written
    texts: dict[str, Any] = {}
    for template in templates:
        pieces = _checked_text(template)[3]
        if pieces is not None:
            texts[template] = [list(piece) for piece in pieces]
    return {"conditions": trees, "texts": texts}


def keep_written(forms: Any) -> None:
    """Take the forms `written_forms` made, read back from a disk cache, so that checking one of
    those conditions or templates skips the parser. Nothing is taken from a record of another
    shape; a tree that does not rebuild is parsed from its expression when it is needed."""
    if not isinstance(forms, dict):
        return
    trees, texts = forms.get("conditions"), forms.get("texts")
    if not isinstance(trees, dict) or not isinstance(texts, dict):
        return
    kept_texts: dict[str, TextPieces] = {}
    for template, pieces in texts.items():
        if not isinstance(pieces, list) or not all(
            isinstance(piece, list)
            and len(piece) == 2
            and isinstance(piece[0], bool)
            and isinstance(piece[1], str)
            for piece in pieces
        ):
            return
        kept_texts[template] = tuple((literal, text) for literal, text in pieces)
    _KEPT_TREES.update(trees)
    _KEPT_TEXTS.update(kept_texts)
