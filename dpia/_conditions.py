"""The safe expression language of `when:` conditions, risk rules and rationale templates.

Conditions are written by DPO teams in YAML, so they must read like plain logic
(`'keystroke_content' in captured_data and retention_days > 30`) and must not be able to do
anything else. We use Jinja2's immutable sandbox with its globals cleared, a short allow-list of
filters and tests, StrictUndefined, and a result that must be exactly true or false.

Names are question ids. A question that is hidden or unanswered has its *empty value*:
`false` for boolean, `[]` for multi_choice and table, `none` for every other type. A comparison
or membership test that meets `none` (`headcount > 10` when headcount is empty) makes the whole
condition false rather than an error: an unanswered question never switches anything on.
"""

from __future__ import annotations

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
    "RESERVED_NAMES",
    "check_condition",
    "check_text",
    "evaluate",
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

_FORBIDDEN_NODES: tuple[type[jinja2.nodes.Node], ...] = (
    jinja2.nodes.Getattr,
    jinja2.nodes.Getitem,
    jinja2.nodes.Call,
    jinja2.nodes.Slice,
)
_NODE_WORDS = {
    jinja2.nodes.Getattr: "attribute access (.name) is",
    jinja2.nodes.Getitem: "indexing ([...]) is",
    jinja2.nodes.Call: "calling a function is",
    jinja2.nodes.Slice: "slicing is",
}


def _environment(block_statements: bool) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
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
    return _checked(expression)[1]


@lru_cache(maxsize=4096)
def _checked(expression: str) -> tuple[Callable[..., Any], frozenset[str]]:
    if not expression or not expression.strip():
        raise ConditionError("a condition cannot be empty")
    if "{" in expression or "}" in expression:
        raise ConditionError("a condition is a bare expression: drop '{{', '}}', '{%' and '%}'")
    try:
        parsed = _CONDITIONS.parse("{{ (" + expression + ") }}")
    except jinja2.TemplateSyntaxError as exc:
        raise ConditionError(f"not a valid expression: {exc.message}") from None
    output = parsed.body
    if len(output) != 1 or not isinstance(output[0], jinja2.nodes.Output):
        raise ConditionError("a condition must be a single expression")
    for node_type in _FORBIDDEN_NODES:
        found = next(iter(parsed.find_all(node_type)), None)
        if found is not None:
            raise ConditionError(f"{_NODE_WORDS[node_type]} not allowed in a condition")
    for node in parsed.find_all(jinja2.nodes.Filter):
        if node.name not in ALLOWED_FILTERS:
            raise ConditionError(
                f"filter {node.name!r} is not allowed; allowed: {', '.join(ALLOWED_FILTERS)}"
            )
    for node in parsed.find_all(jinja2.nodes.Test):
        if node.name not in ALLOWED_TESTS:
            raise ConditionError(
                f"test {node.name!r} is not allowed; allowed: {', '.join(ALLOWED_TESTS)}"
            )
    names = frozenset(jinja2.meta.find_undeclared_variables(parsed))
    try:
        compiled = _CONDITIONS.compile_expression(expression, undefined_to_none=False)
    except jinja2.TemplateSyntaxError as exc:
        raise ConditionError(f"not a valid expression: {exc.message}") from None
    return compiled, names


def check_condition(expression: str, known: Iterable[str]) -> set[str]:
    """Validate an expression against the names it may read; returns the names it reads."""
    names = referenced_names(expression)
    unknown = sorted(names - set(known))
    if unknown:
        raise ConditionError(f"unknown name{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    return names


def evaluate(expression: str, values: Mapping[str, Any]) -> bool:
    """True or false for `expression` over `values`; any other result is a ConditionError."""
    compiled, names = _checked(expression)
    scope = {name: values[name] for name in names if name in values}
    try:
        result = compiled(**scope)
    except TypeError:
        return False
    except jinja2.UndefinedError as exc:
        raise ConditionError(f"cannot evaluate {expression!r}: {exc.message}") from None
    except SecurityError as exc:
        raise ConditionError(f"unsafe condition {expression!r}: {exc}") from None
    if not isinstance(result, bool):
        raise ConditionError(
            f"condition {expression!r} must be true or false, got {type(result).__name__}"
        )
    return result


def render_text(template: str, values: Mapping[str, Any]) -> str:
    """Fill `{{ name }}` placeholders of a rationale; the values are display text already."""
    try:
        compiled = _TEXTS.from_string(template)
        return compiled.render(**dict(values))
    except jinja2.TemplateSyntaxError as exc:
        raise ConditionError(f"not a valid text template: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise ConditionError(f"cannot fill {template!r}: {exc.message}") from None
    except SecurityError as exc:
        raise ConditionError(f"unsafe text template {template!r}: {exc}") from None


def check_text(template: str, known: Iterable[str]) -> set[str]:
    """Validate a rationale template at load time; returns the names it quotes."""
    try:
        parsed = _TEXTS.parse(template)
    except jinja2.TemplateSyntaxError as exc:
        raise ConditionError(f"not a valid text template: {exc.message}") from None
    for node_type in _FORBIDDEN_NODES:
        if next(iter(parsed.find_all(node_type)), None) is not None:
            raise ConditionError(f"{_NODE_WORDS[node_type]} not allowed in a text template")
    for node in parsed.find_all(jinja2.nodes.Filter):
        if node.name not in ALLOWED_FILTERS:
            raise ConditionError(f"filter {node.name!r} is not allowed in a text template")
    names = set(jinja2.meta.find_undeclared_variables(parsed))
    unknown = sorted(names - set(known))
    if unknown:
        raise ConditionError(f"unknown name{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    return names
