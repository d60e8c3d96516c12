"""A telemetry-for-ai assessment as a CNIL PIA tool file: the documented mapping.

The CNIL method asks its questions in prose; this questionnaire asks typed ones. Each CNIL
question is answered with the telemetry-for-ai questions that speak to it, quoted as a list of
"question: answer" lines, so nothing is paraphrased and a reader can trace every line back. The
CNIL method rates three data-security risks; dpia rates fifteen families. The families that are
data-security risks are summarised into the CNIL's three (the highest-rated one gives the gauges,
before measures as the author's estimate, after measures as the re-estimate), and the others,
which the CNIL's risk module has no place for, are listed as not mapped, as is everything else
the file cannot hold. docs/interop.md prints the same tables.
"""

from __future__ import annotations

from typing import Any

from .._assessment import Assessment
from .._vocabulary import long_date
from ..questionnaire import Questionnaire
from ..risk import RiskReport, RiskResult, assess
from ..risk._scales import level_rank
from ._cnil_export import DB_VERSION, CnilExport
from ._html_text import to_html

__all__ = ["CNIL_QUESTIONS", "RISK_GROUPS", "export_telemetry", "questions_read"]

CNIL_QUESTIONS: dict[int, tuple[str, ...]] = {
    111: ("programme_name", "purpose_description", "monitored_groups", "people_monitored_total"),
    112: (
        "controller_name",
        "controller_contact",
        "controller_type",
        "joint_controllers",
        "joint_controller_arrangement",
        "processors",
        "dpo_contact",
        "assessment_team",
    ),
    121: (
        "captured_data",
        "special_categories_likely",
        "biometric_identification_possible",
        "third_party_data_visible",
        "retention_by_data_type",
    ),
    122: ("flow_collection", "flow_storage", "flow_use", "flow_sharing", "flow_deletion"),
    123: ("devices", "capture_scope", "capture_frequency", "model_hosting", "model_trainer"),
    211: (
        "purposes",
        "purpose_description",
        "secondary_uses",
        "reuses_existing_data",
        "collection_origin",
        "operational_purpose_description",
        "training_data_sources",
        "training_granularity",
    ),
    212: (
        "legal_basis",
        "legal_basis_task_automation_agents",
        "legal_basis_ui_testing_agents",
        "legal_basis_product_improvement",
        "legal_basis_productivity_analytics",
        "legal_basis_security_monitoring",
        "legal_basis_other_purpose",
        "li_interest",
        "li_necessity",
        "li_balancing",
        "lia_documented",
        "compatibility_assessed",
        "compatibility_factors",
        "compatibility_outcome",
        "art9_condition",
        "art88_agreement",
    ),
    213: (
        "alternatives_considered",
        "alternatives_rejected_reason",
        "minimisation_notes",
        "excluded_contexts",
        "secure_fields_excluded",
        "input_masking_default",
        "screen_redaction",
        "bystander_masking_stage",
        "training_deidentification_stage",
        "training_min_group_size",
    ),
    214: ("accuracy_limits_documented", "output_accuracy_checked", "output_correction"),
    215: (
        "raw_retention_indefinite",
        "raw_retention_days",
        "retention_by_data_type",
        "deletion_automated",
    ),
    221: (
        "notice_before_deployment",
        "notice_layered",
        "capture_indicator",
        "personal_dashboard",
        "training_data_summary_published",
    ),
    222: (
        "consent_refusal_without_detriment",
        "consent_specific_per_purpose",
        "consent_records_kept",
        "consent_withdrawal_as_easy",
        "eprivacy_consent",
    ),
    223: ("access_to_own_telemetry", "access_requests_diagnostic"),
    224: ("erasure_before_training", "erasure_from_models"),
    225: ("objection_honoured", "pause_switch", "opt_out_no_detriment"),
    226: (
        "processors",
        "processor_art28_terms",
        "vendor_reuse_prohibited",
        "vendor_name",
        "vendor_role_content",
        "vendor_role_diagnostic",
        "vendor_role_service_logs",
        "vendor_role_connected",
        "vendor_role_ai",
        "vendor_own_purposes",
        "contract_purposes_limited",
        "contract_no_training",
        "contract_subprocessors",
        "contract_audit_rights",
    ),
    227: ("international_transfers", "transfer_tool", "vendor_data_location"),
}
"""Each CNIL question and the telemetry-for-ai questions that answer it."""

RISK_GROUPS: dict[str, tuple[int, tuple[str, ...]]] = {
    "3.2": (320, ("R1", "R6", "R11", "R12")),
    "3.3": (330, ("R13",)),
    "3.4": (340, ("R14",)),
}
"""The CNIL risk (item, base question number) and dpia's risk families it summarises."""

_CONSENT_NOT_USED = "Consent is not a legal basis of this processing."


