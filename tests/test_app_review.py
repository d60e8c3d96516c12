"""Review & sign-off: advice, decision, signatories, signatures, and the version they freeze.

Each role is driven as its holder would use the page, signed in through the app's sign-in mode
with the roles the archive grants: who may sign for whom, who freezes, and that looking at the
page writes nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

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
    sign_as,
    signature_cards,
)
from pydantic import ValidationError
from signing_support import openssl_verify
from streamlit.testing.v1 import AppTest
from timestamp_authority import local_timestamp_authority

from dpia._library import questionnaire_for
from dpia._signoff import SignOff
from dpia._vocabulary import SIGNATORY_ROLE
from dpia.app._case import Case
from dpia.app._signing_room import file_signature, room_signatures
from dpia.archive import AuditAction, grant_role
from dpia.signing import (
    FileKeySigner,
    SignatureVerdict,
    archive_trust_store,
    create_identity,
    load_certificate,
    verify_signatures,
)
from dpia.workflow import ALL_ROLES, ApprovalRefusedError, final_document, freeze, sign

__all__ = ["archive", "archive_url"]

REVIEW = "dpia/app/pages/review.py"
PASSPHRASE = b"correct horse battery"
PEOPLE = (
    ("assessor", "Ada Assessor", "ada@example.org"),
    ("dpo", "Dana Officer", "dana@example.org"),
    ("decision_maker", "Max Decider", "max@example.org"),
)


@pytest.fixture
def people(tmp_path, monkeypatch):
    monkeypatch.setenv("DPIA_SIGNING_DIR", str(tmp_path / "signing"))
    monkeypatch.setenv("DPIA_TRUST_DIR", str(tmp_path / "trust"))
    return {
        role: create_identity(
            tmp_path / role, name=name, email=email, role=role, passphrase=PASSPHRASE
        )
        for role, name, email in PEOPLE
    }


@pytest.fixture
def trusted(people):
    """The organisation trusts every signatory's certificate (`dpia trust add`)."""
    store = archive_trust_store()
    for person in people.values():
        store.add(load_certificate(person.certificate_path))
    return store


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
    """The assessor and the signatories recorded, and the DPO's advice given."""
    app.text_input(key="q-so-assessor").input("Ada Assessor")
    app.text_input(key="q-so-assessor-email").input("ada@example.org")
    app.button(key="so-people-save").click().run()
    for person in people.values():
        add_signatory(app, person)
    app.text_input(key="q-so-dpo-name").input("Dana Officer")
    app.radio(key="q-so-dpo-advice").set_value("approve_with_conditions")
    app.text_area(key="q-so-dpo-summary").input("Proceed with the opt-in design only.")
    app.text_area(key="q-so-dpo-conditions").input("Drop content capture\nWorks agreement first")
    app.button(key="so-dpo-save").click().run()
    return app


def decide(app, decision="conditionally_approve"):
    app.text_input(key="q-so-dm-name").input("Max Decider")
    app.radio(key="q-so-dm-decision").set_value(decision)
    if decision == "conditionally_approve":
        app.text_area(key="q-so-dm-conditions").input("Drop content capture")
    return app.button(key="so-dm-save").click().run()


def sign_form_values(app) -> dict[str, object]:
    """What the session still holds of the key, certificate and passphrase inputs."""
    state = app.session_state.to_dict()
    inputs = ("sign-key", "sign-cert", "sign-passphrase")
    return {k: v for k, v in state.items() if k.startswith(inputs) and v}


def test_the_page_lists_what_is_missing_before_signing(archive_url, people):
    app = saved_case(import_answers(fresh_app()))
    no_failures(app)
    assert "the DPO's advice is not recorded" in app.info[0].value
    assert "the decision is not recorded" in app.info[0].value


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


