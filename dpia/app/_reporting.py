"""The risk report of the open case, as the risk engine computes it: the app never rates.

The law the answers are judged under is the workflow's (`law_date`: the assessment's own date),
never a choice kept in a browser session, so every page, the final document and the archived
version show the same report; to judge under another date, change the assessment's date.
"""

from __future__ import annotations

from .._assessment import Assessment
from .._library import questionnaire_for
from ..questionnaire import Questionnaire
from ..risk import RiskReport, assess
from ..workflow import law_date
from ._case import Case

__all__ = ["case_report"]


def case_report(case: Case) -> tuple[Questionnaire, Assessment, RiskReport]:
    """Validate the case and rate it; raises AnswersError when the answers do not validate."""
    questionnaire = questionnaire_for(case.questionnaire)
    assessment = case.check(questionnaire).assessment
    return questionnaire, assessment, assess(questionnaire, assessment, as_of=law_date(assessment))
