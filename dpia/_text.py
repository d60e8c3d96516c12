"""Text that ends up in the Word document must be text a Word document can hold.

XML 1.0, and so .docx, cannot carry most C0 control characters, U+FFFE, U+FFFF or a lone
surrogate half; python-docx only fails when the document is built, far from the field that held
the character. Checking when a file is read names the field and the position instead.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

__all__ = ["DocumentText", "document_text_fault"]

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def document_text_fault(text: str) -> str | None:
    """What makes `text` impossible to put in a document, or None when it is fine."""
    if _SURROGATE.search(text):
        return "contains a lone surrogate code point, which no document can hold"
    bad = _XML_ILLEGAL.search(text)
    if bad:
        return (
            f"contains the control character U+{ord(bad.group()):04X} at position "
            f"{bad.start() + 1}, which a Word document cannot hold"
        )
    return None


def _refuse_faults(text: str) -> str:
    fault = document_text_fault(text)
    if fault:
        raise ValueError(fault)
    return text


DocumentText = Annotated[str, AfterValidator(_refuse_faults)]