def test_every_required_signer_signs_then_the_decision_maker_freezes(archive, people, trusted):
    app = decide(record_everything(saved_case(import_answers(fresh_app())), people))
    no_failures(app)
    assert any("Version 1 is ready for signing" in m.value for m in app.markdown)
    assessment_id = app.session_state["dpia.case"].assessment_id

    dpo, decider, assessor = people["dpo"], people["decision_maker"], people["assessor"]
    app.selectbox(key="sign-as").select(dpo.fingerprint).run()
    sign_as(app, dpo, "not the passphrase")
    assert [e.value for e in app.error] == ["Wrong passphrase for the uploaded key."]
    assert sign_form_values(app) == {}, "the form kept the key or the passphrase"
    app.selectbox(key="sign-as").select(dpo.fingerprint).run()
    sign_as(app, dpo, PASSPHRASE.decode())
    no_failures(app)
    assert sign_form_values(app) == {}
    assert app.success[0].value == "Signed as Dana Officer."

    app.selectbox(key="sign-as").select(assessor.fingerprint).run()
    sign_as(app, assessor, PASSPHRASE.decode())
    still = [m.value for m in app.markdown if "No signature yet from" in m.value]
    assert len(still) == 1 and "Max Decider (decision-maker)" in still[0]

    app.radio(key="sign-source").set_value("server").run()
    app.text_input(key="sign-key-path").input(str(decider.key_path))
    app.text_input(key="sign-cert-path").input(str(dpo.certificate_path))
    app.text_input(key="sign-passphrase").input(PASSPHRASE.decode())
    app.button(key="sign-go").click().run()
    assert "The key does not belong to the certificate" in app.error[0].value
    app.text_input(key="sign-key-path").input(str(decider.key_path))
    app.text_input(key="sign-cert-path").input(str(decider.certificate_path))
    app.text_input(key="sign-passphrase").input(PASSPHRASE.decode())
    app.button(key="sign-go").click().run()
    no_failures(app)
    assert archive.assessments()[0].latest_version == 0, "the last signature froze the version"

    app.button(key="freeze").click().run(timeout=60)
    no_failures(app)
    assert app.success[0].value == "Version 1 is frozen: approved."
    assert app.success[1].value.startswith("Signed and frozen as version 1 (approved)")
    stored = archive.version(assessment_id)
    assert stored.status == "approved"
    assert sorted(stored.signature_files) == [
        "ada-assessor-assessor",
        "dana-officer-dpo",
        "max-decider-decision-maker",
    ]
    signatures = {f"{k}.p7s": v for k, v in stored.signature_files.items()}
    checked = verify_signatures(stored.document, signatures, trust=trusted)
    assert [s.verdict for s in checked.signatures] == [SignatureVerdict.VALID] * 3
    assert stored.answers["signoff"]["decision"]["decision"] == "conditionally_approve"
    (signed,) = Path(os.environ["DPIA_SIGNING_DIR"]).glob("*/*/*.docx")
    assert signed.read_bytes() == stored.document
    for role, label in (("assessor", "ada-assessor-assessor"), ("dpo", "dana-officer-dpo")):
        signature = signed.with_name(f"{signed.name}.{label}.p7s")
        verdict = openssl_verify(signature, signed, people[role].certificate_path)
        assert verdict.returncode == 0, verdict.stderr


def test_the_keys_and_passphrases_never_reach_the_archive_or_the_disk(
    archive, archive_url, people, trusted, tmp_path
):
    app = decide(record_everything(saved_case(import_answers(fresh_app())), people))
    for role in ("assessor", "dpo", "decision_maker"):
        app.selectbox(key="sign-as").select(people[role].fingerprint).run()
        sign_as(app, people[role], PASSPHRASE.decode())
    app.button(key="freeze").click().run(timeout=60)
    no_failures(app)
    keys = [p.key_path.read_bytes() for p in people.values()]
    for path in (tmp_path / "signing").rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert PASSPHRASE not in content and not any(k in content for k in keys), path
    database = Path(archive_url.removeprefix("sqlite:///")).read_bytes()
    assert PASSPHRASE not in database and b"ENCRYPTED PRIVATE KEY" not in database
    assert sign_form_values(app) == {}


