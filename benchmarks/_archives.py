"""Archives of any size for the benchmarks, built in bulk and genuinely intact.

The rows are inserted directly, with hashes computed by the same functions the archive uses,
so `verify` walks a chain that adds up; building them one `add_version` at a time would take
minutes for 100,000 versions and measure nothing new. An archive lives in a temporary folder
removed when the benchmarks end.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from dpia.archive import (
    GENESIS,
    Archive,
    AuditAction,
    canonical_json,
    chain_hash,
    open_archive,
    sha256_hex,
    version_record,
)
from dpia.archive._database import writing
from dpia.archive._schema import assessments, audit_events, blobs, version_statuses, versions

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


def scratch_archive() -> Archive:
    directory = Path(tempfile.mkdtemp(prefix="dpia-bench-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return open_archive(f"sqlite:///{directory / 'archive.sqlite3'}")


@functools.cache
def bulk_archive(assessment_count: int, versions_each: int) -> Archive:
    """Built once per shape and shared: the benchmarks only read it."""
    archive = scratch_archive()
    questionnaire = QUESTIONNAIRE.encode("utf-8")
    questionnaire_sha = sha256_hex(questionnaire)
    report_text = canonical_json(REPORT).decode("utf-8")
    report_sha = sha256_hex(report_text.encode("utf-8"))
    now = "2026-11-29T10:00:00.000000Z"
    with writing(archive.engine) as connection:
        connection.execute(
            insert(blobs).values(
                sha256=questionnaire_sha, size=len(questionnaire), content=questionnaire
            )
        )
        connection.execute(
            insert(assessments),
            [
                {
                    "id": f"A-2026-{n:012X}",
                    "title": f"Telemetry programme {n}",
                    "organisation": "Example GmbH",
                    "created_at": now,
                    "created_by": "bench",
                    "latest_version": versions_each,
                    "status": "draft",
                    "review_due": (dt.date(2026, 1, 1) + dt.timedelta(days=n % 900)).isoformat(),
                    "updated_at": now,
                }
                for n in range(assessment_count)
            ],
        )
        rows: list[dict[str, Any]] = []
        row_id = 0
        for n in range(assessment_count):
            aid, prev = f"A-2026-{n:012X}", GENESIS
            for number in range(1, versions_each + 1):
                answers_text = canonical_json(answers(aid, number)).decode("utf-8")
                record = version_record(
                    assessment_id=aid,
                    number=number,
                    questionnaire="telemetry-for-ai@1.0.0",
                    questionnaire_sha256=questionnaire_sha,
                    answers_sha256=sha256_hex(answers_text.encode("utf-8")),
                    report_sha256=report_sha,
                    document_sha256=None,
                    signatures={},
                    author="bench",
                    created_at=now,
                    review_due="2027-05-04",
                )
                content = sha256_hex(record)
                row_id += 1
                rows.append(
                    {
                        "id": row_id,
                        "assessment_id": aid,
                        "number": number,
                        "questionnaire": "telemetry-for-ai@1.0.0",
                        "questionnaire_sha256": questionnaire_sha,
                        "answers_json": answers_text,
                        "report_json": report_text,
                        "document_sha256": None,
                        "author": "bench",
                        "created_at": now,
                        "review_due": "2027-05-04",
                        "content_sha256": content,
                        "prev_chain_hash": prev,
                        "chain_hash": chain_hash(prev, content),
                    }
                )
                prev = rows[-1]["chain_hash"]
                if len(rows) == _BATCH:
                    _flush(connection, rows, now)
        _flush(connection, rows, now)
    return archive


def _flush(connection: Any, rows: list[dict[str, Any]], now: str) -> None:
    if not rows:
        return
    connection.execute(insert(versions), rows)
    connection.execute(
        insert(version_statuses),
        [
            {"version_id": r["id"], "status": "draft", "actor": "bench", "at": now, "note": ""}
            for r in rows
        ],
    )
    connection.execute(
        insert(audit_events),
        [
            {
                "at": now,
                "actor": "bench",
                "action": AuditAction.VERSION_ADDED,
                "assessment_id": r["assessment_id"],
                "version_number": r["number"],
                "details_json": canonical_json({"content_sha256": r["content_sha256"]}).decode(),
            }
            for r in rows
        ],
    )
    rows.clear()
