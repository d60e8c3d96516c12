"""The risk engine: screening, explained ratings, measures, residual risk, legal exposure."""

from ._catalogue import Catalogue
from ._engine import assess
from ._loader import catalogue_for, catalogue_path, load_catalogue
from ._methods import method_name, scoring_method
from ._report import (
    CompletenessItem,
    HeadlineRating,
    JurisdictionExposure,
    MeasureResult,
    ObligationResult,
    PenaltyMaximum,
    Rating,
    Reason,
    RiskReport,
    RiskResult,
    ScreeningResult,
    StopResult,
)
from ._scales import LEVELS, SCALE, Level, ico_likelihood, ico_severity, level_of

__all__ = [
    "LEVELS",
    "SCALE",
    "Catalogue",
    "CompletenessItem",
    "HeadlineRating",
    "JurisdictionExposure",
    "Level",
    "MeasureResult",
    "ObligationResult",
    "PenaltyMaximum",
    "Rating",
    "Reason",
    "RiskReport",
    "RiskResult",
    "ScreeningResult",
    "StopResult",
    "assess",
    "catalogue_for",
    "catalogue_path",
    "ico_likelihood",
    "ico_severity",
    "level_of",
    "load_catalogue",
    "method_name",
    "scoring_method",
]
