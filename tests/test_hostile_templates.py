"""Templates and conditions that would exhaust memory, time or the parser are refused by name.

Each case built a gigabyte from one line, looped a billion times, or crashed Python's compiler
with "too many nested parentheses"; now each is a RenderError or ConditionError that names the
template file and line, or the condition, and what is allowed.
"""

from __future__ import annotations

import resource

import pytest
from document_support import (
    CALM_ANSWERS,
    assessment,
    catalogue,
    questionnaire,
    render,
    templates_with_description,
)

from dpia import RenderError
from dpia._conditions import MAX_NESTING, check_condition, evaluate, render_text
from dpia._errors import ConditionError

__all__ = ["catalogue", "questionnaire"]

LOOPS = "{% set l = [1,2,3,4,5,6,7,8,9,10] %}" + "{% for a in l %}" * 7 + "{% endfor %}" * 7
BOMBS = [
    ("{{ '%999999999d' % 1 }}", "'%' formatting with a width or precision over 1000"),
    ("{{ '%*d' % (999999999, 1) }}", "'%' formatting with a width or precision over 1000"),
    (
        "{% set a = 'x' * 100000 %}" + "{% set a = a ~ a %}" * 12 + "{{ a }}",
        "text over 1,000,000 characters is not allowed",
    ),
    (
        "{% set a = 'x' * 100000 %}" + "{% set a = a + a %}" * 12 + "{{ a }}",
        "text over 1,000,000 characters is not allowed",
    ),
    ("{{ ('x' * 100000) | replace('', 'yyyyyyyyyyyy') }}", "text over 1,000,000 characters"),
    ("{{ (['x' * 100000] * 20) | join('y') }}", "text over 1,000,000 characters"),
    ("{{ (['x' * 10] * 100000) | join('y' * 100) }}", "text over 1,000,000 characters"),
    (LOOPS, "loops over 1,000,000 steps are not allowed"),
    ("{{ (((9 ** 64) ** 64) ** 64) ** 64 }}", "powers of numbers this large are not allowed"),
    ("{{ 1" + " * 2" * 250 + " }}", "nested more than 60 levels deep"),
    ("{{ " + "(" * 150 + "1" + ")" * 150 + " }}", "nests brackets or blocks too deeply"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "calls itself or nests too deeply"),
    ("{{ x | nosuchfilter }}", "unknown filter 'nosuchfilter'; allowed: about, and_list"),
    ("{% if false %}{{ x | nosuch }}{% endif %}", "unknown filter 'nosuch'"),
    ("{{ x is nosuchtest }}", "unknown test 'nosuchtest'; allowed:"),
    ("{{ x | _counted }}", "unknown filter '_counted'"),
]


@pytest.mark.parametrize(("template", "message"), BOMBS)
def test_a_template_that_would_build_too_much_is_refused_by_name(
    questionnaire, catalogue, tmp_path, template, message
):
    templates = templates_with_description(tmp_path, f"First line.\n\n{template}\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(RenderError) as caught:
        render(questionnaire, catalogue, assessment(CALM_ANSWERS), templates=templates)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    text = str(caught.value)
    assert message in text, text
    assert "description.md.j2" in text
    assert grown_mib < 200, f"refused, but only after {grown_mib:.0f} MiB"


def test_the_shipped_templates_stay_within_every_limit(questionnaire, catalogue):
    assert render(questionnaire, catalogue, assessment(CALM_ANSWERS))


@pytest.mark.parametrize("operator", ["*", "%", "+", "-", "/", "//", "and", "or"])
def test_two_hundred_chained_operators_in_a_condition_are_refused(operator: str) -> None:
    expression = "x" + f" {operator} x" * 250
    with pytest.raises(ConditionError, match="nested too deeply"):
        check_condition(expression, ["x"])
    with pytest.raises(ConditionError, match="nested too deeply"):
        evaluate(expression, {"x": 3})


def test_conditions_within_the_nesting_limit_still_work() -> None:
    expression = "x" + " + x" * (MAX_NESTING - 10) + " > 0"
    assert evaluate(expression, {"x": 1}) is True


@pytest.mark.parametrize(
    "expression",
    ["'%999999999s' % x > ''", "x * 'a' == ''", "(x ~ x) * 100000000 == ''"],
)
def test_a_condition_cannot_build_a_huge_text(expression: str) -> None:
    with pytest.raises(ConditionError, match="works on numbers only"):
        evaluate(expression, {"x": "a"})


def test_a_rationale_template_too_deep_is_refused() -> None:
    with pytest.raises(ConditionError, match="nested too deeply"):
        render_text("{{ x" + " * x" * 250 + " }}", {"x": 2})
