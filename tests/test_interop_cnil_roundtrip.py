"""A CNIL PIA goes out and comes back the same: import → export → import gives the same answers.

Hypothesis builds PIA tool exports the way the tool's editor writes them (paragraphs, nested
lists, bold and italic in any of their tags, stray whitespace, entities, dates picked in any time
zone) and checks the whole answers file, not a sample of fields. A second property checks the
text conversion alone, and a third that the export has every field the tool's importer reads.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

from cnil_support import FIXTURES, check_tool_reads
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dpia._assessment import assessment_from_source
from dpia._library import questionnaire_for
from dpia._source import read_source
from dpia.interop import _cnil_structure as cnil
from dpia.interop import export_cnil_pia, import_cnil_pia, read_pia_file
from dpia.interop._html_text import to_html, to_text
from dpia.interop._yaml import answers_yaml

CNIL = questionnaire_for("cnil-pia@1.0.0")

_WORDS = st.text(
    alphabet=st.sampled_from([*list("abcdéèçÀZ019 -*\\&<>;:,.()'’\""), "\xa0", "œ", "€"]),
    min_size=1,
    max_size=20,
)


@st.composite
def inline_html(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        text = html.escape(draw(_WORDS), quote=False)
        style = draw(st.sampled_from(["", "strong", "b", "em", "i", "strong em", "span"]))
        for tag in reversed(style.split()):
            text = f"<{tag}>{text}</{tag}>"
        pieces.append(text)
        if draw(st.booleans()):
            pieces.append(draw(st.sampled_from([" ", "\n", "<br />", "&nbsp;", "<br>"])))
    return "".join(pieces)


@st.composite
def list_html(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(["ul", "ol"]))
    items = []
    for _ in range(draw(st.integers(1, 3))):
        body = draw(inline_html())
        if depth < 2 and draw(st.booleans()):
            body += draw(list_html(depth + 1))
        items.append(f"<li>{body}</li>\n")
    return f"<{tag}>\n{''.join(items)}</{tag}>"


@st.composite
def rich_html(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 5)) == 0:
        return draw(_WORDS)
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["p", "div", "list", "bare", "h3"]))
        if kind == "list":
            blocks.append(draw(list_html()))
        elif kind == "bare":
            blocks.append(draw(inline_html()))
        else:
            blocks.append(f"<{kind}>{draw(inline_html())}</{kind}>")
    return "\n".join(blocks)


_MOMENTS = st.datetimes(min_value=dt.datetime(2017, 1, 1), max_value=dt.datetime(2035, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0).isoformat() + ".000Z"
)


@st.composite
def picked_day(draw: st.DrawFn) -> str:
    """A day chosen in a date picker somewhere between UTC-11 and UTC+12, as the tool saves it."""
    day = draw(st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2035, 12, 31)))
    offset = draw(st.integers(-11, 12))
    moment = dt.datetime.combine(day, dt.time()) - dt.timedelta(hours=offset)
    return moment.isoformat() + ".000Z"


@st.composite
def pia_exports(draw: st.DrawFn) -> dict[str, Any]:
    answers = []
    for number in draw(st.sets(st.sampled_from(sorted(cnil.TEXT_ANSWERS)))):
        answers.append({"reference_to": number, "data": {"text": draw(rich_html())}})
    for number in draw(st.sets(st.sampled_from(sorted(cnil.LIST_ANSWERS)))):
        entries = draw(st.lists(_WORDS, max_size=4))
        answers.append({"reference_to": number, "data": {"text": "", "list": entries}})
    for number in draw(st.sets(st.sampled_from(sorted(cnil.GAUGE_ANSWERS)))):
        gauge = draw(st.integers(0, 4))
        answers.append(
            {"reference_to": number, "data": {"text": draw(rich_html()), "gauge": gauge}}
        )
    numbers = draw(st.lists(st.integers(1, 10_000), unique=True, max_size=4))
    measures = [
        {
            "id": number,
            "title": draw(_WORDS),
            "content": draw(rich_html()),
            "placeholder": draw(st.sampled_from(["", "measures.default_placeholder"])),
        }
        for number in numbers
    ]
    references = [
        *cnil.ITEM_EVALUATIONS,
        *(
            f"{cnil.ITEM_OF_QUESTION[n]}.{n}"
            for n in cnil.TEXT_ANSWERS
            if cnil.ITEM_OF_QUESTION[n] in cnil.QUESTION_EVALUATED_ITEMS
        ),
        *(f"3.1.{number}" for number in numbers),
    ]
    evaluations = []
    for reference in draw(st.sets(st.sampled_from(references))):
        gauged = reference in cnil.RISK_EVALUATIONS
        evaluations.append(
            {
                "reference_to": reference,
                "status": draw(st.integers(0, 3)),
                "evaluation_comment": draw(st.one_of(st.none(), rich_html())),
                "action_plan_comment": draw(st.one_of(st.none(), rich_html())),
                "gauges": {
                    "x": draw(st.integers(0, 4)) if gauged else 0,
                    "y": draw(st.integers(0, 4)) if gauged else 0,
                },
                "estimated_implementation_date": draw(st.one_of(st.none(), picked_day())),
                "person_in_charge": draw(st.one_of(st.none(), _WORDS)),
                "global_status": 2,
            }
        )
    comments = []
    for _ in range(draw(st.integers(0, 3))):
        on_measure = bool(numbers) and draw(st.booleans())
        reference = (
            draw(st.sampled_from(numbers))
            if on_measure
            else draw(st.sampled_from(sorted(cnil.COMMENTABLE)))
        )
        comments.append(
            {
                "description": draw(_WORDS),
                "reference_to": reference,
                "for_measure": on_measure,
                "created_at": draw(_MOMENTS),
            }
        )
    pia = {
        "id": draw(st.integers(1, 500)),
        "name": draw(_WORDS.filter(lambda t: t.strip())),
        "status": draw(st.integers(0, 4)),
        "author_name": draw(st.one_of(st.none(), _WORDS)),
        "evaluator_name": draw(st.one_of(st.none(), _WORDS)),
        "validator_name": draw(st.one_of(st.none(), _WORDS)),
        "dpo_status": draw(st.sampled_from([None, 0, 1])),
        "dpo_opinion": draw(st.one_of(st.none(), _WORDS)),
        "dpos_names": draw(st.one_of(st.none(), _WORDS)),
        "concerned_people_searched_opinion": draw(st.sampled_from([None, True, False])),
        "concerned_people_searched_content": draw(st.one_of(st.none(), _WORDS)),
        "concerned_people_status": draw(st.sampled_from([None, 0, 1])),
        "concerned_people_opinion": draw(st.one_of(st.none(), _WORDS)),
        "people_names": draw(st.one_of(st.none(), _WORDS)),
        draw(st.sampled_from(["rejection_reason", "rejected_reason"])): draw(_WORDS),
        "category": draw(st.one_of(st.none(), _WORDS)),
        "created_at": draw(_MOMENTS),
        "updated_at": draw(st.one_of(st.none(), _MOMENTS)),
    }
    return {
        "pia": pia,
        "answers": answers,
        "measures": measures,
        "evaluations": evaluations,
        "comments": comments,
    }


def _import(content: bytes) -> dict[str, Any]:
    return import_cnil_pia(read_pia_file(content, "pia.json"), CNIL).answers_file


def _export(answers_file: dict[str, Any]) -> bytes:
    source = read_source(answers_yaml(answers_file).encode(), name="answers.yaml")
    assessment = assessment_from_source(source, CNIL).assessment
    return export_cnil_pia(CNIL, assessment).content


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(pia_exports())
def test_import_export_import_gives_the_same_answers(document: dict[str, Any]) -> None:
    first = _import(json.dumps(document).encode())
    second = _import(_export(first))
    assert second == first


@given(rich_html())
def test_text_to_html_is_the_inverse_of_html_to_text(markup: str) -> None:
    text = to_text(markup)
    assert to_text(to_html(text)) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200))
def test_any_typed_text_survives_a_second_trip_unchanged(typed: str) -> None:
    once = to_text(to_html(typed))
    assert to_text(to_html(once)) == once


def test_the_fixtures_round_trip_too() -> None:
    for path in sorted(FIXTURES.glob("*.json")):
        first = _import(path.read_bytes())
        assert _import(_export(first)) == first, path.name


def test_the_export_has_every_field_the_tools_importer_reads() -> None:
    first = _import((FIXTURES / "pia-2025.json").read_bytes())
    document = json.loads(_export(first))
    for key in ("answers", "measures", "evaluations", "comments"):
        assert document[key], key
    check_tool_reads(document)
