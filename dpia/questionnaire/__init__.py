"""The questionnaire format: typed questions in sections, conditions, and the loader."""

from ._loader import load_questionnaire, questionnaire_from_source
from ._model import EDPB_SECTIONS, Jurisdiction, Outlook, Questionnaire, Section
from ._types import QUESTION_TYPES, AnswerRejected, ChoiceOption, Question

__all__ = [
    "EDPB_SECTIONS",
    "QUESTION_TYPES",
    "AnswerRejected",
    "ChoiceOption",
    "Jurisdiction",
    "Outlook",
    "Question",
    "Questionnaire",
    "Section",
    "load_questionnaire",
    "questionnaire_from_source",
]
