"""dpia: Data Protection Impact Assessments for telemetry-for-AI programmes.

The flow runs one way: answers → validated `Assessment` → `RiskReport` → Word document →
signatures → archive. This module is the public surface; everything else is private and may
change between releases.
"""

from ._assessment import AnswersCheck, Assessment, AssessmentMeta, PlannedMeasure, load_answers
from ._errors import (
    AnswersError,
    ArchiveError,
    ArchiveIntegrityError,
    CatalogueError,
    ConditionError,
    DPIAError,
    NotFoundError,
    Problem,
    QuestionnaireError,
    RenderError,
    SigningError,
    SourceError,
    StaleDraftError,
    ValidationFailed,
)
from ._signoff import SignOff
from .archive import Archive, open_archive
from .document import read_embedded, render_docx
from .questionnaire import Questionnaire, load_questionnaire
from .risk import RiskReport, assess
from .signing import sign_document, verify_document

__all__ = [
    "AnswersCheck",
    "AnswersError",
    "Archive",
    "ArchiveError",
    "ArchiveIntegrityError",
    "Assessment",
    "AssessmentMeta",
    "CatalogueError",
    "ConditionError",
    "DPIAError",
    "NotFoundError",
    "PlannedMeasure",
    "Problem",
    "Questionnaire",
    "QuestionnaireError",
    "RenderError",
    "RiskReport",
    "SignOff",
    "SigningError",
    "SourceError",
    "StaleDraftError",
    "ValidationFailed",
    "assess",
    "load_answers",
    "load_questionnaire",
    "open_archive",
    "read_embedded",
    "render_docx",
    "sign_document",
    "verify_document",
]
