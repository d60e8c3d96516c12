"""Answers written for an earlier questionnaire version open under the current one: what the
migrations block says is carried over, nothing is guessed, and the user is told each change."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dpia import QuestionnaireError, load_answers
from dpia._errors import AnswersError, SourceError
from dpia._library import questionnaire_for
from dpia._source import read_source
from dpia.cli import main
from dpia.questionnaire import questionnaire_from_source

QUESTIONNAIRE = """\
id: shop
version: "1.2.0"
title: Shop floor monitoring
jurisdictions:
  - {code: DE, label: Germany, region: EU}
sections:
  - id: main
    title: The programme
    edpb_section: 1
    questions:
      - id: people_recorded
        type: integer
        label: How many people are recorded?
        required: true
      - id: captured
        type: multi_choice
        label: What is captured?
        required: true
        options:
          - {value: scans, label: Scans}
          - {value: call_audio, label: Audio of work calls}
          - {value: room_audio, label: Audio from a microphone in the room}
      - id: frequency
        type: single_choice
        label: When does recording run?
        required: true
        options:
          - {value: always, label: All the time}
          - {value: sampled, label: In sampled sessions}
      - id: representatives
        type: single_choice
        label: How were the representatives involved?
        required: true
        options:
          - {value: informed, label: Informed}
          - {value: consulted, label: Consulted}
          - {value: agreed, label: An agreement covers it}
      - id: opinion
        type: long_text
        label: What did the representatives say?
        when: "representatives in ['consulted', 'agreed']"
      - id: sampled_share
        type: integer
        label: What share of sessions is recorded?
        required: true
        when: "frequency == 'sampled'"
      - id: retention
        type: table
        label: Retention per kind of data
        columns:
          - id: kind
            type: single_choice
            label: Kind
            options:
              - {value: scans, label: Scans}
              - {value: recordings, label: Recordings}
          - {id: days, type: integer, label: Days}
      - id: reviewer
        type: text
        label: Who reviews the programme?
migrations:
  - from_version: "1.0.0"
    to_version: "1.1.0"
    summary: The first revision.
    changes:
      - {change: renamed, question: headcount, to: staff_count}
  - from_version: "1.1.0"
    to_version: "1.2.0"
    added: [frequency, sampled_share, reviewer]
    changes:
      - {change: renamed, question: staff_count, to: people_recorded}
      - change: replaced
        question: representatives_consulted
        by: representatives
        values:
          - {old: true, new: consulted}
        note: Informed, consulted and agreed are now told apart.
      - change: options
        question: captured
        values:
          - {old: audio, new: [call_audio, room_audio]}
        note: Audio is now split into calls and room sound.
      - change: options
        question: retention
        column: kind
        values:
          - {old: audio, new: [recordings]}
        note: Audio retention is now recordings retention.
      - {change: removed, question: legacy_flag, note: The flag is no longer asked.}
"""

OLD_ANSWERS = """\
questionnaire: shop@1.0.0
assessment:
  title: Scanner pilot
  organisation: Example GmbH
  assessor: Dana Schmidt
  date: 2026-05-04
answers:
  headcount: 40
  captured: [scans, audio]
  representatives_consulted: {consulted}
  opinion: They asked for a yearly report.
  retention:
    - {{kind: audio, days: 30}}
    - {{kind: scans, days: 7}}
  legacy_flag: true
