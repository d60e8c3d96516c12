"""Export one archived version as a BagIt bag (RFC 8493) that outsiders can check on their own.

A bag is integrity only: anyone can recompute its manifests. What makes it evidence is what is
inside: the version record whose SHA-256 is the content hash, the chain up to this version, the
detached signatures over the exact document bytes, the assessment's status history and audit
events, and the checkpoint signed with the export (its head is the export's own audit event,
which names everything else). VERIFY.md at the top of the bag lists the commands to check each
of these with standard tools, and `verify_bag.py` (standard-library Python) recomputes every
hash and says which one does not match.

The bag is built in a hidden directory beside the target and renamed into place only once it
validates, so a failed export never leaves a half-written bag that looks finished.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import bagit

from .._errors import ArchiveError, ArchiveIntegrityError
from ..document import pdf_rendition
from ._anchor import anchor_for
from ._archive import Archive
from ._canonical import GENESIS, canonical_json, sha256_hex, version_record
from ._export_log import ChainedRow, ExportLog
from ._records import StoredVersion, VersionSummary
from ._verify_text import verify_instructions

_SCRIPT = Path(__file__).with_name("_bag_script.py")

__all__ = ["BagExport", "export_bag"]


@dataclass(frozen=True)
class BagExport:
    """Where the bag went, which version it holds, and what is missing from it and why."""

    path: Path
    assessment_id: str
    number: int
    content_sha256: str
    chain_hash: str
    notes: tuple[str, ...]
    checkpoint_sequence: int | None = None


def export_bag(
    archive: Archive,
    assessment_id: str,
    target: str | Path,
    *,
    number: int | None = None,
    actor: str,
    pdf: bool = True,
) -> BagExport:
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ArchiveError(f"{target} already exists and is not an empty directory")
    version = archive.version(assessment_id, number)
    chain = [v for v in archive.history(assessment_id) if v.number <= version.number]
    record = _checked_record(version)
    notes: list[str] = []

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dpia-bag-", dir=target.parent))
    try:
        files = {
            "version.json": record,
            "answers.json": version.answers_json.encode("utf-8"),
            "report.json": version.report_json.encode("utf-8"),
            "questionnaire.yaml": version.questionnaire_text.encode("utf-8"),
            "chain.json": _chain_json(chain),
        }
        if version.document is not None:
            files["document.docx"] = version.document
            for signer, signature in version.signature_files.items():
                files[f"signatures/document.docx.{signer}.p7s"] = signature
            if version.signed_pdf is not None:
                files["document.pdf"] = version.signed_pdf
            elif pdf:
                rendition, reason = pdf_rendition(version.document)
                if rendition is None:
                    notes.append(f"no document.pdf: {reason}")
                else:
                    files["document.pdf"] = rendition
            else:
                notes.append("no document.pdf: not asked for")
        else:
            notes.append("no document.docx: none was archived with this version")
        logged = archive.record_export(version, actor=actor, target=str(target.resolve()))
        files.update(_log_files(logged, anchor_for(archive.engine).key.public_path))
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        _make_bag(staging, version, files, notes, logged)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BagExport(
        path=target,
        assessment_id=version.assessment_id,
        number=version.number,
        content_sha256=version.content_sha256,
        chain_hash=version.chain_hash,
        notes=tuple(notes),
        checkpoint_sequence=logged.checkpoint.sequence if logged.checkpoint else None,
    )


def _log_files(logged: ExportLog, public_key: Path) -> dict[str, bytes]:
    """The status history, the audit events and the checkpoint, exactly as stored."""
    checkpoint = logged.checkpoint
    if checkpoint is None:
        raise ArchiveError("the export was not sealed by a checkpoint; nothing was exported")
    files = {
        "status.jsonl": _jsonl(logged.statuses, with_id=False),
        "audit.jsonl": _jsonl(logged.audit, with_id=True),
        "checkpoint.json": checkpoint.body,
        "checkpoint.json.sig": checkpoint.signature,
        "archive-key.pub.pem": public_key.read_bytes(),
    }
    if checkpoint.timestamp_token is not None:
        files["checkpoint.json.tsr"] = checkpoint.timestamp_token
    return files


def _jsonl(rows: list[ChainedRow], *, with_id: bool) -> bytes:
    lines = []
    for row in rows:
        shown: dict[str, object] = {
            "record": row.record_json,
            "prev_chain_hash": row.prev_chain_hash,
            "chain_hash": row.chain_hash,
        }
        if with_id:
            shown["id"] = row.id
        lines.append(json.dumps(shown, sort_keys=True, ensure_ascii=False) + "\n")
    return "".join(lines).encode("utf-8")


def _checked_record(version: StoredVersion) -> bytes:
    """The version record, refusing to export a version whose parts no longer match it."""
    parts = {
        "questionnaire snapshot": (
            version.questionnaire_text.encode(),
            version.questionnaire_sha256,
        )
    }
    if version.document is not None and version.document_sha256:
        parts["document"] = (version.document, version.document_sha256)
    for signer, signature in version.signature_files.items():
        parts[f"signature {signer!r}"] = (signature, version.signatures[signer])
    if version.signed_pdf is not None and version.signed_pdf_sha256:
        parts["signed PDF"] = (version.signed_pdf, version.signed_pdf_sha256)
    record = version_record(
        assessment_id=version.assessment_id,
        number=version.number,
        questionnaire=version.questionnaire,
        questionnaire_sha256=version.questionnaire_sha256,
        answers_sha256=sha256_hex(version.answers_json.encode("utf-8")),
        report_sha256=sha256_hex(version.report_json.encode("utf-8")),
        document_sha256=version.document_sha256,
        signatures=version.signatures,
        author=version.author,
        created_at=_stored_time(version.created_at),
        review_due=version.review_due.isoformat() if version.review_due else None,
        signed_pdf_sha256=version.signed_pdf_sha256,
    )
    damaged = [part for part, (content, sha) in parts.items() if sha256_hex(content) != sha]
    if sha256_hex(record) != version.content_sha256:
        damaged.append("the version record")
    if damaged:
        raise ArchiveIntegrityError(
            f"{version.assessment_id} v{version.number} no longer matches its hashes "
            f"({', '.join(damaged)}); not exported. Run `dpia archive verify`."
        )
    return record


def _stored_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _chain_json(chain: list[VersionSummary]) -> bytes:
    return canonical_json(
        {
            "assessment_id": chain[-1].assessment_id,
            "genesis": GENESIS,
            "rule": "chain_hash = sha256(prev_chain_hash + content_sha256), as hex text",
            "versions": [
                {
                    "number": v.number,
                    "author": v.author,
                    "created_at": _stored_time(v.created_at),
                    "content_sha256": v.content_sha256,
                    "prev_chain_hash": v.prev_chain_hash,
                    "chain_hash": v.chain_hash,
                }
                for v in chain
            ],
        }
    )


def _make_bag(
    staging: Path,
    version: StoredVersion,
    files: dict[str, bytes],
    notes: list[str],
    logged: ExportLog,
) -> None:
    answers = version.answers
    meta = answers.get("assessment") or {}
    bagit.make_bag(
        str(staging),
        {
            "Source-Organization": str(meta.get("organisation", "")),
            "External-Identifier": f"{version.assessment_id}/v{version.number}",
            "External-Description": str(meta.get("title", "")),
            "Internal-Sender-Description": "Data protection impact assessment, archived version",
            "DPIA-Content-SHA256": version.content_sha256,
            "DPIA-Chain-Hash": version.chain_hash,
            "DPIA-Checkpoint": f"#{logged.checkpoint.sequence} sha256 {logged.checkpoint.sha256}"
            if logged.checkpoint
            else "",
        },
        checksums=["sha256", "sha512"],
    )
    (staging / "verify_bag.py").write_bytes(_SCRIPT.read_bytes())
    (staging / "VERIFY.md").write_text(
        verify_instructions(version, sorted(files), notes, logged.checkpoint), encoding="utf-8"
    )
    bag = bagit.Bag(str(staging))
    bag.save()
    try:
        bag.validate()
    except bagit.BagError as exc:
        raise ArchiveError(f"the exported bag does not validate: {exc}") from None
