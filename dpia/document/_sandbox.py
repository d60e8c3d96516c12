"""The prose templates' sandbox: what a template may compute, and how much of it.

Jinja2's immutable sandbox already keeps a template away from Python objects. What it does not
bound is size and time: `{% set a = a ~ a %}` doubles a text, `'%999999999d' % 1` and
`replace('', ...)` build a gigabyte from one line, nested loops over a table multiply, and deep
brackets overflow the parser. Every operation that can build a lot from a little is checked
here before it allocates, loops share one step budget per section, the output of a section is
capped, and nesting, unknown filters and unknown tests are refused when the template is read,
with its file and line. The limits are listed in docs/questionnaire-format.md.
"""

from __future__ import annotations

import contextvars
import re
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.filters
import jinja2.utils
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .._conditions import nesting_fault

__all__ = [
    "CAPPED_FILTERS",
    "MAX_LOOP_STEPS",
    "MAX_OUTPUT",
    "MAX_REPEAT",
    "MAX_TEMPLATE_NESTING",
    "MAX_TEXT",
    "STEPS",
    "TextSandbox",
    "capped_output",
]

MAX_REPEAT = 100_000
"""The most items `'x' * n` or `[...] * n` may produce."""
MAX_TEXT = 1_000_000
"""The longest text one operation (`~`, `+`, `%`, `replace`, `join`) may build, in characters."""
MAX_OUTPUT = 2_000_000
"""The most a section's template may write, in characters; a real section is a few thousand."""
MAX_LOOP_STEPS = 1_000_000
"""Loop iterations one section may run, over every `{% for %}` in it, nested or not."""
_MAX_INTEGER_BITS = 100_000
MAX_TEMPLATE_NESTING = 60
_FORMAT_WIDTH = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
STEPS: contextvars.ContextVar[list[int]] = contextvars.ContextVar("template_steps")


def _too_long(size: int) -> SecurityError:
    return SecurityError(f"text over {MAX_TEXT:,} characters is not allowed (got {size:,})")


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else 0


def _check_format(template: str) -> None:
    for width, precision in _FORMAT_WIDTH.findall(template):
        for number in (width, precision):
            if number == "*" or (number and int(number) > 1000):
                raise SecurityError("'%' formatting with a width or precision over 1000")


def _capped_replace(text: Any, old: Any, new: Any, count: Any = None) -> str:
    text, old, new = str(text), str(old), str(new)
    hits = len(text) + 1 if old == "" else text.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    size = len(text) + hits * (len(new) - len(old))
    if size > MAX_TEXT:
        raise _too_long(size)
    return text.replace(old, new, -1 if count is None else int(count))


def _capped_join(environment: Any, items: Any, separator: str = "", attribute: Any = None) -> str:
    items = list(items)
    size = len(str(separator)) * max(len(items) - 1, 0) + sum(len(str(item)) for item in items)
    if size > MAX_TEXT:
        raise _too_long(size)
    return jinja2.filters.do_join(environment, items, separator, attribute)


_capped_join.jinja_pass_arg = jinja2.utils._PassArg.eval_context  # type: ignore[attr-defined]


def _counted(items: Any) -> Any:
    """Every loop of a template runs through here, so a section's loops share one budget."""
    steps = STEPS.get()
    for item in items:
        steps[0] -= 1
        if steps[0] < 0:
            raise SecurityError(f"loops over {MAX_LOOP_STEPS:,} steps are not allowed")
        yield item


class _CappedCodeGenerator(jinja2.compiler.CodeGenerator):
    """Compiles `a ~ b` into a call that checks the length before joining."""

    def visit_Concat(self, node: jinja2.nodes.Concat, frame: jinja2.compiler.Frame) -> None:
        self.write("environment.concat_capped((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class TextSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, plus caps on everything that can build a lot from a little.

    `'x' * n`, `n ** m`, `a * b` on huge integers, `+`, `~`, `%`, `replace` and `join` are
    checked before they allocate; loops share one step budget per section; the output of a
    section is capped; and nesting, unknown filters and unknown tests are refused when the
    template is read, with its file and line.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _CappedCodeGenerator

    def concat_capped(self, parts: tuple[Any, ...]) -> str:
        texts = [str(part) for part in parts]
        size = sum(len(text) for text in texts)
        if size > MAX_TEXT:
            raise _too_long(size)
        return "".join(texts)

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        parsed = super()._parse(source, name, filename)
        line = nesting_fault(parsed, MAX_TEMPLATE_NESTING)
        if line is not None:
            raise jinja2.TemplateSyntaxError(
                f"nested more than {MAX_TEMPLATE_NESTING} levels deep; split the template",
                line,
                name,
                filename,
            )
        for node in parsed.find_all((jinja2.nodes.Filter, jinja2.nodes.Test)):
            known = self.filters if isinstance(node, jinja2.nodes.Filter) else self.tests
            if node.name not in known or node.name.startswith("_"):
                kind = "filter" if isinstance(node, jinja2.nodes.Filter) else "test"
                allowed = ", ".join(sorted(k for k in known if not k.startswith("_")))
                raise jinja2.TemplateSyntaxError(
                    f"unknown {kind} {node.name!r}; allowed: {allowed}", node.lineno, name, filename
                )
        for loop in parsed.find_all(jinja2.nodes.For):
            loop.iter = jinja2.nodes.Filter(loop.iter, "_counted", [], [], None, None)
            loop.iter.set_lineno(loop.lineno)
        return parsed

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise SecurityError("exponents above 64 are not allowed in templates")
        if (
            operator == "**"
            and isinstance(left, int)
            and left.bit_length() * 64 > _MAX_INTEGER_BITS
        ):
            raise SecurityError("powers of numbers this large are not allowed in templates")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if (
                    isinstance(sized, str | list | tuple)
                    and isinstance(count, int)
                    and len(sized) * count > MAX_REPEAT
                ):
                    raise SecurityError(f"repetition over {MAX_REPEAT:,} items is not allowed")
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() + right.bit_length() > _MAX_INTEGER_BITS
            ):
                raise SecurityError("products of numbers this large are not allowed")
        if operator == "+" and _sized(left) + _sized(right) > MAX_TEXT:
            raise _too_long(_sized(left) + _sized(right))
        if operator == "%" and isinstance(left, str):
            _check_format(left)
            arguments = right if isinstance(right, tuple) else (right,)
            size = len(left) + sum(len(str(argument)) for argument in arguments)
            if size > MAX_TEXT:
                raise _too_long(size)
        return super().call_binop(context, operator, left, right)


def capped_output(template: jinja2.Template, context: dict[str, Any]) -> str:
    written: list[str] = []
    size = 0
    for piece in template.generate(context):
        size += len(piece)
        if size > MAX_OUTPUT:
            raise SecurityError(f"a section may write at most {MAX_OUTPUT:,} characters")
        written.append(piece)
    return "".join(written)


CAPPED_FILTERS = {"replace": _capped_replace, "join": _capped_join, "_counted": _counted}
"""Filters that replace Jinja2's own (`replace`, `join`) or that the sandbox adds (`_counted`)."""