"""


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "shop.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(folder))
    return folder


def _answers(tmp_path: Path, consulted: str = "true", text: str = OLD_ANSWERS) -> Path:
    path = tmp_path / "old.yaml"
    path.write_text(text.format(consulted=consulted), encoding="utf-8")
    return path


def _load(path: Path):
    return load_answers(path, questionnaire_for("shop@1.0.0"))


def test_old_answers_open_as_the_current_version(library, tmp_path):
    check = _load(_answers(tmp_path))
    assert check.migrated_from == "shop@1.0.0"
    assert check.assessment.questionnaire == "shop@1.2.0"
    answers = check.assessment.answers
    assert answers["people_recorded"] == 40
    assert answers["captured"] == ["scans", "call_audio", "room_audio"]
    assert answers["representatives"] == "consulted"
    assert answers["opinion"] == "They asked for a yearly report."
    assert answers["retention"] == [
        {"kind": "recordings", "days": 30},
        {"kind": "scans", "days": 7},
    ]
    assert "legacy_flag" not in answers and "headcount" not in answers


def test_every_change_is_a_note_at_the_line_it_was_written(library, tmp_path):
    path = _answers(tmp_path)
    notes = {n.path: n for n in _load(path).notes}
    assert all(n.severity == "note" for n in notes.values())
    assert notes["answers.headcount"].line == 8
    assert "people_recorded" in notes["answers.headcount"].message
    replaced = notes["answers.representatives_consulted"]
    assert replaced.line == 10
    assert "told apart" in replaced.message and "“Consulted”" in replaced.message
    assert "“Audio of work calls; Audio from a microphone in the room”" in (
        notes["answers.captured"].message
    )
    assert "no longer used" in notes["answers.legacy_flag"].message
    assert "The first revision." in {n.message for n in _load(path).notes}


def test_an_answer_that_says_too_little_is_left_unanswered_not_guessed(library, tmp_path):
    check = _load(_answers(tmp_path, consulted="false"))
    assert "representatives" not in check.assessment.answers
    assert "representatives" in check.missing
    note = next(n for n in check.notes if n.path == "answers.representatives_consulted")
    assert "left unanswered" in note.message
    # The representatives' opinion now depends on an unanswered question, so it is hidden.
    assert "opinion" not in check.assessment.answers
    assert any(w.path == "answers.opinion" for w in check.warnings)


def test_new_questions_are_listed_as_unanswered_never_defaulted(library, tmp_path):
    check = _load(_answers(tmp_path))
    new = [n.message for n in check.notes if n.message.startswith("new in shop@1.2.0")]
    assert len(new) == 2
    assert any("(required): frequency" in m for m in new)
    assert any("(optional): reviewer" in m for m in new)
    # sampled_share is new too, but not asked while recording is not sampled.
    assert not any("sampled_share" in m for m in new)
    assert "frequency" not in check.assessment.answers
    assert check.missing == ("frequency",)


def test_a_complete_check_names_the_new_required_question(library, tmp_path):
    with pytest.raises(AnswersError) as caught:
        load_answers(_answers(tmp_path), questionnaire_for("shop@1.0.0"), require_complete=True)
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert [p.message for p in errors] == [
        "required question 'frequency' is not answered (When does recording run?)"
    ]
    assert any(p.severity == "note" for p in caught.value.problems)


def test_check_answers_shows_the_notes(library, tmp_path, capsys):
    path = _answers(tmp_path)
    assert main(["check-answers", "--draft", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "migrated from shop@1.0.0" in out
    assert "note: answers.headcount: headcount is now staff_count" in err
    assert "note: answers.representatives_consulted:" in err
    assert main(["check-answers", str(path)]) == 2
    assert "required question 'frequency' is not answered" in capsys.readouterr().err


def test_a_version_without_a_migration_is_refused(library, tmp_path):
    text = OLD_ANSWERS.replace("shop@1.0.0", "shop@0.9.0")
    with pytest.raises(SourceError, match=r"opens answers for 1\.0\.0, 1\.1\.0 only"):
        questionnaire_for("shop@0.9.0")
    path = _answers(tmp_path, text=text)
    with pytest.raises(AnswersError, match=r"answers are for shop@0\.9\.0"):
        load_answers(path, questionnaire_for("shop@1.2.0"))


def test_migrated_answers_save_and_reload_as_the_current_version(library, tmp_path):
    check = _load(_answers(tmp_path))
    again = tmp_path / "again.yaml"
    again.write_text(yaml.safe_dump(check.assessment.to_file()), encoding="utf-8")
    reloaded = load_answers(again, questionnaire_for("shop@1.2.0"))
    assert reloaded.migrated_from is None and reloaded.notes == ()
    assert reloaded.assessment == check.assessment


OLD_VALUES = {
    "headcount": st.integers(1, 500),
    "captured": st.lists(st.sampled_from(["scans", "audio"]), unique=True),
    "representatives_consulted": st.booleans(),
    "legacy_flag": st.booleans(),
}


@settings(max_examples=60, deadline=None)
@given(st.fixed_dictionaries({}, optional=OLD_VALUES))
def test_no_new_question_is_ever_answered_by_the_migration(answers):
    questionnaire = questionnaire_from_source(read_source(QUESTIONNAIRE.encode(), name="q"))
    text = yaml.safe_dump(
        {
            "questionnaire": "shop@1.0.0",
            "assessment": {
                "title": "T",
                "organisation": "O",
                "assessor": "A",
                "date": "2026-05-04",
            },
            "answers": answers,
        }
    )
    check = load_answers_from_text(text, questionnaire)
    for added in ("frequency", "sampled_share", "reviewer"):
        assert added not in check.assessment.answers
    if answers.get("representatives_consulted") is False:
        assert "representatives" not in check.assessment.answers


def load_answers_from_text(text, questionnaire):
    from dpia._assessment import assessment_from_source

    return assessment_from_source(read_source(text.encode(), name="answers"), questionnaire)


def _broken(migrations: str) -> list[str]:
    head = QUESTIONNAIRE.split("migrations:")[0]
    text = head + "migrations:\n" + textwrap.indent(textwrap.dedent(migrations), "  ")
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_source(read_source(text.encode(), name="shop.yaml"))
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


def test_steps_must_chain_up_to_this_version():
    problems = _broken(
        """\
        - {from_version: "1.0.0", to_version: "1.1.0"}
        - {from_version: "1.0.5", to_version: "1.2.0"}
        """
    )
    assert problems == [
        "migrations[0].to_version: the step leads to 1.1.0, but the next step starts at 1.0.5"
    ]
    assert _broken('- {from_version: "1.3.0", to_version: "1.2.0"}') == [
        "migrations[0].to_version: a step must lead to a later version: 1.3.0 to 1.2.0"
    ]


def test_the_last_step_names_only_what_exists_now():
    problems = _broken(
        """\
        - from_version: "1.0.0"
          to_version: "1.2.0"
          added: [nowhere]
          changes:
            - {change: renamed, question: frequency, to: people_recorded}
            - {change: renamed, question: old_count, to: missing_count}
            - change: replaced
              question: representatives_consulted
              by: representatives
              values: [{old: true, new: maybe}]
              note: Finer now.
            - change: options
              question: frequency
              values: [{old: always, new: [sampled]}, {old: gone, new: [always, sampled]}]
              note: Renamed.
        """
    )
    assert problems == [
        "migrations[0].added[0]: added question 'nowhere' is not in the questionnaire",
        "migrations[0].changes[0].question: 'frequency' is still a question of this version; "
        "a renamed, replaced or removed question must be gone",
        "migrations[0].changes[1].to: 'missing_count' is not a question of the questionnaire",
        "migrations[0].changes[2].values[0].new: not an answer to 'representatives': "
        "'maybe' is not an option; allowed: informed, consulted, agreed",
        "migrations[0].changes[3].values[0].old: 'always' is still an option; list it under "
        "new to keep it",
        "migrations[0].changes[3].values[1].new: a single choice can become one option at most",
    ]


def test_every_field_of_a_migration_is_documented():
    from pydantic import BaseModel

    from dpia.questionnaire import _migration as migration

    reference = (
        Path(__file__).resolve().parent.parent / "docs" / "questionnaire-format.md"
    ).read_text(encoding="utf-8")
    section = reference[reference.index("## 15. How versions migrate") :]
    models: list[type[BaseModel]] = [
        migration.Migration,
        migration.QuestionRenamed,
        migration.QuestionReplaced,
        migration.OptionsChanged,
        migration.QuestionRemoved,
        migration.ValueMap,
        migration.OptionMap,
    ]
    for model in models:
        for field in model.model_fields:
            assert f"`{field}`" in section, f"{model.__name__}.{field}"
    for kind in ("renamed", "replaced", "options", "removed"):
        assert f"| `{kind}` |" in section, kind
