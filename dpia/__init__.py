"""dpia: Data Protection Impact Assessments for telemetry-for-AI programmes.

The flow runs one way: answers → validated `Assessment` → `RiskReport` → Word document →
signatures → archive. This module is the public surface; everything else is private and may
change between releases.

The errors are imported with the package; every other name is imported from its module when it
is first used (`dpia._on_demand`), so `import dpia` does not load SQLAlchemy, cryptography and
python-docx for a program that needs none of them.
"""

import typing

from . import _on_demand
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

if typing.TYPE_CHECKING:
    from ._assessment import AnswersCheck, Assessment, AssessmentMeta, PlannedMeasure, load_answers
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

__getattr__, __dir__ = _on_demand.exports(
    __name__,
    {
        "._assessment": (
            "AnswersCheck",
            "Assessment",
            "AssessmentMeta",
            "PlannedMeasure",
            "load_answers",
        ),
        "._signoff": ("SignOff",),
        ".archive": ("Archive", "open_archive"),
        ".document": ("read_embedded", "render_docx"),
        ".questionnaire": ("Questionnaire", "load_questionnaire"),
        ".risk": ("RiskReport", "assess"),
        ".signing": ("sign_document", "verify_document"),
    },
)
