"""The steps that change the record: archive a version, sign, freeze, withdraw, submit.

Each step checks who is taking it (`require`) before anything else, and then the rules of the
step itself; nothing is written unless every check passed, and each write is one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._assessment import Assessment
from .._errors import ApprovalRefusedError, NotFoundError, NotPermittedError, WorkflowError
from .._signoff import Signatory
from .._vocabulary import SIGNOFF_PART
from ..archive import (
    DECIDED_STATUSES,
    Archive,
    StatusChange,
    VersionStatus,
    VersionSummary,
    sha256_hex,
)
from ..document import read_record
from ..questionnaire import Questionnaire
from ..signing import (
    RawSigner,
    Signer,
    Timestamper,
    TrustStore,
    archive_trust_store,
    identity_of,
    sign_bytes,
    signature_label,
    verify_signatures,
)
from ._approval import Approval, check_approval
from ._final import check_document, version_parts
from ._law import law_date
from ._roles import require, require_signing_role
from ._signed_pdf import check_signed_pdf
from ._signers import withdrawn

__all__ = [
    "Frozen",
    "Signature",
    "add_version",
    "archived_versions",
    "freeze",
    "repeated_version",
    "sign",
    "sign_final_pdf",
    "submit_for_review",
    "withdraw",
]


def archived_versions(archive: Archive, assessment_id: str) -> list[VersionSummary]:
    """The assessment's versions, oldest first; none when it has only a draft so far."""
    try:
        return archive.history(assessment_id)
    except NotFoundError:
        archive.draft(assessment_id)  # NotFoundError again when there is no such assessment
        return []


def _without_id(answers_file: Mapping[str, Any]) -> dict[str, Any]:
    """The answers file minus the archive id, which names the record rather than being in it."""
    meta = {k: v for k, v in answers_file.get("assessment", {}).items() if k != "id"}
    return {**answers_file, "assessment": meta}


def add_version(
    archive: Archive,
    questionnaire: Questionnaire,
    assessment: Assessment,
    *,
    actor: str,
    roles: Iterable[str],
    document: bytes | None = None,
    signatures: Mapping[str, bytes] | None = None,
    as_of: dt.date | None = None,
    review_due: dt.date | None = None,
) -> VersionSummary:
    """Archive the answers as a new version, with the document rendered from them if given.

    The report is rated under the law date the document was rendered with (else `as_of`, else
    the assessment's date), so the archived report is the report printed in the document. A
    version added this way is a draft, whatever its sign-off record says: only `freeze` gives
    a decided status.
    """
    require(roles, "add_version")
    record = None
    if document is not None:
        record = read_record(document)
        if _without_id(record.answers_file) != _without_id(assessment.to_file()):
            raise WorkflowError(
                "the document was rendered from other answers than those being archived; "
                "render it again from these answers (dpia render), then archive both"
            )
    parts = version_parts(
        questionnaire, assessment, as_of=law_date(assessment, as_of=as_of, document=record)
    )
    _refuse_repeat(archive, questionnaire, assessment, document, signatures or {})
    return archive.add_version(
        parts.answers,
        parts.report_json,
        parts.questionnaire_text,
        actor=actor,
        document=document,
        signatures=signatures or {},
        review_due=review_due,
    )


def repeated_version(
    archive: Archive,
    questionnaire: Questionnaire,
    assessment: Assessment,
    *,
    document: bytes | None = None,
    signatures: Mapping[str, bytes] | None = None,
) -> int | None:
    """The latest version when archiving `assessment` again would only repeat it, else None.

    A version is a new state of the record: the same answers, plan, sign-off and rating as the
    latest version are a repeat, whatever document is rendered from them, unless they bring
    the first document or signatures the latest version lacks.
    """
    assessment_id = assessment.meta.id
    if not assessment_id:
        return None
    try:
        versions = archive.history(assessment_id)
    except NotFoundError:
        return None  # a new assessment, or none at all: archiving says which
    if not versions:
        return None
    latest = archive.version(assessment_id, versions[-1].number)
    parts = version_parts(questionnaire, assessment, as_of=law_date(assessment))
    shas = {k: sha256_hex(v) for k, v in (signatures or {}).items()}
    same = (
        _without_id(latest.answers) == _without_id(json.loads(json.dumps(parts.answers)))
        and latest.report == json.loads(json.dumps(parts.report_json))
        and (document is None or latest.document_sha256 is not None)
        and (not shas or shas == latest.signatures)
    )
    return latest.number if same else None


def _refuse_repeat(
    archive: Archive,
    questionnaire: Questionnaire,
    assessment: Assessment,
    document: bytes | None,
    signatures: Mapping[str, bytes],
) -> None:
    number = repeated_version(
        archive, questionnaire, assessment, document=document, signatures=signatures
    )
    if number is not None:
        raise WorkflowError(
            f"version {number} of {assessment.meta.id} already holds exactly these answers, "
            "plan, sign-off and rating; nothing was archived. Change something first"
        )


