"""Every statement of a rendered DPIA is true to its answers and its sign-off record.

Checked on every example and on answers and sign-off records Hypothesis varies: who is
monitored, where, what is captured, whether processors and agreements exist, and what the DPO
advised and the decision-maker decided. A DPO who finds one untrue sentence stops trusting the
rest, so each check names the passages that would mislead.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from document_support import open_docx
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from truth_support import (
    approvals_without_approval,
    dangling_references,
    doubled,
    foreign_people_and_data,
    foreign_places,
    gdpr_where_it_does_not_apply,
    internal_ids,
    skipped_levels,
    start_despite_gaps,
    truncated,
    workplace_titles,
)

from dpia import Assessment, load_answers
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia._signoff import Decision, DpoAdvice, Person, SignOff
from dpia.document import render_docx
from dpia.risk import assess, catalogue_for
from dpia.workflow._decisions import decision_refusal

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))
TELEMETRY = [p for p in EXAMPLES if questionnaire_ref_of(p).startswith("telemetry-for-ai@")]


def _render(subject: Assessment):
    questionnaire = questionnaire_for(subject.questionnaire)
    report = assess(questionnaire, subject, as_of=subject.meta.date)
    return questionnaire, open_docx(render_docx(questionnaire, subject, report)), report


def _load(path: Path) -> Assessment:
    return load_answers(path, questionnaire_for(questionnaire_ref_of(path))).assessment


def _check_all(subject: Assessment) -> dict[str, list[str]]:
    questionnaire, document, report = _render(subject)
    catalogue = catalogue_for(questionnaire)
    found = {
        "GDPR framing where it does not apply": gdpr_where_it_does_not_apply(
            document, report.gdpr_applies
        ),
        "truncated": truncated(document),
        "doubled": doubled(document),
        "internal ids": internal_ids(document, questionnaire, catalogue),
        "dangling references": dangling_references(document),
        "skipped heading levels": skipped_levels(document),
        "approved without an approval": approvals_without_approval(document, subject),
        "places the answers do not have": foreign_places(document, subject),
        "people or data the answers do not have": foreign_people_and_data(document, subject),
        "workplace titles where no one monitored is staff": workplace_titles(document, subject),
        "may start while legal gaps stay open": start_despite_gaps(document, report),
    }
    return {name: items for name, items in found.items() if items}


@pytest.mark.slow
@pytest.mark.parametrize("path", TELEMETRY, ids=[p.stem for p in TELEMETRY])
def test_every_example_is_true_to_its_answers(path: Path) -> None:
    assert _check_all(_load(path)) == {}


# Answers varied around a real example, so every other answer stays plausible.
_BASE = next(p for p in TELEMETRY if "consumer" in p.stem)
_PLACES = {
    "de": "eu",
    "fr": "eu",
    "it": "eu",
    "nl": "eu",
    "es": "eu",
    "us_ca": "us",
    "us_ny": "us",
    "us_ct": "us",
    "us_de": "us",
    "other": "other",
}
_GROUPS = ["employees", "contractors", "applicants", "students", "consumers"]
_CAPTURED = [
    "keystroke_content",
    "keystroke_timing",
    "clicks",
    "screenshots",
    "window_titles_urls",
    "dom_trees",
]

_ANSWERS = st.fixed_dictionaries(
    {
        "monitored_jurisdictions": st.lists(
            st.sampled_from(sorted(_PLACES)), min_size=1, max_size=4, unique=True
        ),
        "monitored_groups": st.lists(st.sampled_from(_GROUPS), min_size=1, max_size=2, unique=True),
        "captured_data": st.lists(st.sampled_from(_CAPTURED), min_size=1, max_size=3, unique=True),
        "processors_used": st.booleans(),
        "controller_established_eu_uk": st.booleans(),
    }
)
_ADVICE = st.sampled_from(["approve", "approve_with_conditions", "do_not_proceed"])
_DECISION = st.sampled_from(
    ["approve", "conditionally_approve", "reject", "refer_to_supervisory_authority", None]
)


_CONDITIONS = ("Retention cut to 30 days.",)


def _signoff(advice: str | None, decision: str | None, followed: bool) -> SignOff | None:
    if advice is None:
        return None
    given = DpoAdvice(
        name="Dana Lind",
        advice=advice,
        summary="Advice given on the draft.",
        conditions=_CONDITIONS if advice == "approve_with_conditions" else (),
        date=dt.date(2026, 5, 1),
    )
    decided = None
    if decision is not None:
        decided = Decision(
            name="Ola Berg",
            position="Chief Operating Officer",
            decision=decision,
            conditions=("Retention cut to 30 days.",)
            if decision == "conditionally_approve"
            else (),
            date=dt.date(2026, 5, 8),
            dpo_advice_followed=followed,
            reasons_for_overruling="" if followed else "The business need outweighs it.",
        )
    return SignOff(
        assessor=Person(name="Sanne de Wit", email="sanne@example.org"),
        dpo_advice=given,
        decision=decided,
    )


def _varied(base: Assessment, varied: dict[str, Any]) -> Assessment:
    answers = dict(base.answers)
    answers.update(varied)
    places = varied["monitored_jurisdictions"]
    answers["monitored_regions"] = sorted({_PLACES[p] for p in places})
    answers["headcount_by_jurisdiction"] = [{"jurisdiction": p, "headcount": 1000} for p in places]
    answers["people_monitored_total"] = 1000 * len(places)
    if not varied["processors_used"]:
        answers.pop("processors", None)
    return base.model_copy(update={"answers": answers})


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    varied=_ANSWERS,
    advice=st.none() | _ADVICE,
    decision=_DECISION,
    followed=st.booleans(),
)
def test_documents_from_varied_answers_are_true_to_them(
    varied: dict[str, Any], advice: str | None, decision: str | None, followed: bool
) -> None:
    try:
        record = _signoff(advice, decision, followed)
    except ValidationError:
        assume(False)
        return
    subject = _varied(_load(_BASE), varied).model_copy(update={"signoff": record})
    if decision is not None:
        # A decision the answers file would be refused for (a referral to a supervisory
        # authority where the GDPR does not apply) never reaches a document.
        questionnaire = questionnaire_for(subject.questionnaire)
        report = assess(questionnaire, subject, as_of=subject.meta.date)
        assume(decision_refusal(decision, report.gdpr_applies) is None)
    assert _check_all(subject) == {}


_US_ONLY = next(p for p in TELEMETRY if "us-employees" in p.stem)


@pytest.mark.slow
@pytest.mark.parametrize(
    "varied",
    [
        {"joint_controllers_exist": True, "joint_controller_arrangement": False},
        {"joint_controllers_exist": True, "joint_controller_arrangement": True},
        {"dpo_designated": False, "controller_type": "public_body"},
        {"processing_started": True, "assessment_kind": "reassessment_running"},
        {"processing_started": True},
    ],
    ids=["no-arrangement", "arrangement", "no-dpo-public-body", "reassessment", "started"],
)
def test_no_gdpr_article_where_the_gdpr_does_not_apply(varied: dict[str, Any]) -> None:
    """Each answer whose wording cites the GDPR where it applies, on a programme it does not
    reach: the document frames it by the law that applies instead."""
    base = _load(_US_ONLY)
    subject = base.model_copy(update={"answers": {**base.answers, **varied}})
    _, document, report = _render(subject)
    assert not report.gdpr_applies
    assert gdpr_where_it_does_not_apply(document, report.gdpr_applies) == []


@pytest.mark.parametrize(
    ("example", "said"),
    [
        ("scenario-k-tool-without-works-agreement", "Processing already runs, although"),
        ("scenario-a-keystroke-content", "Processing does not start before the authority"),
    ],
)
def test_the_consultation_annex_says_whether_processing_already_runs(example, said) -> None:
    """A programme that already runs cannot be told it will not start: the annex asks for it
    to be suspended instead."""
    path = next(p for p in TELEMETRY if p.stem == example)
    subject = _load(path)
    _, document, report = _render(subject)
    assert report.prior_consultation_required
    assert subject.answers["processing_started"] is (example.startswith("scenario-k"))
    texts = [p.text for p in document.paragraphs]
    annex = texts[texts.index("What the consultation file contains (Art. 36(3))") :]
    assert next(t for t in annex if t.startswith("Processing ")).startswith(said)


@pytest.mark.parametrize(("as_of", "overdue"), [("2026-11-29", True), ("2026-07-15", False)])
def test_a_review_date_the_law_date_has_passed_is_called_overdue(as_of, overdue) -> None:
    path = next(p for p in TELEMETRY if p.stem == "scenario-q-university-ai-assistant")
    subject = _load(path)
    assert subject.answers["next_review_date"] == dt.date(2026, 7, 15)
    questionnaire = questionnaire_for(subject.questionnaire)
    report = assess(questionnaire, subject, as_of=dt.date.fromisoformat(as_of))
    document = open_docx(render_docx(questionnaire, subject, report))
    (plan,) = [
        p.text for p in document.paragraphs if p.text.startswith("This assessment is reviewed")
    ]
    assert ("the review is overdue" in plan) is overdue


def test_the_answers_annex_writes_dates_out_as_the_rest_of_the_document_does() -> None:
    """Scenario C plans to start capture on 2026-06-01: the answers annex reads “1 June 2026”,
    as every other date of the document does, never the file's ISO form."""
    consumer = next(p for p in TELEMETRY if "consumer" in p.stem)
    _, document, _ = _render(_load(consumer))
    answered = {
        row.cells[0].text: row.cells[-1].text for table in document.tables for row in table.rows
    }
    assert answered["When is capture planned to start (or when did it start)?"] == "1 June 2026"