def test_a_signature_made_in_one_session_is_seen_in_a_reloaded_one(archive, people, trusted):
    """The final document's bytes do not depend on the session: the author's session holds
    the answers in the order of the imported file, a reloaded one in the archive's order."""
    app = decide(record_everything(saved_case(import_answers(fresh_app())), people))
    app.selectbox(key="sign-as").select(people["dpo"].fingerprint).run()
    sign_as(app, people["dpo"], PASSPHRASE.decode())
    no_failures(app)
    assessment_id = app.session_state["dpia.case"].assessment_id

    later = fresh_app(assessment=assessment_id).switch_page(REVIEW).run()
    no_failures(later)
    signers = [m.value for m in later.markdown if m.value.startswith("**Dana Officer** · ")]
    assert signers == ["**Dana Officer** · Data protection officer"]
    waiting = [m.value for m in later.markdown if "No signature yet from" in m.value]
    assert len(waiting) == 2 and not any("Dana Officer" in line for line in waiting)


def test_with_a_time_stamp_authority_every_signature_the_app_makes_is_stamped(
    archive, people, trusted, tmp_path, monkeypatch
):
    app = decide(record_everything(saved_case(import_answers(fresh_app())), people))
    with local_timestamp_authority(tmp_path / "tsa") as authority:
        trusted.add(load_certificate(authority.root_certificate))
        monkeypatch.setenv("DPIA_TSA_URL", authority.url)
        app.selectbox(key="sign-as").select(people["dpo"].fingerprint).run()
        sign_as(app, people["dpo"], PASSPHRASE.decode())
        no_failures(app)
        assert authority.answered == 1
    assert app.success[0].value == "Signed as Dana Officer."
    (signed_at,) = [card["Signed at"] for card in signature_cards(app)]
    assert signed_at.endswith("UTC (time-stamped by Test TSA)")

    (document,) = Path(os.environ["DPIA_SIGNING_DIR"]).glob("*/*/*.docx")
    (signature,) = document.parent.glob("*.p7s")
    printed = subprocess.run(
        ["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", str(signature)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "id-smime-aa-timeStampToken" in printed
    assert openssl_verify(signature, document, people["dpo"].certificate_path).returncode == 0

    monkeypatch.setenv("DPIA_TSA_URL", "http://127.0.0.1:9/unreachable")
    app.selectbox(key="sign-as").select(people["assessor"].fingerprint).run()
    sign_as(app, people["assessor"], PASSPHRASE.decode())
    assert "time-stamp authority" in app.error[0].value
    assert len(list(document.parent.glob("*.p7s"))) == 1, "an unstamped signature was kept"


def _signed_off(people, decision: str = "conditionally_approve") -> dict:
    """An answers file whose sign-off record is complete: assessor, advice, decision."""
    mapping = json.loads(json.dumps(yaml.safe_load(MINI_ANSWERS), default=str))
    mapping["signoff"] = {
        "assessor": {"name": "Ada Assessor", "email": "ada@example.org"},
        "dpo_advice": {
            "name": "Dana Officer",
            "advice": "approve_with_conditions",
            "summary": "Opt-in only.",
            "conditions": ["Drop content capture"],
            "date": "2026-05-06",
        },
        "decision": {
            "name": "Max Decider",
            "decision": decision,
            "conditions": ["Drop content capture"] if decision == "conditionally_approve" else [],
            "date": "2026-05-07",
            "dpo_advice_followed": True,
        },
        "signatories": [
            {
                "name": name,
                "email": email,
                "role": role,
                "certificate_sha256": people[role].fingerprint,
            }
            for role, name, email in PEOPLE
        ],
    }
    return mapping


def _room(archive, assessment_id):
    draft = archive.draft(assessment_id)
    questionnaire = questionnaire_for(draft.answers["questionnaire"])
    assessment = Case.from_file(draft.answers, questionnaire).check(questionnaire).assessment
    return questionnaire, assessment, final_document(questionnaire, assessment, [])


def _sign_in_room(archive, assessment_id, people, roles) -> None:
    """Signatures as earlier signers left them in the signing room."""
    _, assessment, final = _room(archive, assessment_id)
    for role in roles:
        person = people[role]
        signer = FileKeySigner.from_files(person.key_path, person.certificate_path, PASSPHRASE)
        made = sign(assessment, final.content, signer, roles=ALL_ROLES)
        file_signature(assessment_id, final, made)


@pytest.fixture
def staff(archive):
    """Four people who sign in, each with one role in the archive."""
    roles = {
        "ada@example.org": "author",
        "dana@example.org": "dpo",
        "max@example.org": "decision_maker",
        "lea@example.org": "legal_viewer",
    }
    for email, role in roles.items():
        grant_role(archive, email, role, actor="admin@example.org")
    return roles


def open_as(email: str, assessment_id: str) -> AppTest:
    app = AppTest.from_file(ENTRY_POINT, default_timeout=TIMEOUT)
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0].title()}
    app.query_params["assessment"] = assessment_id
    return app.run().switch_page(REVIEW).run()


