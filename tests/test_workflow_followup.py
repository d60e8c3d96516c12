"""Advice and decisions that a material change leaves to review, and the conditions of an
approval tracked as action items until met: against a real archive and the mini questionnaire."""

from __future__ import annotations

import datetime as dt

import pytest
from app_support import archive, archive_url

from dpia._assessment import Assessment, AssessmentMeta
from dpia._errors import NotPermittedError, SourceError, WorkflowError
from dpia._library import questionnaire_for
from dpia._signoff import Decision, DpoAdvice, SignOff
from dpia.archive import VersionStatus
from dpia.workflow import (
    ALL_ROLES,
    add_version,
    condition_items,
    reconsiderations,
    track_condition,
    version_parts,
)

__all__ = ["archive", "archive_url"]

ADVICE = DpoAdvice(
    name="Dora Dpo",
    advice="approve_with_conditions",
    summary="Proceed once content capture is off.",
    conditions=("Record timing only, never content",),
    date=dt.date(2026, 5, 6),
)
DECISION = Decision(
    name="Eve Executive",
    decision="conditionally_approve",
    conditions=("Delete raw telemetry after 30 days", "Train the support team"),
    date=dt.date(2026, 5, 7),
    dpo_advice_followed=True,
)


def _assessment(assessment_id=None, headcount=150, title="Keystroke pilot", advice=ADVICE):
    return Assessment(
        questionnaire="mini@1.0",
        meta=AssessmentMeta(
            id=assessment_id,
            title=title,
            organisation="Example GmbH",
            assessor="Dana",
            date=dt.date(2026, 5, 4),
        ),
        answers={"countries": ["de"], "basis": "legitimate_interests", "headcount": headcount},
        signoff=SignOff(
            assessor={"name": "Dana", "email": "dana@example.org"},
            dpo_advice=advice,
            decision=DECISION,
        ),
    )


def _approved(archive) -> str:
    """Version 1 archived with the advice and decision, version 2 frozen as approved."""
    questionnaire = questionnaire_for("mini@1.0")
    first = add_version(archive, questionnaire, _assessment(), actor="dana", roles=ALL_ROLES)
    same = _assessment(first.assessment_id)
    parts = version_parts(questionnaire, same, as_of=dt.date(2026, 5, 4))
    archive.freeze(
        parts.answers,
        parts.report_json,
        parts.questionnaire_text,
        actor="eve",
        document=b"the signed document",
        signatures={"eve": b"a detached signature"},
        status=VersionStatus.APPROVED,
        note="approved with conditions",
        evidence={},
        number=2,
    )
    return first.assessment_id


def test_a_material_change_leaves_advice_and_decision_to_review_with_what_changed(archive):
    questionnaire = questionnaire_for("mini@1.0")
    assessment_id = _approved(archive)
    assert reconsiderations(archive, questionnaire, _assessment(assessment_id)) == ()
    retitled = _assessment(assessment_id, title="Keystroke pilot (EU)")
    assert reconsiderations(archive, questionnaire, retitled) == ()  # wording is not material

    found = reconsiderations(archive, questionnaire, _assessment(assessment_id, headcount=400))
    assert [(r.part, r.given_in) for r in found] == [("dpo_advice", 1), ("decision", 1)]
    (change,) = found[0].changes.answers
    assert (change.question_id, change.old_text, change.new_text) == (
        "headcount",
        "150 people",
        "400 people",
    )
    assert found[0].changes.text().startswith(f"{assessment_id}: v1 → the draft")

    advised_again = ADVICE.model_copy(
        update={"summary": "Proceed once content capture is off; 400 people is still fine."}
    )
    again = _assessment(assessment_id, headcount=400, advice=advised_again)
    assert [r.part for r in reconsiderations(archive, questionnaire, again)] == ["decision"]


def test_conditions_of_an_approval_stay_open_until_met_with_owner_and_due_date(archive):
    assessment_id = _approved(archive)
    items = condition_items(archive, assessment_id)
    assert [(i.number, i.part, i.index, i.text, i.met) for i in items] == [
        (2, "decision", 1, "Delete raw telemetry after 30 days", False),
        (2, "decision", 2, "Train the support team", False),
        (2, "dpo_advice", 1, "Record timing only, never content", False),
    ]
    with pytest.raises(NotPermittedError, match="tracks the conditions of an approval"):
        track_condition(
            archive,
            items[0],
            owner="CISO",
            due=dt.date(2026, 7, 1),
            actor="lee",
            roles={"legal_viewer"},
            assessment_id=assessment_id,
        )
    with pytest.raises(WorkflowError, match="condition 1 needs an owner"):
        track_condition(
            archive,
            items[0],
            owner=" ",
            due=dt.date(2026, 7, 1),
            actor="dana",
            roles={"author"},
            assessment_id=assessment_id,
        )
    track_condition(
        archive,
        items[0],
        owner="CISO",
        due=dt.date(2026, 7, 1),
        actor="dana",
        roles={"author"},
        assessment_id=assessment_id,
    )
    first = condition_items(archive, assessment_id)[0]
    assert (first.owner, first.due, first.met, first.updated_by) == (
        "CISO",
        dt.date(2026, 7, 1),
        False,
        "dana",
    )
    assert first.overdue(dt.date(2026, 7, 2)) and not first.overdue(dt.date(2026, 6, 30))
    track_condition(
        archive,
        first,
        owner="CISO",
        due=dt.date(2026, 7, 1),
        met_on=dt.date(2026, 6, 20),
        note="Deletion job runs nightly",
        actor="eve",
        roles={"decision_maker"},
        assessment_id=assessment_id,
    )
    first = condition_items(archive, assessment_id)[0]
    assert first.met and first.met_on == dt.date(2026, 6, 20) and not first.overdue(dt.date.today())
    assert archive.verify().intact


def test_a_decision_resting_on_advice_given_on_other_answers_is_not_frozen(archive):
    from dpia.workflow import freeze

    questionnaire = questionnaire_for("mini@1.0")
    assessment_id = _approved(archive)
    changed = _assessment(assessment_id, headcount=400)
    with pytest.raises(WorkflowError) as refused:
        freeze(archive, questionnaire, changed, b"a document", {}, actor="eve", roles=ALL_ROLES)
    assert str(refused.value) == (
        "the DPO's advice and the decision were given on version 1, and the answers, plan or "
        "ratings changed materially since: record them again (confirmed or changed) before "
        "freezing"
    )
    with pytest.raises(SourceError) as other:  # unchanged: the document is what is refused
        freeze(
            archive,
            questionnaire,
            _assessment(assessment_id),
            b"a document",
            {},
            actor="eve",
            roles=ALL_ROLES,
        )
    assert str(other.value) == "not a Word document (.docx): File is not a zip file"
