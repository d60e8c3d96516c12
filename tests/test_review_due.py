"""The review date (GDPR Art. 35(11)) comes from the answers, and the archive files it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from dpia import assess, load_answers
from dpia._library import questionnaire_for
from dpia.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "scenario-b-timing-only-opt-in.yaml"


def _report(path: Path):
    questionnaire = questionnaire_for("telemetry-for-ai@1.2.0")
    assessment = load_answers(path, questionnaire).assessment
    return assess(questionnaire, assessment, as_of=dt.date(2026, 11, 29))


def test_the_answered_next_review_date_is_the_review_date():
    assert _report(EXAMPLE).review_due == dt.date(2027, 6, 15)


def test_without_a_date_the_interval_counts_from_the_assessment_date(tmp_path):
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    del answers["answers"]["next_review_date"]
    answers["answers"]["review_interval_months"] = 6
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
    assert answers["assessment"]["date"] == dt.date(2026, 6, 15)
    assert _report(path).review_due == dt.date(2026, 12, 15)


def test_the_archive_files_the_answered_review_date(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DPIA_DATABASE_URL", f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    answers["answers"]["next_review_date"] = dt.date(2027, 2, 1)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
    assert main(["archive", "add", str(path)]) == 0
    assert "review due     2027-02-01" in capsys.readouterr().out
