"""Canonical bytes and the hashes over them, the part of the archive a third party re-computes.

Every hash is over bytes that are also exported as a file, so anyone can check it with
`sha256sum` and no knowledge of our code: answers and report are stored as canonical JSON text
(sorted keys, no whitespace, UTF-8), and a version is summed up by its *record*, a canonical JSON
object naming each part by its SHA-256.

Every chain links records the same way: `chain_hash = sha256(prev_chain_hash + sha256(record))`,
both hashes as lower-case hex text, and the first link's `prev_chain_hash` is 64 zeros. Versions
and status changes are chained per assessment (so an exported assessment carries whole chains);
audit events and role grants are each one chain for the whole archive.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from .._errors import ArchiveError

__all__ = [
    "AUDIT_FORMAT",
    "GENESIS",
    "GRANT_FORMAT",
    "RECORD_FORMAT",
    "STATUS_FORMAT",
    "audit_record",
    "canonical_json",
    "chain_hash",
    "grant_record",
    "link",
    "sha256_hex",
    "status_record",
    "version_record",
]

GENESIS = "0" * 64
RECORD_FORMAT = "dpia-version/1"
STATUS_FORMAT = "dpia-status/1"
AUDIT_FORMAT = "dpia-audit/1"
GRANT_FORMAT = "dpia-role-grant/1"


def canonical_json(value: Any, what: str = "value") -> bytes:
    """Refuse what JSON cannot carry exactly (NaN, dates, bytes) instead of guessing a form."""
    try:
        text = json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ArchiveError(
            f"{what} cannot be archived as JSON: text holds a lone surrogate ({exc.reason})"
        ) from None
    except (TypeError, ValueError) as exc:
        raise ArchiveError(f"{what} cannot be archived as JSON: {exc}") from None


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def chain_hash(prev_chain_hash: str, content_sha256: str) -> str:
    return sha256_hex((prev_chain_hash + content_sha256).encode("ascii"))


def link(prev_chain_hash: str, record: bytes) -> str:
    """The chain hash of a record stored after the link `prev_chain_hash`."""
    return chain_hash(prev_chain_hash, sha256_hex(record))


def version_record(
    *,
    assessment_id: str,
    number: int,
    questionnaire: str,
    questionnaire_sha256: str,
    answers_sha256: str,
    report_sha256: str,
    document_sha256: str | None,
    signatures: Mapping[str, str],
    author: str,
    created_at: str,
    review_due: str | None,
    signed_pdf_sha256: str | None = None,
) -> bytes:
    """The canonical record of one version; its SHA-256 is the version's content hash.

    `signed_pdf_sha256` (the PDF/A with its PAdES signatures, kept since revision 0004) is in
    the record only when a version has one, so every record written before keeps its hash.
    """
    pdf = {} if signed_pdf_sha256 is None else {"signed_pdf_sha256": signed_pdf_sha256}
    return canonical_json(
        {
            **pdf,
            "format": RECORD_FORMAT,
            "assessment_id": assessment_id,
            "number": number,
            "questionnaire": questionnaire,
            "questionnaire_sha256": questionnaire_sha256,
            "answers_sha256": answers_sha256,
            "report_sha256": report_sha256,
            "document_sha256": document_sha256,
            "signatures": dict(signatures),
            "author": author,
            "created_at": created_at,
            "review_due": review_due,
        }
    )


def status_record(
    *, assessment_id: str, number: int, status: str, actor: str, at: str, note: str
) -> bytes:
    """The canonical record of one status change of a version."""
    return canonical_json(
        {
            "format": STATUS_FORMAT,
            "assessment_id": assessment_id,
            "number": number,
            "status": status,
            "actor": actor,
            "at": at,
            "note": note,
        },
        "the status change",
    )


def audit_record(
    *,
    at: str,
    actor: str,
    action: str,
    assessment_id: str | None,
    version_number: int | None,
    subject_sha256: str | None,
    details: Mapping[str, Any],
) -> bytes:
    """The canonical record of one audit event; `subject_sha256` is the chain hash of the row
    the event created (a version, a status change), so the log and the rows can be compared."""
    return canonical_json(
        {
            "format": AUDIT_FORMAT,
            "at": at,
            "actor": actor,
            "action": action,
            "assessment_id": assessment_id,
            "version_number": version_number,
            "subject_sha256": subject_sha256,
            "details": dict(details),
        },
        "audit details",
    )


def grant_record(*, person: str, role: str, granted: bool, actor: str, at: str) -> bytes:
    """The canonical record of one grant or withdrawal of a role."""
    return canonical_json(
        {
            "format": GRANT_FORMAT,
            "person": person,
            "role": role,
            "granted": granted,
            "actor": actor,
            "at": at,
        },
        "the role grant",
    )
