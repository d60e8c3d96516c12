"""Argument types shared by the command groups, so every command reads a date the same way."""

from __future__ import annotations

import argparse
import datetime as dt

__all__ = ["iso_date"]


def iso_date(text: str) -> dt.date:
    """A `YYYY-MM-DD` argument; argparse turns the error into a usage message naming the option."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None
