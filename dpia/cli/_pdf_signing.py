"""The PDF side of `dpia sign` and `dpia verify`: PAdES signatures inside the PDF/A.

`dpia sign DOC.pdf` adds the signature to the file itself (in place, or to `--output`), so the
PDF is the one file a DPO passes on; `dpia verify DOC.pdf` reports each signature in it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from pathlib import Path

from .._errors import SigningError
from .._signoff import SignOff
from .._vocabulary import SIGNATORY_ROLE, SIGNATURE_VERDICT
from ..signing import (
    FileKeySigner,
    HttpTimestamper,
    PdfSignatureReport,
    PdfVerification,
    SignatureVerdict,
    TrustStore,
    compare_with_signoff,
    default_trust_dir,
    identity_of,
    read_passphrase,
    sign_pdf,
    verify_pdf,
)
from ..signing._sign import read_document

__all__ = ["print_pdf_differences", "sign_pdf_file", "verify_pdf_file"]


def sign_pdf_file(args: argparse.Namespace) -> int:
    document = Path(args.document)
    target = Path(args.output) if args.output else document
    if args.output and target.exists() and target.resolve() != document.resolve():
        raise SigningError(f"{target} already exists; name a new file with --output")
    content = read_document(document)
    passphrase = read_passphrase(f"Passphrase for {args.key}: ")
    signer = FileKeySigner.from_files(args.key, args.cert, passphrase)
    store = TrustStore(args.trust or default_trust_dir())
    signed = sign_pdf(
        content,
        signer,
        role=args.role,
        reason=args.reason,
        timestamper=HttpTimestamper(args.tsa_url) if args.tsa_url else None,
        visible=args.visible,
        trust=store,
    )
    _write_beside(target, signed)
    report = verify_pdf(signed, trust=store, last_only=True).signatures[-1]
    identity = identity_of(signer.certificate)
    role = SIGNATORY_ROLE.get(report.role or "", "no role")
    print(f"signed {target}: signature {report.number}, {identity.name} as {role}")
    print(f"  {report.level}: {_level_words(report)}")
    if not report.trust.trusted:
        print(
            f"  not proven yet: the trust store {store.directory} does not vouch for "
            f"{identity.name}, so no validation data was embedded and dpia verify reports the "
            f"signature as intact but not proven until: dpia trust add {args.cert}"
        )
    if args.visible:
        print(f"  visible on the signature page, reason: {report.reason}")
    return 0


def _level_words(report: PdfSignatureReport) -> str:
    if report.level == "PAdES-B-B":
        return "signing time from the signer's clock; add --tsa-url for a trusted time"
    if report.timestamp is None:
        return report.level
    stamped = f"time-stamped by {report.timestamp.authority}"
    if report.level == "PAdES-B-LT":
        return f"{stamped}; certificates and revocation data embedded for long-term checks"
    return stamped


def _write_beside(target: Path, content: bytes) -> None:
    """Write through a temporary file in the same folder, so a crash never leaves half a PDF."""
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.replace(temporary, target)
    except OSError as exc:
        raise SigningError(f"cannot write {target}: {exc.strerror or exc}") from None


def verify_pdf_file(args: argparse.Namespace) -> PdfVerification:
    """Print each signature, in the verdicts of the .docx signatures."""
    document = Path(args.document)
    store = TrustStore(args.trust or default_trust_dir())
    result = verify_pdf(read_document(document), trust=store, document=str(document))
    count = len(result.signatures)
    if not count:
        print(f"{document}: no signatures in the PDF")
        return result
    print(f"{document}: {count} PAdES signature{'s' if count != 1 else ''}")
    for report in result.signatures:
        _print_report(report)
    _print_summary(result)
    return result


def print_pdf_differences(source: str, signoff: SignOff, result: PdfVerification) -> bool:
    differences = compare_with_signoff(signoff, result)
    if differences:
        print(f"{source}: the signatures do not match the sign-off record:")
        for difference in differences:
            print(f"  - {difference}")
        return False
    print(f"{source}: all {len(signoff.signatories)} signatories in the sign-off record signed")
    return True


def _print_report(report: PdfSignatureReport) -> None:
    title = report.field
    if report.signer is not None:
        title = f"{SIGNATORY_ROLE.get(report.role or '', 'no role')}: {report.signer.name}"
    print(f"  {SIGNATURE_VERDICT[report.verdict].upper():10} {report.number}. {title}")
    lines: list[tuple[str, str]] = []
    if report.unreadable is not None:
        lines.append(("unreadable", report.unreadable))
        for label, text in lines:
            print(f"             {label + ':':12} {text}")
        return
    if report.signer is not None:
        email = f" <{report.signer.email}>" if report.signer.email else ""
        if report.role is None:
            role = "no role in the certificate or the signature"
        elif report.role_claimed:
            role = f"role {report.role} (claimed in the signature, not in the certificate)"
        else:
            role = f"role {report.role}"
        lines.append(("signer", f"{report.signer.name}{email}, {role}"))
    if report.reason:
        lines.append(("reason", report.reason))
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
    lines.append(("level", report.level))
    lines.append(("intact", "yes" if report.intact else "no"))
    covers = f"{report.coverage.value}; {report.later}" if report.later else report.coverage.value
    lines.append(("covers", covers))
    if report.signer is not None:
        lines.append(("certificate", f"SHA-256 {report.signer.fingerprint}"))
    if report.trust.trusted:
        lines.append(("trusted", f"yes: {report.trust.reason}"))
    else:
        lines.append(("trusted", f"no: {report.trust.reason}; the signer is not proven"))
    lines.extend(("problem", problem) for problem in report.problems)
    lines.extend(("note", note) for note in report.notes)
    for label, text in lines:
        print(f"             {label + ':':12} {text}")


def _print_summary(result: PdfVerification) -> None:
    counts = {verdict: 0 for verdict in SignatureVerdict}
    for report in result.signatures:
        counts[report.verdict] += 1
    parts = [f"{counts[SignatureVerdict.VALID]} valid"]
    unproven = sum(
        not r.trust.trusted for r in result.signatures if r.verdict is SignatureVerdict.INTACT
    )
    changed = counts[SignatureVerdict.INTACT] - unproven
    if unproven:
        parts.append(
            f"{unproven} intact but not proven (trust the signer's certificate with "
            f"dpia trust add CERT, or name the store with --trust)"
        )
    if changed:
        parts.append(f"{changed} intact but followed by changes to the file")
    for verdict in (SignatureVerdict.INVALID, SignatureVerdict.UNREADABLE):
        if counts[verdict]:
            parts.append(f"{counts[verdict]} {SIGNATURE_VERDICT[verdict].lower()}")
    print(f"  {'; '.join(parts)}")


def _utc(moment: dt.datetime) -> str:
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"
