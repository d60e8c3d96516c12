"""A signature table and the signatures a decision needs, the same for every kind of signature.

The signatures beside a .docx and those inside its PDF are reported in the same verdicts
(`dpia.signing.SignatureReport`), so the Review page and the Archive page show both with these.
"""

from __future__ import annotations

import streamlit as st

from .._vocabulary import (
    SIGNATORY_ROLE,
    SIGNATURE_VERDICT,
    SIGNATURE_VERDICT_MEANING,
    fingerprint,
    moment,
)
from ..signing import DocumentVerification, SignatureReport
from ..workflow import Approval
from ._tables import plain_markdown

__all__ = ["approval_list", "verification_table"]

_STATE_ICONS = {
    "signed": ":material/check_circle:",
    "missing": ":material/pending:",
    "unlisted": ":material/person_add:",
    "untrusted": ":material/gpp_maybe:",
    "invalid": ":material/gpp_bad:",
    "mismatch": ":material/gpp_bad:",
}


def verification_table(verification: DocumentVerification, key: str = "signature") -> None:
    """One card per signature: who, in which role, when, and what the signature proves.

    Cards, not a table: seven columns do not fit a phone, and a table that scrolls sideways
    hides the verdict behind the signer's name. The certificate fingerprint is written in
    groups (`fingerprint`), so that it wraps and can still be compared with OpenSSL's. `key`
    names the cards, so the .docx and the PDF signatures can share a page.
    """
    if not verification.signatures:
        st.caption("No signature yet.")
        return
    for number, signature in enumerate(verification.signatures, start=1):
        signer = signature.signer
        role = SIGNATORY_ROLE.get(signer.role or "", "role not stated") if signer else ""
        trust = "Trusted" if signature.trust.trusted else "Not trusted"
        lines = {
            "Signature": f"{SIGNATURE_VERDICT[signature.verdict]}: {_verdict_detail(signature)}",
            "Trust": f"{trust}: {signature.trust.reason}",
            "Signed at": _signed_at(signature),
            "Email": (signer.email or "not stated") if signer else "",
            "Certificate SHA-256": fingerprint(signer.fingerprint) if signer else "",
        }
        with st.container(border=True, key=f"{key}-{number}"):
            name = plain_markdown(signer.name) if signer else "Unknown signer"
            st.markdown(f"**{name}**" + (f" · {role}" if role else ""))
            shown = [f"**{k}:** {plain_markdown(v)}" for k, v in lines.items() if v]
            st.markdown("  \n".join(shown))
    if any(not s.trust.trusted for s in verification.signatures):
        st.caption(
            "An intact signature proves only that the holder of the key signed these bytes; it "
            "counts once the organisation trusts that certificate. Whoever keeps the trust "
            "store on the server runs `dpia trust add cert.pem` with the signer's certificate "
            "(or the CA that issued it)."
        )


def _signed_at(report: SignatureReport) -> str:
    """The authority's time when a time-stamp proves it, else the signer's own clock."""
    stamp = report.timestamp
    if stamp is not None and stamp.time is not None and not stamp.problems:
        trusted = stamp.trust is not None and stamp.trust.trusted
        by = f"time-stamped by {stamp.authority}" + ("" if trusted else ", authority not trusted")
        return f"{moment(stamp.time)} ({by})"
    if report.signing_time is None:
        return "not stated"
    return f"{moment(report.signing_time)} (signer's clock)"


def _verdict_detail(report: SignatureReport) -> str:
    if report.unreadable is not None:
        return report.unreadable
    if report.problems:
        return "; ".join(report.problems)
    if report.reservations:
        return "; ".join(report.reservations)
    return SIGNATURE_VERDICT_MEANING[report.verdict]


def approval_list(approval: Approval, title: str = "Signatures the decision needs") -> None:
    st.markdown(f"**{title}** ({approval.note})")
    for check in approval.signers:
        icon = _STATE_ICONS[check.state]
        st.markdown(f"{icon} {check.message[:1].upper()}{check.message[1:]}")
    for problem in approval.problems:
        st.markdown(f":material/gpp_bad: {problem[:1].upper()}{problem[1:]}")
