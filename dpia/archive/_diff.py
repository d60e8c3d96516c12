"""What changed between two versions of an assessment, in the words a reviewer uses.

A reviewer re-approving a DPIA needs lists, not a JSON patch: which answers changed (with the
question as it was asked), which risks moved level, which measures came, went or moved on, and
what changed in the record around them: the sign-off (advice, decision, signatories), the
status, the signatures and the document. Two versions differ when any of these differ; "no
differences" means the same answers, plan, sign-off, status, signatures and document bytes.
Labels come from the questionnaire snapshot archived with the newer version, so a diff reads
the same years later even if the questionnaire file has since been edited.
"""

import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .._errors import DPIAError
from .._source import read_source
from ..questionnaire import Questionnaire, questionnaire_from_source
from ._records import StoredVersion

__all__ = [
    "AnswerChange",
    "FieldChange",
    "MeasureChange",
    "RecordChange",
    "RiskChange",
    "VersionDiff",
    "diff_draft",
    "diff_versions",
]

_NOT_ANSWERED = "(not answered)"
_REPORT_FIELDS = (
    "dpia_required",
    "overall_inherent",
    "overall_residual",
    "prior_consultation_required",
    "stop",
)


class _Frozen(BaseModel):
    # Validator built on first use: a command validates few of these models, and one
    # held by another is validated within it, so building each at import is wasted.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class FieldChange(_Frozen):
    """A change outside the answers: assessment details, questionnaire, plan, overall result."""

    field: str
    old: Any
    new: Any


class RecordChange(_Frozen):
    """A change in what surrounds the answers: `status`, `document` (its SHA-256), or
    `signature` (one signatory's signature file, by its label; its SHA-256)."""

    field: Literal["status", "document", "signature"]
    old: str | None
    new: str | None
    signer: str | None = None

    @property
    def label(self) -> str:
        if self.field == "signature":
            return f"signature {self.signer} (SHA-256)"
        return "document (SHA-256)" if self.field == "document" else "status"


class AnswerChange(_Frozen):
    question_id: str
    label: str | None
    old: Any
    new: Any
    old_text: str
    new_text: str


class RiskChange(_Frozen):
    """A risk whose inherent or residual level changed; None where the risk was absent."""

    id: str
    title: str
    inherent_old: str | None
    inherent_new: str | None
    residual_old: str | None
    residual_new: str | None


class MeasureChange(_Frozen):
    id: str
    title: str
    change: Literal["added", "removed", "status"]
    old_status: str | None
    new_status: str | None


class VersionDiff(_Frozen):
    """`new_number` is None when the newer side is the draft being edited, not a version."""

    assessment_id: str
    old_number: int
    new_number: int | None
    fields: tuple[FieldChange, ...]
    answers: tuple[AnswerChange, ...]
    risks: tuple[RiskChange, ...]
    measures: tuple[MeasureChange, ...]
    record: tuple[RecordChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.fields or self.answers or self.risks or self.measures or self.record)

    @property
    def material(self) -> bool:
        """Whether what an adviser or a decision-maker judged changed: an answer, the plan, a
        measure, a risk level or an overall result. Wording of the title, the people named
        and the sign-off record itself are not: they do not change the processing."""
        judged = [f for f in self.fields if f.field.startswith(("plan.", "report.", "quest"))]
        return bool(self.answers or self.risks or self.measures or judged)

    def text(self) -> str:
        newer = "the draft" if self.new_number is None else f"v{self.new_number}"
        head = f"{self.assessment_id}: v{self.old_number} → {newer}"
        if self.empty:
            return f"{head}\nNo differences."
        lines = [head]
        if self.record:
            lines.append(f"\nRecord changed ({len(self.record)})")
            lines += [f"  {c.label}: {c.old or '—'} → {c.new or '—'}" for c in self.record]
        if self.fields:
            lines.append(f"\nDetails changed ({len(self.fields)})")
            lines += [f"  {c.field}: {_show(c.old)} → {_show(c.new)}" for c in self.fields]
        if self.answers:
            lines.append(f"\nAnswers changed ({len(self.answers)})")
            for a in self.answers:
                lines.append(f"  {a.question_id}" + (f": {a.label}" if a.label else ""))
                lines.append(f"      {a.old_text} → {a.new_text}")
        if self.risks:
            lines.append(f"\nRisk levels changed ({len(self.risks)})")
            for r in self.risks:
                lines.append(
                    f"  {r.id} {r.title}: inherent {r.inherent_old or '—'} → "
                    f"{r.inherent_new or '—'}, residual {r.residual_old or '—'} → "
                    f"{r.residual_new or '—'}"
                )
        if self.measures:
            lines.append(f"\nMeasures changed ({len(self.measures)})")
            for m in self.measures:
                if m.change == "added":
                    lines.append(f"  + {m.id} {m.title} ({m.new_status})")
                elif m.change == "removed":
                    lines.append(f"  - {m.id} {m.title} (was {m.old_status})")
                else:
                    lines.append(f"  ~ {m.id} {m.title}: {m.old_status} → {m.new_status}")
        return "\n".join(lines)


