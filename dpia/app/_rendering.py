"""Turning the open case into files: the Word document, its PDF and page images to preview.

The Word document is the package's (`render_docx`) and the PDF its LibreOffice rendition (the
one the archive's bags carry), so the preview shows exactly what is downloaded and archived. A
rendition is remembered by a fingerprint of everything that goes into it; the page says when it
is out of date instead of re-running LibreOffice on every click.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .._assessment import Assessment
from ..document import Revision, pdf_rendition, render_docx
from ..questionnaire import Questionnaire
from ..risk import RiskReport

__all__ = ["PREVIEW_PAGES", "Rendition", "render_case", "rendition_fingerprint"]

PREVIEW_PAGES = 12
_PREVIEW_DPI = 70
_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Rendition:
    fingerprint: str
    file_stem: str
    version: int
    docx: bytes
    pdf: bytes | None
    pdf_note: str
    pages: tuple[bytes, ...]


def rendition_fingerprint(
    assessment: Assessment, report: RiskReport, version: int, status: str
) -> str:
    inputs = {
        "answers": assessment.to_file(),
        "as_of": report.as_of.isoformat(),
        "version": version,
        "status": status,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def render_case(
    questionnaire: Questionnaire,
    assessment: Assessment,
    report: RiskReport,
    *,
    version: int,
    status: str,
    history: Iterable[Revision],
    with_pdf: bool = True,
) -> Rendition:
    docx = render_docx(
        questionnaire, assessment, report, version=version, status=status, history=history
    )
    pdf, note = pdf_rendition(docx) if with_pdf else (None, "not asked for")
    stem = f"dpia-{assessment.meta.id or 'draft'}-v{version}"
    return Rendition(
        fingerprint=rendition_fingerprint(assessment, report, version, status),
        file_stem=stem,
        version=version,
        docx=docx,
        pdf=pdf,
        pdf_note=note,
        pages=preview_pages(pdf) if pdf else (),
    )


def preview_pages(pdf: bytes) -> tuple[bytes, ...]:
    """PNG images of the first pages (poppler's pdftoppm), or none when it is not installed."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return ()
    with tempfile.TemporaryDirectory(prefix="dpia-preview-") as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(
                [
                    tool,
                    "-png",
                    "-r",
                    str(_PREVIEW_DPI),
                    "-l",
                    str(PREVIEW_PAGES),
                    source,
                    Path(work) / "page",
                ],
                capture_output=True,
                timeout=_TIMEOUT_SECONDS,
                check=True,
            )
        except (subprocess.SubprocessError, OSError):
            return ()
        return tuple(p.read_bytes() for p in sorted(Path(work).glob("page-*.png")))
