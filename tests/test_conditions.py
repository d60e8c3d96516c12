"""The `when:` language: what a DPO may write, what is refused, and how empty answers read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpia import ConditionError, load_questionnaire
from dpia._conditions import (
    ALLOWED_FILTERS,
    ALLOWED_TESTS,
    check_condition,
    check_text,
    evaluate,
    referenced_names,
    render_text,
)

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"

SCOPE = {
    "monitored": True,
    "consulted": False,
    "captured": ["keystroke_content", "screenshots"],
    "headcount": 250,
    "turnover": 12.5e6,
    "basis": "legitimate_interests",
    "note": "Quality Assurance",
    "staff": [{"jurisdiction": "de", "headcount": 3}],
    "started": dt.date(2026, 1, 5),
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("monitored", True),
        ("not consulted", True),
        ("monitored and consulted", False),
        ("monitored or consulted", True),
        ("'keystroke_content' in captured", True),
        ("'mouse' not in captured", True),
        ("headcount > 100 and headcount <= 250", True),
        ("headcount * 2 >= 500", True),
        ("headcount % 2 == 0", True),
        ("headcount - 50 == 200", True),
        ("turnover / 1000000 > 10", True),
        ("headcount // 100 == 2", True),
        ("basis == 'legitimate_interests'", True),
        ("basis in ['consent', 'contract']", False),
        ("basis is in ['legitimate_interests']", True),
        ("captured | length == 2", True),
        ("staff | length >= 1", True),
        ("note | lower == 'quality assurance'", True),
        ("note | upper == 'QUALITY ASSURANCE'", True),
        ("(note | length) > 5", True),
        ("'3' | int == 3", True),
        ("'2.5' | float > 2", True),
        ("[1, 2, 3] | sum == 6", True),
        ("captured | join(',') == 'keystroke_content,screenshots'", True),
        ("note ~ '!' == 'Quality Assurance!'", True),
        ("monitored is true", True),
        ("consulted is false", True),
        ("monitored is sameas true", True),
        ("headcount is number", True),
        ("basis is string", True),
        ("headcount is gt 100", True),
        ("headcount is defined", True),
        ("true if monitored else false", True),
        ("started == started", True),
    ],
)
def test_allowed_expressions(expression: str, expected: bool) -> None:
    assert evaluate(expression, SCOPE) is expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("note.__class__", "attribute access (.name) is not allowed in a condition"),
        ("note.upper", "attribute access (.name) is not allowed in a condition"),
        ("note.__class__.__mro__", "attribute access"),
        ("captured[0] == 'x'", "indexing ([...]) is not allowed"),
        ("note[1:] == 'x'", "indexing ([...]) is not allowed"),
        ("cycler(monitored)", "calling a function is not allowed"),
        ("range(10) | length > 1", "calling a function is not allowed"),
        ("lipsum() == ''", "calling a function is not allowed"),
        ("headcount ** 2 > 1", "raising to a power (**) is not allowed"),
        ("{{ monitored }}", "a condition is a bare expression"),
        ("{% for x in captured %}{% endfor %}", "a condition is a bare expression"),
        ("{% import 'os' as os %}", "a condition is a bare expression"),
        ("note | attr('__class__')", "filter 'attr' is not allowed in a condition"),
        ("note | format(1) == ''", "filter 'format' is not allowed in a condition"),
        ("note | safe", "filter 'safe' is not allowed"),
        ("note | map('upper') | length > 1", "filter 'map' is not allowed"),
        ("monitored is callable", "test 'callable' is not allowed in a condition"),
        ("headcount is divisibleby 5", "test 'divisibleby' is not allowed"),
        ("headcount > > 1", "not a valid expression"),
        ("monitored, consulted", "not a valid expression"),
        ("", "a condition cannot be empty"),
        ("   ", "a condition cannot be empty"),
        ("(" * 300 + "monitored" + ")" * 300, "nested too deeply"),
        ("monitored or " * 200 + "monitored", "at most 2,000 characters"),
    ],
)
def test_unsafe_or_malformed_expressions_are_refused(expression: str, message: str) -> None:
    with pytest.raises(ConditionError) as raised:
        evaluate(expression, SCOPE)
    assert message in str(raised.value)
    with pytest.raises(ConditionError):
        referenced_names(expression)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("'a' * headcount == ''", "'*' works on numbers only"),
        ("captured * 1000000 == []", "'*' works on numbers only"),
        ("'%999999999s' % headcount == ''", "'%' works on numbers only"),
    ],
)
def test_expressions_that_would_build_huge_values_stop_when_run(
    expression: str, message: str
) -> None:
    referenced_names(expression)
    with pytest.raises(ConditionError, match="unsafe condition") as raised:
        evaluate(expression, SCOPE)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("expression", "result"),
    [
        ("headcount", "int"),
        ("headcount + 1", "int"),
        ("note", "str"),
        ("captured", "list"),
        ("note | lower", "str"),
        ("none", "NoneType"),
        ("self", "TemplateReference"),
    ],
)
def test_a_condition_must_be_true_or_false(expression: str, result: str) -> None:
    with pytest.raises(ConditionError, match=f"must be true or false, got {result}$"):
        evaluate(expression, SCOPE)


def test_a_name_without_a_value_is_an_error_not_false() -> None:
    with pytest.raises(ConditionError, match="cannot evaluate 'typo': no value for typo"):
        evaluate("typo", SCOPE)
    with pytest.raises(ConditionError, match="'typo' is undefined"):
        evaluate("typo or monitored", SCOPE)


@pytest.mark.parametrize(
    "expression",
    [
        "headcount > 10",
        "headcount < 10",
        "headcount == 0 or headcount > 0",
        "not (headcount > 10)",
        "headcount + 1 > 0",
        "'de' in headcount",
        "started < started",
        "headcount | length > 0",
    ],
)
def test_comparisons_that_meet_none_are_false(expression: str) -> None:
    scope = {**SCOPE, "headcount": None, "started": None}
    assert evaluate(expression, scope) is False


def test_division_by_an_answer_of_zero_is_false() -> None:
    assert evaluate("turnover / headcount > 1", {"turnover": 10, "headcount": 0}) is False
    assert evaluate("turnover % headcount == 0", {"turnover": 10, "headcount": 0}) is False


def test_none_can_be_tested_directly() -> None:
    assert evaluate("headcount is none", {"headcount": None}) is True
    assert evaluate("headcount is not none and headcount > 1", {"headcount": None}) is False


def test_hidden_and_unanswered_questions_read_as_their_empty_value() -> None:
    questionnaire = load_questionnaire(MINI)
    scope = questionnaire.scope({"countries": ["us_ca"], "works_council": True})
    assert scope["works_council"] is False, "hidden: works_council needs 'de' in countries"
    assert scope["headcount"] is None
    assert scope["captured"] == []
    assert scope["retention"] == []
    assert evaluate("not works_council and captured | length == 0", scope) is True
    assert evaluate("headcount > 0", scope) is False
    shown = questionnaire.visibility({"countries": ["us_ca"], "headcount": None})
    assert shown["captured"] is False, "the capture section needs headcount > 0"


def test_an_answer_makes_later_questions_visible() -> None:
    questionnaire = load_questionnaire(MINI)
    shown = questionnaire.visibility({"countries": ["de"], "headcount": 12})
    assert shown["works_council"] is True
    assert shown["captured"] is True
    assert questionnaire.scope({"countries": ["de"], "works_council": True})["works_council"]


def test_options_are_offered_only_when_their_condition_holds() -> None:
    questionnaire = load_questionnaire(MINI)
    captured = questionnaire.question("captured")
    offered = questionnaire.visible_options(captured, {"works_council": False})
    assert "screenshots" not in offered
    assert "screenshots" in questionnaire.visible_options(captured, {"works_council": True})


def test_check_condition_returns_the_names_and_refuses_unknown_ones() -> None:
    known = ["monitored", "headcount", "captured"]
    assert check_condition("monitored and headcount > 3", known) == {"monitored", "headcount"}
    with pytest.raises(ConditionError, match=r"^unknown name: headcont \(did you mean headcount"):
        check_condition("headcont > 3", known)
    with pytest.raises(ConditionError, match=r"^unknown names: alpha, beta$"):
        check_condition("alpha or beta", known)


def test_the_allow_lists_hold_no_escape_hatches() -> None:
    assert {"attr", "format", "map", "select", "safe", "tojson", "xmlattr"}.isdisjoint(
        ALLOWED_FILTERS
    )
    assert {"callable", "escaped", "filter", "test"}.isdisjoint(ALLOWED_TESTS)


# Rationale templates --------------------------------------------------------------------------


def test_render_text_fills_placeholders() -> None:
    text = render_text(
        "Kept for {{ days }} days in {{ place | upper }}.", {"days": "30", "place": "eu"}
    )
    assert text == "Kept for 30 days in EU."


@pytest.mark.parametrize(
    "value",
    [
        "{{ 7*7 }}",
        "{% include 'secrets.txt' %}",
        "{% import 'os' as os %}{{ os }}",
        "{{ ''.__class__.__mro__ }}",
        "\x00{% include 'x' %}\x00",
    ],
)
def test_render_text_prints_template_syntax_in_values_literally(value: str) -> None:
    assert render_text("Answer: {{ answer }}.", {"answer": value}) == f"Answer: {value}."


def test_render_text_prints_block_tags_in_the_template_literally() -> None:
    template = "See {% include 'other' %} and {{ answer }}"
    assert render_text(template, {"answer": "this"}) == "See {% include 'other' %} and this"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ answer.__class__ }}", "attribute access (.name) is not allowed in a text template"),
        ("{{ answer[0] }}", "indexing ([...]) is not allowed in a text template"),
        ("{{ answer() }}", "calling a function is not allowed in a text template"),
        ("{{ answer | attr('x') }}", "filter 'attr' is not allowed in a text template"),
        ("{{ answer | format(1) }}", "filter 'format' is not allowed in a text template"),
        ("{{ answer is callable }}", "test 'callable' is not allowed in a text template"),
        ("{{ answer }", "not a valid text template"),
        ("{{ missing }}", "cannot fill '{{ missing }}': 'missing' is undefined"),
        ("{{ 'x' * 100000 }}", "'*' works on numbers only"),
    ],
)
def test_render_text_refuses_unsafe_templates(template: str, message: str) -> None:
    with pytest.raises(ConditionError) as raised:
        render_text(template, {"answer": "yes"})
    assert message in str(raised.value)


def test_check_text_returns_the_quoted_names_and_refuses_unknown_ones() -> None:
    known = ["retention_days", "basis"]
    assert check_text("{{ retention_days }} days on {{ basis }}", known) == {
        "retention_days",
        "basis",
    }
    assert check_text("No placeholders, {% include 'x' %} stays text.", known) == set()
    with pytest.raises(ConditionError, match=r"unknown name: retention \(did you mean"):
        check_text("{{ retention }} days", known)
    with pytest.raises(ConditionError, match="attribute access"):
        check_text("{{ basis.__class__ }}", known)


@given(st.text(max_size=200))
def test_render_text_never_interprets_a_value(value: str) -> None:
    assert render_text("[{{ v }}]", {"v": value}) == f"[{value}]"


TOKENS = [
    *SCOPE,
    *("and", "or", "not", "in", "is", "if", "else", "none", "true", "false"),
    *("==", "!=", "<", ">=", "+", "-", "*", "/", "//", "%", "~", "|", "(", ")", "[", "]", ","),
    *ALLOWED_FILTERS,
    *ALLOWED_TESTS,
    *("0", "1", "-1", "2.5", "''", "'de'", "'screenshots'", "[1, 2]", "[]", "1e308"),
]


@given(st.text(max_size=80) | st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join))
def test_any_text_is_either_a_safe_expression_or_a_condition_error(expression: str) -> None:
    """Open-ended input never escapes as another exception, and never yields a non-boolean."""
    try:
        result = evaluate(expression, SCOPE)
    except ConditionError:
        return
    assert isinstance(result, bool)


_ATOM_TEXTS = [*SCOPE, "none", "true", "false", "0", "1", "-3", "2.5", "250", "''", "'de'"]
_ATOM_TEXTS += ["'screenshots'", "[]", "[1, 2]", "['keystroke_content']", "(1, 'de')", "{'de': 1}"]
_BINARY = ["and", "or", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "+", "-", "*", "/"]
_BINARY += ["//", "%", "~"]
_ATOMS = st.sampled_from(_ATOM_TEXTS)


def _combined(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.sampled_from(_BINARY)
    return st.one_of(
        st.tuples(inner, binary, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, st.sampled_from(["<", "=="]), inner, inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]} < {t[3]})"
        ),
        inner.map(lambda e: f"(not {e})"),
        inner.map(lambda e: f"(-{e})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(inner, st.sampled_from(["length", "lower", "upper", "int", "float", "sum"])).map(
            lambda t: f"({t[0]} | {t[1]})"
        ),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} | default({t[1]}))"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} | join({t[1]}))"),
        st.tuples(inner, st.sampled_from(["none", "number", "string", "true", "defined"])).map(
            lambda t: f"({t[0]} is {t[1]})"
        ),
        st.tuples(inner, st.sampled_from(["in", "eq", "lt", "sameas"]), inner).map(
            lambda t: f"({t[0]} is not {t[1]}({t[2]}))"
        ),
    )


def _outcome(run) -> tuple[str, object]:
    try:
        value = run()
    except Exception as exc:  # the kind of failure is what is compared
        return "raises", type(exc)
    return type(value).__name__, value


def _same_as_jinja2(expression: str) -> None:
    from dpia._conditions import _checked

    try:
        checked = _checked(expression)
    except ConditionError:
        return
    assert checked.function is not None, expression
    given_values = {name: SCOPE[name] for name in checked.names}
    ours = _outcome(lambda: checked.function(SCOPE))
    jinja = _outcome(lambda: checked.jinja()(**given_values))
    assert ours == jinja, expression


@given(st.recursive(_ATOMS, _combined, max_leaves=8))
def test_a_condition_computes_what_jinja2_computes(expression: str) -> None:
    """Conditions run as plain functions over their parsed tree; Jinja2's own compiled code,
    which they replace, is the judge of every result and every failure."""
    _same_as_jinja2(expression)


def test_every_operator_on_every_pair_of_values_computes_what_jinja2_computes() -> None:
    """Equal, smaller and larger numbers, text, lists and none on both sides of each operator."""
    values = ["headcount", "250", "1", "2.5", "none", "'de'", "note", "captured", "[]"]
    for operator in _BINARY:
        for left in values:
            for right in values:
                _same_as_jinja2(f"{left} {operator} {right}")


@given(st.recursive(_ATOMS, _combined, max_leaves=8) | st.sampled_from(["self", "loop", "x"]))
def test_the_names_a_condition_reads_are_those_jinja2_finds_undeclared(expression: str) -> None:
    import jinja2.meta

    from dpia._conditions import _CONDITIONS

    try:
        names = referenced_names(expression)
    except ConditionError:
        return
    parsed = _CONDITIONS.parse("{{ (" + expression + ") }}")
    assert names == jinja2.meta.find_undeclared_variables(parsed)
