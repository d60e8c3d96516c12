"""A PDF rendition of an archived Word document, for readers without Word.

The rendition is the document package's PDF/A-2b export (table of contents filled in), made at
export time: it is not what was signed and not part of the content hash, and the bag says so.
A missing or failing LibreOffice costs the bag its PDF, never the export itself.
"""

from __future__ import annotations

from .._errors import RenderError
from ..document._pdf import export_pdf

__all__ = ["pdf_rendition"]


def pdf_rendition(docx: bytes) -> tuple[bytes | None, str]:
    """The PDF bytes, or None and the reason there is none."""
    try:
        return export_pdf(docx), ""
    except RenderError as exc:
        return None, str(exc)
