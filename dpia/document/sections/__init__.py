"""The report sections, one small class each, and the report that lists them in order."""

from ._annexes import AnswersAnnex, MethodologyAnnex
from ._base import Part, Section
from ._exposure import LegalExposure
from ._front import Contents, CoverPage, DocumentControl, ExecutiveSummary
from ._governance import DpoAdvice, PriorConsultationAnnex
from ._measures import ActionPlan
from ._prose import (
    Consultation,
    Foundation,
    Lawfulness,
    Necessity,
    ProcessingDescription,
    ProseSection,
    ReviewPlan,
    Rights,
    Security,
)
from ._report import build_report
from ._risks import RiskMap, RiskRegister
from ._screening import Screening
from ._signing import SignaturePage, SignOff

__all__ = [
    "ActionPlan",
    "AnswersAnnex",
    "Consultation",
    "Contents",
    "CoverPage",
    "DocumentControl",
    "DpoAdvice",
    "ExecutiveSummary",
    "Foundation",
    "Lawfulness",
    "LegalExposure",
    "MethodologyAnnex",
    "Necessity",
    "Part",
    "PriorConsultationAnnex",
    "ProcessingDescription",
    "ProseSection",
    "ReviewPlan",
    "Rights",
    "RiskMap",
    "RiskRegister",
    "Screening",
    "Section",
    "Security",
    "SignOff",
    "SignaturePage",
    "build_report",
]
