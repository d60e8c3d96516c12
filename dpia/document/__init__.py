"""The Word DPIA: a professional document in the house style that carries its own answers."""

from ._dossier import DocumentStatus, Revision
from ._embedded import EmbeddedRecord, read_embedded, read_record
from ._pdf import export_pdf, pdf_rendition
from ._render import render_docx
from ._styles import DEFAULT_HOUSE_STYLE, REQUIRED_STYLES
from ._templates import DEFAULT_TEMPLATES

__all__ = [
    "DEFAULT_HOUSE_STYLE",
    "DEFAULT_TEMPLATES",
    "REQUIRED_STYLES",
    "DocumentStatus",
    "EmbeddedRecord",
    "Revision",
    "export_pdf",
    "pdf_rendition",
    "read_embedded",
    "read_record",
    "render_docx",
]
