"""Text that ends up in the Word document must come back out of it unchanged.

The answers are embedded in the document and restored from it, and the archive keeps what was
signed; so a character that one layer cannot hold or silently rewrites breaks the promise that
what is archived is exactly what was signed. XML 1.0 (and so .docx) cannot carry most C0
control characters, U+FFFE, U+FFFF or a lone surrogate half, and an XML parser turns a carriage
return into a newline; YAML readers turn NEL (U+0085) and the Unicode line and paragraph
separators (U+2028, U+2029) into line breaks; DEL and the C1 controls are invisible and are not
text anyone types; noncharacters (U+FDD0..U+FDEF and the last two code points of every plane)
are reserved for internal use and refused by several XML readers. Checking when a file is read
names the field, the character and its position, instead of failing far away when the document
is built or imported.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator

__all__ = ["DocumentText", "document_text_fault"]

_NONCHARACTERS = "".join(
    chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF)
)
_REFUSED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ud800-\udfff" + _NONCHARACTERS + "]"
)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NAMES = {
    "\r": "carriage return",
    "\x85": "next line, NEL",
    "\x7f": "delete, DEL",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
}


def document_text_fault(text: str) -> str | None:
    """What makes `text` unable to survive the document and the archive, or None when fine."""
    bad = _REFUSED.search(text)
    if bad is None:
        return None
    character, position = bad.group(), bad.start() + 1
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        return (
            f"contains the lone surrogate half U+{code:04X} at position {position}, which no "
            "document can hold; remove it"
        )
    if _XML_ILLEGAL.match(character):
        return (
            f"contains the control character U+{code:04X} at position {position}, which a Word "
            "document cannot hold; remove it"
        )
    if unicodedata.category(character) == "Cn":
        return (
            f"contains the noncharacter U+{code:04X} at position {position}, which a Word "
            "document cannot hold; remove it"
        )
    name = f" ({_NAMES[character]})" if character in _NAMES else ""
    kind = "control character" if unicodedata.category(character) == "Cc" else "character"
    advice = "use an ordinary line break" if character in "\r\x85\u2028\u2029" else "remove it"
    return (
        f"contains the {kind} U+{code:04X}{name} at position {position}, which would not come "
        f"back unchanged from the signed document; {advice}"
    )


def _refuse_faults(text: str) -> str:
    fault = document_text_fault(text)
    if fault:
        raise ValueError(fault)
    return text


DocumentText = Annotated[str, AfterValidator(_refuse_faults)]
