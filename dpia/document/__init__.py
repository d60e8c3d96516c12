"""The Word DPIA: a professional document in the house style that carries its own answers.

Each name is imported from its module when first used (`dpia._on_demand`): reading the
answers embedded in a document, or converting one to PDF, does not load the renderer.
"""

import typing

from .. import _on_demand

if typing.TYPE_CHECKING:
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

__getattr__, __dir__ = _on_demand.exports(
    __name__,
    {
        "._dossier": ("DocumentStatus", "Revision"),
        "._embedded": ("EmbeddedRecord", "read_embedded", "read_record"),
        "._pdf": ("export_pdf", "pdf_rendition"),
        "._render": ("render_docx",),
        "._styles": ("DEFAULT_HOUSE_STYLE", "REQUIRED_STYLES"),
        "._templates": ("DEFAULT_TEMPLATES",),
    },
)
