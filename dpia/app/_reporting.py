"""The risk report of the open case, as the risk engine computes it: the app never rates.

The date the law is applied at is the user's choice (default today), because some duties
depend on it (AI Act obligations phase in); it is kept for the session, not per assessment.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from .._assessment import Assessment
from .._library import questionnaire_for
from ..questionnaire import Questionnaire
from ..risk import RiskReport, assess
from ._case import Case

__all__ = ["as_of", "case_report", "choose_as_of"]

_AS_OF = "dpia.as_of"


def as_of() -> dt.date:
    return st.session_state.get(_AS_OF) or dt.date.today()


def choose_as_of() -> None:
    chosen = st.date_input(
        "Apply the law in force on",
        value=as_of(),
        format="YYYY-MM-DD",
        help="Some duties start on a date (AI Act obligations phase in): choose the day to rate.",
        key="as-of",
    )
    st.session_state[_AS_OF] = chosen


def case_report(case: Case) -> tuple[Questionnaire, Assessment, RiskReport]:
    """Validate the case and rate it; raises AnswersError when the answers do not validate."""
    questionnaire = questionnaire_for(case.questionnaire)
    assessment = case.check(questionnaire).assessment
    return questionnaire, assessment, assess(questionnaire, assessment, as_of=as_of())
