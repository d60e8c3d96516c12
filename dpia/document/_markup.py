"""The small text markup of the prose templates: paragraphs, bullets, sub-headings and bold.

Templates write the DPIA's narrative, and a DPO should be able to edit them without learning
Word's XML, so they produce plain text with four conventions:

    a blank line         ends a paragraph
    - item               a bullet (following lines indented by two spaces continue it)
    ### Title            a sub-heading inside the section
    **words**            bold

Answers quoted into a template are escaped (`escape_markup`) so that an answer starting with
"- " or containing "**" is printed as written, never read as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Block", "Span", "escape_markup", "parse_markup"]

_ESCAPABLE = "\\*-#"


@dataclass(frozen=True)
class Span:
    """A run of text with one look."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    kind: Literal["paragraph", "bullet", "heading"]
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


def escape_markup(value: str) -> str:
    """`value` as literal text inside a template: backslashes, stars, and line-leading - and #."""
    escaped = value.replace("\\", "\\\\").replace("*", "\\*")
    return re.sub(r"(^|\n)([^\S\n]*)([-#])", r"\1\2\\\3", escaped)


def parse_markup(text: str) -> list[Block]:
    blocks: list[Block] = []
    kind: Literal["paragraph", "bullet", "heading"] | None = None
    lines: list[str] = []

    def close() -> None:
        nonlocal kind, lines
        joined = " ".join(line.strip() for line in lines).strip()
        if kind is not None and joined:
            blocks.append(Block(kind, _inline(joined)))
        kind, lines = None, []

    for raw in text.split("\n"):
        line = raw.rstrip()
        stripped = line.lstrip()
        if not stripped:
            close()
        elif stripped.startswith("### "):
            close()
            kind, lines = "heading", [stripped[4:]]
            close()
        elif stripped.startswith("- "):
            close()
            kind, lines = "bullet", [stripped[2:]]
        elif kind == "bullet" and raw.startswith("  "):
            lines.append(stripped)
        else:
            if kind == "bullet":
                close()
            kind = kind or "paragraph"
            lines.append(stripped)
    close()
    return blocks


def _inline(text: str) -> tuple[Span, ...]:
    """Split on unescaped `**` pairs; an unpaired `**` stays as written."""
    pieces: list[tuple[str, bool]] = []
    current: list[str] = []
    marks: list[int] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in _ESCAPABLE:
            current.append(text[index + 1])
            index += 2
            continue
        if text.startswith("**", index):
            pieces.append(("".join(current), False))
            current = []
            marks.append(len(pieces))
            pieces.append(("**", True))
            index += 2
            continue
        current.append(char)
        index += 1
    pieces.append(("".join(current), False))
    if len(marks) % 2:
        marks.pop()
    spans: list[Span] = []
    bold = False
    for position, (piece, is_mark) in enumerate(pieces):
        if is_mark and position in marks:
            bold = not bold
            continue
        if piece:
            if spans and spans[-1].bold == bold:
                spans[-1] = Span(spans[-1].text + piece, bold=bold)
            else:
                spans.append(Span(piece, bold=bold))
    return tuple(spans)
