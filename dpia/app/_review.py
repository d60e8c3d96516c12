"""The Review & sign-off page: advice, decision, signatures, and the version they freeze.

The order is the law's and the signing package's: the DPO's advice before the decision, both
before the final document is built (its signature page names the signatories and their
certificates), then each signatory signs those exact bytes. Every rule is the workflow's
(`dpia.workflow`): who may sign for whom, which signatures the decision needs, whether they
count. This page only asks and shows. Looking at it never writes anything; the decision-maker
freezes the version with a button once every signature the decision needs is valid and trusted.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from .._assessment import Assessment
from .._errors import AnswersError, DPIAError, StaleDraftError
from .._vocabulary import (
    SIGNATORY_ROLE,
    VERSION_STATUS,
)
from ..archive import AuditAction, VersionSummary, canonical_json
from ..questionnaire import Questionnaire
from ..signing import (
    DocumentVerification,
    FileKeySigner,
    archive_trust_store,
    configured_timestamper,
    verify_signatures,
)
from ..workflow import (
    SIGNS_AS,
    Approval,
    FinalDocument,
    SignedPdfCheck,
    check_approval,
    decisions_open,
    final_document,
    freeze,
    may,
    sign,
    signing_gaps,
    withdraw,
)
from ._archive_link import archive, archived_versions, save_draft
from ._case import Case
from ._faults import guarded_callback
from ._followup_view import show_conditions, show_reconsiderations
from ._frame import PAGES, open_assessment_or_stop
from ._messages import sentence, stale_draft_text
from ._reporting import case_report
from ._session import forget_signing_inputs, pop_notice, push_notice, widget_value
from ._signature_table import approval_list, verification_table
from ._signed_pdf_view import pdf_check, sign_room_pdf, signed_pdf_section
from ._signing_room import file_signature, room_signatures
from ._signoff_forms import advice_form, decision_form, people_form, signatories_form
from ._users import AppUser, current_user

__all__ = ["show_review"]

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_NOTICE_ICONS = {
    "signed": ":material/draw:",
    "frozen": ":material/lock:",
    "withdrawn": ":material/undo:",
}


def show_review() -> None:
    case = open_assessment_or_stop()
    user = current_user()
    st.title("Review & sign-off")
    st.caption(case.title)
    notice = pop_notice()
    if notice is not None:
        kind, text = notice
        if kind == "error":
            st.error(text, icon=":material/error:")
        else:
            st.success(text, icon=_NOTICE_ICONS.get(kind, ":material/check:"))
    try:
        questionnaire, assessment, report = case_report(case)
    except AnswersError:
        st.warning("Some answers do not fit their questions yet; the wizard marks them.")
        st.page_link(PAGES["wizard"], label="Open the wizard", icon=":material/checklist:")
        return

    def save() -> None:
        try:
            save_draft(case, questionnaire, actor=user.actor)
        except StaleDraftError as exc:
            st.error(stale_draft_text(exc, user.actor), icon=":material/sync_problem:")
        else:
            st.toast("Sign-off record saved", icon=":material/cloud_done:")

    def take_back(part: str) -> None:
        _withdraw(case, questionnaire, user, part)

    show_reconsiderations(questionnaire, assessment)
    show_conditions(case.assessment_id, user)
    record, advice, decision = st.tabs(["Record and signatories", "DPO advice", "Decision"])
    with record:
        st.subheader("Assessor and consultation")
        people_form(case, user, save)
        st.subheader("Signatories")
        signatories_form(case, user, save)
    with advice:
        st.subheader("Advice of the data protection officer")
        st.caption(
            "GDPR Art. 35(2): the controller seeks the DPO's advice when carrying out a DPIA."
        )
        advice_form(case, user, save, take_back)
    with decision:
        st.subheader("Decision")
        st.caption(
            "Section 6 of the EDPB template: the conclusion, and the reasons when it departs "
            "from the DPO's advice."
        )
        decision_form(case, user, save, take_back, decisions_open(report.gdpr_applies))
    st.divider()
    if user.reads_only:
        st.subheader("Final document and signatures")
        st.markdown(
            "Each archived version's document and its signatures, checked over the archived "
            "bytes, are on the Archive page (Verify and export)."
        )
        st.page_link(PAGES["archive"], label="Open the Archive", icon=":material/inventory_2:")
        return
    _final_document(case, questionnaire, user)


def _withdraw(case: Case, questionnaire: Questionnaire, user: AppUser, part: str) -> None:
    try:
        assessment = case.check(questionnaire).assessment
        after, revision = withdraw(
            archive(),
            assessment,
            part,
            actor=user.actor,
            roles=user.roles,
            revision=case.revision,
        )
    except DPIAError as exc:
        st.error(f"Not withdrawn: {sentence(str(exc))}", icon=":material/error:")
        return
    signoff = after.signoff
    case.signoff = None if signoff is None else signoff.model_dump()
    case.revision = revision
    what = "advice" if part == "dpo_advice" else "decision"
    push_notice("withdrawn", f"The {what} is withdrawn; the audit log keeps who did it and when.")
    st.rerun()


def _unanswered(case: Case, questionnaire: Questionnaire) -> int:
    try:
        case.check(questionnaire, require_complete=True)
    except AnswersError as exc:
        return sum(1 for p in exc.problems if p.severity == "error")
    return 0


def _final_document(case: Case, questionnaire: Questionnaire, user: AppUser) -> None:
    st.subheader("Final document and signatures")
    assessment = case.check(questionnaire).assessment
    gaps = signing_gaps(case.assessment_id, assessment, unanswered=_unanswered(case, questionnaire))
    if gaps:
        st.info("Before the final document can be signed: " + "; ".join(gaps) + ".")
        return
    assert case.assessment_id is not None
    versions = archived_versions(case.assessment_id)
    frozen = _frozen_unchanged(case.assessment_id, assessment, versions)
    if frozen is not None:
        st.success(
            f"Signed and frozen as version {frozen.number} "
            f"({VERSION_STATUS[frozen.status].lower()}). The Archive page shows its "
            "signatures and its place in the chain; any change from here on makes a new version.",
            icon=":material/verified:",
        )
        return
    final = final_document(questionnaire, assessment, versions)
    signatures = room_signatures(case.assessment_id, final)
    verification = verify_signatures(
        final.content, signatures, trust=archive_trust_store(), document=final.file_name
    )
    approval = check_approval(assessment.signoff, verification)
    pdf, pdf_signatures = pdf_check(case.assessment_id, assessment, final)
    st.markdown(
        f"Version {final.version} is ready for signing. Every signatory signs these exact "
        "bytes; changing any answer makes a new document.  \n"
        f"SHA-256 `{final.sha256}`"
    )
    st.download_button(
        "Download the final document (.docx)",
        final.content,
        file_name=final.file_name,
        mime=_DOCX,
        icon=":material/download:",
        on_click="ignore",
        key="final-download",
    )
    verification_table(verification)
    approval_list(approval)
    signed_pdf_section(final, pdf, pdf_signatures)
    _sign(case, assessment, user, final, verification, pdf_signatures)
    if approval.ready and pdf is not None and pdf_signatures is None:
        return  # the PDF kept for this document cannot be checked; its section says why
    if approval.ready and pdf_signatures is not None and not pdf_signatures.approval.ready:
        st.info(
            "Every signature the decision needs is on the document. The PDF is frozen with it, "
            "so freezing waits until they are in the PDF too.",
            icon=":material/lock_clock:",
        )
    elif approval.ready:
        _freeze(case, questionnaire, assessment, user, final, signatures, approval, pdf)


def _frozen_unchanged(
    assessment_id: str, assessment: Assessment, versions: list[VersionSummary]
) -> VersionSummary | None:
    """The latest version, when it was frozen with exactly these answers and sign-off record."""
    if not versions:
        return None
    latest = versions[-1]
    frozen = any(
        event.action is AuditAction.VERSION_FROZEN and event.version_number == latest.number
        for event in archive().audit_trail(assessment_id)
    )
    if not frozen:
        return None
    mine = json.loads(canonical_json(assessment.to_file()))
    return latest if archive().version(assessment_id, latest.number).answers == mine else None


def _sign(
    case: Case,
    assessment: Assessment,
    user: AppUser,
    final: FinalDocument,
    verification: DocumentVerification,
    pdf_check: SignedPdfCheck | None,
) -> None:
    signoff = assessment.signoff
    if signoff is None:
        return
    signed = {s.signer.fingerprint for s in verification.signatures if s.intact and s.signer}
    in_pdf = set()
    if pdf_check is not None:
        in_pdf = {
            s.signer.fingerprint for s in pdf_check.verification.signatures if s.intact and s.signer
        }
    missing = [
        s
        for s in signoff.signatories
        if s.certificate_sha256 not in signed or s.certificate_sha256 not in in_pdf
    ]
    # Whoever has not signed the document yet comes first: the PDF is the optional copy.
    mine = sorted(
        (s for s in missing if SIGNS_AS[s.role] in user.roles),
        key=lambda s: s.certificate_sha256 in signed,
    )
    if not mine:
        if missing:
            st.caption("None of the signatures still missing is yours to give.")
        return
    with st.container(border=True):
        st.markdown("**Sign**")
        names = {s.certificate_sha256: s for s in mine}
        st.selectbox(
            "Signing as",
            list(names),
            format_func=lambda f: f"{names[f].name} ({SIGNATORY_ROLE[names[f].role]})",
            key="sign-as",
        )
        source = st.radio(
            "Key and certificate",
            ("upload", "server"),
            format_func={"upload": "Upload them", "server": "Files on this server"}.__getitem__,
            horizontal=True,
            key="sign-source",
        )
        _sign_form(case, assessment, user, final, source)


def _sign_form(
    case: Case, assessment: Assessment, user: AppUser, final: FinalDocument, source: str
) -> None:
    """Key, certificate and passphrase, sent together when the signer presses Sign.

    A form, because a browser does not hand a password field's text to the app when the
    signer leaves it with Tab: outside a form the passphrase would arrive empty. The form
    clears itself in the browser on every submit, and the signing runs in the button's
    callback, which then drops the inputs from the session (`forget_signing_inputs`): the key
    and the passphrase never outlive the attempt, whether it succeeded or not.
    """
    with st.form("sign-form", border=False, enter_to_submit=False, clear_on_submit=True):
        left, right = st.columns(2)
        if source == "upload":
            left.file_uploader("Encrypted key (key.pem)", key="sign-key", max_upload_size=1)
            right.file_uploader("Certificate (cert.pem)", key="sign-cert", max_upload_size=1)
        else:
            left.text_input("Path of key.pem", key="sign-key-path")
            right.text_input("Path of cert.pem", key="sign-cert-path")
        st.text_input("Passphrase of the key", type="password", key="sign-passphrase")
        buttons = st.container(horizontal=True)
        buttons.form_submit_button(
            "Sign the document",
            type="primary",
            icon=":material/draw:",
            key="sign-go",
            on_click=_attempt_signing,
            args=(case, assessment, user, final, source),
        )
        buttons.form_submit_button(
            "Sign the PDF",
            icon=":material/picture_as_pdf:",
            key="sign-pdf-go",
            on_click=_attempt_signing,
            args=(case, assessment, user, final, source, "pdf"),
        )


def _inputs(source: str) -> tuple[bytes | None, bytes | None, str]:
    if source == "upload":
        key_file, cert_file = widget_value("sign-key"), widget_value("sign-cert")
        key = key_file.getvalue() if key_file is not None else None
        certificate = cert_file.getvalue() if cert_file is not None else None
    else:
        key = _server_file(widget_value("sign-key-path") or "", "key")
        certificate = _server_file(widget_value("sign-cert-path") or "", "certificate")
    return key, certificate, widget_value("sign-passphrase") or ""


def _server_file(path: str, what: str) -> bytes | None:
    if not path:
        return None
    if "\x00" in path:
        raise DPIAError(f"the path of the {what} contains a NUL character (U+0000); remove it")
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise DPIAError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None


@guarded_callback
def _attempt_signing(
    case: Case,
    assessment: Assessment,
    user: AppUser,
    final: FinalDocument,
    source: str,
    target: str = "docx",
) -> None:
    """Sign with what the form holds, say how it went, and forget the inputs either way."""
    signed = False
    try:
        key, certificate, passphrase = _inputs(source)
        missing = [
            name
            for name, given in (
                ("the key (key.pem)", key is not None),
                ("its certificate (cert.pem)", certificate is not None),
                ("the key's passphrase", bool(passphrase)),
            )
            if not given
        ]
        if missing:
            push_notice("error", f"Still needed to sign: {', '.join(missing)}.")
            return
        assert key is not None and certificate is not None and case.assessment_id is not None
        signer = FileKeySigner.from_pem(key, certificate, passphrase.encode())
        if target == "pdf":
            name = sign_room_pdf(case.assessment_id, assessment, user, final, signer)
            push_notice("signed", f"Signed the PDF as {name}.")
            signed = True
            return
        made = sign(
            assessment,
            final.content,
            signer,
            roles=user.roles,
            signing_as=widget_value("sign-as"),
            signed_in_as=None if user.local else user.email,
            timestamper=configured_timestamper(),
        )
        file_signature(case.assessment_id, final, made)
    except DPIAError as exc:
        push_notice("error", sentence(str(exc)))
    else:
        push_notice("signed", f"Signed as {made.signatory.name}.")
        signed = True
    finally:
        forget_signing_inputs(signed=signed)


def _freeze(
    case: Case,
    questionnaire: Questionnaire,
    assessment: Assessment,
    user: AppUser,
    final: FinalDocument,
    signatures: dict[str, bytes],
    approval: Approval,
    pdf: bytes | None,
) -> None:
    """Every signature the decision needs is in: the decision-maker freezes the version."""
    status = VERSION_STATUS[approval.status].lower() if approval.status else ""
    if not may(user.roles, "freeze"):
        st.info(
            f"Every signature the decision needs is valid and trusted. The decision-maker "
            f"freezes version {final.version} from this page; it will be {status}.",
            icon=":material/lock_clock:",
        )
        return
    st.success(
        f"Every signature the decision needs is valid and trusted. Freezing archives version "
        f"{final.version} with this document and its signatures"
        f"{', and the signed PDF' if pdf is not None else ''}, {status} ({approval.note}).",
        icon=":material/task_alt:",
    )
    if not st.button(
        f"Freeze version {final.version}", type="primary", icon=":material/lock:", key="freeze"
    ):
        return
    try:
        frozen = freeze(
            archive(),
            questionnaire,
            assessment,
            final.content,
            signatures,
            actor=user.actor,
            roles=user.roles,
            signed_pdf=pdf,
        )
    except DPIAError as exc:
        st.error(f"Not frozen: {sentence(str(exc))}", icon=":material/error:")
        return
    case.meta["id"] = frozen.version.assessment_id
    push_notice(
        "frozen",
        f"Version {frozen.version.number} is frozen: "
        f"{VERSION_STATUS[frozen.version.status].lower()}.",
    )
    st.rerun()
