"""What a decision leaves to do, and when advice or a decision must be looked at again.

Advice and a decision are given on the answers and ratings of a version. When the answers,
the plan or a rating change materially afterwards, carrying them over unread would let a
signature approve a programme nobody judged: the advice or the decision is then "to be
reviewed", with the changes since the version it was first archived with. Recording it again
(the same words with a new date, or new words) is the review.

The conditions of an approval with conditions (the decision's, and the DPO's when the advice
was to proceed with conditions) are action items of the approved version: each gets an owner
and a due date and stays open until it is met. Where each one stands is noted in the archive's
audit log, so the trail of who committed to what and when it was met is signed with it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from .._assessment import Assessment
from .._errors import WorkflowError
from ..archive import Archive, AuditAction, VersionDiff, VersionStatus, diff_draft
from ..questionnaire import Questionnaire
from ._final import version_parts
from ._law import law_date
from ._roles import require
from ._steps import archived_versions

__all__ = [
    "ConditionItem",
    "Reconsideration",
    "condition_items",
    "reconsiderations",
    "track_condition",
]

Part = Literal["dpo_advice", "decision"]
_CONDITIONAL = {"dpo_advice": "approve_with_conditions", "decision": "conditionally_approve"}


@dataclass(frozen=True)
class Reconsideration:
    """Advice or a decision given on version `given_in`, and what changed materially since."""

    part: Part
    given_in: int
    changes: VersionDiff


@dataclass(frozen=True)
class ConditionItem:
    """One condition of the approved version `number`: `index` counts from 1 within `part`."""

    number: int
    part: Part
    index: int
    text: str
    owner: str = ""
    due: dt.date | None = None
    met_on: dt.date | None = None
    note: str = ""
    updated_by: str = ""

    @property
    def met(self) -> bool:
        return self.met_on is not None

    def overdue(self, today: dt.date) -> bool:
        return not self.met and self.due is not None and self.due < today


def reconsiderations(
    archive: Archive, questionnaire: Questionnaire, assessment: Assessment
) -> tuple[Reconsideration, ...]:
    """The advice and decision of `assessment` that a material change since has left to review.

    Each is held to the earliest archived version that carries exactly the same record; one
    not archived yet was given on these answers, and nothing is due.
    """
    assessment_id = assessment.meta.id
    if assessment_id is None or assessment.signoff is None:
        return ()
    versions = archived_versions(archive, assessment_id)
    if not versions:
        return ()
    parts = version_parts(questionnaire, assessment, as_of=law_date(assessment))
    current = json.loads(json.dumps(parts.answers))
    report = json.loads(json.dumps(parts.report_json))
    stored = [archive.version(assessment_id, v.number) for v in versions]
    found = []
    for part in ("dpo_advice", "decision"):
        given = (current.get("signoff") or {}).get(part)
        if given is None:
            continue
        carrying = [v for v in stored if (v.answers.get("signoff") or {}).get(part) == given]
        if not carrying:
            continue
        changes = diff_draft(carrying[0], current, report, questionnaire)
        if changes.material:
            found.append(Reconsideration(part, carrying[0].number, changes))  # type: ignore[arg-type]
    return tuple(found)


def condition_items(archive: Archive, assessment_id: str) -> tuple[ConditionItem, ...]:
    """The conditions of the latest approved version, each where its latest note left it."""
    approved = [
        v for v in archived_versions(archive, assessment_id) if v.status is VersionStatus.APPROVED
    ]
    if not approved:
        return ()
    number = approved[-1].number
    signoff = archive.version(assessment_id, number).answers.get("signoff") or {}
    items = {
        (part, index): ConditionItem(number, part, index, text)  # type: ignore[arg-type]
        for part in ("decision", "dpo_advice")
        if (signoff.get(part) or {}).get(_kind(part)) == _CONDITIONAL[part]
        for index, text in enumerate(signoff[part].get("conditions") or (), start=1)
    }
    for event in archive.audit_trail(assessment_id):
        if event.action != AuditAction.CONDITION_TRACKED or event.version_number != number:
            continue
        key = (event.details.get("part"), event.details.get("index"))
        if key in items:
            items[key] = _noted(items[key], event.details, event.actor)
    return tuple(items.values())


def track_condition(
    archive: Archive,
    item: ConditionItem,
    *,
    owner: str,
    due: dt.date,
    met_on: dt.date | None = None,
    note: str = "",
    actor: str,
    roles: Iterable[str],
    assessment_id: str,
) -> ConditionItem:
    """Give a condition its owner and due date, or mark it met; refused without an owner."""
    require(roles, "track_conditions")
    owner, note = owner.strip(), note.strip()
    if not owner:
        raise WorkflowError(f"condition {item.index} needs an owner: the person who sees to it")
    if met_on is not None and met_on > dt.date.today():
        raise WorkflowError(f"condition {item.index} cannot be met on a day still to come")
    details: dict[str, Any] = {
        "part": item.part,
        "index": item.index,
        "text": item.text,
        "owner": owner,
        "due": due.isoformat(),
        "met_on": None if met_on is None else met_on.isoformat(),
        "note": note,
    }
    archive.track_condition(assessment_id, item.number, actor=actor, details=details)
    return _noted(item, details, actor)


def _kind(part: str) -> str:
    return "advice" if part == "dpo_advice" else "decision"


def _noted(item: ConditionItem, details: dict[str, Any], actor: str) -> ConditionItem:
    met_on = details.get("met_on")
    due = details.get("due")
    return ConditionItem(
        number=item.number,
        part=item.part,
        index=item.index,
        text=item.text,
        owner=str(details.get("owner") or ""),
        due=dt.date.fromisoformat(due) if due else None,
        met_on=dt.date.fromisoformat(met_on) if met_on else None,
        note=str(details.get("note") or ""),
        updated_by=actor,
    )
