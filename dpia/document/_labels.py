"""The document's words for coded values, from the one vocabulary the app and the CLI share.

Kept as the document's own name for `dpia._vocabulary`, so that sections read `label.LEVEL`.
"""

from __future__ import annotations

from .._vocabulary import (
    ADVICE,
    DECISION,
    DPIA_REQUIRED,
    HEADLINE,
    HIGHEST_MAXIMUM,
    IF_NOT_FULFILLED,
    KIND,
    LEVEL,
    MEASURE_STATUS,
    NO_MAXIMUM,
    NOT_AT_STAKE,
    OBLIGATION_STATUS,
    RESIDUAL_VIEW,
    RESIDUAL_VIEW_MEANING,
    VERDICT,
    counted,
    long_date,
    money,
    short_date,
    under_article,
)
from .._vocabulary import SIGNATORY_ROLE as ROLE
from .._vocabulary import VERSION_STATUS as DOCUMENT_STATUS

__all__ = [
    "ADVICE",
    "DECISION",
    "DOCUMENT_STATUS",
    "DPIA_REQUIRED",
    "HEADLINE",
    "HIGHEST_MAXIMUM",
    "IF_NOT_FULFILLED",
    "KIND",
    "LEVEL",
    "MEASURE_STATUS",
    "NOT_AT_STAKE",
    "NO_MAXIMUM",
    "OBLIGATION_STATUS",
    "RESIDUAL_VIEW",
    "RESIDUAL_VIEW_MEANING",
    "ROLE",
    "VERDICT",
    "counted",
    "long_date",
    "money",
    "short_date",
    "under_article",
]
