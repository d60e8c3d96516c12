"""A cnil-pia assessment written back as a file the CNIL's PIA tool imports.

The file has the shape every version of the tool's importer reads (`pia`, `answers`,
`measures`, `evaluations`, `comments`): the fields its `importData` copies, `dbVersion` for the
2018-2021 versions that refuse a file without it, and both spellings of the two fields the tool
renamed in 2023 (`rejected_reason`/`rejection_reason`, `applied_adjustements`/
`applied_adjustments`). Text goes back as the editor's HTML (`to_html`), so an export read back
by `dpia import` gives the same answers (tests/test_interop_cnil_roundtrip.py checks it for any
PIA Hypothesis can build).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._assessment import Assessment
from .._errors import DPIAError
from ..questionnaire import Questionnaire
from . import _cnil_structure as cnil
from ._cnil_file import to_json_bytes
from ._cnil_import import ORGANISATION_UNKNOWN
from ._html_text import to_html

__all__ = ["DB_VERSION", "CnilExport", "export_cnil_pia", "export_cnil_questionnaire"]

DB_VERSION = 201808011000
"""The database version of the 2018-2021 tool's last schema; those importers require the key."""

_EPOCH_TIME = "T00:00:00.000Z"


@dataclass
class CnilExport:
    """What `dpia export --format cnil-pia` writes, and what it could not carry over."""

    document: dict[str, Any]
    not_mapped: list[str] = field(default_factory=list)
    attachments: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def content(self) -> bytes:
        """The JSON file, as the tool's "Export (.json)" writes it."""
        return to_json_bytes(self.document)

    @property
    def zip_content(self) -> bytes:
        """The ZIP the tool writes with attachments: `pia.json` and `Attachments/<name>`."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            stamp = (1980, 1, 1, 0, 0, 0)
            entries = [("pia.json", to_json_bytes(self.document))]
            entries += [(f"Attachments/{name}", data) for name, data in self.attachments]
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        return buffer.getvalue()

    @property
    def summary(self) -> str:
        document = self.document
        parts = [
            f"{len(document['answers'])} answers",
            f"{len(document['measures'])} measures",
            f"{len(document['evaluations'])} evaluations",
            f"{len(document['comments'])} comments",
        ]
        if self.attachments:
            parts.append(f"{len(self.attachments)} attachments")
        return ", ".join(parts)


def export_cnil_pia(
    questionnaire: Questionnaire,
    assessment: Assessment,
    *,
    attachment_root: Path | None = None,
) -> CnilExport:
    """The PIA tool's file for any assessment whose questionnaire has a mapping."""
    if questionnaire.id == "cnil-pia":
        return export_cnil_questionnaire(assessment, attachment_root=attachment_root)
    if questionnaire.id == "telemetry-for-ai":
        from ._cnil_telemetry import export_telemetry

        return export_telemetry(questionnaire, assessment)
    raise DPIAError(
        f"no mapping from {questionnaire.ref} to the CNIL PIA format; mapped questionnaires: "
        "cnil-pia, telemetry-for-ai"
    )


def _timestamp(text: str | None, fallback: dt.date) -> str:
    return text or f"{fallback.isoformat()}{_EPOCH_TIME}"


def _html(value: Any) -> str:
    return to_html(value) if isinstance(value, str) and value else ""


