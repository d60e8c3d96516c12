"""The Archive page: the timeline of versions, differences between two, and the proofs."""

from __future__ import annotations

import copy
import json

import yaml
from app_support import FIXTURES, MINI_ANSWERS, archive, archive_url, fresh_app, no_failures
from sqlalchemy import text

__all__ = ["archive", "archive_url"]

ARCHIVE = "dpia/app/pages/archive.py"
REPORT = {"risks": [], "mitigations": []}
QUESTIONNAIRE = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")


def answers(**changes):
    mapping = json.loads(json.dumps(yaml.safe_load(MINI_ANSWERS), default=str))
    mapping["answers"].update(changes)
    return mapping


def two_versions(archive):
    first = archive.add_version(answers(), REPORT, QUESTIONNAIRE, actor="dana@example.org")
    second_answers = copy.deepcopy(answers(headcount=300))
    second_answers["assessment"]["id"] = first.assessment_id
    archive.add_version(second_answers, REPORT, QUESTIONNAIRE, actor="erik@example.org")
    archive.set_status(first.assessment_id, 2, "in_review", actor="dpo@example.org", note="ready")
    return first.assessment_id


def archive_page(app):
    app.switch_page(ARCHIVE).run()
    no_failures(app)
    return app


def test_timeline_shows_each_version_with_its_status_changes(archive):
    two_versions(archive)
    app = archive_page(fresh_app())
    shown = [m.value for m in app.markdown]
    assert any(text.startswith("**Version 2**") and "erik@example.org" in text for text in shown)
    assert any(text.startswith("**Version 1**") and "dana@example.org" in text for text in shown)
    captions = [c.value for c in app.caption]
    assert any("In review by dpo@example.org (ready)" in c for c in captions)
    assert shown.index(next(t for t in shown if t.startswith("**Version 2**"))) < shown.index(
        next(t for t in shown if t.startswith("**Version 1**"))
    )


def test_the_audit_log_leaves_the_version_empty_where_an_event_has_none(archive):
    two_versions(archive)
    logged = archive_page(fresh_app()).dataframe[-1].value
    by_event = dict(zip(logged["What"], logged["Version"], strict=True))
    assert by_event["Assessment created"] == ""  # not "None"
    assert by_event["Status changed"] == "2"


def test_compare_lists_the_changed_answer_in_the_questionnaire_words(archive):
    two_versions(archive)
    app = archive_page(fresh_app())
    changed = app.table[-1].value
    assert list(changed["Before"]) == ["150 people"]
    assert list(changed["After"]) == ["300 people"]


def test_verifying_the_archive_reports_intact_then_a_tampered_row(archive):
    assessment_id = two_versions(archive)
    app = archive_page(fresh_app())
    app.button(key="archive-verify").click().run()
    assert app.success[-1].value.startswith("Intact: 1 assessments and 2 versions")
    with archive.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER versions_append_only_update"))
        connection.execute(
            text("UPDATE versions SET author = 'mallory' WHERE assessment_id = :a AND number = 1"),
            {"a": assessment_id},
        )
    app.button(key="archive-verify").click().run()
    errors = [e.value for e in app.error]
    assert f"{assessment_id} v1 is damaged: its author no longer matches its record." in errors[0]
    assert any(e.startswith("1 problem found") for e in errors)
    assert any(f"{assessment_id} v1" in m.value for m in app.markdown)


def test_an_empty_archive_says_so(archive_url):
    app = archive_page(fresh_app())
    assert app.info[0].value == "The archive is empty."


def test_details_that_changed_are_named_as_the_app_names_them(archive):
    first = archive.add_version(answers(), REPORT, QUESTIONNAIRE, actor="dana@example.org")
    later = answers()
    later["assessment"].update(id=first.assessment_id, title="Keystroke timing only")
    later["plan"] = {"m01": {"owner": "CISO", "due": "2026-09-30", "note": ""}}
    report = {
        "risks": [],
        "mitigations": [{"id": "m01", "title": "Content filter", "status": "planned"}],
        "overall_residual": "low",
    }
    archive.add_version(later, report, QUESTIONNAIRE, actor="erik@example.org")
    details = archive_page(fresh_app()).table[0].value
    assert list(details["What"]) == [
        "Title of the assessment",
        "Measure plan: Content filter",
        "Overall risk, after the plan",
    ]
    assert list(details["After"]) == [
        "Keystroke timing only",
        "due 30 September 2026; owner CISO",
        "Low",
    ]
    assert list(details["Before"])[1:] == ["—", "—"]
    shown = [m.value for m in archive_page(fresh_app()).markdown]
    assert "- added: Content filter (planned)" in shown
