"""Answers written for telemetry-for-ai@1.0.0 open under the current version wherever answers
are read: the command line, the risk engine, the archive, an imported Word document and the app.

The fixture is scenario A exactly as a team saved it for version 1.0.0; it is never migrated in
place, so every run checks the whole way from the old file to the current questionnaire.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import docx
import pytest
import yaml
from app_support import ENTRY_POINT, TIMEOUT, no_failures
from streamlit.testing.v1 import AppTest

from dpia._assessment import load_answers
from dpia._library import questionnaire_for, questionnaire_path
from dpia.app._case import Case
from dpia.archive import open_archive
from dpia.cli import main
from dpia.document import render_docx
from dpia.document._embedded import EmbeddedRecord, embed_record
from dpia.risk import assess

FIXTURE = Path(__file__).parent / "fixtures" / "answers" / "telemetry-for-ai-1.0.0.yaml"
OLD, NEW = "telemetry-for-ai@1.0.0", "telemetry-for-ai@1.2.0"
AS_OF = dt.date(2026, 11, 29)
NEW_QUESTIONS = {
    "assessment_kind",
    "collected_by_vendor_software",
    "collection_origin",
    "training_data_sources",
    "training_granularity",
    "model_outputs_about_people",
    "biometric_identification_used",
    "activity_metrics",
    "outputs_advisory_only",
    "human_review_of_decisions",
    "evaluation_validated",
    "art9_consent_alternative",
}


@pytest.fixture(autouse=True)
def real_questionnaires(monkeypatch):
    monkeypatch.delenv("DPIA_QUESTIONNAIRES", raising=False)


def _text(**flips: str) -> str:
    text = FIXTURE.read_text(encoding="utf-8")
    for old, new in flips.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _old_file() -> dict:
    """The answers-file mapping as stored by the archive or a document: dates as ISO text."""
    return json.loads(json.dumps(yaml.safe_load(FIXTURE.read_text(encoding="utf-8")), default=str))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "old.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_fixture_is_still_written_for_1_0_0():
    assert yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["questionnaire"] == OLD
    assert questionnaire_for(OLD).ref == NEW


def test_check_answers_opens_it_and_lists_every_new_question(capsys):
    assert main(["check-answers", "--draft", str(FIXTURE)]) == 0
    out, err = capsys.readouterr()
    assert f"OK: {NEW}" in out and f"migrated from {OLD}" in out
    for question_id in NEW_QUESTIONS:
        assert f"not answered yet (required): {question_id} (" in err, question_id
    assert "note: answers.worker_representatives_consulted:" in err
    assert "note: answers.bystander_masking:" in err
    assert "note: answers.trait_inference_barred:" in err
    # Without --draft the new required questions are what is missing, each named.
    assert main(["check-answers", str(FIXTURE)]) == 2
    assert "required question 'collection_origin' is not answered" in capsys.readouterr().err


def test_nothing_is_answered_on_the_users_behalf():
    check = load_answers(FIXTURE, questionnaire_for(OLD))
    assert check.migrated_from == OLD and check.assessment.questionnaire == NEW
    answers = check.assessment.answers
    assert not NEW_QUESTIONS & set(answers)
    # "No" said too little about how representatives were involved, or where masking happens.
    assert "worker_representatives_involvement" not in answers
    assert "bystander_masking_stage" not in answers
    assert "inferences_barred" not in answers
    assert set(check.missing) >= NEW_QUESTIONS


def test_yes_answers_and_split_options_carry_over_with_a_note(tmp_path):
    text = _text(
        **{
            "worker_representatives_consulted: false": "worker_representatives_consulted: true\n"
            "  worker_representatives_opinion: They asked for a yearly report.",
            "bystander_masking: false": "bystander_masking: true",
            "trait_inference_barred: false": "trait_inference_barred: true",
            "    - clipboard\n": "    - clipboard\n    - audio\n",
        }
    )
    check = load_answers(_write(tmp_path, text), questionnaire_for(OLD))
    answers = check.assessment.answers
    assert answers["worker_representatives_involvement"] == "consulted"
    assert answers["worker_representatives_opinion"] == "They asked for a yearly report."
    assert answers["bystander_masking_stage"] == "before_storage"
    assert answers["inferences_barred"] == ["emotions", "health", "traits"]
    assert answers["captured_data"][-2:] == ["call_audio", "ambient_audio"]
    audio = next(n for n in check.notes if n.path == "answers.captured_data")
    assert "both are ticked" in audio.message and "check the answer" in audio.message
    # The note points at the answer as written: the list under `captured_data:`.
    assert audio.line == text.splitlines().index("  captured_data:") + 2


def test_the_old_file_keeps_the_outcome_of_scenario_a():
    questionnaire = questionnaire_for(OLD)
    report = assess(questionnaire, load_answers(FIXTURE, questionnaire).assessment, as_of=AS_OF)
    assert report.dpia_required == "required"
    assert report.overall_residual == "high"
    assert report.prior_consultation_required
    assert {s.id for s in report.stop_findings} == {
        "consent_only_basis_at_work",
        "keystroke_content_of_eu_staff",
    }


def test_score_of_the_old_file_shows_the_notes(capsys):
    assert main(["score", str(FIXTURE), "--as-of", AS_OF.isoformat()]) == 0
    out, err = capsys.readouterr()
    assert f"written for {OLD}; opened as {NEW}" in err
    assert "STOP: Do not proceed" in out


def test_the_archive_files_the_old_answers_as_the_current_version(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DPIA_DATABASE_URL", f"sqlite:///{tmp_path}/archive.sqlite3")
    monkeypatch.setenv("DPIA_ACTOR", "dana@example.org")
    assert main(["archive", "add", str(FIXTURE), "--as-of", AS_OF.isoformat()]) == 0
    out, err = capsys.readouterr()
    assert f"written for {OLD}" in err
    assessment_id = out.split()[0]
    version = open_archive().version(assessment_id)
    assert version.answers["questionnaire"] == NEW
    assert version.questionnaire == NEW


def test_a_version_archived_under_1_0_0_reopens(tmp_path):
    """An archive filled before the upgrade holds answers that still name 1.0.0."""
    store = open_archive(f"sqlite:///{tmp_path}/archive.sqlite3")
    version = store.add_version(
        _old_file(),
        {"overall_residual": "high"},
        "id: telemetry-for-ai\nversion: '1.0.0'\n",
        actor="legal@example.org",
    )
    stored = store.version(version.assessment_id).answers
    assert stored["questionnaire"] == OLD
    case = Case.from_file(stored, questionnaire_for(stored["questionnaire"]))
    assert case.questionnaire == NEW
    assert case.notes[0].startswith(f"written for {OLD}")
    assert any("Why are these data recorded in the first place?" in note for note in case.notes)


def _old_document() -> bytes:
    """A DPIA rendered before the upgrade: its embedded record names 1.0.0."""
    questionnaire = questionnaire_for(OLD)
    check = load_answers(FIXTURE, questionnaire)
    blob = render_docx(
        questionnaire, check.assessment, assess(questionnaire, check.assessment, as_of=AS_OF)
    )
    document = docx.Document(io.BytesIO(blob))
    old_file = _old_file()
    record = EmbeddedRecord(
        questionnaire=OLD,
        questionnaire_title=questionnaire.title,
        version=1,
        status="draft",
        as_of=AS_OF,
        answers_file=old_file,
    )
    embed_record(document, record)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_an_old_word_document_imports_with_the_notes(tmp_path, capsys):
    path = tmp_path / "old.docx"
    path.write_bytes(_old_document())
    restored = tmp_path / "restored.yaml"
    assert main(["import", str(path), "-o", str(restored)]) == 0
    out, err = capsys.readouterr()
    # The file restores what the document carries; opening it migrates it.
    assert f"written for {OLD}; opened as {NEW}" in err
    assert f"answers to {OLD}, document version 1 (Draft); opens as {NEW}" in out
    check = load_answers(restored, questionnaire_for(NEW))
    assert check.assessment.questionnaire == NEW
    assert check.assessment.answers["captured_data"][0] == "keystroke_content"


def test_the_app_shows_the_notes_when_an_old_file_is_imported(tmp_path, monkeypatch):
    monkeypatch.setenv("DPIA_DATABASE_URL", f"sqlite:///{tmp_path}/archive.sqlite3")
    app = AppTest.from_file(ENTRY_POINT, default_timeout=TIMEOUT).run()
    app.file_uploader(key="import-file").set_value(
        (FIXTURE.name, FIXTURE.read_bytes(), "application/x-yaml")
    ).run()
    no_failures(app)
    notice = next(w.value for w in app.warning if "written for" in w.value)
    assert f"written for {OLD}; opened as {NEW}" in notice
    assert (
        "Why are these data recorded in the first place?" in notice and "answer it again" in notice
    )
    app.button(key="import-open").click().run()
    no_failures(app)
    assert any(f"written for {OLD}" in w.value for w in app.warning)
    assert questionnaire_path("telemetry-for-ai").is_file()
