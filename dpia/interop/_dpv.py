"""An assessment described in the W3C Data Privacy Vocabulary (DPV 2.x), as JSON-LD.

The graph is built with rdflib from the answers and the risk report, and says what a register of
processing activities or another DPV tool needs: the DPIA with its necessity status, risk status,
outcome, recommendation and approval; the processing with its purposes, personal data, data
subjects, legal bases, controller, processors, jurisdictions and the AI system it uses; each risk
with its likelihood, severity and level before and after measures (the residual risk as DPV's
`ResidualRisk`); each measure with its status and the risks it mitigates; and the consultations of
the DPO and of the people concerned. Every concept comes from DPV 2.3 and its extensions (risk,
pd, loc, legal/eu/gdpr, legal/eu/aiact): https://w3id.org/dpv. docs/interop.md maps each answer.

dpia's 1-4 scales have no DPV twin, so they map onto DPV's five-step levels without merging two
values (1 very low, 2 low, 3 high, 4 very high); levels map onto its three-step risk levels.
Nodes get IRIs under the assessment's own (`urn:x-dpia:assessment:<id>`), never blank nodes, and
the JSON is written in a fixed order, so the same assessment always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

from .._assessment import Assessment
from ..questionnaire import Questionnaire

if TYPE_CHECKING:
    from ..risk import RiskReport

__all__ = ["CONTEXT", "export_dpv"]

DPV = "https://w3id.org/dpv#"
CONTEXT = {
    "dpv": DPV,
    "risk": "https://w3id.org/dpv/risk#",
    "pd": "https://w3id.org/dpv/pd#",
    "loc": "https://w3id.org/dpv/loc#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "eu-aiact": "https://w3id.org/dpv/legal/eu/aiact#",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}

LIKELIHOOD = {
    1: "risk:VeryLowLikelihood",
    2: "risk:LowLikelihood",
    3: "risk:HighLikelihood",
    4: "risk:VeryHighLikelihood",
}
SEVERITY = {
    1: "risk:VeryLowSeverity",
    2: "risk:LowSeverity",
    3: "risk:HighSeverity",
    4: "risk:VeryHighSeverity",
}
RISK_LEVEL = {"low": "risk:LowRisk", "medium": "risk:ModerateRisk", "high": "risk:HighRisk"}
NECESSITY = {
    "required": "eu-gdpr:DPIARequired",
    "likely": "eu-gdpr:DPIARequired",
    "not_required": "eu-gdpr:DPIANotRequired",
}
MEASURE_STATUS = {
    "implemented": "dpv:ActivityOngoing",
    "planned": "dpv:ActivityPlanned",
    "recommended": "dpv:ActivityProposed",
}
DECISION_AUDIT = {
    "approve": "dpv:AuditApproved",
    "conditionally_approve": "dpv:AuditConditionallyApproved",
    "reject": "dpv:AuditRejected",
    "refer_to_supervisory_authority": "dpv:AuditRequested",
}
ADVICE_RECOMMENDATION = {
    "approve": "eu-gdpr:DPIARecommendsProcessingContinue",
    "approve_with_conditions": "eu-gdpr:DPIARecommendsProcessingContinue",
    "do_not_proceed": "eu-gdpr:DPIARecommendsProcessingNotContinue",
}

# telemetry-for-ai: option values to DPV concepts ------------------------------------------------

PURPOSES = {
    "task_automation_agents": ("dpv:ResearchAndDevelopment", "dpv:InternalResourceOptimisation"),
    "ui_testing_agents": ("dpv:ResearchAndDevelopment",),
    "product_improvement": ("dpv:ImproveExistingProductsAndServices",),
    "productivity_analytics": ("dpv:PersonnelPerformanceMonitoring",),
    "security_monitoring": ("dpv:EnforceSecurity",),
    "other_purpose": (),
}
PERSONAL_DATA = {
    "keystroke_content": ("pd:Communication",),
    "keystroke_timing": ("pd:Behavioural",),
    "mouse_movement": ("pd:Behavioural",),
    "clicks": ("pd:Interaction",),
    "screenshots": (),
    "screen_video": (),
    "window_titles_urls": ("pd:BrowsingBehaviour",),
    "clipboard": ("pd:Communication",),
    "dom_trees": ("pd:Interaction",),
    "audio": ("pd:VoiceCommunicationRecording",),
    "webcam": (),
}
DATA_SUBJECTS = {
    "employees": ("dpv:Employee",),
    "contractors": (),
    "applicants": ("dpv:JobApplicant",),
    "consumers": ("dpv:Consumer",),
    "bystanders": (),
}
LEGAL_BASES = {
    "consent": "eu-gdpr:A6-1-a",
    "contract": "eu-gdpr:A6-1-b",
    "legal_obligation": "eu-gdpr:A6-1-c",
    "public_task": "eu-gdpr:A6-1-e",
    "legitimate_interests": "eu-gdpr:A6-1-f",
}
SPECIAL_CATEGORY_CONDITIONS = {
    "explicit_consent": "eu-gdpr:A9-2-a",
    "employment_obligations": "eu-gdpr:A9-2-b",
    "substantial_public_interest": "eu-gdpr:A9-2-g",
}
TRANSFER_TOOLS = {
    "adequacy_decision": "eu-gdpr:A45-3",
    "standard_contractual_clauses": "eu-gdpr:A46-2-c",
    "binding_corporate_rules": "eu-gdpr:A46-2-b",
}

# cnil-pia: the feared events and the knowledge-base measures ------------------------------------

CNIL_RISKS = {
    "illegitimate_access": "risk:UnauthorisedDataAccess",
    "unwanted_modification": "risk:UnauthorisedDataModification",
    "disappearance": "risk:DataLoss",
}
CNIL_MEASURES = {"PIA_TEC_CHIF": "dpv:Encryption", "PIA_TEC_CTLA": "dpv:AccessControlMethod"}


class _Graph:
    """A thin layer over rdflib: nodes and links by CURIE or `#fragment`, literals typed."""

    def __init__(self, base: str):
        from rdflib import Graph, Namespace

        self.graph = Graph()
        self.base = base
        self.spaces = {prefix: Namespace(iri) for prefix, iri in CONTEXT.items()}
        for prefix, space in self.spaces.items():
            self.graph.bind(prefix, space)

    def iri(self, name: str) -> Any:
        from rdflib import URIRef

        if name.startswith("#"):
            return URIRef(self.base + name)
        prefix, _, local = name.partition(":")
        return self.spaces[prefix][local]

    def link(self, subject: str, predicate: str, target: str) -> None:
        self.graph.add((self.iri(subject), self.iri(predicate), self.iri(target)))

    def text(self, subject: str, predicate: str, value: str | None) -> None:
        from rdflib import Literal

        if value:
            self.graph.add((self.iri(subject), self.iri(predicate), Literal(value)))

    def value(self, subject: str, predicate: str, value: Any, datatype: str) -> None:
        from rdflib import Literal

        if value is not None:
            literal = Literal(str(value), datatype=self.iri(datatype))
            self.graph.add((self.iri(subject), self.iri(predicate), literal))

    def date(self, subject: str, predicate: str, day: Any) -> None:
        if day is not None:
            self.value(subject, predicate, day.isoformat(), "xsd:date")

    def node(self, subject: str, *types: str, label: str | None = None) -> str:
        from rdflib.namespace import RDF

        for kind in types:
            self.graph.add((self.iri(subject), RDF.type, self.iri(kind)))
        self.text(subject, "skos:prefLabel", label)
        return subject


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "item"


def export_dpv(
    questionnaire: Questionnaire, assessment: Assessment, report: RiskReport | None = None
) -> bytes:
    """The JSON-LD document; `report` defaults to rating the assessment as of its date."""
    if report is None:
        from ..risk import assess
        from ..workflow import law_date

        report = assess(questionnaire, assessment, as_of=law_date(assessment))
    meta = assessment.meta
    identity = (
        meta.id
        or "draft-"
        + hashlib.sha256(
            json.dumps(assessment.to_file(), sort_keys=True, default=str).encode()
        ).hexdigest()[:16]
    )
    g = _Graph(f"urn:x-dpia:assessment:{identity}")
    dpia = g.node("#dpia", "dpv:DPIA", label=meta.title)
    g.date(dpia, "dct:created", meta.date)
    g.text(dpia, "dct:conformsTo", f"{questionnaire.title} ({questionnaire.ref})")
    g.text(dpia, "dct:creator", meta.assessor)
    process = g.node("#processing", "dpv:Process", label=meta.title)
    g.link(process, "dpv:hasImpactAssessment", dpia)
    g.link(dpia, "dct:subject", process)
    controller = g.node("#controller", "dpv:DataController")
    g.text(controller, "foaf:name", meta.organisation)
    g.link(process, "dpv:hasDataController", controller)
    _statuses(g, dpia, report, assessment)
    _risks(g, process, report, questionnaire.id)
    _measures(g, process, report)
    if questionnaire.id == "telemetry-for-ai":
        _telemetry(g, process, dpia, assessment, report)
    elif questionnaire.id == "cnil-pia":
        _cnil(g, process, dpia, assessment)
    return _serialise(g)


def _statuses(g: _Graph, dpia: str, report: RiskReport, assessment: Assessment) -> None:
    if report.dpia_required in NECESSITY:
        g.link(dpia, "dpv:hasStatus", NECESSITY[report.dpia_required])
    if report.risks:
        high = report.overall_inherent == "high"
        g.link(dpia, "dpv:hasStatus", f"eu-gdpr:DPIAIndicates{'High' if high else 'Low'}Risk")
    if report.prior_consultation_required:
        g.link(dpia, "dpv:hasOutcome", "eu-gdpr:DPIAOutcomeHighResidualRisk")
        g.link(dpia, "dpv:hasOutcome", "eu-gdpr:DPIAOutcomeDPAConsultation")
    elif any(r.residual.level != r.inherent.level for r in report.risks):
        g.link(dpia, "dpv:hasOutcome", "eu-gdpr:DPIAOutcomeRisksMitigated")
    record = assessment.signoff
    if record and record.dpo_advice:
        advice = record.dpo_advice
        g.link(dpia, "dpv:hasRecommendation", ADVICE_RECOMMENDATION[advice.advice])
        consultation = g.node("#dpo-advice", "dpv:ConsultationWithDPO")
        g.date(consultation, "dct:date", advice.date)
        g.text(consultation, "dct:description", advice.summary)
        g.link(dpia, "dpv:hasOrganisationalMeasure", consultation)
    if record and record.decision:
        g.link(dpia, "dpv:hasAuditStatus", DECISION_AUDIT[record.decision.decision])
    if record and record.workers_representatives:
        opinion = record.workers_representatives
        views = g.node("#representatives-views", "dpv:ConsultationWithDataSubjectRepresentative")
        g.date(views, "dct:date", opinion.date)
        g.text(views, "dct:description", opinion.opinion)
        g.link(dpia, "dpv:hasOrganisationalMeasure", views)


def _risks(g: _Graph, process: str, report: RiskReport, questionnaire_id: str) -> None:
    for risk in report.risks:
        subject = f"#risk-{_slug(risk.id)}"
        concept = CNIL_RISKS.get(risk.id) if questionnaire_id == "cnil-pia" else None
        g.node(subject, "dpv:Risk", *((concept,) if concept else ()), label=risk.title)
        g.text(subject, "dct:description", risk.description)
        _rated(g, subject, risk.inherent)
        residual = g.node(
            f"{subject}-residual", "dpv:ResidualRisk", label=f"{risk.title}, after measures"
        )
        _rated(g, residual, risk.residual)
        g.link(residual, "dpv:isResidualRiskOf", subject)
        g.link(subject, "dpv:hasResidualRisk", residual)
        g.link(process, "dpv:hasRisk", subject)


def _rated(g: _Graph, subject: str, rating: Any) -> None:
    g.link(subject, "dpv:hasLikelihood", LIKELIHOOD[rating.likelihood])
    g.link(subject, "dpv:hasSeverity", SEVERITY[rating.severity])
    g.link(subject, "dpv:hasRiskLevel", RISK_LEVEL[rating.level])


def _measures(g: _Graph, process: str, report: RiskReport) -> None:
    for measure in report.mitigations:
        if measure.status not in MEASURE_STATUS:
            continue
        subject = f"#measure-{_slug(measure.id)}"
        g.node(subject, "dpv:TechnicalOrganisationalMeasure", label=measure.title)
        g.text(subject, "dct:description", measure.description)
        if measure.note.startswith("Listed in the PIA"):
            g.text(subject, "skos:note", measure.note)
        else:
            g.link(subject, "dpv:hasActivityStatus", MEASURE_STATUS[measure.status])
        for risk_id in measure.risks:
            g.link(subject, "dpv:mitigatesRisk", f"#risk-{_slug(risk_id)}")
            g.link(f"#risk-{_slug(risk_id)}", "dpv:isMitigatedByMeasure", subject)
        g.link(process, "dpv:hasTechnicalOrganisationalMeasure", subject)


def _labels(questionnaire_question: Any, values: Any) -> dict[str, str]:
    return {value: questionnaire_question.label_of(value) for value in values or []}


def _telemetry(
    g: _Graph, process: str, dpia: str, assessment: Assessment, report: RiskReport
) -> None:
    from .._library import questionnaire_for

    questionnaire = questionnaire_for(assessment.questionnaire)
    answers = assessment.answers

    def chosen(question_id: str) -> dict[str, str]:
        value = answers.get(question_id)
        values = value if isinstance(value, list) else ([value] if value else [])
        return _labels(questionnaire.question(question_id), values)

    for value, label in chosen("purposes").items():
        subject = g.node(f"#purpose-{value}", "dpv:Purpose", *PURPOSES.get(value, ()), label=label)
        g.text(subject, "dct:description", answers.get("purpose_description"))
        basis = answers.get(f"legal_basis_{value}")
        if basis in LEGAL_BASES:
            g.link(subject, "dpv:hasLegalBasis", LEGAL_BASES[basis])
        g.link(process, "dpv:hasPurpose", subject)
    for value, label in chosen("captured_data").items():
        subject = g.node(
            f"#data-{value}", "dpv:PersonalData", *PERSONAL_DATA.get(value, ()), label=label
        )
        g.link(process, "dpv:hasPersonalData", subject)
    if answers.get("special_categories_likely") in ("incidental", "intended"):
        subject = g.node("#data-special-categories", "dpv:SpecialCategoryPersonalData")
        g.text(
            subject,
            "skos:prefLabel",
            chosen("special_categories_likely").get(answers["special_categories_likely"]),
        )
        g.link(process, "dpv:hasPersonalData", subject)
    if answers.get("biometric_identification_possible"):
        g.link(
            process,
            "dpv:hasPersonalData",
            g.node(
                "#data-biometric",
                "pd:Biometric",
                label="Typing, movement, voice or face patterns that can single a person out",
            ),
        )
    for value, label in chosen("monitored_groups").items():
        subject = g.node(
            f"#subjects-{value}", "dpv:DataSubject", *DATA_SUBJECTS.get(value, ()), label=label
        )
        g.link(process, "dpv:hasDataSubject", subject)
    if answers.get("children_possible"):
        g.link(
            process,
            "dpv:hasDataSubject",
            g.node("#subjects-children", "dpv:Child", label="Children"),
        )
    for value in answers.get("legal_basis") or []:
        if value in LEGAL_BASES:
            g.link(process, "dpv:hasLegalBasis", LEGAL_BASES[value])
    if answers.get("art9_condition") in SPECIAL_CATEGORY_CONDITIONS:
        g.link(process, "dpv:hasLegalBasis", SPECIAL_CATEGORY_CONDITIONS[answers["art9_condition"]])
    if answers.get("transfer_tool") in TRANSFER_TOOLS:
        g.link(process, "dpv:hasLegalBasis", TRANSFER_TOOLS[answers["transfer_tool"]])
    for index, row in enumerate(answers.get("processors") or [], start=1):
        subject = g.node(f"#processor-{index}", "dpv:DataProcessor")
        g.text(subject, "foaf:name", row.get("name"))
        g.text(subject, "dct:description", row.get("location"))
        g.link(process, "dpv:hasDataProcessor", subject)
    for code in answers.get("monitored_jurisdictions") or []:
        if code != "other":
            place = {"uk": "GB"}.get(code, code.upper().replace("_", "-"))
            g.link(process, "dpv:hasJurisdiction", f"loc:{place}")
    if isinstance(answers.get("raw_retention_days"), int):
        storage = g.node("#raw-retention", "dpv:StorageDuration", label="Raw events")
        g.value(storage, "dpv:hasDuration", f"P{answers['raw_retention_days']}D", "xsd:duration")
        g.link(process, "dpv:hasStorageCondition", storage)
    _ai_system(g, process, answers, report)
    if answers.get("worker_representatives_opinion"):
        views = g.node("#representatives-views", "dpv:ConsultationWithDataSubjectRepresentative")
        g.text(views, "dct:description", answers["worker_representatives_opinion"])
        g.link(dpia, "dpv:hasOrganisationalMeasure", views)
    if answers.get("data_subject_views_summary"):
        views = g.node("#subjects-views", "dpv:ConsultationWithDataSubject")
        g.text(views, "dct:description", answers["data_subject_views_summary"])
        g.link(dpia, "dpv:hasOrganisationalMeasure", views)


def _ai_system(g: _Graph, process: str, answers: dict[str, Any], report: RiskReport) -> None:
    """The models trained on the telemetry, with the AI Act concepts the answers make apply."""
    kinds = ["eu-aiact:AISystem"]
    if answers.get("general_purpose_model"):
        kinds.append("eu-aiact:GPAIModel")
    if answers.get("emotion_inference"):
        kinds.append("eu-aiact:EmotionRecognitionSystem")
    employment = any(
        answers.get(question)
        for question in (
            "used_for_performance_evaluation",
            "task_allocation_use",
            "used_in_recruitment",
        )
    )
    prohibited = any(
        finding.verdict == "prohibited" and any("AI Act" in law for law in finding.legal)
        for finding in report.stop_findings
    )
    if prohibited:
        kinds.append("eu-aiact:ProhibitedAISystem")
    elif employment:
        kinds.append("eu-aiact:HighRiskAISystem")
    system = g.node("#ai-system", *kinds, label="Models trained on the recorded activity")
    if prohibited:
        g.link(system, "eu-aiact:hasRiskLevel", "eu-aiact:RiskLevelProhibited")
    elif employment:
        g.link(system, "eu-aiact:hasRiskLevel", "eu-aiact:RiskLevelHigh")
    if employment or "employees" in (answers.get("monitored_groups") or []):
        g.link(system, "dpv:hasSector", "eu-aiact:EmploymentSector")
    g.link(process, "dpv:isImplementedUsingTechnology", system)


def _cnil(g: _Graph, process: str, dpia: str, assessment: Assessment) -> None:
    answers = assessment.answers
    for question_id, kind, subject in (
        ("purposes", "dpv:Purpose", "#purposes"),
        ("data_processed", "dpv:PersonalData", "#personal-data"),
        ("legal_basis", "dpv:LegalBasis", "#legal-basis"),
    ):
        if answers.get(question_id):
            g.node(subject, kind)
            g.text(subject, "dct:description", answers[question_id])
            predicate = {"dpv:Purpose": "dpv:hasPurpose", "dpv:PersonalData": "dpv:hasPersonalData"}
            g.link(process, predicate.get(kind, "dpv:hasLegalBasis"), subject)
    for risk_id, prefix in (
        ("illegitimate_access", "access"),
        ("unwanted_modification", "modification"),
        ("disappearance", "disappearance"),
    ):
        risk = f"#risk-{_slug(risk_id)}"
        for part, kind, predicate in (
            ("impacts", "dpv:Impact", "dpv:hasImpact"),
            ("threats", "risk:Threat", "risk:causedByThreat"),
            ("sources", "risk:RiskSource", "risk:hasRiskSource"),
        ):
            for index, row in enumerate(answers.get(f"{prefix}_{part}") or [], start=1):
                node = g.node(f"{risk}-{part}-{index}", kind, label=row["entry"])
                g.link(risk, predicate, node)
    for row in answers.get("measures") or []:
        entry = row.get("knowledge_base_entry") or ""
        for slug, concept in CNIL_MEASURES.items():
            if slug in entry:
                number = row.get("number")
                g.node(f"#measure-measure_{number}", concept)
    status = answers.get("dpo_opinion_status")
    if status or answers.get("dpo_opinion"):
        consultation = g.node("#dpo-advice", "dpv:ConsultationWithDPO")
        g.text(consultation, "dct:description", answers.get("dpo_opinion"))
        g.text(consultation, "dct:creator", answers.get("dpo_names"))
        g.link(dpia, "dpv:hasOrganisationalMeasure", consultation)
        if status:
            recommendation = "Continue" if status == "may_go_ahead" else "NotContinue"
            g.link(
                dpia, "dpv:hasRecommendation", f"eu-gdpr:DPIARecommendsProcessing{recommendation}"
            )
    if answers.get("subjects_opinion"):
        views = g.node("#subjects-views", "dpv:ConsultationWithDataSubject")
        g.text(views, "dct:description", answers["subjects_opinion"])
        g.text(views, "dct:creator", answers.get("subjects_names"))
        g.link(dpia, "dpv:hasOrganisationalMeasure", views)
    audit = {
        "simple_validation": "dpv:AuditApproved",
        "signed_validation": "dpv:AuditApproved",
        "rejected": "dpv:AuditRejected",
    }.get(answers.get("pia_status", ""))
    if audit:
        g.link(dpia, "dpv:hasAuditStatus", audit)


def _serialise(g: _Graph) -> bytes:
    """JSON-LD compacted with the DPV prefixes, nodes and values in a fixed order."""
    text = g.graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True)
    document = json.loads(text)
    nodes = document.get("@graph", [document])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    ordered = {"@context": CONTEXT, "@graph": sorted(nodes, key=lambda n: n.get("@id", ""))}
    return json.dumps(ordered, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"
