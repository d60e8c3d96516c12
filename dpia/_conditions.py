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
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

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
    "nesting_fault",
    "referenced_names",
    "render_text",
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
    return set(_checked(expression)[1])


def nesting_fault(parsed: jinja2.nodes.Node, limit: int = MAX_NESTING) -> int | None:
    """The line at which `parsed` nests deeper than `limit`, or None; walked without recursion."""
    stack: list[tuple[jinja2.nodes.Node, int]] = [(parsed, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return getattr(node, "lineno", 1) or 1
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return None


def _refuse_unsafe(parsed: jinja2.nodes.Template, where: str) -> None:
    if nesting_fault(parsed) is not None:
        raise ConditionError(
            f"{where} is nested too deeply (more than {MAX_NESTING} levels of operators or "
            "brackets); split it over simpler conditions"
        )
    for node_type, words in _FORBIDDEN_NODES.items():
        if next(iter(parsed.find_all(node_type)), None) is not None:
            raise ConditionError(f"{words} not allowed in {where}")
    for node in parsed.find_all(jinja2.nodes.Filter):
        if node.name not in ALLOWED_FILTERS:
            raise ConditionError(
                f"filter {node.name!r} is not allowed in {where}; "
                f"allowed: {', '.join(ALLOWED_FILTERS)}"
            )
    for node in parsed.find_all(jinja2.nodes.Test):
        if node.name not in ALLOWED_TESTS:
            raise ConditionError(
                f"test {node.name!r} is not allowed in {where}; allowed: {', '.join(ALLOWED_TESTS)}"
            )


@lru_cache(maxsize=4096)
def _checked(expression: str) -> tuple[Callable[..., Any], frozenset[str]]:
    if not expression or not expression.strip():
        raise ConditionError("a condition cannot be empty")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ConditionError(
            f"a condition is at most {MAX_EXPRESSION_LENGTH:,} characters; split the logic over "
            "earlier questions"
        )
    if "{" in expression or "}" in expression:
        raise ConditionError("a condition is a bare expression: drop '{{', '}}', '{%' and '%}'")
    try:
        parsed = _CONDITIONS.parse("{{ (" + expression + ") }}")
        output = parsed.body
        if len(output) != 1 or not isinstance(output[0], jinja2.nodes.Output):
            raise ConditionError("a condition must be a single expression")
        _refuse_unsafe(parsed, "a condition")
        names = frozenset(jinja2.meta.find_undeclared_variables(parsed))
        compiled = _CONDITIONS.compile_expression(expression, undefined_to_none=False)
    except jinja2.TemplateSyntaxError as exc:
        raise ConditionError(f"not a valid expression: {exc.message}") from None
    except (RecursionError, SyntaxError, MemoryError):
        raise ConditionError(
            f"the expression is nested too deeply (at most {MAX_NESTING} levels of operators or "
            "brackets)"
        ) from None
    return compiled, names


@lru_cache(maxsize=4096)
def _checked_text(template: str) -> tuple[jinja2.Template, frozenset[str]]:
    try:
        parsed = _TEXTS.parse(template)
        _refuse_unsafe(parsed, "a text template")
        names = frozenset(jinja2.meta.find_undeclared_variables(parsed))
        compiled = _TEXTS.from_string(parsed)
    except jinja2.TemplateSyntaxError as exc:
        raise ConditionError(f"not a valid text template: {exc.message}") from None
    except (RecursionError, SyntaxError, MemoryError):
        raise ConditionError(
            f"the text template is nested too deeply (at most {MAX_NESTING} levels of operators "
            "or brackets)"
        ) from None
    return compiled, names


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
    compiled, names = _checked(expression)
    try:
        result = compiled(**{name: values[name] for name in names if name in values})
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
    compiled, names = _checked_text(template)
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
