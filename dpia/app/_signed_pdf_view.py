"""The PDF/A on Review & sign-off: signed inside by each signatory, what any PDF reader shows.

The PDF is made from the final document by LibreOffice when the first person signs it and kept
in the signing room (`_signing_room`); each later signature is appended to it. Who may sign it,
and what its signatures make of the approval, are the workflow's rules for the .docx
(`dpia.workflow.sign_final_pdf`, `check_signed_pdf`).
"""

from __future__ import annotations

import streamlit as st

from .._assessment import Assessment
from .._errors import DPIAError
from ..document import pdf_rendition
from ..signing import FileKeySigner, archive_trust_store, configured_timestamper
from ..workflow import FinalDocument, SignedPdfCheck, check_signed_pdf, sign_final_pdf
from ._session import widget_value
from ._signature_table import approval_list, verification_table
from ._signing_room import keep_signed_pdf, room_pdf
from ._users import AppUser

__all__ = ["pdf_check", "sign_room_pdf", "signed_pdf_section"]

_PDF = "application/pdf"


def pdf_check(
    assessment_id: str, assessment: Assessment, final: FinalDocument
) -> tuple[bytes | None, SignedPdfCheck | None]:
    """The PDF signed so far for this document, and what its signatures prove; None before the
    first signature, and no check (with the reason shown) when the kept PDF cannot be read; the
    bytes are then empty if not even they could be read."""
    pdf: bytes | None = None
    try:
        pdf = room_pdf(assessment_id, final)
        if pdf is None:
            return None, None
        return pdf, check_signed_pdf(
            pdf, assessment, version=final.version, trust=archive_trust_store()
        )
    except DPIAError as exc:
        st.error(
            f"The signed PDF kept for this document cannot be checked: {exc}. Nothing is frozen "
            "with it; whoever keeps the server's signing folder can remove it, and the "
            "signatories sign the PDF again.",
            icon=":material/gpp_bad:",
        )
        return pdf or b"", None


def signed_pdf_section(
    final: FinalDocument, pdf: bytes | None, check: SignedPdfCheck | None
) -> None:
    """The PDF/A copy, signed inside: what a DPO opens in any PDF reader."""
    st.markdown("**The PDF, signed inside**")
    if pdf is not None and check is None:
        return  # `pdf_check` has said why it cannot be checked
    if pdf is None or check is None:
        st.caption(
            "Signatories can also sign the PDF/A copy of this document. Each signature goes "
            "inside the PDF (PAdES), so any PDF reader shows who signed it, in which role and "
            "when. The PDF is made from this document by the first signature, and is frozen "
            "with the version once every signature the decision needs is in it too."
        )
        return
    st.download_button(
        "Download the signed PDF",
        pdf,
        file_name=final.file_name.removesuffix(".docx") + ".pdf",
        mime=_PDF,
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key="final-pdf-download",
    )
    verification_table(check.verification, key="pdf-signature")
    approval_list(check.approval, "Signatures the decision needs in the PDF")


def sign_room_pdf(
    assessment_id: str,
    assessment: Assessment,
    user: AppUser,
    final: FinalDocument,
    signer: FileKeySigner,
) -> str:
    """Sign the PDF kept for this document (made from it by the first signature); the name of
    the signatory signed for."""
    before = room_pdf(assessment_id, final)
    pdf = before
    if pdf is None:
        pdf, reason = pdf_rendition(final.content)
        if pdf is None:
            raise DPIAError(f"the PDF cannot be made on this server: {reason}")
    signed, signatory = sign_final_pdf(
        assessment,
        pdf,
        signer,
        roles=user.roles,
        signing_as=widget_value("sign-as"),
        signed_in_as=None if user.local else user.email,
        timestamper=configured_timestamper(),
        trust=archive_trust_store(),
    )
    keep_signed_pdf(assessment_id, final, before, signed)
    return signatory.name
