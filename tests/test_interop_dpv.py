"""`dpia export --format dpv`: JSON-LD that rdflib reads, checked concept by concept with SPARQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from cnil_support import FIXTURES, run

from dpia._assessment import load_answers
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia.interop import export_dpv
from dpia.interop._dpv import CONTEXT

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PREFIXES = "\n".join(f"PREFIX {prefix}: <{iri}>" for prefix, iri in CONTEXT.items())
# Terms of DPV 2.3 and its extensions (w3c/dpv, 2.3/**/*.ttl) that the exporter may write; a
# test checks every term in every exported graph is one of them, so a misspelt concept fails.
KNOWN = {
    "dpv": """DPIA Process DataController DataProcessor Risk ResidualRisk
        TechnicalOrganisationalMeasure Purpose PersonalData SpecialCategoryPersonalData DataSubject
        Employee JobApplicant Consumer Child LegalBasis Impact StorageDuration ConsultationWithDPO
        ConsultationWithDataSubject ConsultationWithDataSubjectRepresentative ActivityOngoing
        ActivityPlanned ActivityProposed AuditApproved AuditConditionallyApproved AuditRejected
        AuditRequested ResearchAndDevelopment InternalResourceOptimisation
        ImproveExistingProductsAndServices PersonnelPerformanceMonitoring EnforceSecurity
        Encryption AccessControlMethod hasImpactAssessment hasDataController hasDataProcessor
        hasRisk hasResidualRisk isResidualRiskOf hasLikelihood hasSeverity hasRiskLevel
        hasTechnicalOrganisationalMeasure mitigatesRisk isMitigatedByMeasure hasActivityStatus
        hasPurpose hasPersonalData hasDataSubject hasLegalBasis hasJurisdiction
        hasStorageCondition hasDuration isImplementedUsingTechnology hasSector hasStatus hasOutcome
        hasRecommendation hasAuditStatus hasOrganisationalMeasure hasImpact""",
    "risk": """VeryLowLikelihood LowLikelihood HighLikelihood VeryHighLikelihood VeryLowSeverity
        LowSeverity HighSeverity VeryHighSeverity LowRisk ModerateRisk HighRisk Threat RiskSource
        causedByThreat hasRiskSource UnauthorisedDataAccess UnauthorisedDataModification
        DataLoss""",
    "pd": """Communication Behavioural Interaction BrowsingBehaviour VoiceCommunicationRecording
        Biometric""",
    "eu-gdpr": """DPIARequired DPIANotRequired DPIAIndicatesHighRisk DPIAIndicatesLowRisk
        DPIAOutcomeHighResidualRisk DPIAOutcomeDPAConsultation DPIAOutcomeRisksMitigated
        DPIARecommendsProcessingContinue DPIARecommendsProcessingNotContinue A6-1-a A6-1-b A6-1-c
        A6-1-e A6-1-f A9-2-a A9-2-b A9-2-g A45-3 A46-2-b A46-2-c""",
    "eu-aiact": """AISystem GPAIModel EmotionRecognitionSystem ProhibitedAISystem HighRiskAISystem
        hasRiskLevel RiskLevelProhibited RiskLevelHigh EmploymentSector""",
}
KNOWN_TERMS = {CONTEXT[prefix] + term for prefix, terms in KNOWN.items() for term in terms.split()}


def graph_of(content: bytes) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=content.decode(), format="json-ld")
    return graph


def ask(graph: rdflib.Graph, pattern: str) -> bool:
    return bool(graph.query(f"{PREFIXES}\nASK {{ {pattern} }}").askAnswer)


def select(graph: rdflib.Graph, query: str) -> list[tuple]:
    return [tuple(str(v) for v in row) for row in graph.query(f"{PREFIXES}\n{query}")]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, rdflib.Graph]:
    graphs = {}
    folder = tmp_path_factory.mktemp("dpv")
    for path in EXAMPLES:
        target = folder / f"{path.stem}.jsonld"
        code, _, err = run("export", str(path), "--format", "dpv", "-o", str(target))
        assert code == 0, err
        graphs[path.stem] = graph_of(target.read_bytes())
    pia = folder / "pia.yaml"
    assert run("import", str(FIXTURES / "pia-2025.json"), "-o", str(pia))[0] == 0
    target = folder / "pia.jsonld"
    assert run("export", str(pia), "--format", "dpv", "-o", str(target))[0] == 0
    graphs["cnil"] = graph_of(target.read_bytes())
    return graphs


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES] + ["cnil"])
def test_the_dpia_and_its_processing(exported, name: str) -> None:
    graph = exported[name]
    assert ask(
        graph,
        """?dpia a dpv:DPIA ; dct:subject ?p . ?p a dpv:Process ;
           dpv:hasImpactAssessment ?dpia ; dpv:hasDataController ?c . ?c foaf:name ?n""",
    )
    # Every risk has likelihood, severity and level, before and after measures.
    rows = select(
        graph,
        """SELECT ?risk ?l ?s ?v ?rl ?rs ?rv WHERE {
            ?p dpv:hasRisk ?risk . ?risk dpv:hasLikelihood ?l ; dpv:hasSeverity ?s ;
            dpv:hasRiskLevel ?v ; dpv:hasResidualRisk ?r . ?r a dpv:ResidualRisk ;
            dpv:isResidualRiskOf ?risk ; dpv:hasLikelihood ?rl ; dpv:hasSeverity ?rs ;
            dpv:hasRiskLevel ?rv }""",
    )
    assert rows
    for row in rows:
        assert all(value.startswith(CONTEXT["risk"]) for value in row[1:])


def test_purposes_data_subjects_and_legal_bases_of_a_telemetry_assessment(exported) -> None:
    graph = exported["scenario-a-keystroke-content"]
    assert ask(graph, "?p dpv:hasPurpose ?x . ?x a dpv:Purpose, dpv:ResearchAndDevelopment")
    assert ask(graph, "?p dpv:hasPersonalData ?d . ?d a dpv:PersonalData, pd:Communication")
    assert ask(graph, "?p dpv:hasDataSubject ?s . ?s a dpv:DataSubject, dpv:Employee")
    legal = select(graph, "SELECT ?b WHERE { ?p a dpv:Process ; dpv:hasLegalBasis ?b }")
    questionnaire = questionnaire_for(questionnaire_ref_of(EXAMPLES[0]))
    answers = load_answers(EXAMPLES[0], questionnaire).assessment.answers
    codes = {"consent": "A6-1-a", "contract": "A6-1-b", "legitimate_interests": "A6-1-f"}
    expected = {codes[b] for b in answers["legal_basis"] if b in codes}
    assert expected and {row[0].rsplit("#", 1)[1] for row in legal} >= expected
    assert ask(graph, "?p dpv:hasJurisdiction loc:DE")


def test_measures_mitigate_the_risks_they_act_on(exported) -> None:
    graph = exported["scenario-b-timing-only-opt-in"]
    rows = select(
        graph,
        """SELECT ?m ?status ?risk WHERE { ?p dpv:hasTechnicalOrganisationalMeasure ?m .
           ?m a dpv:TechnicalOrganisationalMeasure ; dpv:hasActivityStatus ?status ;
           dpv:mitigatesRisk ?risk . ?risk dpv:isMitigatedByMeasure ?m }""",
    )
    assert rows
    statuses = {row[1].rsplit("#", 1)[1] for row in rows}
    assert statuses <= {"ActivityOngoing", "ActivityPlanned", "ActivityProposed"}


def test_the_ai_act_concepts(exported) -> None:
    for name, graph in exported.items():
        if name == "cnil":
            assert not ask(graph, "?s a eu-aiact:AISystem")
            continue
        assert ask(graph, "?p dpv:isImplementedUsingTechnology ?ai . ?ai a eu-aiact:AISystem")
    high = [
        name
        for name, graph in exported.items()
        if ask(
            graph,
            """?ai a eu-aiact:HighRiskAISystem ; eu-aiact:hasRiskLevel eu-aiact:RiskLevelHigh ;
               dpv:hasSector eu-aiact:EmploymentSector""",
        )
    ]
    assert high, "no example with an employment use is classed high-risk"


def test_dpia_status_outcome_and_consultations(exported) -> None:
    query = "SELECT ?s WHERE { ?d a dpv:DPIA ; dpv:hasStatus ?s }"
    for name, graph in exported.items():
        statuses = {row[0].rsplit("#", 1)[1] for row in select(graph, query)}
        if name == "cnil":
            assert not statuses & {"DPIARequired", "DPIANotRequired"}  # the method has no screening
        else:
            assert statuses & {"DPIARequired", "DPIANotRequired"}
        assert statuses & {"DPIAIndicatesHighRisk", "DPIAIndicatesLowRisk"}
    graph = exported["cnil"]
    assert ask(
        graph,
        """?d a dpv:DPIA ; dpv:hasRecommendation eu-gdpr:DPIARecommendsProcessingContinue ;
           dpv:hasOrganisationalMeasure ?c . ?c a dpv:ConsultationWithDPO ; dct:description ?t""",
    )
    assert ask(graph, "?d dpv:hasOrganisationalMeasure ?v . ?v a dpv:ConsultationWithDataSubject")


def test_the_cnil_risks_with_their_impacts_sources_and_gauges(exported) -> None:
    graph = exported["cnil"]
    assert ask(
        graph,
        """?p dpv:hasRisk ?r . ?r a risk:UnauthorisedDataAccess ; dpv:hasImpact ?i ;
           risk:hasRiskSource ?s ; risk:causedByThreat ?t .
           ?i skos:prefLabel "Feeling of being watched" . ?s skos:prefLabel "Administrator" """,
    )
    assert ask(
        graph,
        """?r a risk:UnauthorisedDataAccess ; dpv:hasSeverity risk:HighSeverity ;
           dpv:hasLikelihood risk:LowLikelihood ; dpv:hasRiskLevel risk:ModerateRisk ;
           dpv:hasResidualRisk ?rr . ?rr dpv:hasLikelihood risk:VeryLowLikelihood ;
           dpv:hasRiskLevel risk:LowRisk""",
    )
    assert ask(
        graph, "?m a dpv:Encryption, dpv:TechnicalOrganisationalMeasure ; dpv:mitigatesRisk ?r"
    )


def test_every_vocabulary_term_written_is_a_dpv_23_term(exported) -> None:
    spaces = tuple(CONTEXT[prefix] for prefix in KNOWN)
    for graph in exported.values():
        for triple in graph:
            for term in triple:
                value = str(term)
                if value.startswith(spaces):
                    assert value in KNOWN_TERMS, value


def test_the_same_assessment_gives_the_same_bytes() -> None:
    path = EXAMPLES[0]
    questionnaire = questionnaire_for(questionnaire_ref_of(path))
    assessment = load_answers(path, questionnaire).assessment
    assert export_dpv(questionnaire, assessment) == export_dpv(questionnaire, assessment)