def questions_read() -> set[str]:
    """Every telemetry-for-ai question id the mapping reads, for the test that keeps it honest."""
    read = {question for questions in CNIL_QUESTIONS.values() for question in questions}
    read |= {"legal_basis", "data_subject_views_sought", "data_subject_views_summary"}
    read |= {"views_not_sought_reason", "worker_representatives_opinion"}
    return read


def _quoted(questionnaire: Questionnaire, answers: dict[str, Any], ids: tuple[str, ...]) -> str:
    """The answered questions as `- **question** answer` lines; tables as nested lines."""
    lines = []
    shown = questionnaire.visibility(answers)
    for question_id in ids:
        question = questionnaire.question(question_id)
        value = answers.get(question_id)
        if not shown.get(question_id) or not question.is_answered(value):
            continue
        text = question.display(value)
        label = _escape(question.label)
        if question.type == "table":
            lines.append(f"- **{label}**")
            lines.extend(f"  - {_escape(row)}" for row in text.split("\n"))
        elif "\n" in text:
            first, *rest = text.split("\n")
            lines.append(f"- **{label}** {_escape(first)}")
            lines.extend(f"  {_escape(line)}" for line in rest if line.strip())
        else:
            lines.append(f"- **{label}** {_escape(text)}")
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*")


def export_telemetry(questionnaire: Questionnaire, assessment: Assessment) -> CnilExport:
    from ..workflow import law_date

    report = assess(questionnaire, assessment, as_of=law_date(assessment))
    answers = assessment.answers
    meta = assessment.meta
    created = f"{meta.date.isoformat()}T00:00:00.000Z"
    not_mapped: list[str] = []

    def stamp(entry: dict[str, Any]) -> dict[str, Any]:
        return {"pia_id": 1, **entry, "created_at": created}

    records = []
    for number, ids in CNIL_QUESTIONS.items():
        text = _quoted(questionnaire, answers, ids)
        if number == 222 and "consent" not in (answers.get("legal_basis") or []):
            text = _CONSENT_NOT_USED
        if text:
            records.append(
                stamp(
                    {
                        "reference_to": number,
                        "data": {"text": to_html(text), "gauge": 0, "list": []},
                    }
                )
            )
    not_mapped.append(
        "question 113 (standards, codes of conduct, certifications): telemetry-for-ai does not "
        "ask it"
    )
    measures, measure_ids = _measures(report, stamp, not_mapped)
    evaluations = []
    mapped_families: set[str] = set()
    for item, (base, families) in RISK_GROUPS.items():
        group = [r for r in report.risks if r.family in families]
        mapped_families.update(families)
        if not group:
            not_mapped.append(
                f"risk {item}: no dpia risk of families {', '.join(families)} is rated"
            )
            continue
        records.extend(_risk_records(item, base, group, report, measure_ids, stamp))
        worst_after = _worst(group, after=True)
        evaluations.append(
            stamp(
                {
                    "reference_to": item,
                    "status": 0,
                    "evaluation_comment": to_html(_after_text(worst_after)),
                    "gauges": {
                        "x": worst_after.residual.severity,
                        "y": worst_after.residual.likelihood,
                    },
                    "estimated_implementation_date": None,
                    "person_in_charge": None,
                    "global_status": 0,
                }
            )
        )
    for risk in report.risks:
        if risk.family not in mapped_families:
            not_mapped.append(
                f"risk {risk.title} ({risk.family}): the CNIL method rates only data-security "
                f"risks; dpia rates it {risk.inherent.level} before and {risk.residual.level} "
                "after measures"
            )
    not_mapped.append(
        "questions 322 and 323 (threats and risk sources of each risk): dpia rates risks from "
        "the answers, not from listed threats and sources"
    )
    pia = _pia(assessment, report, created, not_mapped)
    for item in ("screening (GDPR Art. 35(1), (3), (4))", "legal exposure and statutory maxima"):
        not_mapped.append(f"{item}: the PIA tool has no place for it")
    if report.stop_findings:
        not_mapped.append(
            "STOP findings: "
            + "; ".join(f.reason.split(". ")[0] for f in report.stop_findings)
            + " (the PIA tool cannot record a finding that no measure can balance)"
        )
    not_mapped.append(
        f"assessment.organisation ({meta.organisation}): the PIA tool has no field for it"
    )
    document = {
        "pia": pia,
        "answers": records,
        "measures": measures,
        "evaluations": evaluations,
        "comments": [],
        # The tool's importer reads only the five parts above; this key travels with the file so
        # that whoever opens it knows what the PIA tool could not hold.
        "dpia_not_mapped": not_mapped,
    }
    return CnilExport(document, not_mapped)


def _after_text(risk: RiskResult) -> str:
    rating = risk.residual
    return (
        f"Rated by dpia after the measures in place or planned: {_escape(risk.title)}, "
        f"likelihood {rating.likelihood}, severity {rating.severity}."
    )