def _signing_room_files() -> list[str]:
    return sorted(p.name for p in Path(os.environ["DPIA_SIGNING_DIR"]).rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "email, may_sign_as",
    [
        ("ada@example.org", ["assessor"]),
        ("dana@example.org", ["dpo"]),
        ("max@example.org", ["decision_maker"]),
        ("lea@example.org", []),
    ],
    ids=["author", "dpo", "decision-maker", "legal-viewer"],
)
def test_each_role_may_sign_only_in_its_own_capacity_and_looking_writes_nothing(
    archive, people, trusted, staff, email, may_sign_as
):
    assessment_id = archive.save_draft(_signed_off(people), actor="ada@example.org").assessment_id
    trail = archive.audit_trail(assessment_id)
    app = open_as(email, assessment_id)
    no_failures(app)
    if may_sign_as:
        offered = app.selectbox(key="sign-as").options
        assert offered == [
            f"{name} ({SIGNATORY_ROLE[role]})" for role, name, _ in PEOPLE if role in may_sign_as
        ]
    else:
        # A reader is pointed to the archived documents and their checked signatures.
        assert all(s.key != "sign-as" for s in app.selectbox)
        assert any("are on the Archive page" in m.value for m in app.markdown)
    assert not [b for b in app.button if b.key == "freeze"]
    assert archive.audit_trail(assessment_id) == trail
    assert _signing_room_files() == []


@pytest.mark.parametrize(
    "email",
    ["ada@example.org", "dana@example.org", "lea@example.org"],
    ids=["author", "dpo", "legal"],
)
def test_only_the_decision_maker_freezes(archive, people, trusted, staff, email):
    assessment_id = archive.save_draft(_signed_off(people), actor="ada@example.org").assessment_id
    _sign_in_room(archive, assessment_id, people, ("assessor", "dpo", "decision_maker"))
    trail = archive.audit_trail(assessment_id)

    viewer = open_as(email, assessment_id)
    no_failures(viewer)
    assert not [b for b in viewer.button if b.key == "freeze"]
    if email == "lea@example.org":  # a reader reads the record, and nothing is decided yet
        assert "Nothing has been archived or decided yet" in viewer.info[0].value
    else:
        assert any("The decision-maker freezes version 1" in i.value for i in viewer.info)
    assert archive.audit_trail(assessment_id) == trail
    assert archive.assessments()[0].latest_version == 0

    decider = open_as("max@example.org", assessment_id)
    decider.button(key="freeze").click().run(timeout=60)
    no_failures(decider)
    frozen = [
        e for e in archive.audit_trail(assessment_id) if e.action is AuditAction.VERSION_FROZEN
    ]
    assert [(e.actor, e.version_number) for e in frozen] == [("max@example.org", 1)]
    assert archive.version(assessment_id).status == "approved"


