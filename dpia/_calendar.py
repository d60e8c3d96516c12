"""Dates in answers and sign-off records: written as YYYY-MM-DD, real, and within reach.

YAML would read `2026-02-30` as a date and crash, and pydantic would take `date: 0` as
1970-01-01 and rate the assessment under the law of 1970. Files are read with dates left as
text (dpia._source), and every date field goes through here: it must be a calendar date
written as YYYY-MM-DD, between 1990-01-01 and 2100-12-31. The lower bound is before the first
data-protection law this tool reasons about (Directive 95/46/EC, the German BDSG of 1990); the
upper bound is beyond any retention period, review or due date a plan could sensibly set. A
date outside is a typo (`0226-05-04`, `20260-05-04`), and the law and review rules would
otherwise be computed for a year nobody meant.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator

__all__ = ["EARLIEST_DATE", "LATEST_DATE", "CalendarDate", "calendar_date", "calendar_date_fault"]

EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def calendar_date_fault(value: Any) -> str | None:
    """Why `value` is not an acceptable date, or None when `calendar_date` will accept it."""
    if isinstance(value, dt.datetime):
        return f"expected a date (YYYY-MM-DD) without a time, got {value.isoformat()!r}"
    if isinstance(value, dt.date):
        return _range_fault(value)
    if not isinstance(value, str):
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
        return f"expected a date as YYYY-MM-DD, got {shown}"
    match = _ISO_DATE.match(value.strip())
    if match is not None and match.end() < len(value.strip()) and value.strip()[10] in "T ":
        return f"expected a date (YYYY-MM-DD) without a time, got {value!r}"
    if match is None or match.end() != len(value.strip()):
        return f"expected a date as YYYY-MM-DD, got {value!r}"
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"{value!r} is not a date: there is no month {month}"
    if year < 1:
        return f"{value!r} is not a date: there is no year 0"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{value!r} is not a date: {calendar.month_name[month]} {year} has days 1 to {days}"
    return _range_fault(dt.date(year, month, day))


def _range_fault(value: dt.date) -> str | None:
    if EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return (
        f"{value.isoformat()} is outside the dates this tool accepts "
        f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}); check the year"
    )


def calendar_date(value: Any) -> dt.date:
    """`value` as a date; raises ValueError saying what to write instead."""
    fault = calendar_date_fault(value)
    if fault:
        raise ValueError(fault)
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value.strip())


CalendarDate = Annotated[dt.date, BeforeValidator(calendar_date)]
