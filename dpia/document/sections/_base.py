"""What a report section is: an object that draws itself with the writer.

Like Rich's renderables, a section is a small class with one method; the report is a list of
them, so a section can be tested alone by rendering it into a fresh document, and an
organisation can reorder, drop or add sections without touching the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ...questionnaire import EDPB_SECTIONS
from .._writer import DocumentWriter

__all__ = ["Part", "Section"]


class Section(Protocol):
    def render(self, writer: DocumentWriter) -> None: ...


@dataclass(frozen=True)
class Part:
    """A part of the EDPB template (sections 0 to 6): a top-level heading and its legal basis."""

    number: int
    basis: str = ""

    def render(self, writer: DocumentWriter) -> None:
        writer.heading(f"{self.number}. {EDPB_SECTIONS[self.number]}", 1)
        note = f"Section {self.number} of the EDPB harmonised DPIA template"
        writer.note(f"{note}; {self.basis}." if self.basis else f"{note}.")
