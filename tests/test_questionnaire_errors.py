"""Every broken questionnaire is reported at the line an author has to edit, with what to write.

Each file in tests/questionnaires/broken/ holds one fault (several-faults.yaml holds three). The
table below is what an author sees for it, through the library and through `dpia validate`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dpia import QuestionnaireError, SourceError, load_questionnaire
from dpia.cli import main
from dpia.questionnaire import QUESTION_TYPES

BROKEN = Path(__file__).parent / "questionnaires" / "broken"
ALL_TYPES = ", ".join(QUESTION_TYPES)
Q0 = "sections[0].questions[0]"
Q1 = "sections[0].questions[1]"

# file → [(line, column, field path, part of the message)]
EXPECTED: dict[str, list[tuple[int, int, str, str]]] = {
    "unknown-type.yaml": [(12, 15, f"{Q0}.type", f"unknown type 'yes_no'; allowed: {ALL_TYPES}")],
    "missing-type.yaml": [
        (11, 9, f"{Q0}.type", f"required field is missing; allowed: {ALL_TYPES}")
    ],
    "missing-label.yaml": [(11, 9, f"{Q0}.label", "required field is missing")],
    "extra-field.yaml": [
        (14, 9, f"{Q0}.colour", "unknown field 'colour'; allowed here: id, label, help, legal")
    ],
    "duplicate-question-id.yaml": [
        (14, 13, f"{Q1}.id", "question id 'monitored' is used twice (first at line 11)")
    ],
    "duplicate-option-value.yaml": [
        (17, 21, f"{Q0}.options[2].value", "option value 'keystrokes' appears twice")
    ],
    "default-not-an-option.yaml": [
        (14, 18, f"{Q0}.default", "'consent' is not an option; allowed: contract, legitimate_")
    ],
    "integer-min-over-max.yaml": [(14, 14, f"{Q0}.min", "min (365) is greater than max (30)")],
    "condition-later-question.yaml": [
        (14, 15, f"{Q0}.when", "refers to a question that comes later: has_works_council")
    ],
    "condition-own-question.yaml": [
        (14, 15, f"{Q0}.when", "condition refers to its own question 'monitored'")
    ],
    "condition-unknown-name.yaml": [
        (17, 15, f"{Q1}.when", "unknown name: monitord (did you mean monitored?)")
    ],
    "condition-call.yaml": [(17, 15, f"{Q1}.when", "calling a function is not allowed")],
    "condition-attribute.yaml": [(17, 15, f"{Q1}.when", "attribute access (.name) is not allowed")],
    "condition-index.yaml": [(19, 15, f"{Q1}.when", "indexing ([...]) is not allowed")],
    "condition-filter.yaml": [
        (19, 15, f"{Q1}.when", "filter 'attr' is not allowed in a condition; allowed: length")
    ],
    "condition-for-block.yaml": [(17, 15, f"{Q1}.when", "a condition is a bare expression")],
    "condition-import.yaml": [(17, 15, f"{Q1}.when", "a condition is a bare expression")],
    "section-condition-syntax.yaml": [
        (17, 11, "sections[1].when", "not a valid expression: unexpected '>'")
    ],
    "table-column-condition.yaml": [
        (16, 68, f"{Q0}.columns[1].when", "columns cannot have a 'when' condition")
    ],
    "bad-question-id.yaml": [
        (11, 13, f"{Q0}.id", "'Retention-Days' does not fit: expected a lower-case letter")
    ],
    "version-not-quoted.yaml": [
        (2, 10, "version", "expected text, got the number 1.0; put the value in quotes")
    ],
    "label-control-character.yaml": [
        (13, 16, f"{Q0}.label", "contains the control character U+000B at position 11")
    ],
    "questions-not-a-list.yaml": [
        (11, 7, "sections[0].questions", "expected a list, got a mapping")
    ],
    "empty-questions.yaml": [(10, 16, "sections[0].questions", "needs at least 1 item, got none")],
    "several-faults.yaml": [
        (14, 9, f"{Q0}.colour", "unknown field 'colour'"),
        (15, 9, f"{Q1}.label", "required field is missing"),
        (24, 21, "sections[0].questions[2].options[1].value", "'keystrokes' appears twice"),
    ],
    "wrong-value-types.yaml": [
        (7, 12, "sections[0].title", "cannot be empty"),
        (8, 19, "sections[0].edpb_section", "less than or equal to 6 (got 9)"),
        (10, 9, "sections[0].questions[0]", "expected a mapping of fields (name: value), got text"),
        (11, 52, "sections[0].questions[1].required", "valid boolean, unable to interpret input"),
        (
            12,
            47,
            "sections[0].questions[2].min",
            "valid number, unable to parse string as a number",
        ),
    ],
    "alias-bomb.yaml": [(4, 4, "a", "anchors and aliases (&name, *name) are not allowed")],
    "duplicate-key.yaml": [
        (14, 9, f"{Q0}.label", "key 'label' appears twice in the same mapping (first on line 13)")
    ],
    "not-utf8.yaml": [(3, 12, "", "not UTF-8 text: byte 0xE7 cannot be read")],
    "top-level-list.yaml": [(1, 1, "", "expected a mapping of fields (name: value) at the top")],
    "unclosed-bracket.yaml": [(5, 1, "", "expected ',' or ']'")],
}

# `file:line:column: path: message`, where the path (a field path, no spaces) may be absent.
REPORT = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?:(?P<path>[^\s:]+): )?(?P<msg>.*)$"
)


def reported(path: Path) -> list[str]:
    """What the library says about a file, one line per problem."""
    try:
        load_questionnaire(path)
    except QuestionnaireError as exc:
        return [str(problem) for problem in exc.problems]
    except SourceError as exc:
        return [str(exc)]
    pytest.fail(f"{path.name} loaded without an error")


def parsed(line: str) -> tuple[str, int, int, str, str]:
    match = REPORT.match(line)
    assert match, f"not in file:line:column form: {line!r}"
    where = match.groupdict()
    return (
        where["file"],
        int(where["line"]),
        int(where["column"]),
        where["path"] or "",
        where["msg"],
    )


def assert_matches(lines: list[str], path: Path, expected: list[tuple[int, int, str, str]]) -> None:
    assert len(lines) == len(expected), "\n".join(lines)
    for line, (row, column, field, message) in zip(lines, expected, strict=True):
        assert parsed(line)[:4] == (str(path), row, column, field), line
        assert message in parsed(line)[4], line


def test_every_broken_file_has_its_expectation() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_questionnaire_reports_the_exact_place(name: str) -> None:
    path = BROKEN / name
    assert_matches(reported(path), path, EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dpia_validate_lists_every_problem(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = BROKEN / name
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_matches(err.splitlines(), path, EXPECTED[name])


def test_a_file_over_one_mebibyte_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("id: huge\ndescription: " + "x" * (1024 * 1024) + "\n", encoding="utf-8")
    size = path.stat().st_size
    [line] = reported(path)
    assert parsed(line)[:4] == (str(path), 1, 1, "")
    assert f"{size:,} bytes is over the limit of 1,048,576 bytes" in line


def test_a_missing_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "absent.yaml"
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"{path}: cannot read: No such file or directory"


def test_the_installed_command_reports_all_files_in_one_run(tmp_path: Path) -> None:
    """The real executable, as CI runs it: every problem of every file, then exit status 1."""
    good = Path(__file__).parent / "fixtures" / "mini.yaml"
    names = ["several-faults.yaml", "unknown-type.yaml", "duplicate-key.yaml"]
    done = subprocess.run(
        [sys.executable, "-m", "dpia", "validate", str(good), *(str(BROKEN / n) for n in names)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout.startswith(f"{good}: OK: mini@1.0, 2 sections, ")
    expected = [(BROKEN / n, row) for n in names for row in EXPECTED[n]]
    lines = done.stderr.splitlines()
    assert len(lines) == len(expected), done.stderr
    for line, (path, (row, column, field, message)) in zip(lines, expected, strict=True):
        assert parsed(line)[:4] == (str(path), row, column, field)
        assert message in line


def test_a_good_questionnaire_passes(capsys: pytest.CaptureFixture[str]) -> None:
    good = Path(__file__).parent / "fixtures" / "mini.yaml"
    assert main(["validate", str(good)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith(f"{good}: OK: mini@1.0, 2 sections, ")


FIXTURES = Path(__file__).parent / "fixtures"


def _authored_pair(folder: Path, catalogue_edit: tuple[str, str] | None = None) -> Path:
    """The mini questionnaire and its catalogue copied into `folder`, the catalogue edited."""
    questionnaire = folder / "mini.yaml"
    questionnaire.write_bytes((FIXTURES / "mini.yaml").read_bytes())
    catalogue = (FIXTURES / "mini.risks.yaml").read_text(encoding="utf-8")
    if catalogue_edit is not None:
        assert catalogue_edit[0] in catalogue
        catalogue = catalogue.replace(*catalogue_edit)
    (folder / "mini.risks.yaml").write_text(catalogue, encoding="utf-8")
    return questionnaire


def test_a_questionnaire_is_checked_with_the_catalogue_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A catalogue that names a question the questionnaire lacks cannot rate any answers file:
    the questionnaire is not reported valid while it is so."""
    path = _authored_pair(
        tmp_path, ("risk: consent_gap, axis: likelihood", "risk: consent_gapp, axis: likelihood")
    )
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"{tmp_path / 'mini.risks.yaml'}:")
    assert "unknown risk 'consent_gapp'" in line


def test_a_risk_file_is_checked_against_its_questionnaire_not_read_as_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _authored_pair(tmp_path)
    catalogue = tmp_path / "mini.risks.yaml"
    assert main(["validate", str(catalogue)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{tmp_path / 'mini.yaml'}: OK: mini@1.0, 2 sections, 8 questions",
        f"{catalogue}: OK: risk catalogue for mini@1.0, 2 risks, 2 measures",
    ]
    assert err == ""
    (tmp_path / "mini.yaml").unlink()
    assert main(["validate", str(catalogue)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{catalogue}: a risk file is checked against its questionnaire, which should be beside "
        "it as mini.yaml; it is not there"
    )


def test_a_questionnaire_without_a_risk_file_is_valid_and_says_what_that_means(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _authored_pair(tmp_path)
    (tmp_path / "mini.risks.yaml").unlink()
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: OK: mini@1.0, 2 sections, 8 questions\n"
    assert (
        err
        == f"{path}: no risk file beside it (mini.risks.yaml): answers to it cannot be rated yet\n"
    )
