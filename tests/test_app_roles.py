"""Role-true views: each role sees what its holder may see and do, and no more.

A legal viewer reads the latest signed and frozen version, with every later draft or version
named as pending; nobody who may not change something is offered a field to type into. Local
mode tries each role in turn through the sidebar's View as, or `DPIA_LOCAL_ROLE`.
"""

from __future__ import annotations

import json

import pytest
import yaml
from app_support import (
    AUTH,
    ENTRY_POINT,
    MINI_ANSWERS,
    TIMEOUT,
    archive,
    archive_url,
    fresh_app,
    no_failures,
)
from streamlit.testing.v1 import AppTest

from dpia._assessment import assessment_from_source
from dpia._library import questionnaire_for
from dpia._source import Source
from dpia.archive import VersionStatus, grant_role
from dpia.workflow import PERMISSIONS, law_date, read_only, version_of_record, version_parts

__all__ = ["archive", "archive_url"]

PAGES = ("assessments", "wizard", "risks", "document", "review", "archive")
INPUTS = (
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "time_input",
    "checkbox",
    "toggle",
    "radio",
    "selectbox",
    "multiselect",
    "slider",
    "select_slider",
    "color_picker",
    "button",
    "file_uploader",
    "arrow_data_frame",
)
VIEWING = {
    # They choose what to look at, never change the record.
    "list-status",
    "list-due",
    "list-open",
    "list-open-button",
    "frame-close",
    "sign-out",
    "view-as",
    "archive-assessment",
    "archive-open",
    "archive-verify",
    "diff-old",
    "diff-new",
    "proof-version",
    # Builds the answers into a document to read; writes nothing.
    "doc-build",
    # Exporting is a reader's right (docs/app.md, Roles); the export is logged.
    "proof-bag",
    "doc-bag",
}


def _mapping(title: str = "Keystroke pilot") -> dict:
    mapping = json.loads(json.dumps(yaml.safe_load(MINI_ANSWERS), default=str))
    mapping["assessment"]["title"] = title
    return mapping


def _frozen(archive, mapping: dict, *, number: int) -> str:
    """Archive `mapping` as a frozen, approved version the way `dpia.workflow.freeze` records
    one (the signatures themselves are checked by the signing tests)."""
    questionnaire = questionnaire_for(mapping["questionnaire"])
    assessment = assessment_from_source(Source("test", mapping, None), questionnaire).assessment
    parts = version_parts(questionnaire, assessment, as_of=law_date(assessment))
    version = archive.freeze(
        parts.answers,
        parts.report_json,
        parts.questionnaire_text,
        actor="max@example.org",
        document=b"the signed document",
        signatures={},
        status=VersionStatus.APPROVED,
        note="approved",
        evidence={},
        number=number,
    )
    return version.assessment_id


def _enabled_inputs(app: AppTest) -> list[str]:
    found = []
    for kind in INPUTS:
        for widget in app.get(kind):
            proto = getattr(widget, "proto", None)
            disabled = getattr(widget, "disabled", None)
            if disabled is None and proto is not None:
                disabled = getattr(proto, "disabled", False)
            key = getattr(widget, "key", None) or (getattr(proto, "id", "") if proto else "")
            if kind == "arrow_data_frame":
                if proto is not None and getattr(proto, "editing_mode", 0):
                    found.append(f"data editor {key}")
                continue
            if not disabled and key not in VIEWING:
                found.append(f"{kind} {key}")
    return found


def signed_in_app(email: str) -> AppTest:
    app = AppTest.from_file(ENTRY_POINT, default_timeout=TIMEOUT)
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0].title()}
    return app.run()


def test_the_roles_that_take_no_step_are_the_read_only_ones():
    assert read_only({"legal_viewer"})
    assert not read_only({"decision_maker"})
    assert not read_only({"legal_viewer", "author"})
    assert all(not read_only(roles) for roles in PERMISSIONS.values())


def test_a_legal_viewer_reads_the_frozen_version_and_sees_the_draft_labelled(archive):
    assessment_id = _frozen(archive, _mapping("Keystroke pilot, as approved"), number=1)
    changed = _mapping("Keystroke pilot, being changed")
    changed["assessment"]["id"] = assessment_id
    draft = archive.save_draft(changed, actor="ann@example.org")
    assert draft.assessment_id == assessment_id
    record = version_of_record(archive, assessment_id)
    assert record.frozen and record.version.number == 1 and record.draft is not None

    grant_role(archive, "lena@example.org", "legal_viewer", actor="admin")
    app = signed_in_app("lena@example.org")
    listed = app.table[0].value
    assert list(listed["Status"]) == ["Approved; later draft pending"]
    app.button(key="list-open-button").click().run()
    no_failures(app)
    assert app.title[0].value == "Keystroke pilot, as approved"
    notice = app.info[0].value
    assert "You are reading version 1, the latest signed and frozen version (approved)" in notice
    assert "Draft changes saved on " in notice and "by ann@example.org: not archived" in notice

    # The author, meanwhile, works on the draft.
    grant_role(archive, "ann@example.org", "author", actor="admin")
    author = signed_in_app("ann@example.org")
    author.button(key="list-open-button").click().run()
    assert author.title[0].value == "Keystroke pilot, being changed"


