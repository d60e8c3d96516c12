"""The one risk matrix: CNIL's 4-level likelihood and severity scales combined into three levels.

    severity \\ likelihood   1 negligible  2 limited  3 significant  4 maximum
    4 maximum                medium        high       high           high
    3 significant            low           medium     high           high
    2 limited                low           low        medium         medium
    1 negligible             low           low        low            low

It follows the brief's reading of Art. 36: high where severity and likelihood are both at least
significant, or where severity is maximum and likelihood at least limited. docs/methodology.md
shows the same table and its mapping onto the ICO 3x3 scales.
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "LEVELS",
    "SCALE",
    "Level",
    "cnil_label",
    "ico_likelihood",
    "ico_severity",
    "level_of",
    "level_rank",
]

Level = Literal["low", "medium", "high"]
LEVELS: tuple[Level, ...] = ("low", "medium", "high")
SCALE: dict[int, str] = {1: "negligible", 2: "limited", 3: "significant", 4: "maximum"}

_MATRIX: dict[int, tuple[Level, Level, Level, Level]] = {
    4: ("medium", "high", "high", "high"),
    3: ("low", "medium", "high", "high"),
    2: ("low", "low", "medium", "medium"),
    1: ("low", "low", "low", "low"),
}


def level_of(likelihood: int, severity: int) -> Level:
    return _MATRIX[severity][likelihood - 1]


def level_rank(level: Level) -> int:
    return LEVELS.index(level)


def cnil_label(value: int) -> str:
    return f"{value} {SCALE[value]}"


def ico_likelihood(value: int) -> str:
    """ICO likelihood of harm: remote (1-2), possible (3), probable (4)."""
    return {1: "remote", 2: "remote", 3: "possible", 4: "probable"}[value]


def ico_severity(value: int) -> str:
    """ICO severity of harm: minimal (1-2), significant (3), severe (4)."""
    return {1: "minimal", 2: "minimal", 3: "significant", 4: "severe"}[value]
