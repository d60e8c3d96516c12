"""VERIFY.md: how a third party checks an exported bag without dpia, with the exact values."""

from __future__ import annotations

from ._checkpoint import Checkpoint
from ._records import StoredVersion

__all__ = ["verify_instructions"]


def verify_instructions(
    version: StoredVersion, payload: list[str], notes: list[str], checkpoint: Checkpoint | None
) -> str:
    ref = f"{version.assessment_id} version {version.number}"
    lines = [
        f"# Verifying {ref}",
        "",
        "This directory is a BagIt bag (RFC 8493) exported from a dpia archive. Every check",
        "below uses standard tools only; run them from this directory. Each one either prints",
        "the value shown here or fails: a check that prints something else is a mismatch.",
        "",
        "Contents of `data/`: " + ", ".join(f"`{name}`" for name in payload) + ".",
        "",
        "## 1. Nothing is missing or changed since export",
        "",
        "    bagit.py --validate .",
        "",
        "`bagit.py` comes with the `bagit` package (`pip install bagit`); `python3 -m bagit",
        "--validate .` is the same check. It proves the files match the bag's manifests, which",
        "anyone can recompute; the checks below prove the files are the archived ones.",
        "",
        "## 2. Every hash, recomputed",
        "",
        "    python3 verify_bag.py",
        "",
        "The script uses the Python standard library only (read it first: it is short). It",
        "recomputes the SHA-256 of every file and record and compares each with the one",
        "recorded: the version record against the answers, report, questionnaire, document and",
        "signature files; the chain of versions (`data/chain.json`); the chain of status",
        "changes (`data/status.jsonl`); each audit event about this assessment",
        "(`data/audit.jsonl`); the export's own audit event against all of these; and the",
        "checkpoint (`data/checkpoint.json`) against the export event. It prints one line per",
        "check, `ok` or `MISMATCH`, ends with `every check passed` and exits 0, or ends with",
        "`FAILED` and exits 1.",
        "",
        "## 3. The signatures are over this exact document",
        "",
    ]
    if version.signatures:
        lines.append("For each signature, with CERT the certificate you trust for that signer")
        lines.append("(your organisation's CA, or the signer's certificate obtained separately;")
        lines.append("never one that merely travels with the document):")
        lines.append("")
        for signer in version.signatures:
            lines.append(
                f"    openssl cms -verify -binary -inform DER "
                f"-in data/signatures/document.docx.{signer}.p7s "
                "-content data/document.docx -CAfile CERT -purpose any -out /dev/null"
            )
        lines += ["", "Each must print `CMS Verification successful`.", ""]
    else:
        lines += ["This version was archived without signatures.", ""]
    if version.signed_pdf_sha256 is not None:
        lines += [
            "`data/document.pdf` is the PDF/A of the document as its signatories signed it:",
            "the signatures are inside it (PAdES), and any PDF reader lists them in its",
            "signature panel. With poppler:",
            "",
            "    pdfsig data/document.pdf",
            "",
            "must print `Signature is Valid.` for every signature and, for the last one,",
            "`Total document signed`. Its SHA-256 is the `signed_pdf_sha256` of the record.",
            "",
        ]
    lines += [
        "## 4. The content hash and the chain",
        "",
        "`data/version.json` is the version's record: canonical JSON (keys sorted, no",
        "whitespace, UTF-8) naming every other part by its SHA-256. Its SHA-256 is the",
        "content hash:",
        "",
        "    sha256sum data/version.json",
        "",
        f"must print `{version.content_sha256}`. Each link of a chain is",
        "`chain_hash = sha256(prev_chain_hash + sha256(record))` over the two hashes written",
        "as 64 lower-case hex characters each, with nothing between them; the first link's",
        "`prev_chain_hash` is 64 zeros. For this version:",
        "",
        f"    printf '%s%s' {version.prev_chain_hash} {version.content_sha256} | sha256sum",
        "",
        f"must print `{version.chain_hash}`.",
        "",
    ]
    lines += _checkpoint_section(checkpoint)
    rendition = (
        []
        if version.signed_pdf_sha256 is not None
        else [
            "- `document.pdf`, when present, is a rendition made by LibreOffice at export time",
            "  for readers without Word. It is not signed and not part of the content hash; the",
            "  signed original is `document.docx`.",
        ]
    )
    lines += [
        "## What these checks do not cover",
        "",
        *rendition,
        "- Whether a signer's certificate was valid and trusted is decided by the CERT you pass",
        "  to OpenSSL.",
        "- The audit events of other assessments are not in this bag; the checkpoint covers",
        "  them by its head, which the export's own event ends.",
    ]
    lines += [f"- {note[0].upper()}{note[1:]}." for note in notes]
    return "\n".join(lines) + "\n"


def _checkpoint_section(checkpoint: Checkpoint | None) -> list[str]:
    if checkpoint is None:
        return []
    lines = [
        "## 5. The checkpoint, signed with the archive key",
        "",
        f"`data/checkpoint.json` is checkpoint #{checkpoint.sequence} of the archive, signed",
        "when this bag was exported. Its signature, by the archive key whose public half is",
        "`data/archive-key.pub.pem`:",
        "",
        "    openssl dgst -sha256 -verify data/archive-key.pub.pem \\",
        "        -signature data/checkpoint.json.sig data/checkpoint.json",
        "",
        "must print `Verified OK`. Which key that is:",
        "",
        "    openssl pkey -pubin -in data/archive-key.pub.pem -outform DER | sha256sum",
        "",
        f"must print `{checkpoint.key_sha256}`; compare it with the archive key's fingerprint",
        "as the organisation recorded it elsewhere (the DPO's register, an earlier bag). A key",
        "that travels only with the bag proves nothing about who signed.",
        "",
    ]
    if checkpoint.timestamp_token is not None:
        lines += [
            "A time-stamp authority stamped the checkpoint's signature (RFC 3161). With",
            "TSA-ROOT the authority's root certificate and TSA-CERT its certificate:",
            "",
            "    openssl ts -verify -token_in -in data/checkpoint.json.tsr \\",
            "        -data data/checkpoint.json.sig -CAfile TSA-ROOT -untrusted TSA-CERT",
            "",
            "must print `Verification: OK`.",
            "",
        ]
    lines += [
        "Keep this bag, or at least `data/checkpoint.json` and its `.sig`, somewhere the",
        "archive's operators cannot write. Run against the archive later,",
        "",
        "    dpia archive verify --against THIS_DIRECTORY",
        "",
        "shows whether the archive still holds this checkpoint in its history: an archive",
        "rolled back to an earlier state, database and checkpoint copy together, passes its",
        "own checks but fails this one.",
        "",
    ]
    return lines
