"""The workflow's rules, held directly: who must sign, what counts, who may act, which law."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from signing_support import PASSPHRASE, Person, make_docx, make_person

from dpia import Assessment, AssessmentMeta
from dpia._signoff import Decision, DpoAdvice, Signatory, SignOff
from dpia.archive import VersionStatus
from dpia.document import EmbeddedRecord
from dpia.signing import (
    FileKeySigner,
    TrustStore,
    certificate_fingerprint,
    load_certificate,
    sign_bytes,
    verify_signatures,
)
from dpia.workflow import (
    ALL_ROLES,
    NotPermittedError,
    WorkflowError,
    check_approval,
    decided_status,
    law_date,
    may,
    remove_signatory,
    require,
    required_signers,
    sign,
    withdrawn,
)

NAMES = {"assessor": "Ada Assessor", "dpo": "Dora Dpo", "decision_maker": "Eve Executive"}


@pytest.fixture(scope="module")
def people(tmp_path_factory) -> dict[str, Person]:
    root = tmp_path_factory.mktemp("people")
    return {role: make_person(root / role, name, role) for role, name in NAMES.items()}


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> bytes:
    path = make_docx(tmp_path_factory.mktemp("doc") / "dpia.docx", "The final text.")
    return path.read_bytes()


def _fingerprint(person: Person) -> str:
    return certificate_fingerprint(load_certificate(person.cert))


def _signatory(people, role: str, name: str | None = None) -> Signatory:
    name = name or NAMES[role]
    email = NAMES[role].lower().replace(" ", ".") + "@example.org"
    return Signatory(
        name=name, email=email, role=role, certificate_sha256=_fingerprint(people[role])
    )


def _record(people, decision: str = "approve", roles=tuple(NAMES)) -> SignOff:
    return SignOff(
        assessor={"name": "Ada Assessor", "email": "ada.assessor@example.org"},
        dpo_advice=DpoAdvice(
            name="Dora Dpo", advice="approve", summary="Fine.", date=dt.date(2026, 5, 6)
        ),
        decision=Decision(
            name="Eve Executive",
            decision=decision,
            conditions=("Masking",) if decision == "conditionally_approve" else (),
            date=dt.date(2026, 5, 7),
            dpo_advice_followed=True,
        ),
        signatories=tuple(_signatory(people, role) for role in roles),
    )


def _signatures(people, content: bytes, roles) -> dict[str, bytes]:
    signed = {}
    for role in roles:
        signer = FileKeySigner.from_files(people[role].key, people[role].cert, PASSPHRASE)
        signed[role] = sign_bytes(content, signer)
    return signed


def _trusting(tmp_path: Path, people, roles=tuple(NAMES)) -> TrustStore:
    store = TrustStore(tmp_path / "trust")
    for role in roles:
        store.add(load_certificate(people[role].cert))
    return store


@pytest.mark.parametrize(
    "decision, roles, status",
    [
        ("approve", ["assessor", "dpo", "decision_maker"], VersionStatus.APPROVED),
        ("conditionally_approve", ["assessor", "dpo", "decision_maker"], VersionStatus.APPROVED),
        ("reject", ["assessor", "dpo", "decision_maker"], VersionStatus.REJECTED),
        ("refer_to_supervisory_authority", ["assessor", "decision_maker"], VersionStatus.IN_REVIEW),
    ],
)
def test_the_record_decides_who_must_sign_and_what_status_follows(people, decision, roles, status):
    record = _record(people, decision)
    assert [person.role for person in required_signers(record)] == roles
    assert decided_status(record.decision)[0] is status
    assert required_signers(record.model_copy(update={"decision": None})) == ()


def test_the_list_of_signatories_cannot_shrink_what_a_decision_needs(people, content, tmp_path):
    only_me = _record(people, roles=("assessor",))
    verification = verify_signatures(
        content, _signatures(people, content, ["assessor"]), trust=_trusting(tmp_path, people)
    )
    approval = check_approval(only_me, verification)
    assert not approval.ready
    assert [(c.required.name, c.state) for c in approval.signers] == [
        ("Ada Assessor", "signed"),
        ("Dora Dpo", "unlisted"),
        ("Eve Executive", "unlisted"),
    ]


def test_only_valid_trusted_signatures_by_the_listed_person_in_the_role_count(
    people, content, tmp_path
):
    record = _record(people)
    signatures = _signatures(people, content, NAMES)
    everyone = _trusting(tmp_path, people)
    assert check_approval(record, verify_signatures(content, signatures, trust=everyone)).ready

    untrusted = _trusting(tmp_path / "two", people, ("assessor", "dpo"))
    approval = check_approval(record, verify_signatures(content, signatures, trust=untrusted))
    assert [c.state for c in approval.signers] == ["signed", "signed", "untrusted"]
    nobody = check_approval(record, verify_signatures(content, signatures, trust=None))
    assert [c.state for c in nobody.signers] == ["untrusted"] * 3

    changed = content[:-1] + bytes([content[-1] ^ 1])
    approval = check_approval(record, verify_signatures(changed, signatures, trust=everyone))
    assert {c.state for c in approval.signers} == {"invalid"}

    renamed = record.model_copy(
        update={
            "dpo_advice": record.dpo_advice.model_copy(update={"name": "Someone Else"}),
            "signatories": (
                *record.signatories[:1],
                _signatory(people, "dpo", "Someone Else"),
                *record.signatories[2:],
            ),
        }
    )
    approval = check_approval(renamed, verify_signatures(content, signatures, trust=everyone))
    assert approval.signers[1].state == "mismatch"
    assert (
        "names Dora Dpo, but the sign-off record says Someone Else" in approval.signers[1].message
    )

    other_hat = make_person(tmp_path / "eve-as-dpo", "Eve Executive", "dpo")
    listed = Signatory(
        name="Eve Executive",
        email="eve.executive@example.org",
        role="decision_maker",
        certificate_sha256=_fingerprint(other_hat),
    )
    wrong_role = record.model_copy(update={"signatories": (*record.signatories[:2], listed)})
    store = _trusting(tmp_path / "hat", people)
    store.add(load_certificate(other_hat.cert))
    hat = FileKeySigner.from_files(other_hat.key, other_hat.cert, PASSPHRASE)
    worn = {**signatures, "decision_maker": sign_bytes(content, hat)}
    approval = check_approval(wrong_role, verify_signatures(content, worn, trust=store))
    assert approval.signers[2].state == "mismatch"
    assert "a certificate for the role DPO, but signs here as the decision-maker" in (
        approval.signers[2].message
    )


def test_a_stranger_or_a_broken_signature_stops_the_freeze(people, content, tmp_path):
    record = _record(people, roles=("assessor", "dpo", "decision_maker"))
    signatures = _signatures(people, content, NAMES)
    stranger = make_person(tmp_path / "mallory", "Mallory Meddler", "dpo")
    signatures["mallory"] = sign_bytes(
        content, FileKeySigner.from_files(stranger.key, stranger.cert, PASSPHRASE)
    )
    signatures["junk"] = b"not a signature"
    store = _trusting(tmp_path, people)
    approval = check_approval(record, verify_signatures(content, signatures, trust=store))
    assert all(c.state == "signed" for c in approval.signers) and not approval.ready
    assert any("Mallory Meddler" in p and "is not a signatory" in p for p in approval.problems)
    assert any(p.startswith("the signature junk does not hold") for p in approval.problems)


def test_recorded_advice_and_decisions_keep_their_signatories(people):
    record = _record(people)
    dpo, decider = record.signatories[1], record.signatories[2]
    with pytest.raises(WorkflowError, match="the DPO withdraws that advice first"):
        remove_signatory(record, dpo.certificate_sha256)
    with pytest.raises(WorkflowError, match="the decision-maker withdraws that decision first"):
        remove_signatory(record, decider.certificate_sha256)
    with pytest.raises(WorkflowError, match="the decision rests on this advice"):
        withdrawn(record, "dpo_advice")
    undecided = withdrawn(record, "decision")
    assert remove_signatory(undecided, decider.certificate_sha256).signatories == (
        record.signatories[0],
        dpo,
    )
    unadvised = withdrawn(undecided, "dpo_advice")
    assert len(remove_signatory(unadvised, dpo.certificate_sha256).signatories) == 2
    assert remove_signatory(record, record.signatories[0].certificate_sha256).signatories == (
        dpo,
        decider,
    )


def test_each_step_names_the_role_it_needs():
    assert may({"decision_maker"}, "freeze") and not may(
        {"author", "dpo", "legal_viewer"}, "freeze"
    )
    assert may({"dpo"}, "record_advice") and not may({"author"}, "record_advice")
    with pytest.raises(NotPermittedError) as refused:
        require({"legal_viewer"}, "freeze")
    assert str(refused.value) == (
        "only the decision-maker freezes a signed version; you hold: Legal (read only)"
    )
    with pytest.raises(NotPermittedError, match="only the author or data protection officer"):
        require(set(), "add_version")


def test_signing_is_refused_for_a_certificate_or_role_that_is_not_yours(people, content):
    assessment = Assessment(
        questionnaire="mini@1.0",
        meta=AssessmentMeta(title="T", organisation="O", assessor="A", date=dt.date(2026, 5, 4)),
        answers={},
        signoff=_record(people),
    )
    dpo = FileKeySigner.from_files(people["dpo"].key, people["dpo"].cert, PASSPHRASE)
    with pytest.raises(NotPermittedError, match="signing as the DPO needs the data protection"):
        sign(assessment, content, dpo, roles={"author"})
    with pytest.raises(NotPermittedError, match="that certificate belongs to Dora Dpo"):
        sign(assessment, content, dpo, roles=ALL_ROLES, signing_as=_fingerprint(people["assessor"]))
    made = sign(assessment, content, dpo, roles={"dpo"})
    assert made.label == "dora-dpo-dpo" and made.signatory.role == "dpo"


def test_the_law_date_is_the_assessments_or_the_documents():
    meta = AssessmentMeta(title="T", organisation="O", assessor="A", date=dt.date(2026, 5, 4))
    assessment = Assessment(questionnaire="mini@1.0", meta=meta, answers={})
    assert law_date(assessment) == dt.date(2026, 5, 4)
    assert law_date(assessment, as_of=dt.date(2027, 1, 1)) == dt.date(2027, 1, 1)
    record = EmbeddedRecord(
        questionnaire="mini@1.0",
        questionnaire_title="Mini",
        version=1,
        status="draft",
        as_of=dt.date(2026, 9, 1),
        answers_file={},
    )
    assert law_date(assessment, document=record) == dt.date(2026, 9, 1)
    assert law_date(assessment, as_of=dt.date(2026, 9, 1), document=record) == dt.date(2026, 9, 1)
    with pytest.raises(WorkflowError, match="rendered under the law in force on 2026-09-01"):
        law_date(assessment, as_of=dt.date(2027, 1, 1), document=record)
