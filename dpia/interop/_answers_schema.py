"""The JSON Schema of one questionnaire's answers files, for editors that complete and check YAML.

`dpia schema answers` describes the shape every answers file shares; with a questionnaire it
also lists every question under `answers` by its id, with its type, its limits and its options,
the question as the user reads it for a title and the option labels as descriptions. An editor
then proposes the ids and the option values and marks a wrong one before dpia ever reads it.
The schema follows the questionnaire, so it cannot drift from what `dpia check-answers` accepts
about types and options (conditions and required questions depend on other answers and stay
with dpia).
"""

from __future__ import annotations

from typing import Any

from .._assessment import AnswersFile
from ..questionnaire import Questionnaire

__all__ = ["answers_schema"]

_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def answers_schema(questionnaire: Questionnaire | None = None) -> dict[str, Any]:
    schema = AnswersFile.model_json_schema()
    schema["$schema"] = _DRAFT
    schema["title"] = "dpia answers file"
    if questionnaire is None:
        return schema
    schema["title"] = f"dpia answers file for {questionnaire.title} ({questionnaire.ref})"
    schema["properties"]["questionnaire"] = {
        "const": questionnaire.ref,
        "description": "The questionnaire these answers are for: <id>@<version>.",
    }
    schema["properties"]["answers"] = {
        "type": "object",
        "title": "Answers",
        "description": "Each answered question by its id; unanswered questions are left out.",
        "additionalProperties": False,
        "properties": {
            question.id: _question(question, section.title)
            for section, question in questionnaire.questions()
        },
    }
    measures = _measure_ids(questionnaire)
    if measures:
        schema["properties"]["plan"] = {
            **schema["properties"]["plan"],
            "propertyNames": {"enum": measures},
        }
    return schema


def _measure_ids(questionnaire: Questionnaire) -> list[str]:
    """The catalogue's measures a plan may name; none for a method without a catalogue."""
    from .._errors import DPIAError
    from ..risk import catalogue_for, scoring_method

    if scoring_method(questionnaire) is not None:
        return []
    try:
        return [measure.id for measure in catalogue_for(questionnaire).measures]
    except DPIAError:
        return []


def _described(question: Any, schema: dict[str, Any], section: str | None = None) -> dict[str, Any]:
    parts = [part for part in (question.help, "; ".join(question.legal)) if part]
    if section:
        parts.insert(0, f"Section: {section}.")
    schema = {"title": question.label, **schema}
    if parts:
        schema["description"] = " ".join(parts)
    return schema


def _options(options: Any) -> dict[str, Any]:
    return {
        "oneOf": [
            {"const": option.value, "description": option.label, "title": option.label}
            for option in options
        ]
    }


def _value(question: Any) -> dict[str, Any]:
    kind = question.type
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "single_choice":
        return {"type": "string", **_options(question.options)}
    if kind == "multi_choice":
        return {
            "type": "array",
            "items": {"type": "string", **_options(question.options)},
            "uniqueItems": True,
        }
    if kind in ("text", "long_text"):
        return {"type": "string", "maxLength": question.max_length}
    if kind in ("integer", "number"):
        schema: dict[str, Any] = {"type": kind}
        if question.min is not None:
            schema["minimum"] = question.min
        if question.max is not None:
            schema["maximum"] = question.max
        return schema
    if kind == "date":
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if kind == "table":
        row: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                column.id: _described(column, _value(column)) for column in question.columns
            },
        }
        required = [column.id for column in question.columns if column.required]
        if required:
            row["required"] = required
        table: dict[str, Any] = {"type": "array", "items": row, "maxItems": question.max_rows}
        if question.min_rows:
            table["minItems"] = question.min_rows
        return table
    raise ValueError(f"no schema for question type {kind!r}")


def _question(question: Any, section: str) -> dict[str, Any]:
    return _described(question, _value(question), section)
