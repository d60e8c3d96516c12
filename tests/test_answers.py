"""Answers files checked against their questionnaire: what a team sees when they get it wrong.

tests/fixtures/all-types.yaml has one question of every type (with tight limits);
tests/fixtures/mini.yaml has the conditions (a question, a section and an option that hide).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dpia import AnswersCheck, AnswersError, Assessment, load_answers, load_questionnaire
from dpia._assessment import assessment_from_source
from dpia._calendar import EARLIEST_DATE, LATEST_DATE
from dpia._errors import SourceError
from dpia._source import read_source
from dpia.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
ALL_TYPES = load_questionnaire(FIXTURES / "all-types.yaml")
MINI = load_questionnaire(FIXTURES / "mini.yaml")
COMPLETE = FIXTURES / "answers" / "all-types.yaml"

HEADER = """\
questionnaire: {ref}
assessment:
  title: Keystroke capture for model training
  organisation: Example GmbH
  assessor: Dana Schmidt
  date: 2026-05-04
answers:
"""


def answers_file(tmp_path: Path, body: str, ref: str = "all-types@2.1.0") -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(HEADER.format(ref=ref) + body, encoding="utf-8")
    return path


def problems(path: Path, questionnaire: Any = ALL_TYPES, **options: Any) -> list[str]:
    with pytest.raises(AnswersError) as raised:
        load_answers(path, questionnaire, **options)
    return [str(problem) for problem in raised.value.problems]


def test_a_complete_file_is_normalised_to_its_types() -> None:
    check = load_answers(COMPLETE, ALL_TYPES, require_complete=True)
    answers = check.assessment.answers
    assert answers["monitored"] is True
    assert answers["captured"] == ["keystrokes", "screenshots"]
    assert answers["start_date"] == dt.date(2026, 6, 1)
    assert answers["vendors"] == [
        {"name": "Labelling Ltd", "country": "de", "since": dt.date(2025, 1, 15)},
        {"name": "Cloud Inc"},
    ]
    assert check.assessment.meta.organisation == "Example GmbH"
    assert check.assessment.plan["pseudonymise_at_capture"].due == dt.date(2026, 9, 30)
    assert (check.required_answered, check.required_total, check.missing) == (2, 2, ())
    assert check.warnings == ()


# One wrong value per row, always written on line 9 as `  <id>: <value>`.
WRONG_VALUES = [
    ("monitored", '"yes"', "expected true or false, got text"),
    ("monitored", "1", "expected true or false, got a whole number"),
    ("purpose", "3", "expected one option value, got a whole number"),
    ("purpose", "surveillance", "'surveillance' is not an option; allowed: model_training, "),
    ("captured", "keystrokes", "expected a list of option values, got text"),
    ("captured", "[keystrokes, keystrokes]", "'keystrokes' is listed twice"),
    ("captured", "[keystrokes, mouse]", "'mouse' is not an option; allowed: keystrokes, screen"),
    ("captured", "[1]", "expected option values, got a whole number in the list"),
    ("system_name", "42", "expected text, got a whole number"),
    ("system_name", "Twenty-one characters", "is 21 characters long; at most 20 allowed"),
    ("system_name", '"bell\\a"', "contains the control character U+0007 at position 5"),
    ("system_name", '"tab\\vx"', "contains the control character U+000B at position 4"),
    ("system_name", '"\\x1f"', "contains the control character U+001F at position 1"),
    ("system_name", '"\\uFFFE"', "contains the noncharacter U+FFFE at position 1"),
    ("retention_days", "2.5", "expected a whole number, got a number"),
    ("retention_days", "true", "expected a whole number, got true/false"),
    ("retention_days", "0", "0 is below the minimum of 1"),
    ("retention_days", "3651", "3651 is above the maximum of 3650"),
    ("sampling_rate", '"3"', "expected a number, got text"),
    ("sampling_rate", ".nan", "expected a finite number"),
    ("sampling_rate", ".inf", "expected a finite number"),
    ("sampling_rate", "60.5", "60.5 is above the maximum of 60"),
    ("sampling_rate", "-0.1", "-0.1 is below the minimum of 0"),
    ("start_date", "2026-06-01T10:00:00", "expected a date (YYYY-MM-DD) without a time"),
    ("start_date", '"2026-13-01"', "'2026-13-01' is not a date: there is no month 13"),
    ("start_date", '"20260601"', "expected a date as YYYY-MM-DD, got '20260601'"),
    ("start_date", "June 1st", "expected a date as YYYY-MM-DD, got 'June 1st'"),
    ("vendors", "Labelling Ltd", "expected a list of rows, got text"),
    ("vendors", "[a, b]", "row 1: expected a mapping of column values"),
    ("vendors", "[{name: A}, {name: B}, {name: C}]", "3 rows; at most 2 allowed"),
    ("vendors", "[{name: A, colour: red}]", "row 1: unknown column 'colour'; columns: name, coun"),
    ("vendors", "[{name: A}, {country: de}]", "row 2: column 'name' is required"),
    ("vendors", "[{name: A, country: fr}]", "row 1, column 'country': 'fr' is not an option"),
    ("vendors", "[{name: A, since: 2025}]", "row 1, column 'since': expected a date as YYYY-MM-DD"),
    ("vendors", '[{name: "x\\0"}]', "row 1, column 'name': contains the control character U+0000"),
]


@pytest.mark.parametrize(("question_id", "value", "message"), WRONG_VALUES)
def test_a_wrong_value_is_reported_on_its_line(
    tmp_path: Path, question_id: str, value: str, message: str
) -> None:
    path = answers_file(tmp_path, f"  monitored: false\n  {question_id}: {value}\n")
    if question_id == "monitored":
        path = answers_file(tmp_path, f"  system_name: Recorder\n  {question_id}: {value}\n")
    column = len(f"  {question_id}: ") + 1
    [line] = problems(path)
    assert line.startswith(f"{path}:9:{column}: answers.{question_id}: "), line
    assert message in line


def test_every_wrong_value_in_one_file_is_listed(tmp_path: Path) -> None:
    first_wrong: dict[str, str] = {}
    for question_id, value, _ in WRONG_VALUES:
        first_wrong.setdefault(question_id, value)
    body = "".join(f"  {question_id}: {value}\n" for question_id, value in first_wrong.items())
    reported = problems(answers_file(tmp_path, body))
    assert [int(line.split(":")[1]) for line in reported] == list(range(8, 8 + len(first_wrong)))


def test_a_text_over_its_limit_names_the_limit(tmp_path: Path) -> None:
    path = answers_file(tmp_path, f"  monitored: true\n  description: {'x' * 20_001}\n")
    [line] = problems(path)
    assert line.startswith(f"{path}:9:16: answers.description: ")
    assert "is 20,001 characters long; at most 20,000 allowed" in line
    assert (
        load_answers(
            answers_file(tmp_path, f"  monitored: true\n  description: {'x' * 20_000}\n"), ALL_TYPES
        ).assessment.answers["description"]
        == "x" * 20_000
    )


def test_line_breaks_and_tabs_are_ordinary_text(tmp_path: Path) -> None:
    path = answers_file(tmp_path, '  monitored: true\n  description: "one\\ttwo\\nthree"\n')
    assert load_answers(path, ALL_TYPES).assessment.answers["description"] == "one\ttwo\nthree"


def test_an_unknown_question_id_points_at_the_key_and_suggests_the_nearest(tmp_path: Path) -> None:
    path = answers_file(tmp_path, "  monitored: true\n  retention_day: 30\n  zzz: 1\n")
    assert problems(path) == [
        f"{path}:9:3: answers.retention_day: unknown question id 'retention_day' "
        "(did you mean retention_days?)",
        f"{path}:10:3: answers.zzz: unknown question id 'zzz'",
    ]


def test_required_visible_questions_are_demanded_only_when_complete(tmp_path: Path) -> None:
    path = answers_file(tmp_path, "  monitored: true\n  system_name: Recorder\n")
    draft = load_answers(path, ALL_TYPES)
    assert (draft.required_answered, draft.required_total) == (1, 2)
    assert draft.missing == ("description",)
    assert problems(path, require_complete=True) == [
        f"{path}:8:3: answers.description: required question 'description' is not answered "
        "(Describe the processing)"
    ]


def test_a_required_question_hidden_by_its_condition_is_not_demanded(tmp_path: Path) -> None:
    path = answers_file(tmp_path, "  monitored: false\n")
    check = load_answers(path, ALL_TYPES, require_complete=True)
    assert (check.required_answered, check.required_total, check.missing) == (1, 1, ())


def test_a_wrong_required_answer_is_reported_once(tmp_path: Path) -> None:
    path = answers_file(tmp_path, "  monitored: maybe\n")
    assert problems(path, require_complete=True) == [
        f"{path}:8:14: answers.monitored: expected true or false, got text"
    ]


def test_nothing_answered_lists_every_required_question(tmp_path: Path) -> None:
    path = answers_file(tmp_path, "  {}\n", ref="mini@1.0")
    assert problems(path, MINI, require_complete=True) == [
        f"{path}:8:3: answers.countries: required question 'countries' is not answered "
        "(Where do the people monitored work?)"
    ]


def test_a_value_for_a_hidden_question_is_a_warning_and_is_dropped(tmp_path: Path) -> None:
    body = "  countries: [us_ca]\n  works_council: true\n  headcount: 0\n  captured: [timing]\n"
    path = answers_file(tmp_path, body, ref="mini@1.0")
    check = load_answers(path, MINI, require_complete=True)
    assert [str(w) for w in check.warnings] == [
        f"{path}:9:18: warning: answers.works_council: question is hidden by its condition "
        "for these answers; value ignored",
        f"{path}:11:13: warning: answers.captured: question is hidden by its condition "
        "for these answers; value ignored",
    ]
    assert check.assessment.answers == {"countries": ["us_ca"], "headcount": 0}


def test_a_warning_is_listed_with_the_errors_it_came_with(tmp_path: Path) -> None:
    body = "  countries: [us_ca]\n  works_council: true\n  headcount: -1\n"
    path = answers_file(tmp_path, body, ref="mini@1.0")
    assert problems(path, MINI) == [
        f"{path}:10:14: answers.headcount: -1 is below the minimum of 0",
        f"{path}:9:18: warning: answers.works_council: question is hidden by its condition "
        "for these answers; value ignored",
    ]


def test_an_option_hidden_by_its_condition_is_refused(tmp_path: Path) -> None:
    body = "  countries: [de]\n  works_council: false\n  headcount: 5\n  captured: [screenshots]\n"
    path = answers_file(tmp_path, body, ref="mini@1.0")
    assert problems(path, MINI) == [
        f"{path}:11:13: answers.captured: option 'screenshots' is not offered for these "
        "answers: it is offered only when works_council; remove it from this answer, or change "
        "the answer to works_council"
    ]
    shown = answers_file(tmp_path, body.replace("false", "true"), ref="mini@1.0")
    assert load_answers(shown, MINI).assessment.answers["captured"] == ["screenshots"]


def test_json_can_carry_a_lone_surrogate_and_it_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(
        '{"questionnaire": "all-types@2.1.0",\n'
        ' "assessment": {"title": "T", "organisation": "O", "assessor": "A",\n'
        '                "date": "2026-05-04"},\n'
        ' "answers": {"monitored": true,\n'
        '             "description": "before \\ud800 after"}}\n',
        encoding="utf-8",
    )
    assert problems(path) == [
        f"{path}:5:29: answers.description: contains the lone surrogate half U+D800 at position 8, "
        "which no document can hold; remove it"
    ]


def test_json_escapes_of_characters_beyond_u_ffff_are_read_as_one_character(
    tmp_path: Path,
) -> None:
    path = tmp_path / "answers.json"
    document = {
        "questionnaire": "all-types@2.1.0",
        "assessment": {"title": "T", "organisation": "O", "assessor": "A", "date": "2026-05-04"},
        "answers": {"monitored": True, "description": "Reviewed \U0001f50d by 𝔇ana"},
    }
    path.write_text(json.dumps(document), encoding="ascii")
    assert "\\ud83d\\udd0d" in path.read_text(encoding="ascii")
    check = load_answers(path, ALL_TYPES)
    assert check.assessment.answers["description"] == "Reviewed \U0001f50d by 𝔇ana"


@pytest.mark.parametrize(("written", "number"), [("1e-05", 1e-05), ("2E+1", 20.0), ("5e1", 50.0)])
def test_json_numbers_with_an_exponent_are_numbers(
    tmp_path: Path, written: str, number: float
) -> None:
    path = tmp_path / "answers.json"
    path.write_text(
        '{"questionnaire": "all-types@2.1.0", "assessment": {"title": "T", "organisation": "O",'
        ' "assessor": "A", "date": "2026-05-04"}, "answers": {"monitored": false,'
        f' "sampling_rate": {written}}}}}',
        encoding="utf-8",
    )
    assert load_answers(path, ALL_TYPES).assessment.answers["sampling_rate"] == number


def test_control_characters_are_refused_in_every_field_that_reaches_the_document(
    tmp_path: Path,
) -> None:
    path = tmp_path / "answers.json"
    document = {
        "questionnaire": "all-types@2.1.0",
        "assessment": {
            "title": "A\vB",
            "organisation": "O\ud800",
            "assessor": "A",
            "date": "2026-05-04",
        },
        "answers": {"monitored": False},
        "plan": {"notice": {"owner": "\x1bHR", "due": "2026-09-30"}},
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    reported = [line.split(": ", 1)[1] for line in problems(path)]
    assert reported == [
        "assessment.title: contains the control character U+000B at position 2, which a Word "
        "document cannot hold; remove it",
        "assessment.organisation: contains the lone surrogate half U+D800 at position 2, which no "
        "document can hold; remove it",
        "plan.notice.owner: contains the control character U+001B at position 1, which a Word "
        "document cannot hold; remove it",
    ]


def test_json_dates_are_iso_strings(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    document = {
        "questionnaire": "all-types@2.1.0",
        "assessment": {"title": "T", "organisation": "O", "assessor": "A", "date": "2026-05-04"},
        "answers": {"monitored": False, "start_date": "2026-06-01"},
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    check = load_answers(path, ALL_TYPES)
    assert check.assessment.answers["start_date"] == dt.date(2026, 6, 1)
    assert check.assessment.meta.date == dt.date(2026, 5, 4)


def test_yaml_dates_may_be_plain_or_quoted(tmp_path: Path) -> None:
    plain = answers_file(tmp_path, "  monitored: false\n  start_date: 2026-06-01\n")
    assert load_answers(plain, ALL_TYPES).assessment.answers["start_date"] == dt.date(2026, 6, 1)
    quoted = answers_file(tmp_path, '  monitored: false\n  start_date: "2026-06-01"\n')
    assert load_answers(quoted, ALL_TYPES).assessment.answers["start_date"] == dt.date(2026, 6, 1)


def test_answers_for_another_questionnaire_version_are_refused(tmp_path: Path) -> None:
    path = answers_file(tmp_path, "  monitored: false\n", ref="all-types@2.0.0")
    assert problems(path) == [
        f"{path}:1:16: questionnaire: answers are for all-types@2.0.0, but the questionnaire "
        "is all-types@2.1.0"
    ]


def test_the_file_shape_is_checked_before_the_answers(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(
        "questionnaire: all-types\nassessment:\n  title: T\n  date: someday\nanswer: {}\n",
        encoding="utf-8",
    )
    assert problems(path) == [
        f"{path}:1:16: questionnaire: 'all-types' does not fit: expected <questionnaire id>@"
        "<version>, e.g. telemetry-for-ai@1.0.0",
        f"{path}:3:3: assessment.assessor: required field is missing",
        f"{path}:3:3: assessment.organisation: required field is missing",
        f"{path}:4:9: assessment.date: expected a date as YYYY-MM-DD, got 'someday'",
        f"{path}:5:1: answer: unknown field 'answer'; allowed here: questionnaire, assessment, "
        "answers, plan, signoff",
    ]


# The command line --------------------------------------------------------------------------


@pytest.fixture
def questionnaires(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(FIXTURES))


@pytest.mark.usefixtures("questionnaires")
def test_check_answers_reports_ok_with_the_completeness_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check-answers", str(COMPLETE)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == (
        f"{COMPLETE}: OK: all-types@2.1.0, 9 answers, required questions answered 2/2, 0 warnings\n"
    )


@pytest.mark.usefixtures("questionnaires")
def test_check_answers_prints_warnings_and_still_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "  countries: [us_ca]\n  works_council: true\n"
    path = answers_file(tmp_path, body, ref="mini@1.0")
    assert main(["check-answers", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"{path}:9:18: warning: answers.works_council: question is hidden by its condition "
        "for these answers; value ignored"
    ]
    assert out.endswith("1 answer, required questions answered 1/1, 1 warning\n")


@pytest.mark.usefixtures("questionnaires")
def test_check_answers_lists_every_error_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "  monitored: maybe\n  retention_days: 0\n  vendors: x\n"
    path = answers_file(tmp_path, body)
    assert main(["check-answers", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert [line.split(": ")[0] for line in err.splitlines()] == [
        f"{path}:8:14",
        f"{path}:9:19",
        f"{path}:10:12",
    ]


@pytest.mark.usefixtures("questionnaires")
def test_check_answers_refuses_a_draft_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = answers_file(tmp_path, "  monitored: true\n")
    assert main(["check-answers", str(path)]) == 2
    assert "required question 'description' is not answered" in capsys.readouterr().err
    assert main(["check-answers", "--draft", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert "required questions answered 1/2" in out
    assert out.endswith("still to answer: description\n")


@pytest.mark.usefixtures("questionnaires")
@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("all-types@2.0.0", "the answers are for all-types@2.0.0, but "),
        ("nowhere@1.0", "no questionnaire 'nowhere' in "),
    ],
)
def test_check_answers_names_a_questionnaire_it_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ref: str, message: str
) -> None:
    path = answers_file(tmp_path, "  monitored: false\n", ref=ref)
    assert main(["check-answers", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dpia: {path}:1:16: questionnaire: {message}"), err


@pytest.mark.usefixtures("questionnaires")
def test_check_answers_needs_the_questionnaire_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("assessment: {}\n", encoding="utf-8")
    assert main(["check-answers", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"dpia: {path}:1:1: questionnaire: required, as '<id>@<version>'\n"
    )


# Properties ----------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
QUESTION_IDS = st.sampled_from(ALL_TYPES.question_ids()) | st.text(min_size=1, max_size=20)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(answers=st.dictionaries(QUESTION_IDS, JSON_VALUES, max_size=8), as_json=st.booleans())
def test_any_answers_validate_or_fail_with_located_problems(
    answers: dict[str, Any], as_json: bool
) -> None:
    document = {
        "questionnaire": ALL_TYPES.ref,
        "assessment": {"title": "T", "organisation": "O", "assessor": "A", "date": "2026-05-04"},
        "answers": answers,
    }
    if as_json:
        text = json.dumps(document, indent=1)
    else:
        text = yaml.safe_dump(document, allow_unicode=False)
    try:
        # A key YAML reads as its merge key (`<<`) is refused as the file is read, located.
        source = read_source(text.encode("utf-8"), name="generated")
    except SourceError as exc:
        assert re.match(r"generated:\d+:\d+: answers\.", str(exc)), exc
        return
    try:
        check = assessment_from_source(source, ALL_TYPES)
    except AnswersError as exc:
        assert exc.problems
        lines = len(text.splitlines())
        for problem in exc.problems:
            assert problem.file == "generated"
            assert 1 <= problem.line <= lines + 1, problem
            assert problem.column >= 1
    else:
        assert isinstance(check, AnswersCheck)
        assert set(check.assessment.answers) <= set(ALL_TYPES.question_ids())


SAFE_TEXT = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Cc", "Cn"),
        exclude_characters="\u2028\u2029",
    )
    | st.sampled_from("\t\n"),
    max_size=20,
)
ROWS = st.lists(
    st.fixed_dictionaries(
        {"name": SAFE_TEXT.filter(bool)},
        optional={
            "country": st.sampled_from(["de", "us"]),
            "since": st.dates(EARLIEST_DATE, LATEST_DATE),
        },
    ),
    max_size=2,
)
VALID_ANSWERS = st.fixed_dictionaries(
    {"monitored": st.booleans()},
    optional={
        "purpose": st.sampled_from(["model_training", "productivity"]),
        "captured": st.lists(st.sampled_from(["keystrokes", "screenshots"]), unique=True),
        "system_name": SAFE_TEXT,
        "description": SAFE_TEXT,
        "retention_days": st.integers(1, 3650),
        "sampling_rate": st.floats(0, 60) | st.integers(0, 60),
        "start_date": st.dates(EARLIEST_DATE, LATEST_DATE),
        "vendors": ROWS,
    },
)
META = st.fixed_dictionaries(
    {
        "title": SAFE_TEXT.filter(str.strip),
        "organisation": SAFE_TEXT.filter(str.strip),
        "assessor": SAFE_TEXT.filter(str.strip),
        "date": st.dates(EARLIEST_DATE, LATEST_DATE),
    },
    optional={"id": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,20}", fullmatch=True)},
)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(answers=VALID_ANSWERS, meta=META, as_json=st.booleans())
def test_an_assessment_survives_a_round_trip_through_its_file(
    answers: dict[str, Any], meta: dict[str, Any], as_json: bool
) -> None:
    document = {"questionnaire": ALL_TYPES.ref, "assessment": meta, "answers": answers}
    first = assessment_from_source(
        read_source(yaml.safe_dump(document).encode("utf-8"), name="first"), ALL_TYPES
    ).assessment
    mapping = first.to_file()
    # PyYAML's default escapes non-ASCII; with allow_unicode=True its emitter mangles U+0085.
    text = json.dumps(mapping) if as_json else yaml.safe_dump(mapping)
    again = assessment_from_source(read_source(text.encode("utf-8"), name="again"), ALL_TYPES)
    assert again.assessment == first
    assert isinstance(again.assessment, Assessment)