def diff_versions(old: StoredVersion, new: StoredVersion) -> VersionDiff:
    return _diff(
        old,
        new.answers,
        new.report,
        new_number=new.number,
        questionnaire=_snapshot(new) or _snapshot(old),
        record=tuple(_record_changes(old, new)),
    )


def diff_draft(
    old: StoredVersion,
    answers: Mapping[str, Any],
    report: Mapping[str, Any],
    questionnaire: Questionnaire | None = None,
) -> VersionDiff:
    """What the answers and report being edited change against an archived version; `report`
    is the risk report as JSON, as archived. Labels come from `questionnaire` when given."""
    return _diff(
        old,
        answers,
        report,
        new_number=None,
        questionnaire=questionnaire or _snapshot(old),
        record=(),
    )


def _diff(
    old: StoredVersion,
    new_answers: Mapping[str, Any],
    new_report: Mapping[str, Any],
    *,
    new_number: int | None,
    questionnaire: Questionnaire | None,
    record: tuple[RecordChange, ...],
) -> VersionDiff:
    old_answers = old.answers
    return VersionDiff(
        assessment_id=old.assessment_id,
        old_number=old.number,
        new_number=new_number,
        fields=tuple(_field_changes(old_answers, new_answers, old.report, new_report)),
        answers=tuple(
            _answer_changes(
                old_answers.get("answers") or {}, new_answers.get("answers") or {}, questionnaire
            )
        ),
        risks=tuple(_risk_changes(old.report, new_report)),
        measures=tuple(_measure_changes(old.report, new_report)),
        record=record,
    )


def _record_changes(old: StoredVersion, new: StoredVersion) -> list[RecordChange]:
    changes = []
    if old.status != new.status:
        changes.append(RecordChange(field="status", old=old.status.value, new=new.status.value))
    if old.document_sha256 != new.document_sha256:
        changes.append(
            RecordChange(
                field="document",
                old=old.document_sha256,
                new=new.document_sha256,
            )
        )
    for label in sorted(set(old.signatures) | set(new.signatures)):
        before, after = old.signatures.get(label), new.signatures.get(label)
        if before != after:
            changes.append(RecordChange(field="signature", old=before, new=after, signer=label))
    return changes


def _snapshot(version: StoredVersion) -> Questionnaire | None:
    """The archived questionnaire, or None if it no longer loads (an older format)."""
    try:
        source = read_source(
            version.questionnaire_text.encode("utf-8"),
            name=f"questionnaire snapshot of v{version.number}",
        )
        return questionnaire_from_source(source)
    except DPIAError:
        return None


