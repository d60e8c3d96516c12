"""Whether a signed PDF/A may be kept beside a frozen version's .docx, and what it proves.

The PDF is the copy a DPO passes on and opens in a PDF reader, so it answers to the rules the
.docx answers to: the same people the decision needs (`required_signers`) must each have a
VALID signature inside it, by the certificate the sign-off record lists for them, and nothing
may have changed the file after the last signature (`check_approval` on its verification).
LibreOffice's PDF is not byte-for-byte reproducible from the .docx, so the PDF is tied to the
document by what its title page states: the assessment's id and the version number, which the
renderer writes from the same record as the .docx.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

from .._assessment import Assessment
from .._errors import WorkflowError
from ..signing import DocumentVerification, TrustStore
from ._approval import Approval, check_approval

__all__ = ["SignedPdfCheck", "check_signed_pdf"]

_STATED = re.compile(r"^(Assessment ID|Version):\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class SignedPdfCheck:
    """Every signature inside the PDF, and what they make of the decision's approval."""

    verification: DocumentVerification
    approval: Approval


def check_signed_pdf(
    pdf: bytes, assessment: Assessment, *, version: int, trust: TrustStore
) -> SignedPdfCheck:
    """The approval the PDF's own signatures give; WorkflowError when it is another document."""
    from ..signing import verify_pdf

    stated = _title_page(pdf)
    wanted = {"Assessment ID": assessment.meta.id or "", "Version": str(version)}
    for label, value in wanted.items():
        if stated.get(label) != value:
            found = stated.get(label, "nothing")
            raise WorkflowError(
                f"the signed PDF states {label} {found} on its title page, but the version being "
                f"frozen is {label} {value}: sign the PDF rendered from this document "
                "(dpia render --pdf)"
            )
    verification = verify_pdf(pdf, trust=trust, document="the signed PDF")
    return SignedPdfCheck(verification, check_approval(assessment.signoff, verification))


def _title_page(pdf: bytes) -> dict[str, str]:
    from pdfminer.high_level import extract_text
    from pdfminer.psexceptions import PSException

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        text = extract_text(io.BytesIO(pdf), page_numbers=[0])
    except (PSException, ValueError, KeyError, TypeError) as exc:
        raise WorkflowError(f"the signed PDF cannot be read: {exc}") from None
    return {label: value for label, value in _STATED.findall(text)}