def export_cnil_questionnaire(
    assessment: Assessment, *, attachment_root: Path | None = None
) -> CnilExport:
    answers = assessment.answers
    meta = assessment.meta
    created = _timestamp(answers.get("pia_created_at"), meta.date)
    updated = answers.get("pia_updated_at")
    pia_id = answers.get("pia_number", 1)

    def stamp(entry: dict[str, Any]) -> dict[str, Any]:
        times = {"created_at": created, **({"updated_at": updated} if updated else {})}
        return {"pia_id": pia_id, **entry, **times}

    records: list[dict[str, Any]] = []
    for number, question_id in cnil.TEXT_ANSWERS.items():
        if answers.get(question_id):
            records.append(
                {
                    "reference_to": number,
                    "data": {"text": _html(answers[question_id]), "gauge": 0, "list": []},
                }
            )
    for number, question_id in cnil.LIST_ANSWERS.items():
        rows = answers.get(question_id) or []
        if rows:
            entries = [row["entry"] for row in rows if row.get("entry")]
            records.append(
                {"reference_to": number, "data": {"text": "", "gauge": None, "list": entries}}
            )
    for number, (gauge_id, reason_id) in cnil.GAUGE_ANSWERS.items():
        gauge = _level_number(answers.get(gauge_id))
        reason = answers.get(reason_id)
        if gauge or reason:
            records.append(
                {
                    "reference_to": number,
                    "data": {"text": _html(reason), "gauge": gauge, "list": []},
                }
            )
    measures, measure_evaluations = _measures(answers, stamp)
    evaluations = _evaluations(answers, stamp) + measure_evaluations
    not_mapped: list[str] = []
    attachments = _attachments(answers, attachment_root, not_mapped)
    document = {
        "pia": _pia(assessment, pia_id, created, updated),
        "answers": [stamp(record) for record in records],
        "measures": measures,
        "evaluations": evaluations,
        "comments": _comments(answers, pia_id, created),
    }
    if meta.organisation and meta.organisation != ORGANISATION_UNKNOWN:
        not_mapped.append(
            f"assessment.organisation ({meta.organisation}): the PIA tool has no field for it"
        )
    return CnilExport(document, not_mapped, attachments)


def _level_number(value: Any) -> int:
    return {v: k for k, v in cnil.GAUGE_LEVELS.items()}.get(value, 0)


def _status_number(value: Any) -> int | None:
    return {v: k for k, v in cnil.EVALUATION_STATUS.items()}.get(value)


def _evaluation(
    reference: str,
    fields: dict[str, Any],
    stamp: Callable[[dict[str, Any]], dict[str, Any]],
    gauges: tuple[int, int] = (0, 0),
) -> dict[str, Any] | None:
    if not any(value for value in fields.values()) and gauges == (0, 0):
        return None
    status = _status_number(fields.get("evaluation"))
    record: dict[str, Any] = {"reference_to": reference, "status": status}
    if fields.get("evaluation_comment"):
        record["evaluation_comment"] = _html(fields["evaluation_comment"])
    if fields.get("action_plan"):
        record["action_plan_comment"] = _html(fields["action_plan"])
    record["gauges"] = {"x": gauges[0], "y": gauges[1]}
    due = fields.get("action_due")
    record["estimated_implementation_date"] = f"{_day(due)}{_EPOCH_TIME}" if due else None
    record["person_in_charge"] = fields.get("action_owner") or None
    record["global_status"] = {None: 0, 0: 0, 1: 1}.get(status, 2)
    return stamp(record)


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


_FIELDS = ("evaluation", "evaluation_comment", "action_plan", "action_due", "action_owner")