def test_before_anything_is_frozen_a_reader_is_told_nobody_decided(archive, archive_url):
    archive.save_draft(_mapping(), actor="ann@example.org")
    app = fresh_app()
    app.selectbox(key="view-as").select("legal_viewer").run()
    app.button(key="list-open-button").click().run()
    no_failures(app)
    assert app.info[0].value.startswith("**Viewing as Legal (read only).**")
    assert "Nothing has been archived or decided yet. You are reading the draft saved on" in (
        app.info[1].value
    )


@pytest.mark.parametrize("role", ["legal_viewer", "decision_maker"])
def test_no_page_offers_a_reader_a_field_to_change(archive, archive_url, role):
    """Every page, as each role that may not change the answers: nothing to type into, tick or
    press except what chooses what to look at (and, for the decision-maker, the decision)."""
    mapping = _mapping()
    mapping["signoff"] = {
        "assessor": {"name": "Ada Assessor", "email": "ada@example.org"},
        "dpo_advice": {
            "name": "Dana Officer",
            "advice": "approve",
            "summary": "Proceed.",
            "date": "2026-05-06",
        },
    }
    assessment_id = _frozen(archive, mapping, number=1)
    mapping["assessment"]["id"] = assessment_id
    archive.save_draft(mapping, actor="ann@example.org")
    email = f"{role}@example.org"
    grant_role(archive, email, role, actor="admin")
    app = signed_in_app(email)
    app.button(key="list-open-button").click().run()
    for page in PAGES:
        app.switch_page(f"dpia/app/pages/{page}.py").run()
        assert not app.exception, [e.message for e in app.exception]
        assert not [e.value for e in app.error if "went wrong" in e.value]
        offered = _enabled_inputs(app)
        if role == "decision_maker" and page == "review":
            assert offered and all("so-dm-" in name for name in offered), offered
        else:
            assert offered == [], (page, offered)


def test_view_as_acts_in_one_role_and_says_so(archive, archive_url):
    archive.save_draft(_mapping(), actor="ann@example.org")
    app = fresh_app()
    assert app.button(key="new-start")
    assert not [i for i in app.info if "Viewing as" in i.value]
    app.selectbox(key="view-as").select("legal_viewer").run()
    no_failures(app)
    assert "Local mode, acting as Legal (read only) only." in [c.value for c in app.sidebar.caption]
    assert app.info[0].value.startswith("**Viewing as Legal (read only).**")
    assert not [b for b in app.button if b.key == "new-start"]
    app.button(key="list-open-button").click().run()
    assert not [b for b in app.button if b.key == "nav-next"]
    # Back to every role: the same assessment is reopened as its draft, to edit.
    app.selectbox(key="view-as").select("").run()
    no_failures(app)
    app.switch_page("dpia/app/pages/wizard.py").run()
    assert app.button(key="nav-next")


def test_view_as_is_kept_in_the_address_so_a_reload_keeps_the_role(archive, archive_url):
    assessment_id = archive.save_draft(_mapping(), actor="ann@example.org").assessment_id
    app = fresh_app(assessment=assessment_id)
    app.selectbox(key="view-as").select("decision_maker").run()
    assert app.query_params["view_as"] == "decision_maker"
    assert app.query_params["assessment"] == assessment_id

    reloaded = fresh_app(**dict(app.query_params))
    no_failures(reloaded)
    assert reloaded.selectbox(key="view-as").value == "decision_maker"
    assert reloaded.info[0].value.startswith("**Viewing as Decision-maker.**")
    assert "Keystroke pilot" in reloaded.sidebar.markdown[0].value  # the same one, still open

    # Every role, chosen over DPIA_LOCAL_ROLE, is a choice the address keeps too.
    reloaded.selectbox(key="view-as").select("").run()
    assert reloaded.query_params["view_as"] == "every_role"
    again = fresh_app(view_as="every_role")
    assert again.selectbox(key="view-as").value == ""
    assert not [i for i in again.info if "Viewing as" in i.value]


def test_a_view_as_in_the_address_that_is_no_role_is_dropped(archive_url):
    app = fresh_app(view_as="owner")
    no_failures(app)
    assert app.selectbox(key="view-as").value == ""
    assert "view_as" not in app.query_params


def test_the_local_role_setting_starts_the_app_in_one_role(archive_url, monkeypatch):
    monkeypatch.setenv("DPIA_LOCAL_ROLE", "decision_maker")
    app = fresh_app()
    no_failures(app)
    assert app.selectbox(key="view-as").value == "decision_maker"
    assert app.info[0].value.startswith("**Viewing as Decision-maker.**")
    monkeypatch.setenv("DPIA_LOCAL_ROLE", "owner")
    app = fresh_app()
    assert app.error[0].value == (
        "DPIA_LOCAL_ROLE is 'owner', which is not a role. Set it to one of author, dpo, "
        "decision_maker, legal_viewer, or leave it empty for every role."
    )