def test_a_duty_still_to_fulfil_is_priced_only_as_what_a_breach_would_risk() -> None:
    """F (US staff) owes the California attestation by 1 April 2028: nothing is breached yet,
    so its row's maximum says what failing the duty would put at stake, where a gap's row
    states its maximum plainly."""
    us_staff = next(p for p in TELEMETRY if p.stem == "scenario-f-us-employees")
    _, document, _ = _render(_load(us_staff))
    maxima = {
        row.cells[0].text.split("\n")[0]: row.cells[-1].text
        for table in document.tables
        for row in table.rows
        if "statutory maximum" in row.cells[-1].text
    }
    duty = next(v for k, v in maxima.items() if k.startswith("Attestation and summary"))
    gap = next(v for k, v in maxima.items() if k.startswith("Right to limit the use"))
    assert "statutory maximum if the duty is not fulfilled" in duty
    assert "if the duty is not fulfilled" not in gap


def test_no_training_data_is_said_to_be_encrypted_where_the_organisation_trains_none() -> None:
    """O deploys an office suite and trains no model of its own: its security section says the
    telemetry is encrypted, not that training data it does not hold are."""
    office = next(p for p in TELEMETRY if p.stem == "scenario-o-office-diagnostic-data-as-found")
    _, document, _ = _render(_load(office))
    encrypted = [p.text for p in document.paragraphs if "encrypted in transit" in p.text]
    assert encrypted == ["The telemetry is encrypted in transit and at rest."]
