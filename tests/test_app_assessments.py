"""The Assessments page: the list on file, its filters, starting and resuming."""

from __future__ import annotations

import copy
import datetime as dt
import shutil

import yaml
from app_support import FIXTURES, MINI_ANSWERS, archive, archive_url, fresh_app, no_failures

from dpia.archive import VersionStatus

__all__ = ["archive", "archive_url"]


def _answers(title: str, day: str) -> dict:
    mapping = yaml.safe_load(MINI_ANSWERS)
    mapping["assessment"]["title"] = title
    mapping["assessment"]["date"] = day
    return copy.deepcopy(mapping)


def on_file(archive):
    """An approved one due for review long ago, and a fresh draft version."""
    archive.freeze(
        _answers("Old pilot", "2020-01-10"),
        {},
        "id: mini\n",
        actor="max",
        document=b"PK\x03\x04 signed",
        signatures={"max-decider-decision-maker": b"signature"},
        status=VersionStatus.APPROVED,
        note="decision: Approve",
        evidence={},
        number=1,
    )
    today = dt.date.today().isoformat()
    archive.add_version(_answers("New pilot", today), {}, "id: mini\n", actor="dana")


def titles(app) -> list[str]:
    return list(app.table[0].value["Title"])


def test_the_list_shows_every_assessment_newest_first_with_plain_status_words(archive):
    on_file(archive)
    app = fresh_app()
    no_failures(app)
    assert titles(app) == ["New pilot", "Old pilot"]
    assert list(app.table[0].value["Status"]) == ["Draft", "Approved"]


def test_filters_by_status_and_by_review_due(archive):
    on_file(archive)
    app = fresh_app()
    app.selectbox(key="list-status").select("approved").run()
    assert titles(app) == ["Old pilot"]
    app.selectbox(key="list-status").select("All").run()
    app.selectbox(key="list-due").select("Overdue").run()
    assert titles(app) == ["Old pilot"]
    app.selectbox(key="list-status").select("rejected").run()
    assert app.info[0].value.startswith("No assessment matches.")


def test_resume_opens_the_wizard_on_the_saved_answers(archive):
    on_file(archive)
    app = fresh_app()
    app.selectbox(key="list-open").select_index(1).run()
    app.button(key="list-open-button").click().run()
    no_failures(app)
    assert app.title[0].value == "Old pilot"
    assert app.query_params["assessment"].startswith("A-")


def test_a_new_assessment_starts_on_the_about_step(archive_url):
    app = fresh_app()
    app.selectbox(key="new-questionnaire").select("mini@1.0").run()
    app.button(key="new-start").click().run()
    no_failures(app)
    assert [s.value for s in app.subheader] == ["About this assessment"]
    # Capture is counted from the start: the headcount, still open, may call for it
    assert app.get("progress")[0].proto.text == "Step 1 of 3: About this assessment"


def test_an_answers_file_that_does_not_fit_is_refused_with_its_line(archive_url):
    app = fresh_app()
    bad = MINI_ANSWERS.replace(b"headcount: 150", b"headcount: lots")
    app.file_uploader(key="import-file").set_value(("bad.yaml", bad, "application/x-yaml")).run()
    assert not app.exception
    assert app.error[0].value == (
        "bad.yaml does not open: fix the 1 problem below in the file, then upload it again.\n"
        "- Line 9, “How many people?”: Expected a whole number, got text."
    )


def test_a_broken_questionnaire_is_named_and_the_others_are_still_offered(
    archive_url, tmp_path, monkeypatch
):
    shutil.copy(FIXTURES / "mini.yaml", tmp_path / "mini.yaml")
    (tmp_path / "broken.yaml").write_text("id: broken\nsections: [\n", encoding="utf-8")
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(tmp_path))
    app = fresh_app()
    assert not app.exception
    assert app.warning[0].value.startswith("broken.yaml is not offered because it does not load:")
    assert "broken.yaml:3:1" in app.warning[0].value
    assert app.selectbox(key="new-questionnaire").options == ["A small questionnaire (version 1.0)"]


def test_a_review_date_that_has_passed_is_marked_overdue_and_the_way_in_comes_first(archive):
    on_file(archive)
    app = fresh_app()
    no_failures(app)
    due = dict(zip(app.table[0].value["Title"], app.table[0].value["Review due"], strict=True))
    assert due["Old pilot"].endswith("(overdue)")
    assert not due["New pilot"].endswith("(overdue)")
    keys = [getattr(node, "key", None) for node in app.main]
    labels = [type(node).__name__ for node in app.main]
    assert keys.index("list-open") < labels.index("Table")
