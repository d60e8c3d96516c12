"""One browser session, two assessments: nothing of the first one shows up in the second."""

from __future__ import annotations

import pytest
from app_support import archive, archive_url, fresh_app, no_failures, start_assessment

__all__ = ["archive", "archive_url"]

ASSESSMENTS = "dpia/app/pages/assessments.py"
WIZARD = "dpia/app/pages/wizard.py"


def _field(widgets, name: str):
    """A field of the open case, whatever generation suffix its key carries."""
    return next(w for w in widgets if w.key and w.key.split("-g")[0] == f"q-{name}")


def _start_another(app):
    app.switch_page(ASSESSMENTS).run()
    app.selectbox(key="new-questionnaire").select("mini@1.0").run()
    app.button(key="new-start").click().run()
    app.switch_page(WIZARD).run()  # AppTest keeps the page it was last switched to
    for name, value in (
        ("title", "Screen pilot"),
        ("organisation", "Example"),
        ("assessor", "Dana"),
    ):
        _field(app.text_input, f"meta-{name}").input(value)
    return app.button(key="nav-next").click().run()


def _open_from_list(app, assessment_id: str):
    app.switch_page(ASSESSMENTS).run()
    app.selectbox(key="list-open").select(assessment_id).run()
    app.button(key="list-open-button").click().run()
    return app.switch_page(WIZARD).run()


def test_a_refused_save_on_one_assessment_does_not_follow_the_user_to_another(archive):
    app = start_assessment(fresh_app())
    first = app.query_params["assessment"]
    app = _start_another(app)
    second = app.query_params["assessment"]
    assert first != second

    app = _open_from_list(app, first)
    app.button(key="nav-next").click().run()
    draft = archive.draft(first)
    archive.save_draft(draft.answers, actor="someone.else@example.org", revision=draft.revision)
    _field(app.multiselect, "countries").select("de").run()
    app.button(key="nav-next").click().run()
    assert any("someone.else@example.org" in e.value for e in app.error)

    app = _open_from_list(app, second)
    no_failures(app)
    assert app.query_params["assessment"] == second
    assert not [b for b in app.button if b.key == "stale-reload"]
    assert all(m.value == [] for m in app.multiselect)  # no answer of the first one either
    assert archive.draft(second).revision == 1  # and nothing was written to the second


def test_closing_an_assessment_forgets_its_built_document_and_its_step(archive):
    app = start_assessment(fresh_app())
    app.session_state["dpia.rendition"] = "a document of the first assessment"
    app.button(key="frame-close").click().run()
    no_failures(app)
    assert "dpia.rendition" not in app.session_state
    assert "dpia.step" not in app.session_state
    assert dict(app.query_params) == {}


def test_opening_an_archived_version_to_read_it_writes_no_draft(archive):
    from test_workflow_followup import _approved

    from dpia._errors import NotFoundError

    assessment_id = _approved(archive)
    app = fresh_app(assessment=assessment_id).switch_page(WIZARD).run()
    no_failures(app)
    app.button(key="nav-next").click().run()
    with pytest.raises(NotFoundError):  # looking at it saved nothing
        archive.draft(assessment_id)
    app.number_input(key="q-headcount").set_value(151).run()
    assert archive.draft(assessment_id).answers["answers"]["headcount"] == 151
