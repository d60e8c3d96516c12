"""Users and roles: local mode, sign-in mode with roles from the archive, and what each may do."""

from __future__ import annotations

import getpass
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
    import_answers,
    no_failures,
)
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from streamlit.testing.v1 import AppTest

from dpia import ArchiveError
from dpia.archive import grant_role, role_history, roles_by_person
from dpia.cli import main

__all__ = ["archive", "archive_url"]


def signed_in_app(email: str | None) -> AppTest:
    app = AppTest.from_file(ENTRY_POINT, default_timeout=TIMEOUT)
    app.secrets["auth"] = AUTH
    app.user = (
        {"is_logged_in": False}
        if email is None
        else {"is_logged_in": True, "email": email, "name": email.split("@")[0].title()}
    )
    return app.run()


def test_local_mode_is_one_user_with_every_role(archive_url):
    app = fresh_app()
    sidebar = [m.value for m in app.sidebar.markdown] + [c.value for c in app.sidebar.caption]
    assert f"**{getpass.getuser()}**" in sidebar
    assert "Author, Data protection officer, Decision-maker, Legal (read only)" in sidebar
    assert "Local mode: one user with every role." in sidebar


def test_sign_in_mode_asks_to_sign_in_first(archive_url):
    app = signed_in_app(None)
    no_failures(app)
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.get("dataframe")


def test_a_signed_in_person_without_a_role_is_told_how_to_get_one(archive_url):
    app = signed_in_app("new.person@example.org")
    assert app.title[0].value == "No role yet"
    assert "dpia users grant new.person@example.org author" in app.info[0].value


def test_a_legal_viewer_reads_but_cannot_edit(archive, archive_url):
    grant_role(archive, "lena@example.org", "legal_viewer", actor="admin")
    app = signed_in_app("lena@example.org")
    no_failures(app)
    assert any("read-only access" in i.value for i in app.info)
    assert not [b for b in app.button if b.key == "new-start"]
    assert [c.value for c in app.sidebar.caption if "Legal" in c.value] == ["Legal (read only)"]

    archive.save_draft(
        json.loads(json.dumps(yaml.safe_load(MINI_ANSWERS), default=str)), actor="ann"
    )
    app.run()
    app.button(key="list-open-button").click().run()
    no_failures(app)
    assert app.info[0].value.startswith("**Nothing has been archived or decided yet.")
    assert not [b for b in app.button if b.key == "nav-next"]
    assert [e.label for e in app.expander] == ["Scope", "Capture"]


def test_an_author_saves_and_the_audit_log_names_them(archive, archive_url):
    grant_role(archive, "Ann@Example.org", "author", actor="admin")
    app = signed_in_app("ann@example.org")
    app = import_answers(app)
    app.switch_page("dpia/app/pages/wizard.py").run()
    app.button(key="nav-next").click().run()
    no_failures(app)
    assessment_id = app.session_state["dpia.case"].assessment_id
    actors = {event.actor for event in archive.audit_trail(assessment_id)}
    assert actors == {"ann@example.org"}
    # An author may not record the DPO's advice.
    app.switch_page("dpia/app/pages/review.py").run()
    assert not [b for b in app.button if b.key == "so-dpo-save"]
    assert "Only the data protection officer records the advice." in [c.value for c in app.caption]


def test_roles_are_granted_and_withdrawn_with_who_did_it(archive):
    grant_role(archive, "max@example.org", "decision_maker", actor="admin")
    grant_role(archive, "max@example.org", "dpo", actor="admin")
    grant_role(archive, "max@example.org", "dpo", actor="ciso", granted=False)
    assert roles_by_person(archive) == {"max@example.org": frozenset({"decision_maker"})}
    assert [(g.role, g.granted, g.actor) for g in role_history(archive)] == [
        ("decision_maker", True, "admin"),
        ("dpo", True, "admin"),
        ("dpo", False, "ciso"),
    ]
    with pytest.raises(ArchiveError, match="unknown role 'owner'"):
        grant_role(archive, "max@example.org", "owner", actor="admin")


def test_the_role_log_is_append_only_in_the_database(archive):
    grant_role(archive, "max@example.org", "dpo", actor="admin")
    for statement in ("UPDATE role_grants SET role = 'author'", "DELETE FROM role_grants"):
        with pytest.raises(IntegrityError, match="append-only"), archive.engine.begin() as db:
            db.execute(text(statement))


def test_users_command_line(archive_url, capsys):
    assert main(["users", "grant", "Eve@Example.org", "dpo", "--actor", "admin"]) == 0
    assert capsys.readouterr().out == "eve@example.org: dpo\n"
    assert main(["users", "list"]) == 0
    assert capsys.readouterr().out == "eve@example.org: dpo\n"
    assert main(["users", "grant", "eve", "dpo"]) == 2
    assert "is not an email address" in capsys.readouterr().err