def test_a_referral_needs_the_assessor_and_the_decision_maker_only(archive, people, trusted, staff):
    answers = _signed_off(people, decision="refer_to_supervisory_authority")
    assessment_id = archive.save_draft(answers, actor="ada@example.org").assessment_id
    _sign_in_room(archive, assessment_id, people, ("assessor", "decision_maker"))
    app = open_as("max@example.org", assessment_id)
    no_failures(app)
    app.button(key="freeze").click().run(timeout=60)
    no_failures(app)
    stored = archive.version(assessment_id)
    assert stored.status == "in_review"
    assert stored.status_history[-1].note == (
        "decision: Refer to the supervisory authority (GDPR Art. 36); signed by every "
        "signatory the decision needs"
    )


def test_an_untrusted_certificate_never_counts(archive, people, staff):
    store = archive_trust_store()
    for role in ("assessor", "dpo"):
        store.add(load_certificate(people[role].certificate_path))
    assessment_id = archive.save_draft(_signed_off(people), actor="ada@example.org").assessment_id
    _sign_in_room(archive, assessment_id, people, ("assessor", "dpo", "decision_maker"))

    app = open_as("max@example.org", assessment_id)
    no_failures(app)
    assert not [b for b in app.button if b.key == "freeze"]
    said = [m.value for m in app.markdown if "Max Decider (decision-maker)" in m.value]
    assert len(said) == 1
    assert "the signature is intact, but it does not count yet" in said[0]
    assert "neither it nor an issuer of it is in the trust store" in said[0]
    assert "`dpia trust add cert.pem`" in said[0]
    assert people["decision_maker"].fingerprint in said[0]

    questionnaire, assessment, final = _room(archive, assessment_id)
    with pytest.raises(ApprovalRefusedError, match=r"Max Decider .* does not count yet"):
        freeze(
            archive,
            questionnaire,
            assessment,
            final.content,
            room_signatures(assessment_id, final),
            actor="max@example.org",
            roles={"decision_maker"},
        )
    assert archive.assessments()[0].latest_version == 0


def test_the_signatory_of_recorded_advice_stays_until_the_advice_is_withdrawn(
    archive, people, staff
):
    answers = _signed_off(people)
    del answers["signoff"]["decision"]
    assessment_id = archive.save_draft(answers, actor="ada@example.org").assessment_id

    author = open_as("ada@example.org", assessment_id)
    keep = author.button(key="so-sig-remove-1")
    assert keep.disabled and "withdraw it first" in keep.help
    assert any("*Signs for the DPO's advice on record*" in m.value for m in author.markdown)
    assert not author.button(key="so-sig-remove-0").disabled
    assert len(archive.draft(assessment_id).answers["signoff"]["signatories"]) == 3

    dpo = open_as("dana@example.org", assessment_id)
    dpo.button(key="so-dpo-withdraw").click().run()
    no_failures(dpo)
    withdrawn = [
        e for e in archive.audit_trail(assessment_id) if e.action is AuditAction.SIGNOFF_WITHDRAWN
    ]
    assert [(e.actor, e.details["part"]) for e in withdrawn] == [("dana@example.org", "dpo_advice")]
    assert withdrawn[0].details["withdrawn"]["advice"] == "approve_with_conditions"
    assert archive.draft(assessment_id).answers["signoff"]["dpo_advice"] is None

    author = open_as("ada@example.org", assessment_id)
    author.button(key="so-sig-remove-1").click().run()
    no_failures(author)
    names = [s["name"] for s in archive.draft(assessment_id).answers["signoff"]["signatories"]]
    assert names == ["Ada Assessor", "Max Decider"]


