"""Typos and hostile answers files get one clear message and exit status 2, never a traceback.

Each case here was once a crash or a silent acceptance: an impossible date, a number too long to
convert, a turnover of 10^400, a date of 0, a merge key, a JSON document nested 900 deep.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dpia.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "scenario-a-keystroke-content.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
TURNOVER = "worldwide_turnover_eur: 3100000000"


def _written(tmp_path: Path, text: str, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    assert main(list(words)) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a date: February 2026 has days 1 to 28"),
        ("2026-13-01", "'2026-13-01' is not a date: there is no month 13"),
        ("2026-05-04 25:61:00", "expected a date (YYYY-MM-DD) without a time"),
        ("0", "expected a date as YYYY-MM-DD, got 0"),
        ("9999-12-31", "9999-12-31 is outside the dates this tool accepts (1990-01-01 to 2100"),
        ("1970-01-01", "1970-01-01 is outside the dates this tool accepts"),
    ],
)
@pytest.mark.parametrize("command", ["check-answers", "score"])
def test_an_impossible_assessment_date_is_named_on_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str, message: str, command: str
) -> None:
    path = _written(tmp_path, TEXT.replace("date: 2026-05-04", f"date: {written}", 1))
    err = _refused(capsys, command, str(path))
    assert err.startswith(f"{path}:12:9: assessment.date: "), err
    assert message in err


def test_an_impossible_answer_date_is_named_with_its_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _written(tmp_path, TEXT.replace("2029-05-04", "2029-02-29"))
    err = _refused(capsys, "check-answers", str(path))
    assert "answers.next_review_date: '2029-02-29' is not a date: February 2029 has days" in err


@pytest.mark.parametrize("digits", [31, 401, 5000])
def test_an_integer_with_too_many_digits_is_refused_where_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], digits: int
) -> None:
    path = _written(
        tmp_path, TEXT.replace(TURNOVER, "worldwide_turnover_eur: 1" + "0" * (digits - 1))
    )
    for command in ("check-answers", "score", "render"):
        err = _refused(
            capsys, command, str(path), *(["-o", str(tmp_path / "x.docx")] * (command == "render"))
        )
        assert (
            f"answers.worldwide_turnover_eur: a number of {digits:,} digits is over the limit"
            in err
        )


@pytest.mark.parametrize("value", ["1" + "0" * 20, "-1" + "0" * 16, "1.0e+300"])
def test_a_number_beyond_any_turnover_or_headcount_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    path = _written(tmp_path, TEXT.replace(TURNOVER, f"worldwide_turnover_eur: {value}"))
    err = _refused(capsys, "check-answers", str(path))
    assert "answers.worldwide_turnover_eur:" in err
    assert "beyond the largest an answer may hold (plus or minus 1,000,000,000,000,000" in err
    headcount = TEXT.replace("headcount: 2600", f"headcount: {value}")
    err = _refused(capsys, "score", str(_written(tmp_path, headcount)))
    assert "answers.headcount_by_jurisdiction" in err


def test_a_yaml_merge_key_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    merged = TEXT.replace("assessment:\n", "assessment:\n  <<: {title: Merged}\n", 1)
    err = _refused(capsys, "check-answers", str(_written(tmp_path, merged)))
    assert ":9:3: assessment: YAML merge keys (<<) are not allowed" in err


def _as_json(tmp_path: Path, document: object) -> Path:
    return _written(tmp_path, json.dumps(document), "answers.json")


def test_deep_json_is_refused_before_it_is_parsed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = yaml.safe_load(TEXT)
    deep: object = 1
    for _ in range(900):
        deep = {"a": deep}
    document["answers"]["assessment_team"] = deep
    err = _refused(
        capsys,
        "check-answers",
        str(_as_json(tmp_path, json.loads(json.dumps(document, default=str)))),
    )
    assert "nested more than 64 levels deep" in err


def test_deep_yaml_is_refused_before_it_is_composed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = TEXT.replace(
        "assessment_team: >-", "assessment_team: " + "[" * 900 + "]" * 900 + "\n  x: >-"
    )
    err = _refused(capsys, "check-answers", str(_written(tmp_path, deep)))
    assert "nested more than 64 levels deep" in err


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_that_are_not_numbers_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], constant: str
) -> None:
    document = json.dumps(yaml.safe_load(TEXT), default=str)
    document = document.replace(
        '"worldwide_turnover_eur": 3100000000', f'"worldwide_turnover_eur": {constant}'
    )
    err = _refused(capsys, "check-answers", str(_written(tmp_path, document, "answers.json")))
    assert f"answers.worldwide_turnover_eur: {constant} is not a number a file may hold" in err


def test_broken_json_says_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.dumps(yaml.safe_load(TEXT), default=str, indent=1)
    broken = document.replace('"controller_type"', '"controller_type" "x",', 1)
    err = _refused(capsys, "check-answers", str(_written(tmp_path, broken, "answers.json")))
    line = broken[: broken.index('"controller_type"')].count("\n") + 1
    assert f"answers.json:{line}:" in err and "not valid JSON" in err


def test_json_and_yaml_flow_style_still_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(json.dumps(yaml.safe_load(TEXT), default=str))
    assert main(["check-answers", str(_as_json(tmp_path, document))]) == 0
    flow = yaml.safe_dump(document, default_flow_style=True, width=10**6)
    assert flow.startswith("{") and not flow.startswith('{"')
    assert main(["check-answers", str(_written(tmp_path, flow, "flow.yaml"))]) == 0


def test_an_unreadable_file_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a-folder.yaml"
    folder.mkdir()
    err = _refused(capsys, "check-answers", str(folder))
    assert f"{folder}: cannot read" in err


def test_a_fault_in_dpia_prints_a_reference_not_a_traceback(tmp_path: Path) -> None:
    """A command whose handler has a bug (a missing key) stands for any fault in dpia."""
    script = (
        "import sys, dpia.cli, dpia.cli._questionnaire as q\n"
        "def broken(args): return {}['missing']\n"
        "q._validate = broken\n"
        "sys.exit(dpia.cli.main(['validate', 'x']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("dpia: internal error ")
    log = Path(done.stderr.split("the details are in ")[1].split(")")[0])
    assert "KeyError: 'missing'" in log.read_text(encoding="utf-8")


FINGERPRINT = ":".join(["AB"] * 32)
SIGNOFF = f"""signoff:
  assessor: {{name: Ada Assessor, email: "EMAIL"}}
  signatories:
    - name: Ada Assessor
      email: ada@example.org
      role: assessor
      certificate_sha256: "{FINGERPRINT}"
