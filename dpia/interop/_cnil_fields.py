"""Reading the fields of a PIA tool export, each refusal naming its place in the file.

The tool's importer takes whatever it finds; dpia checks each field against what the format
allows and, when it does not fit, stops with the path an editor can search for
(`answers[4].data.gauge`). Text fields of the editor's HTML go through `to_text`, with its
refusal of unsafe markup reported at the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._errors import DPIAError, SourceError
from ._html_text import UnsafeMarkup, to_text

__all__ = [
    "Place",
    "array",
    "boolean",
    "calendar_day",
    "integer",
    "mapping",
    "plain",
    "rich",
    "string",
    "timestamp",
]


class Place:
    """A position in the export, for messages: `answers[4].data.gauge`."""

    def __init__(self, file: str, path: str = ""):
        self.file = file
        self.path = path

    def at(self, part: str | int) -> Place:
        if isinstance(part, int):
            return Place(self.file, f"{self.path}[{part}]")
        return Place(self.file, f"{self.path}.{part}" if self.path else part)

    def fail(self, message: str) -> DPIAError:
        where = f" {self.path}:" if self.path else ""
        return SourceError(f"{self.file}:{where} {message}")


def _kind(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text"}
    names.update({list: "a list", dict: "an object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def mapping(value: Any, place: Place) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise place.fail(f"expected an object, got {_kind(value)}")
    return value


def array(value: Any, place: Place, *, missing_ok: bool = True) -> list[Any]:
    if value is None and missing_ok:
        return []
    if not isinstance(value, list):
        raise place.fail(f"expected a list, got {_kind(value)}")
    return value


def integer(value: Any, place: Place, allowed: range | None = None) -> int | None:
    """Whole numbers, as the tool writes them; the server build also writes them as "3"."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise place.fail(f"expected a whole number, got {_kind(value)} {value!r}")
    if allowed is not None and value not in allowed:
        raise place.fail(
            f"{value} is not allowed here; allowed: {allowed.start} to {allowed.stop - 1}"
        )
    return value


def string(value: Any, place: Place) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise place.fail(f"expected text, got {_kind(value)}")
    return value


def rich(value: Any, place: Place) -> str | None:
    text = string(value, place)
    if text is None:
        return None
    try:
        converted = to_text(text)
    except UnsafeMarkup as exc:
        raise place.fail(f"refused: the HTML {exc}") from None
    return converted or None


def plain(value: Any, place: Place) -> str | None:
    text = string(value, place)
    if text is None:
        return None
    text = text.replace("\r\n", "\n").strip()
    return text or None


def boolean(value: Any, place: Place) -> bool | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    if not isinstance(value, bool):
        raise place.fail(f"expected true or false, got {_kind(value)} {value!r}")
    return value


def timestamp(value: Any, place: Place) -> dt.datetime | None:
    text = string(value, place)
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace(" UTC", "+00:00"))
    except ValueError:
        raise place.fail(f"{text!r} is not a date and time (ISO 8601)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def calendar_day(value: Any, place: Place) -> dt.date | None:
    """The day a date picker meant: the tool stores midnight in the user's time zone as UTC.

    A date chosen in Paris is saved as 23:00 the evening before; rounding to the nearest UTC
    midnight gives back the day that was picked anywhere from UTC-11 to UTC+12.
    """
    moment = timestamp(value, place)
    if moment is None:
        return None
    return (moment.astimezone(dt.UTC) + dt.timedelta(hours=12)).date()
