"""Turn pydantic's validation errors into located problems an author can act on.

pydantic speaks in its own terms (`union_tag_invalid`, `Tuple should have at least 1 item after
validation`, paths with union tags in them). An author needs the line to edit, the field as
written in the file, and what is allowed there, so each kind of error is reworded here and
pointed at the line a fix goes on.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ._errors import Problem
from ._source import Source, format_path

__all__ = ["parse_model"]

Model = TypeVar("Model", bound=BaseModel)

_PATTERN_WORDS = {
    r"^[a-z][a-z0-9_]{0,63}$": "a lower-case letter, then lower-case letters, digits or _ "
    "(at most 64 characters), e.g. retention_days",
    r"^[a-z][a-z0-9-]{0,63}$": "a lower-case letter, then lower-case letters, digits or - "
    "(at most 64 characters), e.g. telemetry-for-ai",
    r"^\d+\.\d+(\.\d+)?$": 'a version such as "1.0" or "1.2.0" (in quotes)',
    r"^[A-Z]{2}(-[A-Z]{2})?$|^OTHER$": "a two-letter country code (DE), a country and "
    "subdivision code (US-CA), or OTHER",
    r"^(EU|EEA|UK|US|OTHER)$": "one of EU, EEA, UK, US, OTHER",
    r"^[a-z][a-z0-9-]{0,63}@\d+\.\d+(\.\d+)?$": "<questionnaire id>@<version>, "
    "e.g. telemetry-for-ai@1.0.0",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "an e-mail address such as name@example.org",
}

_COMPARISONS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")


def parse_model(source: Source, model: type[Model]) -> tuple[Model | None, list[Problem]]:
    """Validate `source.value` as `model`; on failure, every problem with its line and column."""
    if not isinstance(source.value, dict):
        kind = "an empty file" if source.value is None else _kind_of(source.value)
        return None, [
            source.problem((), f"expected a mapping of fields (name: value) at the top, got {kind}")
        ]
    try:
        return model.model_validate(source.value), []
    except ValidationError as exc:
        errors = [error for error in exc.errors() if not _follows_from_others(error)]
        return None, [_problem(source, model, error) for error in errors]


def _follows_from_others(error: Any) -> bool:
    """pydantic drops items that failed and then finds the tuple too short; that is noise."""
    if error["type"] != "too_short" or not isinstance(error.get("input"), list | tuple):
        return False
    return len(error["input"]) >= error.get("ctx", {}).get("min_length", 0)


def _problem(source: Source, model: type[BaseModel], error: Any) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx", {})
    message = error["msg"]
    value = error.get("input")
    if kind == "missing":
        message = "required field is missing"
    elif kind == "extra_forbidden":
        allowed = _field_names(model, loc[:-1])
        message = f"unknown field {loc[-1]!r}" + (f"; allowed here: {allowed}" if allowed else "")
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = _tag_list(model, loc)
        loc = (*loc, "type")
        if kind == "union_tag_not_found":
            message = f"required field is missing; allowed: {tags}"
            kind = "missing"
        else:
            message = f"unknown type {ctx.get('tag')!r}; allowed: {tags}"
    elif kind == "fault_at":
        loc = (*loc, *ctx["at"])
    elif kind == "literal_error":
        message = f"{error['msg']} (got {value!r})"
    elif kind.startswith("value_error"):
        message = str(ctx.get("error", message))
    elif kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        message = f"{value!r} does not fit: expected {_PATTERN_WORDS.get(pattern, pattern)}"
    elif kind == "string_type":
        message = f"expected text, got {_kind_of(value)}"
        if not isinstance(value, dict | list):
            message += "; put the value in quotes"
    elif kind in ("tuple_type", "list_type"):
        message = f"expected a list, got {_kind_of(value)}"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        message = f"expected a mapping of fields (name: value), got {_kind_of(value)}"
    elif kind in ("too_short", "string_too_short") and isinstance(value, str):
        needed = ctx.get("min_length", 1)
        message = "cannot be empty" if needed == 1 else f"needs at least {needed} characters"
    elif kind == "too_short":
        needed = ctx.get("min_length", 1)
        actual = ctx.get("actual_length") or "none"
        message = f"needs at least {needed} item{'s' if needed != 1 else ''}, got {actual}"
    elif kind.startswith("date_"):
        written = value.isoformat() if isinstance(value, dt.date) else value
        message = f"expected a date as YYYY-MM-DD, got {written!r}"
    elif kind.endswith("_parsing") or kind in _COMPARISONS:
        message = f"{message} (got {value!r})"
    line, column, found = source.locate(loc, key=kind == "extra_forbidden")
    if kind == "missing":
        found = (*found, loc[-1])
    return Problem(source.name, line, column, format_path(found), message)


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    names = {list: "a list", dict: "a mapping", str: "text", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    found = _annotation_at(model, loc)
    if isinstance(found, type) and issubclass(found, BaseModel):
        return ", ".join(found.model_fields)
    return ""


def _tag_list(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    return ", ".join(_union_members(_annotation_at(model, loc)))


def _annotation_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The type that `loc` (as pydantic reports it, union tags included) points into."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        members = _union_members(current)
        if members:
            current = members.get(part)
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part) if isinstance(part, str) else None
            current = None if field is None else field.annotation
        elif typing.get_origin(current) in (tuple, list) and isinstance(part, int):
            current = typing.get_args(current)[0]
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    return _unwrap(current)


def _unwrap(annotation: Any) -> Any:
    """Strip `Annotated[...]` and `X | None` down to the type that holds the fields."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            present = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(present) != 1:
                return annotation
            annotation = present[0]
        else:
            return annotation


def _union_members(annotation: Any) -> dict[str, Any]:
    """A tagged union's members by their `type` tag; empty for anything else."""
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return {}
    members: dict[str, Any] = {}
    for member in typing.get_args(annotation):
        field = getattr(member, "model_fields", {}).get("type")
        if field is None or typing.get_origin(field.annotation) is not typing.Literal:
            return {}
        for tag in typing.get_args(field.annotation):
            members[tag] = member
    return members