"""


@pytest.mark.parametrize(
    ("email", "character"),
    [
        ("ada\\x01@example.org", "U+0001"),
        ("ada@exam\\uFFFEple.org", "U+FFFE"),
        ("ada@example.org\\x85", "U+0085"),
        ("ada\\u2028@example.org", "U+2028"),
        ("ada@ex\\x7fample.org", "U+007F"),
    ],
)
def test_an_email_with_a_control_character_or_noncharacter_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], email: str, character: str
) -> None:
    text = TEXT.rstrip("\n") + "\n" + SIGNOFF.replace("EMAIL", email)
    if "\nsignoff:" in TEXT:
        pytest.skip("the example already carries a sign-off record")
    err = _refused(capsys, "check-answers", "--draft", str(_written(tmp_path, text)))
    assert "signoff.assessor.email:" in err and character in err, err


@pytest.mark.parametrize(
    ("value", "character"),
    [("a\\x85b", "U+0085 (next line, NEL)"), ("a\\u2029b", "U+2029 (paragraph separator)"),
     ("a\\x9bb", "U+009B"), ("a\\rb", "U+000D (carriage return)"), ("a\\uFDD0b", "U+FDD0")],
)  # fmt: skip
def test_text_a_layer_would_rewrite_is_refused_naming_the_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, character: str
) -> None:
    text = TEXT.replace("programme_name: Project Copilot Foundry", f'programme_name: "{value}"')
    err = _refused(capsys, "check-answers", str(_written(tmp_path, text)))
    assert "answers.programme_name: contains the " in err and character in err, err
    assert "at position 2" in err