def _refuse_unreviewed(
    archive: Archive, questionnaire: Questionnaire, assessment: Assessment
) -> None:
    """A decision takes effect when frozen: not while the advice or the decision it rests on
    was given on answers that have materially changed since."""
    from ._followup import reconsiderations  # it reads versions through this module

    pending = reconsiderations(archive, questionnaire, assessment)
    if pending:
        parts = " and ".join(
            SIGNOFF_PART[p.part][:1].lower() + SIGNOFF_PART[p.part][1:] for p in pending
        )
        given = ", ".join(sorted({f"version {p.given_in}" for p in pending}))
        raise WorkflowError(
            f"{parts} {'were' if len(pending) > 1 else 'was'} given on {given}, and the "
            "answers, plan or ratings changed materially since: record "
            f"{'them' if len(pending) > 1 else 'it'} again (confirmed or changed) before "
            "freezing"
        )


@dataclass(frozen=True)
class Signature:
    """A signature just made: `label` is the `<signer>` of `DOC.<signer>.p7s`."""

    label: str
    content: bytes
    signatory: Signatory


def sign(
    assessment: Assessment,
    document: bytes,
    signer: Signer,
    *,
    roles: Iterable[str],
    signing_as: str | None = None,
    signed_in_as: str | None = None,
    timestamper: Timestamper | None = None,
) -> Signature:
    """Sign `document` for the signatory whose certificate `signer` holds.

    Refused when the certificate is not the one the sign-off record lists for that signatory
    (`signing_as` is the fingerprint the person chose to sign for), when the person lacks the
    app role for that signatory's role, or, for a person signed in with an email address
    (`signed_in_as`), when the certificate is issued to someone else.
    """
    signatory = _signatory(assessment, signer, roles, signing_as, signed_in_as)
    content = sign_bytes(document, signer, timestamper=timestamper)
    return Signature(signature_label(signer.certificate), content, signatory)


def sign_final_pdf(
    assessment: Assessment,
    pdf: bytes,
    signer: RawSigner,
    *,
    roles: Iterable[str],
    signing_as: str | None = None,
    signed_in_as: str | None = None,
    timestamper: Timestamper | None = None,
    trust: TrustStore | None = None,
) -> tuple[bytes, Signatory]:
    """`pdf` with one more PAdES signature, by the signatory whose certificate `signer` holds,
    under exactly the rules of `sign`, and that signatory; the signature states the
    signatory's role and shows in a box on the Signatures page."""
    from ..signing import sign_pdf  # pyHanko is loaded only when a PDF is signed

    signatory = _signatory(assessment, signer, roles, signing_as, signed_in_as)
    signed = sign_pdf(
        pdf,
        signer,
        role=signatory.role,
        timestamper=timestamper,
        visible=True,
        trust=trust or archive_trust_store(),
    )
    return signed, signatory


def _signatory(
    assessment: Assessment,
    signer: Signer | RawSigner,
    roles: Iterable[str],
    signing_as: str | None,
    signed_in_as: str | None,
) -> Signatory:
    """The listed signatory `signer` signs for, once every rule of signing holds."""
    signoff = assessment.signoff
    holder = identity_of(signer.certificate)
    listed = {s.certificate_sha256: s for s in (signoff.signatories if signoff else ())}
    if signing_as is not None and holder.fingerprint != signing_as:
        chosen = listed.get(signing_as)
        named = chosen.name if chosen else "the signatory you chose"
        raise NotPermittedError(
            f"that certificate belongs to {holder.describe()}, not to {named}, who is listed "
            f"with the certificate {signing_as}"
        )
    signatory = listed.get(holder.fingerprint)
    if signatory is None:
        raise NotPermittedError(
            f"the sign-off record lists no signatory with the certificate of {holder.describe()}"
            f" (SHA-256 {holder.fingerprint}); add them as a signatory first"
        )
    require_signing_role(roles, signatory.role)
    if signed_in_as is not None and (holder.email or "").lower() != signed_in_as.lower():
        raise NotPermittedError(
            f"you are signed in as {signed_in_as}; a certificate issued to "
            f"{holder.email or 'no email address'} cannot be used in your name"
        )
    return signatory


@dataclass(frozen=True)
class Frozen:
    version: VersionSummary
    approval: Approval


