"""Who should have signed against who did: the sign-off record held up to the signatures.

Valid signatures by trusted keys are not yet a signed-off DPIA: the people listed on the
signature page, each with the certificate named there, must be the ones who signed. This is
the comparison an auditor would otherwise do by hand with fingerprints.
"""

from __future__ import annotations

from .._signoff import SignOff
from .._vocabulary import role_in_sentence
from ._verdict import DocumentVerification, SignatureReport

__all__ = ["compare_with_signoff"]


_role = role_in_sentence


def compare_with_signoff(signoff: SignOff, verification: DocumentVerification) -> list[str]:
    """Every difference between the record's signatories and the intact signatures."""
    if not signoff.signatories:
        return ["the sign-off record lists no signatories"]
    signed: dict[str, SignatureReport] = {
        report.signer.fingerprint: report
        for report in verification.signatures
        if report.intact and report.signer is not None
    }
    differences = []
    for signatory in signoff.signatories:
        report = signed.get(signatory.certificate_sha256)
        if report is None or report.signer is None:
            differences.append(
                f"no intact signature from {signatory.name} ({_role(signatory.role)}) with the "
                f"certificate {signatory.certificate_sha256}"
            )
        elif report.signer.role is not None and report.signer.role != signatory.role:
            differences.append(
                f"{signatory.name} signed with a certificate for the role "
                f"{_role(report.signer.role)}, but the record lists them as {_role(signatory.role)}"
            )
    listed = {signatory.certificate_sha256 for signatory in signoff.signatories}
    for fingerprint, report in signed.items():
        if fingerprint not in listed and report.signer is not None:
            differences.append(
                f"{report.signer.describe()} signed ({report.name}) but is not a signatory "
                "in the sign-off record"
            )
    return differences
