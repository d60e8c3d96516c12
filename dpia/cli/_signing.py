"""`dpia keygen`, `dpia trust add|list`, `dpia sign` and `dpia verify`."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from .._errors import SigningError
from .._signoff import SIGNATORY_ROLES, SignOff
from .._vocabulary import SIGNATURE_VERDICT
from ..signing import (
    KEY_ALGORITHMS,
    PASSPHRASE_VARIABLE,
    TRUST_DIR_VARIABLE,
    DocumentVerification,
    FileKeySigner,
    HttpTimestamper,
    SignatureReport,
    TrustStore,
    compare_with_signoff,
    create_identity,
    identity_of,
    load_certificate,
    read_passphrase,
    sign_document,
    verify_document,
)

__all__ = ["register"]

_PDF_ONLY_OPTIONS = {
    "visible": "--visible",
    "reason": "--reason",
    "role": "--role",
    "output": "--output",
}
_STORE_HELP = f"trust store directory (default: ${TRUST_DIR_VARIABLE}, else var/trust)"


def register(subcommands: Any) -> None:
    keygen = subcommands.add_parser(
        "keygen",
        description=f"The key passphrase is read from ${PASSPHRASE_VARIABLE} or asked for "
        "without echo. Existing files are never overwritten.",
    )
    keygen.add_argument("--name", required=True, help="the signer's full name")
    keygen.add_argument("--email", required=True, help="the signer's email address")
    keygen.add_argument(
        "--role", required=True, choices=SIGNATORY_ROLES, help="the role the signer signs in"
    )
    keygen.add_argument(
        "--out", required=True, metavar="DIR", help="where key.pem and cert.pem (or csr.pem) go"
    )
    keygen.add_argument(
        "--algorithm",
        choices=sorted(KEY_ALGORITHMS),
        default="ec-p256",
        help="key type (default: ec-p256)",
    )
    keygen.add_argument(
        "--days",
        type=int,
        default=730,
        metavar="N",
        help="certificate validity in days (default: 730)",
    )
    keygen.add_argument(
        "--csr", action="store_true", help="write csr.pem for the organisation's CA instead"
    )
    keygen.set_defaults(handler=_keygen)

    trust = subcommands.add_parser("trust")
    actions = trust.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="trust a certificate (a signer's or a CA's)")
    add.add_argument("certificate", metavar="CERT", help="a PEM certificate")
    add.add_argument("--store", metavar="DIR", help=_STORE_HELP)
    add.set_defaults(handler=_trust_add)
    listing = actions.add_parser("list", help="list the trusted certificates")
    listing.add_argument("--store", metavar="DIR", help=_STORE_HELP)
    listing.set_defaults(handler=_trust_list)

    sign = subcommands.add_parser("sign")
    sign.add_argument(
        "document", metavar="DOC", help="the final document (.docx), or its PDF/A copy (.pdf)"
    )
    sign.add_argument("--key", required=True, metavar="KEY", help="encrypted key.pem")
    sign.add_argument("--cert", required=True, metavar="CERT", help="the key's certificate")
    sign.add_argument(
        "--tsa-url", metavar="URL", help="also get a time-stamp from this RFC 3161 authority"
    )
    pdf = sign.add_argument_group("PDF only")
    pdf.add_argument(
        "--visible", action="store_true", help="show the signature in a box on the signature page"
    )
    pdf.add_argument(
        "--reason", metavar="TEXT", help="reason for signing (default: what the role did)"
    )
    pdf.add_argument(
        "--role",
        choices=SIGNATORY_ROLES,
        help="the role, when the certificate names none (it must agree when it does)",
    )
    pdf.add_argument(
        "--trust",
        metavar="DIR",
        help="trust store whose certificates let the signature carry its validation data "
        f"(PAdES-B-LT; default: ${TRUST_DIR_VARIABLE}, else var/trust)",
    )
    pdf.add_argument(
        "--output", "-o", metavar="OUT", help="write the signed PDF here (default: sign in place)"
    )
    sign.set_defaults(handler=_sign)

    verify = subcommands.add_parser(
        "verify",
        description="Exit status: 0 when every signature is VALID (intact and by a trusted "
        "signer); 3 when every signature is intact but one does not count (its signer is not "
        "proven, or the PDF was changed after it); 1 when a "
        "signature is invalid or unreadable, none is found, or the sign-off record differs.",
    )
    verify.add_argument("document", metavar="DOC", help="the signed document")
    verify.add_argument(
        "--trust",
        metavar="DIR",
        help=f"the trust store that proves who signed (default: ${TRUST_DIR_VARIABLE}, else "
        "var/trust); a signature is VALID only when its signer's certificate is trusted",
    )
    verify.add_argument(
        "--signoff",
        metavar="ANSWERS",
        help="answers file whose sign-off record lists who must sign; checks that exactly they "
        "signed, each with the certificate and role listed",
    )
    verify.set_defaults(handler=_verify)


def _store(directory: str | None) -> TrustStore:
    from ..signing import archive_trust_store

    return TrustStore(directory) if directory else archive_trust_store()


def _keygen(args: argparse.Namespace) -> int:
    passphrase = read_passphrase(f"Passphrase for the new key in {args.out}: ", confirm=True)
    made = create_identity(
        args.out,
        name=args.name,
        email=args.email,
        role=args.role,
        passphrase=passphrase,
        algorithm=args.algorithm,
        days=args.days,
        request_only=args.csr,
    )
    print(f"wrote {made.key_path} (encrypted PKCS#8)")
    if made.fingerprint is None:
        print(f"wrote {made.certificate_path}: send it to your organisation's CA")
        return 0
    print(f"wrote {made.certificate_path}")
    print(f"certificate SHA-256 fingerprint: {made.fingerprint}")
    print(
        "next: put the fingerprint in the sign-off record (signoff.signatories) and ask the "
        f"DPO to run: dpia trust add {made.certificate_path}"
    )
    return 0


def _trust_add(args: argparse.Namespace) -> int:
    certificate = load_certificate(args.certificate)
    try:
        path = _store(args.store).add(certificate)
    except SigningError as exc:
        raise SigningError(f"{args.certificate}: {exc}") from None
    identity = identity_of(certificate)
    print(f"trusted {identity.describe()}")
    print(f"  SHA-256 {identity.fingerprint}")
    print(f"  stored as {path}")
    if certificate.not_valid_after_utc < dt.datetime.now(dt.UTC):
        print(f"  note: expired on {certificate.not_valid_after_utc:%Y-%m-%d}")
    return 0


def _trust_list(args: argparse.Namespace) -> int:
    store = _store(args.store)
    certificates = store.certificates()
    if not certificates:
        print(f"{store.directory}: no trusted certificates")
        return 0
    for certificate in certificates:
        identity = identity_of(certificate)
        print(
            f"{identity.fingerprint}  {identity.describe()}  "
            f"valid {certificate.not_valid_before_utc:%Y-%m-%d} to "
            f"{certificate.not_valid_after_utc:%Y-%m-%d}"
        )
    return 0


def _is_pdf(document: str) -> bool:
    return Path(document).suffix.lower() == ".pdf"


def _sign(args: argparse.Namespace) -> int:
    if _is_pdf(args.document):
        from ._pdf_signing import sign_pdf_file

        return sign_pdf_file(args)
    given = [flag for name, flag in _PDF_ONLY_OPTIONS.items() if getattr(args, name)]
    if args.trust:
        given.append("--trust")
    if given:
        raise SigningError(
            f"{', '.join(given)}: only for PDF documents; a .docx is signed with a detached .p7s"
        )
    passphrase = read_passphrase(f"Passphrase for {args.key}: ")
    signer = FileKeySigner.from_files(args.key, args.cert, passphrase)
    timestamper = HttpTimestamper(args.tsa_url) if args.tsa_url else None
    print(sign_document(args.document, signer, timestamper=timestamper))
    return 0


VERIFIED = 0
"""`dpia verify` exit status: every signature valid and by a trusted signer."""
NOT_VERIFIED = 1
"""A signature is invalid or unreadable, none was found, or the sign-off record differs."""
UNPROVEN = 3
"""Every signature is intact, but one does not count: its signer is not proven by the trust
store, or (in a PDF) the file was changed after it."""


def _verify(args: argparse.Namespace) -> int:
    from ..signing import SignatureVerdict

    if _is_pdf(args.document):
        return _verify_pdf(args)
    store = _store(args.trust)
    if args.trust and not store.directory.is_dir():
        raise SigningError(f"--trust {args.trust}: no such directory")
    result = verify_document(args.document, trust=store)
    _print_verification(result, store)
    outcome = _outcome(result)
    if args.signoff is not None and not _matches_signoff(args.signoff, result):
        outcome = NOT_VERIFIED
    if any(s.verdict is SignatureVerdict.INTACT for s in result.signatures):
        print(
            "INTACT means the bytes are exactly those signed, but nothing proves who signed: "
            "VALID needs the signer's certificate (or its CA) in the trust store, "
            f"given with --trust DIR or kept in ${TRUST_DIR_VARIABLE} (dpia trust add CERT)"
        )
    return outcome


def _matches_signoff(answers: str, result: DocumentVerification) -> bool:
    # The questionnaire engine is loaded only to read a sign-off record, not for every check.
    from .._assessment import load_answers
    from .._library import answers_questionnaire

    questionnaire = answers_questionnaire(answers)
    signoff = load_answers(answers, questionnaire).assessment.signoff
    if signoff is None:
        raise SigningError(f"{answers} has no sign-off record (signoff:)")
    differences = compare_with_signoff(signoff, result)
    if differences:
        print(f"{answers}: the signatures do not match the sign-off record:")
        for difference in differences:
            print(f"  - {difference}")
        return False
    count = len(signoff.signatories)
    print(f"{answers}: all {count} signatories in the sign-off record signed")
    return True


def _verify_pdf(args: argparse.Namespace) -> int:
    from ._pdf_signing import print_pdf_differences, verify_pdf_file

    result = verify_pdf_file(args)
    outcome = _outcome(result)
    if args.signoff is not None and not print_pdf_differences(
        args.signoff, _signoff_of(args.signoff), result
    ):
        outcome = NOT_VERIFIED
    return outcome


def _outcome(result: DocumentVerification) -> int:
    """The same exit status for the signatures beside a .docx and those inside a PDF."""
    if not result.all_intact:
        return NOT_VERIFIED
    return VERIFIED if result.all_valid else UNPROVEN


def _signoff_of(answers: str) -> SignOff:
    # The questionnaire engine is loaded only to read a sign-off record, not for every check.
    from .._assessment import load_answers
    from .._library import answers_questionnaire

    questionnaire = answers_questionnaire(answers)
    signoff = load_answers(answers, questionnaire).assessment.signoff
    if signoff is None:
        raise SigningError(f"{answers} has no sign-off record (signoff:)")
    return signoff


def _print_verification(result: DocumentVerification, store: TrustStore) -> None:
    name = Path(result.document).name
    if not result.signatures:
        print(f"{result.document}: no signatures found (looked for {name}.*.p7s)")
        return
    count = len(result.signatures)
    anchors = len(store.certificates())
    against = (
        f"checked against the trust store {store.directory} ({anchors} certificate"
        f"{'s' * (anchors != 1)})"
        if anchors
        else f"no trust anchor: the trust store {store.directory} holds no certificate, so no "
        "signer can be proven"
    )
    print(f"{result.document}: {count} signature{'s' if count != 1 else ''}, {against}")
    for report in result.signatures:
        _print_report(report)


def _print_report(report: SignatureReport) -> None:
    print(f"  {SIGNATURE_VERDICT[report.verdict].upper():11} {report.name}")
    lines: list[tuple[str, str]] = []
    if report.unreadable is not None:
        lines.append(("unreadable", report.unreadable))
    if report.signer is not None:
        claimed = "" if report.trust.trusted else " (as the certificate claims; not proven)"
        lines.append(("signer", report.signer.describe() + claimed))
    if report.signing_time is not None:
        lines.append(("signed", f"{_utc(report.signing_time)} (signer's clock)"))
    if report.timestamp is not None and report.timestamp.time is not None:
        trusted = report.timestamp.trust is not None and report.timestamp.trust.trusted
        lines.append(
            (
                "time-stamp",
                f"{_utc(report.timestamp.time)} by {report.timestamp.authority}"
                f" ({'trusted' if trusted else 'not trusted'})",
            )
        )
    if report.signer is not None:
        lines.append(("certificate", f"SHA-256 {report.signer.fingerprint}"))
    if report.unreadable is None:
        verdict = "yes" if report.trust.trusted else "no"
        lines.append(("trusted", f"{verdict}: {report.trust.reason}"))
    lines.extend(("problem", problem) for problem in report.problems)
    lines.extend(("note", note) for note in report.notes)
    for label, text in lines:
        print(f"              {label + ':':12} {text}")


def _utc(moment: dt.datetime) -> str:
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S UTC}"
