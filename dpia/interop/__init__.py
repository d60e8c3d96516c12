"""Interoperability: the CNIL PIA tool's files in and out, W3C DPV JSON-LD, answers schemas.

    read_pia_file     bytes of a PIA tool export (JSON, with or without a BOM, or ZIP) → PiaFile
    import_cnil_pia   PiaFile → a cnil-pia answers file, with notes on anything left out
    export_cnil_pia   an assessment → a file the PIA tool imports, with what could not be mapped
    export_dpv        an assessment → JSON-LD in the W3C Data Privacy Vocabulary 2.x
    answers_schema    a questionnaire → the JSON Schema of its answers files

docs/interop.md gives each format, its mapping tables and what is lossy.

Each name is imported from its module when first used (`dpia._on_demand`): the Word document
reads imported rich text with `_html_text` alone and does not load the PIA tool's formats.
"""

import typing

from .. import _on_demand

if typing.TYPE_CHECKING:
    from ._answers_schema import answers_schema
    from ._cnil_export import CnilExport, export_cnil_pia
    from ._cnil_file import Attachment, PiaFile, is_pia_file, read_pia_file
    from ._cnil_import import CnilImport, import_cnil_pia
    from ._dpv import export_dpv

__all__ = [
    "Attachment",
    "CnilExport",
    "CnilImport",
    "PiaFile",
    "answers_schema",
    "export_cnil_pia",
    "export_dpv",
    "import_cnil_pia",
    "is_pia_file",
    "read_pia_file",
]

__getattr__, __dir__ = _on_demand.exports(
    __name__,
    {
        "._answers_schema": ("answers_schema",),
        "._cnil_export": ("CnilExport", "export_cnil_pia"),
        "._cnil_file": ("Attachment", "PiaFile", "is_pia_file", "read_pia_file"),
        "._cnil_import": ("CnilImport", "import_cnil_pia"),
        "._dpv": ("export_dpv",),
    },
)
