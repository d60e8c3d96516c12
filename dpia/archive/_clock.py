"""One time format for everything the archive stores, so text order is time order."""

from __future__ import annotations

import datetime as dt

__all__ = ["utc_now_text"]


def utc_now_text() -> str:
    """`2026-11-29T10:30:00.123456Z`: fixed width, UTC, microseconds."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
