"""Part 6: the sign-off table, the decision, and the signature page.

The document is signed after it is rendered, as detached CMS files next to it, so the signature
page names who is to sign and with which certificate, and explains how anyone can check the
signatures with OpenSSL alone. It never contains a signature itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..._signoff import Signatory
from ..._signoff import SignOff as SignOffRecord
from ...risk import RiskReport
from ...workflow import decisions_open
from .. import _labels as label
from .. import _styles as s
from .._dossier import Dossier
from .._markup import Span
from .._writer import Cell, Column, DocumentWriter

__all__ = ["SignOff", "SignaturePage"]

_BLANK = Cell.of(Span("Not recorded yet", italic=True))
_NO_DECISION_YET = (
    "No decision is recorded yet. It is recorded in dpia, on the app's Review & sign-off page "
    "or in the sign-off record of the answers file, as one of: "
)
_RECORD_NOT_WORD = (
    "The decision, the DPO's advice and the signatories are read from the sign-off record "
    "embedded in this file, and the file is signed as rendered. Text typed into this document "
    "in Word never reaches that record and breaks every signature on the file; record the "
    "decision in dpia and render the document again."
)


def _approval(record: SignOffRecord | None) -> Cell | str:
    """Who approved, only when someone did: a rejection or a referral to the authority is
    recorded as what it is, never as an approval."""
    decision = record.decision if record else None
    if decision is None:
        return _BLANK
    position = f", {decision.position}" if decision.position else ""
    who = f"{decision.name}{position}, {label.long_date(decision.date)}"
    if decision.decision == "approve":
        return who
    if decision.decision == "conditionally_approve":
        return f"{who}, with conditions (see the decision below)"
    return Cell.of(
        Span("Not approved.", bold=True),
        f"Decision: {label.DECISION[decision.decision]}, by {who}.",
    )


def _review_keeper(report: RiskReport) -> Cell | str:
    """The review owner and date the answers give (GDPR Art. 35(11)), not whoever assessed."""
    due = f", next review on {label.long_date(report.review_due)}" if report.review_due else ""
    if report.review_owner:
        return f"{report.review_owner}{due}"
    if due:
        return Cell.of(Span("Owner not named in the answers", italic=True), due[2:].capitalize())
    return _BLANK


def _ico_rows(record: SignOffRecord | None, report: RiskReport) -> list[tuple[str, Cell | str]]:
    """The sign-off items of the ICO's template (step 7), filled from the record."""
    decision = record.decision if record else None
    advice = record.dpo_advice if record else None
    opinion = record.workers_representatives if record else None
    approver = _approval(record)
    advice_given: Cell | str = _BLANK
    summary: Cell | str = _BLANK
    if advice is not None:
        advice_given = (
            f"{advice.name}, {label.long_date(advice.date)}: {label.ADVICE[advice.advice]}"
        )
        summary = Cell(tuple(advice.summary.split("\n")))
    followed: Cell | str = _BLANK
    if decision is not None and advice is None:
        followed = "No DPO advice is recorded to accept or overrule."
    elif decision is not None:
        followed = (
            f"Accepted by {decision.name}."
            if decision.dpo_advice_followed
            else Cell.of(
                Span(f"Overruled by {decision.name}.", bold=True),
                f"Reasons: {decision.reasons_for_overruling}",
            )
        )
    reviewed: Cell | str = _BLANK
    if opinion is not None and decision is not None:
        reviewed = f"{decision.name} (opinion of {opinion.body}, {label.long_date(opinion.date)})"
    return [
        ("Measures approved by", approver),
        ("Residual risks approved by", approver),
        ("DPO advice provided by", advice_given),
        ("Summary of the DPO's advice", summary),
        ("DPO advice accepted or overruled, by whom and why", followed),
        ("Consultation responses reviewed by", reviewed),
        ("This DPIA will be kept under review by", _review_keeper(report)),
    ]


@dataclass(frozen=True)
class SignOff:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        record = self.dossier.assessment.signoff
        writer.heading("Sign-off and decision", 2)
        consultation = (
            " Accepting a residual high risk means consulting the supervisory authority before "
            "going ahead (GDPR Art. 36)."
            if self.dossier.report.gdpr_applies
            else ""
        )
        writer.note(
            "Who approved the measures and the residual risks, the DPO's advice and whether it "
            f"was followed.{consultation}"
        )
        writer.key_values(_ico_rows(record, self.dossier.report), key_width=6.0)
        writer.heading("Decision", 3)
        decision = record.decision if record else None
        if decision is None:
            open_here = decisions_open(self.dossier.report.gdpr_applies)
            writer.paragraph(
                _NO_DECISION_YET + "; ".join(label.DECISION[code] for code in open_here) + "."
            )
            writer.note(_RECORD_NOT_WORD)
            return
        writer.paragraph((Span("Decision: ", bold=True), Span(label.DECISION[decision.decision])))
        if decision.conditions:
            writer.paragraph(Span("Conditions:", bold=True))
            writer.bullets(decision.conditions)
        who = f"{decision.name}, {decision.position}," if decision.position else decision.name
        writer.paragraph(f"Decided by {who} on {label.long_date(decision.date)}.")