def _worst(group: list[RiskResult], *, after: bool) -> RiskResult:
    def weight(risk: RiskResult) -> tuple[int, int]:
        rating = risk.residual if after else risk.inherent
        return level_rank(rating.level), rating.likelihood * rating.severity

    return max(group, key=weight)


def _risk_records(
    item: str,
    base: int,
    group: list[RiskResult],
    report: RiskReport,
    measure_ids: dict[str, str],
    stamp: Any,
) -> list[dict[str, Any]]:
    worst = _worst(group, after=False)
    impacts = [risk.title for risk in group]
    controls = list(
        dict.fromkeys(measure_ids[m] for risk in group for m in risk.measures if m in measure_ids)
    )

    def reasons(axis: str) -> str:
        texts = [r.text for r in worst.inherent.because if r.axis == axis and r.text]
        head = f"Rated by dpia before measures on {worst.title}:"
        return to_html(
            "\n".join([_escape(head), *(f"- {_escape(t)}" for t in dict.fromkeys(texts))])
        )

    records = [
        {"reference_to": base + 1, "data": {"text": "", "gauge": None, "list": impacts}},
        {"reference_to": base + 4, "data": {"text": "", "gauge": None, "list": controls}},
        {
            "reference_to": base + 5,
            "data": {"text": reasons("severity"), "gauge": worst.inherent.severity, "list": []},
        },
        {
            "reference_to": base + 6,
            "data": {"text": reasons("likelihood"), "gauge": worst.inherent.likelihood, "list": []},
        },
    ]
    return [stamp(record) for record in records if record["data"]["list"] or record["data"]["text"]]


def _measures(
    report: RiskReport, stamp: Any, not_mapped: list[str]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Measures in place or planned; recommended ones are not the team's and are listed as such."""
    measures = []
    titles: dict[str, str] = {}
    recommended = []
    for measure in report.mitigations:
        if measure.status == "recommended":
            recommended.append(measure.title)
            continue
        if measure.status not in ("implemented", "planned"):
            continue
        state = "In place." if measure.status == "implemented" else "Planned"
        if measure.status == "planned":
            parts = [
                f"owner {measure.owner}" if measure.owner else "",
                f"due {long_date(measure.due)}" if measure.due else "",
            ]
            state += f" ({', '.join(p for p in parts if p)})." if any(parts) else "."
        text = f"{_escape(measure.description)}\n\n**{state}**"
        if measure.note:
            text += f" {_escape(measure.note)}"
        measures.append(
            stamp({"id": len(measures) + 1, "title": measure.title, "content": to_html(text)})
        )
        titles[measure.id] = measure.title
    if recommended:
        not_mapped.append(
            f"{len(recommended)} measures dpia recommends but the team has not adopted: "
            + "; ".join(recommended)
        )
    return measures, titles


def _pia(
    assessment: Assessment, report: RiskReport, created: str, not_mapped: list[str]
) -> dict[str, Any]:
    answers = assessment.answers
    record = assessment.signoff
    advice = record.dpo_advice if record else None
    decision = record.decision if record else None
    representatives = record.workers_representatives if record else None
    status = 0
    if decision is not None:
        status = {"approve": 2, "conditionally_approve": 2, "reject": 1}.get(decision.decision, 0)
    opinions = [
        text
        for text in (
            answers.get("data_subject_views_summary"),
            answers.get("worker_representatives_opinion"),
            representatives.opinion if representatives else None,
        )
        if text
    ]
    people = "Workers' representatives" if answers.get("worker_representatives_opinion") else ""
    if representatives is not None:
        people = representatives.body
    if opinions:
        not_mapped.append(
            "the conclusion of the people concerned (may or may not go ahead): telemetry-for-ai "
            "records their views, not a verdict"
        )
    dpo_text = ""
    if advice is not None:
        dpo_text = advice.summary + "".join(f"\n- {c}" for c in advice.conditions)
    else:
        not_mapped.append("the DPO's opinion: no advice is recorded in the sign-off yet")
    reasons = decision.reasons_for_overruling if decision else ""
    return {
        "id": 1,
        "dbVersion": DB_VERSION,
        "tableName": "pia",
        "name": assessment.meta.title,
        "category": "",
        "status": status,
        "author_name": assessment.meta.assessor,
        "evaluator_name": "",
        "validator_name": decision.name if decision else "",
        "dpos_names": advice.name if advice else "",
        "dpo_status": None if advice is None else (0 if advice.advice == "do_not_proceed" else 1),
        "dpo_opinion": dpo_text,
        "concerned_people_searched_opinion": answers.get("data_subject_views_sought"),
        "concerned_people_searched_content": answers.get("views_not_sought_reason") or "",
        "people_names": people,
        "concerned_people_status": None,
        "concerned_people_opinion": "\n\n".join(opinions),
        "rejection_reason": reasons if status == 1 else "",
        "rejected_reason": reasons if status == 1 else "",
        "applied_adjustments": "",
        "applied_adjustements": "",
        "is_example": 0,
        "created_at": created,
    }
