"""Archives of any size for the benchmarks, built in bulk and genuinely intact.

The rows are inserted directly, with every record and hash computed by the same functions the
archive uses: each version with its record and its `version.added` audit event chained onto the
archive's audit log, each assessment with its `assessment.created` event and its listing row.
The archive then signs one checkpoint over the whole, as `dpia archive checkpoint` does, so
`verify` walks chains that add up and ends on a signed checkpoint; building them one
`add_version` at a time would take hours for 1,000,000 versions and measure nothing new. (An
archive built by `add_version` holds one checkpoint per write; `verify` reads only the latest.)
An archive lives in a temporary folder removed when the benchmarks end.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from dpia.archive import (
    GENESIS,
    Archive,
    AuditAction,
    audit_record,
    canonical_json,
    chain_hash,
    link,
    open_archive,
    sha256_hex,
    version_record,
)
from dpia.archive._database import writing
from dpia.archive._schema import assessment_listing, assessments, audit_events, blobs, versions

__all__ = ["QUESTIONNAIRE", "REPORT", "answers", "bulk_archive", "scratch_archive"]

QUESTIONNAIRE = (
    Path(__file__).resolve().parent.parent / "questionnaires" / "telemetry-for-ai.yaml"
).read_text(encoding="utf-8")
REPORT: dict[str, Any] = {
    "dpia_required": "required",
    "overall_inherent": "high",
    "overall_residual": "medium",
    "risks": [
        {
            "id": "chilling_effect",
            "title": "Chilling effect",
            "inherent": {"level": "high"},
            "residual": {"level": "medium"},
        }
    ],
    "mitigations": [{"id": "notice", "title": "Notice to staff", "status": "planned"}],
}
_BATCH = 5000
_NOW = "2026-11-29T10:00:00.000000Z"


def answers(assessment_id: str | None, headcount: int) -> dict[str, Any]:
    return {
        "questionnaire": "telemetry-for-ai@1.0.0",
        "assessment": {
            "id": assessment_id,
            "title": f"Telemetry programme {headcount}",
            "organisation": "Example GmbH",
            "assessor": "Dana Assessor",
            "date": "2026-05-04",
        },
        "answers": {"countries": ["de"], "headcount": headcount, "works_council": True},
        "plan": {},
    }


_ANCHOR = ("DPIA_ARCHIVE_KEY", "DPIA_ARCHIVE_KEY_PASSPHRASE", "DPIA_CHECKPOINT_DIR", "DPIA_TSA_URL")


def scratch_archive() -> Archive:
    """An empty archive of its own, with its archive key and checkpoints beside it: the anchor
    settings of whoever runs the benchmarks are put aside, so that no scratch archive signs
    with a real archive key or writes into a real checkpoint folder."""
    for variable in _ANCHOR:
        os.environ.pop(variable, None)
    directory = Path(tempfile.mkdtemp(prefix="dpia-bench-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return open_archive(f"sqlite:///{directory / 'archive.sqlite3'}")


@functools.cache
def bulk_archive(assessment_count: int, versions_each: int) -> Archive:
    """Built once per shape and shared: the benchmarks only read it."""
    archive = scratch_archive()
    questionnaire = QUESTIONNAIRE.encode("utf-8")
    builder = _Builder(sha256_hex(questionnaire), canonical_json(REPORT).decode("utf-8"))
    with writing(archive.engine) as connection:
        connection.execute(
            insert(blobs).values(
                sha256=builder.questionnaire_sha, size=len(questionnaire), content=questionnaire
            )
        )
        for n in range(assessment_count):
            builder.assessment(connection, f"A-2026-{n:012X}", n, versions_each)
        builder.flush(connection)
    archive.checkpoint()
    return archive


class _Builder:
    """Rows as `add_version` writes them, batched."""

    def __init__(self, questionnaire_sha: str, report_text: str):
        self.questionnaire_sha = questionnaire_sha
        self.report_text = report_text
        self.report_sha = sha256_hex(report_text.encode("utf-8"))
        self.audit_head = GENESIS
        self.versions: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def assessment(self, connection: Any, aid: str, n: int, versions_each: int) -> None:
        title = f"Telemetry programme {n}"
        connection.execute(
            insert(assessments).values(
                id=aid, title=title, organisation="Example GmbH", created_at=_NOW,
                created_by="bench",
            )
        )  # fmt: skip
        self.event(aid, None, AuditAction.ASSESSMENT_CREATED, None,
                   {"title": title, "organisation": "Example GmbH"})  # fmt: skip
        prev = GENESIS
        for number in range(1, versions_each + 1):
            prev = self.version(aid, number, prev)
            if len(self.versions) >= _BATCH:
                self.flush(connection)
        self.flush(connection)
        connection.execute(
            insert(assessment_listing).values(
                assessment_id=aid,
                title=f"Telemetry programme {versions_each}" if versions_each else title,
                organisation="Example GmbH",
                created_at=_NOW,
                created_by="bench",
                latest_version=versions_each,
                status="draft" if versions_each else None,
                review_due="2027-05-04" if versions_each else None,
                updated_at=_NOW,
            )
        )

    def version(self, aid: str, number: int, prev: str) -> str:
        answers_text = canonical_json(answers(aid, number)).decode("utf-8")
        record = version_record(
            assessment_id=aid,
            number=number,
            questionnaire="telemetry-for-ai@1.0.0",
            questionnaire_sha256=self.questionnaire_sha,
            answers_sha256=sha256_hex(answers_text.encode("utf-8")),
            report_sha256=self.report_sha,
            document_sha256=None,
            signatures={},
            author="bench",
            created_at=_NOW,
            review_due="2027-05-04",
        )
        content = sha256_hex(record)
        chain = chain_hash(prev, content)
        self.versions.append(
            {
                "assessment_id": aid,
                "number": number,
                "questionnaire": "telemetry-for-ai@1.0.0",
                "questionnaire_sha256": self.questionnaire_sha,
                "answers_json": answers_text,
                "report_json": self.report_text,
                "document_sha256": None,
                "author": "bench",
                "created_at": _NOW,
                "review_due": "2027-05-04",
                "record_json": record.decode("utf-8"),
                "content_sha256": content,
                "prev_chain_hash": prev,
                "chain_hash": chain,
            }
        )
        self.event(aid, number, AuditAction.VERSION_ADDED, chain,
                   {"content_sha256": content, "chain_hash": chain, "document_sha256": None,
                    "signatures": {}})  # fmt: skip
        return chain

    def event(
        self, aid: str, number: int | None, action: str, subject: str | None, details: dict
    ) -> None:
        record = audit_record(
            at=_NOW, actor="bench", action=action, assessment_id=aid, version_number=number,
            subject_sha256=subject, details=details,
        )  # fmt: skip
        chain = link(self.audit_head, record)
        self.events.append(
            {
                "at": _NOW,
                "actor": "bench",
                "action": action,
                "assessment_id": aid,
                "version_number": number,
                "subject_sha256": subject,
                "record_json": record.decode("utf-8"),
                "prev_chain_hash": self.audit_head,
                "chain_hash": chain,
            }
        )
        self.audit_head = chain

    def flush(self, connection: Any) -> None:
        if self.versions:
            connection.execute(insert(versions), self.versions)
        if self.events:
            connection.execute(insert(audit_events), self.events)
        self.versions.clear()
        self.events.clear()
