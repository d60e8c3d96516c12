"""Where each part of the PIA tool's file lands in the `cnil-pia` questionnaire, and back.

The tool numbers its questions by section, item and place (211 is section 2, item 1, question
1) and refers to evaluations by item (`"3.2"`), by question (`"2.1.211"`) or by measure
(`"3.1.<measure id>"`). These tables are the one place that knows both numberings; the
importer and the exporter read them in opposite directions, which is what keeps a round trip
exact. docs/interop.md prints the same mapping for a reader.
"""

from __future__ import annotations

__all__ = [
    "COMMENTABLE",
    "EVALUATION_STATUS",
    "GAUGE_ANSWERS",
    "GAUGE_LEVELS",
    "ITEM_EVALUATIONS",
    "ITEM_OF_QUESTION",
    "LIST_ANSWERS",
    "MEASURE_ITEM",
    "OPINION_STATUS",
    "PIA_STATUS",
    "QUESTIONNAIRE_REF",
    "QUESTION_EVALUATED_ITEMS",
    "RISK_EVALUATIONS",
    "TEXT_ANSWERS",
]

QUESTIONNAIRE_REF = "cnil-pia@1.0.0"

TEXT_ANSWERS: dict[int, str] = {
    111: "processing_overview",
    112: "responsibilities",
    113: "standards",
    121: "data_processed",
    122: "data_life_cycle",
    123: "supporting_assets",
    211: "purposes",
    212: "legal_basis",
    213: "data_minimisation",
    214: "data_accuracy",
    215: "storage_duration",
    221: "information",
    222: "consent",
    223: "access_portability",
    224: "rectification_erasure",
    225: "restriction_objection",
    226: "processors",
    227: "transfers",
}
"""Questions whose answer is rich text."""

_RISK_PREFIX = {3: "access", 4: "modification", 5: "disappearance"}
_RISK_ITEM = {"access": "3.2", "modification": "3.3", "disappearance": "3.4"}

LIST_ANSWERS: dict[int, str] = {
    300 + 10 * (item - 1) + place: f"{prefix}_{part}"
    for item, prefix in _RISK_PREFIX.items()
    for place, part in enumerate(("impacts", "threats", "sources", "controls"), start=1)
}
"""Questions whose answer is a list of short entries (321-324, 331-334, 341-344)."""

GAUGE_ANSWERS: dict[int, tuple[str, str]] = {
    300 + 10 * (item - 1) + place: (f"{prefix}_{axis}", f"{prefix}_{axis}_reason")
    for item, prefix in _RISK_PREFIX.items()
    for place, axis in ((5, "severity"), (6, "likelihood"))
}
"""Questions with a 1-4 gauge and a justification (325, 326, 335, 336, 345, 346)."""

ITEM_OF_QUESTION: dict[int, str] = {
    number: f"{number // 100}.{number // 10 % 10}"
    for number in (*TEXT_ANSWERS, *LIST_ANSWERS, *GAUGE_ANSWERS)
}

ITEM_EVALUATIONS: dict[str, str] = {
    "1.1": "overview",
    "1.2": "data_processes",
    **{item: prefix for prefix, item in _RISK_ITEM.items()},
}
"""Items evaluated as a whole, by the prefix of their evaluation questions."""

RISK_EVALUATIONS = frozenset(_RISK_ITEM.values())
"""Items whose evaluation re-estimates the gauges."""

QUESTION_EVALUATED_ITEMS = ("2.1", "2.2")
"""Items whose questions are evaluated one by one (`"2.1.211"`)."""

MEASURE_ITEM = "3.1"

COMMENTABLE: dict[int, str] = {
    **TEXT_ANSWERS,
    **LIST_ANSWERS,
    **{number: pair[0] for number, pair in GAUGE_ANSWERS.items()},
}
"""Question numbers a comment can refer to, with the question id it is filed under."""

EVALUATION_STATUS: dict[int, str] = {
    0: "pending",
    1: "to_correct",
    2: "improvable",
    3: "acceptable",
}
GAUGE_LEVELS: dict[int, str] = {1: "negligible", 2: "limited", 3: "significant", 4: "maximum"}
PIA_STATUS: dict[int, str] = {
    0: "in_progress",
    1: "rejected",
    2: "simple_validation",
    3: "signed_validation",
    4: "archived",
}
OPINION_STATUS: dict[int, str] = {0: "should_not_go_ahead", 1: "may_go_ahead"}
