"""Turn pydantic's validation errors into located problems an author can act on."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ._errors import Problem
from ._source import Source, format_path

__all__ = ["parse_model"]

Model = TypeVar("Model", bound=BaseModel)

_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field; check the spelling against the format reference",
}


def parse_model(source: Source, model: type[Model]) -> tuple[Model | None, list[Problem]]:
    """Validate `source.value` as `model`; on failure, every problem with its line and column."""
    if not isinstance(source.value, dict):
        kind = "empty" if source.value is None else type(source.value).__name__
        return None, [source.problem((), f"expected a mapping at the top level, got {kind}")]
    try:
        return model.model_validate(source.value), []
    except ValidationError as exc:
        return None, [_problem(source, error) for error in exc.errors()]


def _problem(source: Source, error: Any) -> Problem:
    loc = tuple(error["loc"])
    line, column, found = source.locate(loc)
    kind = error["type"]
    message = _MESSAGES.get(kind) or error["msg"]
    if kind == "union_tag_invalid":
        expected = error.get("ctx", {}).get("expected_tags", "")
        tag = error.get("ctx", {}).get("tag", "")
        message = f"unknown type {tag!r}; allowed: {expected}"
    elif kind == "literal_error":
        message = f"{error['msg']} (got {error.get('input')!r})"
    elif kind.startswith("value_error"):
        message = str(error.get("ctx", {}).get("error", error["msg"]))
    elif kind == "string_pattern_mismatch":
        message = f"{error.get('input')!r} is not a valid id: use lower case letters, digits and _"
    path_parts = _readable(loc, found, kind)

    return Problem(source.name, line, column, format_path(path_parts), message)


def _readable(loc: tuple[Any, ...], found: tuple[Any, ...], kind: str) -> tuple[Any, ...]:
    """Drop union tags (`single_choice`) that pydantic puts in paths but authors never wrote."""
    if kind in ("missing", "extra_forbidden"):
        return (*found, loc[-1]) if loc and (not found or found[-1] != loc[-1]) else found
    return found
