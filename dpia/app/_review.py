"""The Review & sign-off page: advice, decision, signatures, and the version they freeze.

The order is the law's and the signing package's: the DPO's advice before the decision, both
before the final document is built (its signature page names the signatories and their
certificates), then each signatory signs those exact bytes. Only a person holding the role a
signatory signs in may sign for them. When the last signature is in, the version is frozen in
the archive with the document and every signature, and moved through review to the status the
decision gives it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import streamlit as st

from .._assessment import Assessment
from .._errors import AnswersError, SigningError, StaleDraftError
from .._signoff import SignOff
from .._vocabulary import DECISION, SIGNATORY_ROLE, VERSION_STATUS
from ..archive import VersionStatus, canonical_json
from ..document import Revision, render_docx
from ..signing import DocumentVerification, compare_with_signoff, verify_document
from ._archive_link import archive, archive_version, archived_versions, save_draft
from ._case import Case
from ._frame import PAGES, open_assessment_or_stop
from ._reporting import case_report
from ._signing_room import certificate_identity, room_document, room_signatures, sign_in_room
from ._signoff_forms import advice_form, decision_form, people_form, signatories_form
from ._users import AppUser, current_user

__all__ = ["SIGNS_AS", "show_review", "verification_table"]

SIGNS_AS = {
    "assessor": "author",
    "dpo": "dpo",
    "decision_maker": "decision_maker",
    "workers_representative": "author",
}
"""The app role a person must hold to sign in each sign-off role."""

_DOCUMENT_STATUS = {
    "approve": "approved",
    "conditionally_approve": "approved",
    "reject": "rejected",
    "refer_to_supervisory_authority": "in_review",
}
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def show_review() -> None:
    case = open_assessment_or_stop()
    user = current_user()
    st.title("Review & sign-off")
    st.caption(case.title)
    try:
        questionnaire = case_report(case)[0]
    except AnswersError:
        st.warning("Some answers do not fit their questions yet; the wizard marks them.")
        st.page_link(PAGES["wizard"], label="Open the wizard", icon=":material/checklist:")
        return

    def save() -> None:
        try:
            save_draft(case, questionnaire, actor=user.actor)
        except StaleDraftError as exc:
            st.error(f"Not saved: {exc}.", icon=":material/sync_problem:")
        else:
            st.toast("Sign-off record saved", icon=":material/cloud_done:")

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
        advice_form(case, user, save)
    with decision:
        st.subheader("Decision")
        st.caption(
            "Section 6 of the EDPB template: the conclusion, and the reasons when it departs "
            "from the DPO's advice."
        )
        decision_form(case, user, save)
    st.divider()
    _final_document(case, user)


def _missing(case: Case) -> list[str]:
    """What still stands between this record and a final document, in plain words."""
    gaps = []
    questionnaire, _, _ = case_report(case)
    try:
        case.check(questionnaire, require_complete=True)
    except AnswersError as exc:
        count = sum(1 for p in exc.problems if p.severity == "error")
        gaps.append(f"{count} required answer{'s' * (count != 1)} still missing (see the wizard)")
    signoff = case.signoff or {}
    if not case.assessment_id:
        gaps.append("the assessment is not saved in the archive yet")
    if not signoff.get("dpo_advice"):
        gaps.append("the DPO's advice is not recorded")
    if not signoff.get("decision"):
        gaps.append("the decision is not recorded")
    if not signoff.get("signatories"):
        gaps.append("no signatory is listed")
    return gaps


def _final_document(case: Case, user: AppUser) -> None:
    st.subheader("Final document and signatures")
    gaps = _missing(case)
    if gaps:
        st.info("Before the final document can be signed: " + "; ".join(gaps) + ".")
        return
    questionnaire, assessment, report = case_report(case)
    signoff = SignOff.model_validate(case.signoff)
    assert signoff.decision is not None and case.assessment_id is not None
    versions = archived_versions(case.assessment_id)
    number = versions[-1].number + 1 if versions else 1
    status = _DOCUMENT_STATUS[signoff.decision.decision]
    history = [
        Revision(version=v.number, date=v.created_at.date(), author=v.author, status=v.status.value)
        for v in versions
    ]
    if versions and _frozen_unchanged(case.assessment_id, assessment):
        latest = versions[-1]
        st.success(
            f"Signed and frozen as version {latest.number} "
            f"({VERSION_STATUS[latest.status].lower()}). The Archive page shows its signatures "
            "and its place in the chain; any change from here on makes a new version.",
            icon=":material/verified:",
        )
        return
    docx = render_docx(
        questionnaire, assessment, report, version=number, status=status, history=history
    )
    document = room_document(case.assessment_id, f"dpia-{case.assessment_id}-v{number}.docx", docx)
    st.markdown(
        f"Version {number} is ready for signing. Every signatory signs these exact bytes "
        f"(SHA-256 `{_sha256(docx)}`); changing any answer makes a new document."
    )
    st.download_button(
        "Download the final document (.docx)",
        docx,
        file_name=document.name,
        mime=_DOCX,
        icon=":material/download:",
        on_click="ignore",
        key="final-download",
    )
    verification = verify_document(document)
    verification_table(verification)
    outstanding = compare_with_signoff(signoff, verification)
    if outstanding:
        st.markdown("**Still to sign**")
        for line in outstanding:
            st.markdown(f"- {line}")
        _sign(case, user, signoff, document, verification)
    else:
        _freeze(case, user, document, signoff)


def _frozen_unchanged(assessment_id: str, assessment: Assessment) -> bool:
    """The latest version is signed and holds exactly these answers and sign-off record."""
    latest = archive().version(assessment_id)
    mine = assessment.to_file()
    mine["assessment"]["id"] = assessment_id
    return bool(latest.signatures) and latest.answers == json.loads(canonical_json(mine))


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def verification_table(verification: DocumentVerification) -> None:
    """One line per signature: who, in which role, when, whether it holds and is trusted."""
    if not verification.signatures:
        st.caption("No signature yet.")
        return
    st.dataframe(
        [
            {
                "Signer": s.signer.name if s.signer else "unknown",
                "Role": SIGNATORY_ROLE.get(s.signer.role or "", "not stated") if s.signer else "",
                "Signature": "valid" if s.valid else "INVALID: " + "; ".join(s.problems),
                "Trust": ("trusted" if s.trust.trusted else "not trusted") + f": {s.trust.reason}",
                "Signed at (UTC)": s.signing_time,
                "Email": (s.signer.email or "") if s.signer else "",
                "Certificate SHA-256": s.signer.fingerprint if s.signer else "",
            }
            for s in verification.signatures
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "Signed at (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
        },
    )
    if any(not s.trust.trusted for s in verification.signatures):
        st.caption(
            "A valid signature proves the holder of the key signed these bytes; it is trusted once "
            "the organisation accepts that certificate. The DPO does so on the server with "
            "`dpia trust add cert.pem` (a signer's or the issuing CA's certificate)."
        )


def _sign(
    case: Case,
    user: AppUser,
    signoff: SignOff,
    document: Path,
    verification: DocumentVerification,
) -> None:
    signed = {s.signer.fingerprint for s in verification.signatures if s.valid and s.signer}
    mine = [
        s
        for s in signoff.signatories
        if s.certificate_sha256 not in signed and user.has(SIGNS_AS[s.role])
    ]
    if not mine:
        st.caption("None of the signatures still missing is yours to give.")
        return
    with st.container(border=True):
        st.markdown("**Sign**")
        names = {s.certificate_sha256: s for s in mine}
        chosen = st.selectbox(
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
        key, certificate, passphrase, go = _signing_inputs(source)
        if not go:
            return
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
            st.error(f"Still needed to sign: {', '.join(missing)}.", icon=":material/error:")
            return
        try:
            holder = certificate_identity(certificate)
            if holder.fingerprint != chosen:
                st.error(
                    f"That certificate belongs to {holder.describe()}, not to "
                    f"{names[chosen].name}, who is listed with the certificate {chosen}.",
                    icon=":material/error:",
                )
                return
            if not user.local and (holder.email or "").lower() != user.email:
                st.error(
                    f"You are signed in as {user.email}; a certificate issued to "
                    f"{holder.email or 'no email address'} cannot be used in your name.",
                    icon=":material/error:",
                )
                return
            sign_in_room(document, key=key, certificate=certificate, passphrase=passphrase.encode())
        except SigningError as exc:
            st.error(str(exc), icon=":material/error:")
            return
        st.rerun()


def _signing_inputs(source: str) -> tuple[bytes | Path | None, bytes | Path | None, str, bool]:
    """Key, certificate and passphrase, sent together when the signer presses Sign.

    A form, because a browser does not hand a password field's text to the app when the
    signer leaves it with Tab: outside a form the passphrase would arrive empty and the page
    would ask for a passphrase that was typed.
    """
    key: bytes | Path | None
    certificate: bytes | Path | None
    with st.form("sign-form", border=False, enter_to_submit=False):
        left, right = st.columns(2)
        if source == "upload":
            key_file = left.file_uploader(
                "Encrypted key (key.pem)", key="sign-key", max_upload_size=1
            )
            cert_file = right.file_uploader(
                "Certificate (cert.pem)", key="sign-cert", max_upload_size=1
            )
            key = key_file.getvalue() if key_file else None
            certificate = cert_file.getvalue() if cert_file else None
        else:
            key_path = left.text_input("Path of key.pem", key="sign-key-path")
            cert_path = right.text_input("Path of cert.pem", key="sign-cert-path")
            key = Path(key_path) if key_path else None
            certificate = Path(cert_path) if cert_path else None
        passphrase = st.text_input("Passphrase of the key", type="password", key="sign-passphrase")
        go = st.form_submit_button(
            "Sign the document", type="primary", icon=":material/draw:", key="sign-go"
        )
    return key, certificate, passphrase, go


def _freeze(case: Case, user: AppUser, document: Path, signoff: SignOff) -> None:
    """Every signatory has signed: archive the version and move it to its decided status."""
    assert signoff.decision is not None and case.assessment_id is not None
    questionnaire, assessment, report = case_report(case)
    with st.status("Every signatory has signed: freezing the version", expanded=True) as status:
        version = archive_version(
            case,
            questionnaire,
            assessment,
            report,
            actor=user.actor,
            document=document.read_bytes(),
            signatures=room_signatures(document),
        )
        st.write(
            f"Archived as version {version.number}, with {len(version.signatures)} signatures."
        )
        store = archive()
        store.set_status(
            version.assessment_id, version.number, VersionStatus.IN_REVIEW, actor=user.actor
        )
        final = _DOCUMENT_STATUS[signoff.decision.decision]
        if final != "in_review":
            store.set_status(
                version.assessment_id,
                version.number,
                final,
                actor=user.actor,
                note=f"decision: {DECISION[signoff.decision.decision]}",
            )
        status.update(label=f"Version {version.number} frozen", state="complete")
    st.rerun()
