"""Review & sign-off: advice, decision, signatories, signatures, and the version they freeze."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from app_support import (
    AUTH,
    ENTRY_POINT,
    TIMEOUT,
    archive,
    archive_url,
    fresh_app,
    import_answers,
    no_failures,
    sign_as,
)
from streamlit.testing.v1 import AppTest

from dpia.app._signing_room import verify_archived
from dpia.archive import grant_role
from dpia.signing import create_identity

__all__ = ["archive", "archive_url"]

REVIEW = "dpia/app/pages/review.py"
PASSPHRASE = b"correct horse battery"


@pytest.fixture
def people(tmp_path, monkeypatch):
    monkeypatch.setenv("DPIA_SIGNING_DIR", str(tmp_path / "signing"))
    monkeypatch.setenv("DPIA_TRUST_DIR", str(tmp_path / "trust"))
    return {
        role: create_identity(
            tmp_path / role, name=name, email=email, role=role, passphrase=PASSPHRASE
        )
        for role, name, email in (
            ("dpo", "Dana Officer", "dana@example.org"),
            ("decision_maker", "Max Decider", "max@example.org"),
        )
    }


def saved_case(app):
    """An imported case saved once from the wizard, then the review page."""
    app.switch_page("dpia/app/pages/wizard.py").run()
    app.button(key="nav-next").click().run()
    return app.switch_page(REVIEW).run()


def add_signatory(app, person):
    certificate = Path(person.certificate_path).read_bytes()
    app.file_uploader(key="so-sig-cert").set_value(
        ("cert.pem", certificate, "application/x-pem-file")
    )
    app.run()
    app.button(key="so-sig-add").click().run()


def record_everything(app, people):
    app.text_input(key="q-so-assessor-email").input("dana.assessor@example.org")
    app.button(key="so-people-save").click().run()
    for person in people.values():
        add_signatory(app, person)
    app.radio(key="q-so-dpo-advice").set_value("approve_with_conditions")
    app.text_area(key="q-so-dpo-summary").input("Proceed with the opt-in design only.")
    app.text_area(key="q-so-dpo-conditions").input("Drop content capture\nWorks agreement first")
    app.button(key="so-dpo-save").click().run()
    return app


def test_the_page_lists_what_is_missing_before_signing(archive_url, people):
    app = saved_case(import_answers(fresh_app()))
    no_failures(app)
    assert "the DPO's advice is not recorded" in app.info[0].value
    assert "no signatory is listed" in app.info[0].value


def test_a_decision_more_permissive_than_the_advice_needs_reasons(archive_url, people):
    app = record_everything(saved_case(import_answers(fresh_app())), people)
    app.radio(key="q-so-dm-decision").set_value("approve")
    app.button(key="so-dm-save").click().run()
    assert "more permissive than the DPO's advice" in app.error[0].value
    app.radio(key="q-so-dm-followed").set_value(False).run()
    app.text_area(key="q-so-dm-reasons").input("The pilot is limited to ten volunteers.")
    app.button(key="so-dm-save").click().run()
    no_failures(app)
    assert app.session_state["dpia.case"].signoff["decision"]["dpo_advice_followed"] is False


def test_each_signatory_signs_and_the_last_signature_freezes_the_version(archive, people):
    app = record_everything(saved_case(import_answers(fresh_app())), people)
    app.radio(key="q-so-dm-decision").set_value("conditionally_approve")
    app.text_area(key="q-so-dm-conditions").input("Drop content capture")
    app.button(key="so-dm-save").click().run()
    no_failures(app)
    assert any("Version 1 is ready for signing" in m.value for m in app.markdown)

    dpo, decider = people["dpo"], people["decision_maker"]
    sign_as(app, dpo, "not the passphrase")
    assert [e.value for e in app.error] == ["wrong passphrase for the uploaded key"]
    app.text_input(key="sign-passphrase").input(PASSPHRASE.decode())
    app.button(key="sign-go").click().run()
    no_failures(app)
    still = [m.value for m in app.markdown if m.value.startswith("- no valid signature")]
    assert len(still) == 1 and "Max Decider" in still[0]

    app.radio(key="sign-source").set_value("server").run()
    app.text_input(key="sign-key-path").input(str(decider.certificate_path))  # wrong file
    app.text_input(key="sign-cert-path").input(str(dpo.certificate_path))
    app.text_input(key="sign-passphrase").input(PASSPHRASE.decode())
    app.button(key="sign-go").click().run()
    assert "belongs to Dana Officer" in app.error[0].value
    app.text_input(key="sign-key-path").input(str(decider.key_path))
    app.text_input(key="sign-cert-path").input(str(decider.certificate_path))
    app.button(key="sign-go").click().run(timeout=60)
    no_failures(app)
    assert app.success[0].value.startswith("Signed and frozen as version 1 (approved)")

    assessment_id = app.session_state["dpia.case"].assessment_id
    stored = archive.version(assessment_id)
    assert stored.status == "approved"
    assert sorted(stored.signature_files) == ["dana-officer-dpo", "max-decider-decision-maker"]
    checked = verify_archived(stored.document, stored.signature_files)
    assert [s.valid for s in checked.signatures] == [True, True]
    assert stored.answers["signoff"]["decision"]["decision"] == "conditionally_approve"


def test_a_signed_in_person_cannot_sign_with_someone_elses_certificate(archive, people):
    for role in ("author", "dpo", "decision_maker"):
        grant_role(archive, "olga@example.org", role, actor="admin")
    app = AppTest.from_file(ENTRY_POINT, default_timeout=TIMEOUT)
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": "olga@example.org", "name": "Olga"}
    app = record_everything(saved_case(import_answers(app.run())), people)
    app.radio(key="q-so-dm-decision").set_value("conditionally_approve")
    app.text_area(key="q-so-dm-conditions").input("Drop content capture")
    app.button(key="so-dm-save").click().run()
    sign_as(app, people["dpo"], PASSPHRASE.decode())
    assert [e.value for e in app.error] == [
        "You are signed in as olga@example.org; a certificate issued to dana@example.org "
        "cannot be used in your name."
    ]
    document = Path(app.session_state["dpia.case"].assessment_id)
    assert not list((Path(os.environ["DPIA_SIGNING_DIR"]) / document).rglob("*.p7s"))
