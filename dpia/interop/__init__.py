"""Interoperability: the CNIL PIA tool's files in and out, W3C DPV JSON-LD, answers schemas.

    read_pia_file     bytes of a PIA tool export (JSON, with or without a BOM, or ZIP) → PiaFile
    import_cnil_pia   PiaFile → a cnil-pia answers file, with notes on anything left out
    export_cnil_pia   an assessment → a file the PIA tool imports, with what could not be mapped
    export_dpv        an assessment → JSON-LD in the W3C Data Privacy Vocabulary 2.x
    answers_schema    a questionnaire → the JSON Schema of its answers files

docs/interop.md gives each format, its mapping tables and what is lossy.
"""

from ._answers_schema import answers_schema
from ._cnil_export import CnilExport
from ._cnil_export import export_assessment as export_cnil_pia
from ._cnil_file import Attachment, PiaFile, is_pia_file, read_pia_file
from ._cnil_import import CnilImport
from ._cnil_import import import_pia as import_cnil_pia
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
