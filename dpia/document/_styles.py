"""The names of every style the renderer uses; the house style must define each of them.

The renderer never formats text directly: it names a style, and the house-style document decides
what that style looks like. Keeping the names in one place lets the house-style builder, the
writer's up-front check and the documentation agree on the same list.

Emphasis is a character style ("Strong", "Emphasis", "Strong Emphasis") and the heading row's
fill belongs to the table style's first-row look, so restyling either in Word restyles every
place it is used. A rating cell's fill cannot be a style in Word, so it is read back from the
shading of the level's paragraph style when the document is made: a DPO who recolours
"Level High" in the house style recolours the register cells and the risk map too.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BANNER_NOTICE",
    "BANNER_NOTICE_TEXT",
    "BANNER_STOP",
    "BANNER_STOP_TEXT",
    "BODY",
    "BULLET",
    "CAPTION",
    "CODE",
    "COVER_DETAIL",
    "COVER_ORGANISATION",
    "COVER_SUBTITLE",
    "COVER_TITLE",
    "DEFAULT_HOUSE_STYLE",
    "EMPHASIS",
    "FINGERPRINT",
    "FOOTER",
    "HEADER",
    "HEADING",
    "LATER_STYLES",
    "LEVEL",
    "NOTE",
    "REQUIRED_STYLES",
    "STRONG",
    "STRONG_EMPHASIS",
    "TABLE",
    "TABLE_HEADING",
    "TABLE_TEXT",
    "TOC_HEADING",
    "TOC_LEVELS",
]

DEFAULT_HOUSE_STYLE = Path(__file__).resolve().parents[2] / "templates" / "house-style.docx"

BODY = "Normal"
HEADING = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
BULLET = "List Bullet"
CAPTION = "Caption"
NOTE = "Note"
CODE = "Command"
FINGERPRINT = "Fingerprint"
STRONG = "Strong"
EMPHASIS = "Emphasis"
STRONG_EMPHASIS = "Strong Emphasis"
HEADER = "Header"
FOOTER = "Footer"
TOC_HEADING = "TOC Heading"
TOC_LEVELS = {1: "TOC 1", 2: "TOC 2"}
COVER_ORGANISATION = "Cover Organisation"
COVER_TITLE = "Cover Title"
COVER_SUBTITLE = "Cover Subtitle"
COVER_DETAIL = "Cover Detail"
BANNER_STOP = "Banner Stop"
BANNER_STOP_TEXT = "Banner Stop Text"
BANNER_NOTICE = "Banner Notice"
BANNER_NOTICE_TEXT = "Banner Notice Text"
TABLE = "DPIA Table"
TABLE_HEADING = "Table Heading"
TABLE_TEXT = "Table Text"
LEVEL = {"low": "Level Low", "medium": "Level Medium", "high": "Level High"}

REQUIRED_STYLES: tuple[str, ...] = (
    BODY,
    *HEADING.values(),
    BULLET,
    CAPTION,
    NOTE,
    CODE,
    FINGERPRINT,
    STRONG,
    EMPHASIS,
    STRONG_EMPHASIS,
    HEADER,
    FOOTER,
    TOC_HEADING,
    *TOC_LEVELS.values(),
    COVER_ORGANISATION,
    COVER_TITLE,
    COVER_SUBTITLE,
    COVER_DETAIL,
    BANNER_STOP,
    BANNER_STOP_TEXT,
    BANNER_NOTICE,
    BANNER_NOTICE_TEXT,
    TABLE,
    TABLE_HEADING,
    TABLE_TEXT,
    *LEVEL.values(),
)

LATER_STYLES: tuple[str, ...] = (STRONG, EMPHASIS, STRONG_EMPHASIS, FINGERPRINT)
"""Styles the renderer started to use after house styles were first made, in the order they
depend on each other; a house style without them borrows the default house style's."""