def _role_date(signatory: Signatory, record: SignOffRecord, assessed: dt.date) -> str:
    """The date the person's part was recorded; the signing time itself is in the signature."""
    if signatory.role == "assessor":
        return assessed.isoformat()
    if signatory.role == "decision_maker" and record.decision is not None:
        return record.decision.date.isoformat()
    if signatory.role == "dpo" and record.dpo_advice is not None:
        return record.dpo_advice.date.isoformat()
    if signatory.role == "workers_representative" and record.workers_representatives:
        return record.workers_representatives.date.isoformat()
    return "—"


def _role_decision(signatory: Signatory, record: SignOffRecord) -> str:
    if signatory.role == "decision_maker" and record.decision is not None:
        return label.DECISION[record.decision.decision]
    if signatory.role == "dpo" and record.dpo_advice is not None:
        return f"Advice: {label.ADVICE[record.dpo_advice.advice]}"
    if signatory.role == "assessor":
        return "Prepared the assessment"
    if signatory.role == "workers_representative" and record.workers_representatives:
        return "Opinion given"
    return "—"


@dataclass(frozen=True)
class SignaturePage:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        record = self.dossier.assessment.signoff
        writer.page_break()
        writer.heading("Signatures", 2)
        writer.paragraph(
            "The people below sign this exact file after it is produced, each with the "
            "certificate whose SHA-256 fingerprint is listed. Each signature is a separate file "
            "next to the document, named after it (for example DPIA.docx.jane-doe.p7s); the "
            "PDF copy is signed inside the PDF instead, so any PDF reader shows who signed it. A "
            "signature covers every byte of the file: any later change, even saving it again in "
            "Word, makes it fail. The date below is when each person's decision was recorded; "
            "the time of signing (UTC) is carried by the signature itself and shown by the checks "
            "below."
        )
        columns = (
            Column("Name", 5.4),
            Column("Role", 3.4),
            Column("Decision", 4.6),
            Column("Date (UTC)", 2.6),
        )
        if record and record.signatories:
            rows = [
                (
                    Cell.of(Span(p.name, bold=True), p.email),
                    label.ROLE[p.role],
                    _role_decision(p, record),
                    _role_date(p, record, self.dossier.assessment.meta.date),
                )
                for p in record.signatories
            ]
            writer.table(columns, rows)
            writer.heading("Certificate fingerprints (SHA-256)", 3)
            for p in record.signatories:
                name = writer.paragraph(Span(f"{p.name}, {label.ROLE[p.role]}", bold=True))
                name.paragraph_format.keep_with_next = True
                writer.fingerprint(p.certificate_sha256)
        else:
            writer.paragraph(
                "No signatories are recorded yet. They are named, each with the certificate they "
                "will sign with, in dpia, on the app's Review & sign-off page or in the sign-off "
                "record of the answers file; this page lists them when the document is rendered "
                "again."
            )
            if record is not None and record.decision is not None:
                # Without a decision the Decision section above has said it already.
                writer.note(_RECORD_NOT_WORD)
        if record and record.signatories:
            # The rest of the page stays free: visible PDF signatures are drawn there.
            writer.page_break()
        writer.heading("How to check the signatures", 3)
        writer.paragraph("With dpia, which checks every signature file next to the document:")
        writer.command("dpia verify DPIA.docx --trust TRUSTED-CERTIFICATES-DIR")
        writer.paragraph("With OpenSSL alone, one signature at a time:")
        writer.command(
            "openssl cms -verify -binary -inform DER -in DPIA.docx.SIGNER.p7s "
            "-content DPIA.docx -CAfile SIGNER-CERTIFICATE.pem -purpose any -out /dev/null"
        )
        writer.paragraph("Then check that the certificate is the one listed above:")
        writer.command("openssl x509 -in SIGNER-CERTIFICATE.pem -noout -fingerprint -sha256")
        writer.paragraph("The PDF copy, whose signatures are inside it, with dpia or poppler:")
        writer.command("dpia verify DPIA.pdf --trust TRUSTED-CERTIFICATES-DIR")
        writer.command("pdfsig DPIA.pdf")
        writer.paragraph(
            (
                Span(
                    "Read DPIA.docx and DPIA.pdf as the names of this file and its PDF copy. ",
                    italic=True,
                ),
                Span(
                    "OpenSSL prints “CMS Verification successful” for a valid signature; the "
                    "fingerprint it prints must match the one listed above character for "
                    "character.",
                    italic=True,
                ),
            ),
            s.NOTE,
        )