def _evaluations(
    answers: dict[str, Any], stamp: Callable[[dict[str, Any]], dict[str, Any]]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for reference, prefix in cnil.ITEM_EVALUATIONS.items():
        fields = {name: answers.get(f"{prefix}_{name}") for name in _FIELDS}
        gauges = (0, 0)
        if reference in cnil.RISK_EVALUATIONS:
            gauges = (
                _level_number(answers.get(f"{prefix}_corrected_severity")),
                _level_number(answers.get(f"{prefix}_corrected_likelihood")),
            )
        record = _evaluation(reference, fields, stamp, gauges)
        if record:
            out.append(record)
    for number, prefix in cnil.TEXT_ANSWERS.items():
        item = cnil.ITEM_OF_QUESTION[number]
        if item not in cnil.QUESTION_EVALUATED_ITEMS:
            continue
        fields = {name: answers.get(f"{prefix}_{name}") for name in _FIELDS}
        record = _evaluation(f"{item}.{number}", fields, stamp)
        if record:
            out.append(record)
    return out


def _measures(
    answers: dict[str, Any], stamp: Callable[[dict[str, Any]], dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = answers.get("measures") or []
    used = {row["number"] for row in rows if isinstance(row.get("number"), int)}
    next_number = max(used, default=0) + 1
    measures, evaluations = [], []
    for row in rows:
        number = row.get("number")
        if not isinstance(number, int):
            number, next_number = next_number, next_number + 1
        record: dict[str, Any] = {
            "id": number,
            "title": row.get("title", ""),
            "content": _html(row.get("description")),
        }
        if row.get("knowledge_base_entry"):
            record["placeholder"] = row["knowledge_base_entry"]
        measures.append(stamp(record))
        fields = {name: row.get(name) for name in _FIELDS}
        evaluation = _evaluation(f"{cnil.MEASURE_ITEM}.{number}", fields, stamp)
        if evaluation:
            evaluations.append(evaluation)
    return measures, evaluations


def _comments(answers: dict[str, Any], pia_id: int, created: str) -> list[dict[str, Any]]:
    numbers = {question_id: number for number, question_id in cnil.COMMENTABLE.items()}
    out = []
    for index, row in enumerate(answers.get("comments") or [], start=1):
        on_measure = row.get("measure") is not None
        reference = row.get("measure") if on_measure else numbers.get(row.get("question", ""))
        if reference is None:
            raise DPIAError(
                f"answers.comments row {index}: names neither a measure nor a question of the "
                f"CNIL method (question {row.get('question')!r})"
            )
        out.append(
            {
                "id": index,
                "pia_id": pia_id,
                "description": row["text"],
                "reference_to": reference,
                "for_measure": on_measure,
                "created_at": row.get("written_at") or created,
            }
        )
    return out


def _pia(assessment: Assessment, pia_id: int, created: str, updated: str | None) -> dict[str, Any]:
    answers = assessment.answers
    status = {v: k for k, v in cnil.PIA_STATUS.items()}.get(answers.get("pia_status"), 0)
    opinion = {v: k for k, v in cnil.OPINION_STATUS.items()}
    pia: dict[str, Any] = {
        "id": pia_id,
        "dbVersion": DB_VERSION,
        "tableName": "pia",
        "name": assessment.meta.title,
        "category": answers.get("pia_category") or "",
        "status": status,
        "author_name": answers.get("author") or "",
        "evaluator_name": answers.get("evaluator") or "",
        "validator_name": answers.get("validator") or "",
        "dpos_names": answers.get("dpo_names") or "",
        "dpo_status": opinion.get(answers.get("dpo_opinion_status")),
        "dpo_opinion": answers.get("dpo_opinion") or "",
        "concerned_people_searched_opinion": answers.get("subjects_opinion_sought"),
        "concerned_people_searched_content": answers.get("subjects_opinion_not_sought_reason")
        or "",
        "people_names": answers.get("subjects_names") or "",
        "concerned_people_status": opinion.get(answers.get("subjects_opinion_status")),
        "concerned_people_opinion": answers.get("subjects_opinion") or "",
        "rejection_reason": answers.get("rejection_reason") or "",
        "rejected_reason": answers.get("rejection_reason") or "",
        "applied_adjustments": answers.get("applied_adjustments") or "",
        "applied_adjustements": answers.get("applied_adjustments") or "",
        "is_example": 0,
        "created_at": created,
    }
    if updated:
        pia["updated_at"] = updated
    if answers.get("structure_name"):
        pia["structure_name"] = answers["structure_name"]
    if answers.get("structure_sector"):
        pia["structure_sector_name"] = answers["structure_sector"]
    return pia


def _attachments(
    answers: dict[str, Any], root: Path | None, not_mapped: list[str]
) -> list[tuple[str, bytes]]:
    """The attached files, read from beside the answers file and checked against their hash."""
    import hashlib

    found = []
    for row in answers.get("attachments") or []:
        path = (root / row["path"]) if root is not None else None
        if path is None or not path.is_file():
            not_mapped.append(f"attachment {row['name']}: the file {row['path']} is not there")
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != row["sha256"]:
            raise DPIAError(
                f"{path}: this file is not the attachment that was imported (its SHA-256 "
                "differs from the one in the answers file)"
            )
        found.append((row["name"], data))
    return found
