"""Canonical bytes and the hashes over them, the part of the archive a third party re-computes.

Every hash is over bytes that are also exported as a file, so anyone can check it with
`sha256sum` and no knowledge of our code: answers and report are stored as canonical JSON text
(sorted keys, no whitespace, UTF-8), and a version is summed up by its *record*, a canonical JSON
object naming each part by its SHA-256. The chain links records in order:
`chain_hash = sha256(prev_chain_hash + content_sha256)`, both as lower-case hex text, and the
first version's `prev_chain_hash` is 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from .._errors import ArchiveError

__all__ = [
    "GENESIS",
    "RECORD_FORMAT",
    "canonical_json",
    "chain_hash",
    "sha256_hex",
    "version_record",
]

GENESIS = "0" * 64
RECORD_FORMAT = "dpia-version/1"


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
) -> bytes:
    """The canonical record of one version; its SHA-256 is the version's content hash."""
    return canonical_json(
        {
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
