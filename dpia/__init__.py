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
from .questionnaire import Questionnaire, load_questionnaire

__all__ = [
    "AnswersCheck",
    "AnswersError",
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
    "SigningError",
    "SourceError",
    "StaleDraftError",
    "ValidationFailed",
    "load_answers",
    "load_questionnaire",
]