def freeze(
    archive: Archive,
    questionnaire: Questionnaire,
    assessment: Assessment,
    document: bytes,
    signatures: Mapping[str, bytes],
    *,
    actor: str,
    roles: Iterable[str],
    trust: TrustStore | None = None,
    signed_pdf: bytes | None = None,
) -> Frozen:
    """Archive the signed final document as the next version, in the status its decision gives.

    Only the decision-maker freezes. The document must be the final document of these answers
    for that version number, and every signature the decision needs must be valid over its
    bytes and trusted by the archive's trust store (`trust`, default `DPIA_TRUST_DIR`);
    otherwise ApprovalRefusedError names each signatory still missing, invalid or untrusted.
    A `signed_pdf` kept beside it is held to the same rule, over the signatures inside it
    (`check_signed_pdf`).
    """
    require(roles, "freeze")
    assessment_id = assessment.meta.id
    if assessment_id is None:
        raise WorkflowError("the assessment is not in the archive yet: save it first")
    _refuse_unreviewed(archive, questionnaire, assessment)
    versions = archived_versions(archive, assessment_id)
    number = versions[-1].number + 1 if versions else 1
    record = check_document(document, assessment, version=number)
    store = trust or archive_trust_store()
    verification = verify_signatures(document, signatures, trust=store)
    approval = check_approval(assessment.signoff, verification)
    if not approval.ready or approval.status is None:
        raise ApprovalRefusedError(
            f"{assessment_id} v{number} cannot be frozen yet:\n{approval.refusal()}"
        )
    pdf_approval = None
    if signed_pdf is not None:
        pdf_approval = check_signed_pdf(
            signed_pdf, assessment, version=number, trust=store
        ).approval
        if not pdf_approval.ready:
            raise ApprovalRefusedError(
                f"{assessment_id} v{number} cannot be frozen with this signed PDF; in the "
                f"PDF:\n{pdf_approval.refusal()}"
            )
    parts = version_parts(questionnaire, assessment, as_of=law_date(assessment, document=record))
    evidence: dict[str, object] = {
        "trust_store": str(store.directory),
        "signed_by": _signed_by(approval),
    }
    if pdf_approval is not None:
        evidence["signed_pdf_by"] = _signed_by(pdf_approval)
    version = archive.freeze(
        parts.answers,
        parts.report_json,
        parts.questionnaire_text,
        actor=actor,
        document=document,
        signatures=signatures,
        status=approval.status,
        note=approval.note,
        evidence=evidence,
        number=number,
        signed_pdf=signed_pdf,
    )
    return Frozen(version, approval)


def _signed_by(approval: Approval) -> dict[str, dict[str, str]]:
    """What the audit log keeps of each signature that approved: who, which key, which file."""
    return {
        check.required.role: {
            "name": check.required.name,
            "certificate_sha256": check.report.signer.fingerprint,
            "signature": check.report.name,
            "trust": check.report.trust.reason,
        }
        for check in approval.signers
        if check.report is not None and check.report.signer is not None
    }


def withdraw(
    archive: Archive,
    assessment: Assessment,
    part: str,
    *,
    actor: str,
    roles: Iterable[str],
    revision: int | None,
) -> tuple[Assessment, int]:
    """Withdraw the DPO's advice or the decision from the draft, logged in the audit log.

    Returns the assessment without it and the draft's new revision. Only the DPO withdraws
    advice and only the decision-maker a decision; after that, the signatory who gave it may
    leave the list of signatories.
    """
    require(roles, "withdraw_advice" if part == "dpo_advice" else "withdraw_decision")
    if assessment.signoff is None:
        raise WorkflowError("there is no sign-off record to withdraw from")
    before = getattr(assessment.signoff, part, None)
    signoff = withdrawn(assessment.signoff, part)
    after = assessment.model_copy(update={"signoff": signoff})
    draft = archive.withdraw_signoff(
        after.to_file(),
        actor=actor,
        revision=revision,
        part=part,
        details={"withdrawn": before.model_dump(mode="json") if before else None},
    )
    return after, draft.revision


def submit_for_review(
    archive: Archive,
    assessment_id: str,
    number: int,
    status: str,
    *,
    actor: str,
    roles: Iterable[str],
    note: str = "",
) -> StatusChange:
    """Move an archived version into review; a decided status comes only from `freeze`."""
    known = {s.value: s for s in VersionStatus}
    wanted = known.get(str(status))
    if wanted in DECIDED_STATUSES:
        raise WorkflowError(
            f"{status} is not set by hand: it comes only from freezing a signed version, "
            f"which checks the signatures the decision needs: dpia archive freeze "
            f"{assessment_id} --document DOC.docx"
        )
    if wanted is not VersionStatus.IN_REVIEW:
        raise WorkflowError(
            f"{status!r} is not a status a version can be given by hand; the one allowed is "
            "in_review (draft → in_review; a freeze gives approved or rejected)"
        )
    require(roles, "submit_for_review")
    return archive.set_status(assessment_id, number, wanted, actor=actor, note=note)
