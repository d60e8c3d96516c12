"""The report: the sections in the order of the EDPB template and GDPR Art. 35(7)."""

from __future__ import annotations

from ...risk import method_name
from .._dossier import Dossier
from ._annexes import AnswersAnnex, MethodologyAnnex
from ._base import Part, Section
from ._exposure import LegalExposure, ObligationSections
from ._front import Contents, CoverPage, DocumentControl, ExecutiveSummary
from ._governance import DpoAdvice, PriorConsultationAnnex
from ._measures import ActionPlan
from ._prose import (
    Consultation,
    Foundation,
    Lawfulness,
    Necessity,
    ProcessingDescription,
    ReviewPlan,
    Rights,
    Security,
)
from ._risks import RiskMap, RiskRegister
from ._screening import Screening
from ._signing import SignaturePage, SignOff

__all__ = ["build_report"]


def build_report(dossier: Dossier) -> list[Section]:
    """Every section of this DPIA; the Art. 36 annex only when prior consultation is required."""
    if method_name(dossier.questionnaire) == "cnil-pia":
        # Its sections, and the HTML reader of imported answers, load only for such a report.
        from ._cnil import cnil_report

        return cnil_report(dossier)
    gdpr = dossier.report.gdpr_applies

    def part(number: int, basis: str) -> Part:
        return Part(number, basis if gdpr else "")

    sections: list[Section] = [
        CoverPage(dossier),
        DocumentControl(dossier),
        Contents(),
        ExecutiveSummary(dossier),
        part(0, "GDPR Art. 35(1), (3) and (4)"),
        Foundation(dossier),
        Screening(dossier),
        part(1, "GDPR Art. 35(7)(a)"),
        ProcessingDescription(dossier),
        part(2, "GDPR Art. 35(7)(b)"),
        Lawfulness(dossier),
        Necessity(dossier),
        Rights(dossier),
        Security(dossier),
        part(3, "GDPR Art. 35(7)(c)"),
        RiskRegister(dossier),
        RiskMap(dossier),
        LegalExposure(dossier),
        ObligationSections(dossier),
        part(4, "GDPR Art. 35(7)(d)"),
        ActionPlan(dossier),
        part(5, "GDPR Art. 35(2) and (9)"),
        DpoAdvice(dossier),
        Consultation(dossier),
        part(6, "GDPR Art. 35(11); ICO sign-off"),
        SignOff(dossier),
        ReviewPlan(dossier),
        SignaturePage(dossier),
    ]
    letters = dossier.annex_letters
    if "prior_consultation" in letters:
        sections.append(PriorConsultationAnnex(dossier, letters["prior_consultation"]))
    sections.append(AnswersAnnex(dossier, letters["answers"]))
    sections.append(MethodologyAnnex(dossier, letters["methodology"]))
    return sections