def _field_changes(
    old_answers: Mapping[str, Any],
    new_answers: Mapping[str, Any],
    old_report: Mapping[str, Any],
    new_report: Mapping[str, Any],
) -> list[FieldChange]:
    changes = []
    if old_answers.get("questionnaire") != new_answers.get("questionnaire"):
        changes.append(
            FieldChange(
                field="questionnaire",
                old=old_answers.get("questionnaire"),
                new=new_answers.get("questionnaire"),
            )
        )
    for group in ("assessment", "plan"):
        before, after = old_answers.get(group) or {}, new_answers.get(group) or {}
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                changes.append(
                    FieldChange(field=f"{group}.{key}", old=before.get(key), new=after.get(key))
                )
    before, after = _leaves(old_answers.get("signoff")), _leaves(new_answers.get("signoff"))
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            changes.append(
                FieldChange(field=f"signoff.{key}", old=before.get(key), new=after.get(key))
            )
    for key in _REPORT_FIELDS:
        if old_report.get(key) != new_report.get(key):
            changes.append(
                FieldChange(field=f"report.{key}", old=old_report.get(key), new=new_report.get(key))
            )
    return changes


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    """A nested sign-off record as `advice.advice: ...` paths, so that a diff names the one
    entry that changed instead of repeating the whole record; lists (signatories) stay whole."""
    if not isinstance(value, Mapping):
        return {prefix: value} if prefix and value is not None else {}
    found: dict[str, Any] = {}
    for key, item in value.items():
        found.update(_leaves(item, f"{prefix}.{key}" if prefix else str(key)))
    return found


def _answer_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], questionnaire: Questionnaire | None
) -> list[AnswerChange]:
    order = questionnaire.question_ids() if questionnaire else []
    known = set(order)
    ids = [i for i in order if i in old or i in new]
    ids += sorted((set(old) | set(new)) - known)
    changes = []
    for question_id in ids:
        before, after = old.get(question_id), new.get(question_id)
        if before == after:
            continue
        question = None
        if questionnaire is not None and question_id in known:
            question = questionnaire.question(question_id)
        changes.append(
            AnswerChange(
                question_id=question_id,
                label=question.label if question else None,
                old=before,
                new=after,
                old_text=_display(question, before),
                new_text=_display(question, after),
            )
        )
    return changes


def _display(question: Any, value: Any) -> str:
    if value is None:
        return _NOT_ANSWERED
    if question is not None:
        try:
            return str(question.display(question.accept(value)))
        except (ValueError, TypeError, KeyError):
            pass
    return _show(value)


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _by_id(report: Mapping[str, Any], key: str) -> dict[str, Mapping[str, Any]]:
    items = report.get(key)
    if not isinstance(items, list):
        return {}
    return {str(item["id"]): item for item in items if isinstance(item, Mapping) and "id" in item}


def _level(risk: Mapping[str, Any] | None, which: str) -> str | None:
    if risk is None:
        return None
    part = risk.get(which)
    return str(part.get("level")) if isinstance(part, Mapping) else None


def _risk_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[RiskChange]:
    before, after = _by_id(old, "risks"), _by_id(new, "risks")
    changes = []
    for risk_id in sorted(set(before) | set(after)):
        a, b = before.get(risk_id), after.get(risk_id)
        levels = (
            _level(a, "inherent"),
            _level(b, "inherent"),
            _level(a, "residual"),
            _level(b, "residual"),
        )
        if levels[0] == levels[1] and levels[2] == levels[3]:
            continue
        changes.append(
            RiskChange(
                id=risk_id,
                title=str((b or a or {}).get("title", "")),
                inherent_old=levels[0],
                inherent_new=levels[1],
                residual_old=levels[2],
                residual_new=levels[3],
            )
        )
    return changes


def _measure_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[MeasureChange]:
    before, after = _by_id(old, "mitigations"), _by_id(new, "mitigations")
    changes = []
    for measure_id in sorted(set(before) | set(after)):
        a, b = before.get(measure_id), after.get(measure_id)
        old_status = None if a is None else a.get("status")
        new_status = None if b is None else b.get("status")
        if a is None:
            change: Literal["added", "removed", "status"] = "added"
        elif b is None:
            change = "removed"
        elif old_status != new_status:
            change = "status"
        else:
            continue
        changes.append(
            MeasureChange(
                id=measure_id,
                title=str((b or a or {}).get("title", "")),
                change=change,
                old_status=old_status,
                new_status=new_status,
            )
        )
    return changes