def test_a_signed_in_person_cannot_sign_with_someone_elses_certificate(archive, people, staff):
    for role in ("author", "dpo", "decision_maker"):
        grant_role(archive, "olga@example.org", role, actor="admin")
    assessment_id = archive.save_draft(_signed_off(people), actor="ada@example.org").assessment_id
    app = open_as("olga@example.org", assessment_id)
    app.selectbox(key="sign-as").select(people["dpo"].fingerprint).run()
    sign_as(app, people["dpo"], PASSPHRASE.decode())
    assert [e.value for e in app.error] == [
        "You are signed in as olga@example.org; a certificate issued to dana@example.org "
        "cannot be used in your name."
    ]
    assert _signing_room_files() == []
    assert sign_form_values(app) == {}


def test_an_author_who_lists_only_themselves_gets_no_document_to_approve(archive, people, staff):
    answers = _signed_off(people)
    answers["signoff"]["signatories"] = answers["signoff"]["signatories"][:1]
    assessment_id = archive.save_draft(answers, actor="ada@example.org").assessment_id
    app = open_as("ada@example.org", assessment_id)
    no_failures(app)
    (gaps,) = [i.value for i in app.info if i.value.startswith("Before the final document")]
    assert "Dana Officer (DPO), who gave the advice 'Proceed with conditions'" in gaps
    assert "Max Decider (decision-maker), who decided 'Approve with conditions'" in gaps
    assert gaps.count("is not listed as a signatory with a certificate") == 2
    assert not [b for b in app.button if b.key == "freeze"]


def test_sign_off_messages_name_what_the_page_shows_not_the_answers_file_fields():
    from dpia.app._signoff_messages import signoff_messages

    record = {
        "assessor": {"name": "Ada", "email": "ada@example.org"},
        "dpo_advice": {
            "name": "Dana",
            "advice": "do_not_proceed",
            "summary": "Stop.",
            "date": "2026-05-06",
        },
        "decision": {
            "name": "Max",
            "decision": "conditionally_approve",
            "conditions": ["Drop content capture"],
            "date": "2026-05-07",
            "dpo_advice_followed": True,
        },
    }
    with pytest.raises(ValidationError) as refused:
        SignOff.model_validate(record)
    (message,) = signoff_messages(refused.value, storing="decision")
    assert message == (
        "Decision “Approve with conditions” is more permissive than the DPO's advice “Do not "
        "proceed”, so it does not follow it: answer “No” to “Does the decision follow the "
        "DPO's advice?” and give the reasons for not following the advice."
    )
    assert "_" not in message


def test_a_damaged_signed_pdf_in_the_room_blocks_the_freeze_and_says_so(
    archive, people, trusted, staff
):
    assessment_id = archive.save_draft(_signed_off(people), actor="ada@example.org").assessment_id
    _sign_in_room(archive, assessment_id, people, ("assessor", "dpo", "decision_maker"))
    (document,) = Path(os.environ["DPIA_SIGNING_DIR"]).glob("*/*/*.docx")
    document.with_suffix(".pdf").write_bytes(b"%PDF-1.7\nnot really a PDF")

    decider = open_as("max@example.org", assessment_id)
    assert not decider.exception
    (error,) = [e.value for e in decider.error]
    assert error.startswith(
        "The signed PDF kept for this document cannot be checked: the signed PDF cannot be read"
    )
    assert not [b for b in decider.button if b.key == "freeze"]
    assert archive.assessments()[0].latest_version == 0


EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("example", "offered"),
    [
        ("scenario-f-us-employees.yaml", ["Approve", "Approve with conditions", "Reject"]),
        (
            "scenario-f-eu-screenshots.yaml",
            [
                "Approve",
                "Approve with conditions",
                "Reject",
                "Refer to the supervisory authority (GDPR Art. 36)",
            ],
        ),
    ],
)
def test_the_decision_form_offers_a_referral_only_where_the_gdpr_applies(
    archive_url, monkeypatch, example, offered
):
    monkeypatch.delenv("DPIA_QUESTIONNAIRES")  # the bundled questionnaires the examples use
    content = (EXAMPLES / example).read_bytes()
    app = saved_case(import_answers(fresh_app(), content, example))
    no_failures(app)
    assert app.radio(key="q-so-dm-decision").options == offered
