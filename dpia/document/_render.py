"""`render_docx`: questionnaire, answers and risk report in; the Word DPIA's bytes out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from .._assessment import Assessment
from .._errors import RenderError
from .._version import __version__
from ..questionnaire import Questionnaire
from ..risk import RiskReport
from . import _labels as label
from ._dossier import Dossier, Revision
from ._embedded import embed_record, record_for
from ._ooxml import (
    forget_printing,
    set_custom_properties,
    set_document_id,
    set_extended_properties,
)
from ._templates import ProseTemplates
from ._writer import DocumentWriter
from .sections import build_report

__all__ = ["render_docx"]


def render_docx(
    questionnaire: Questionnaire,
    assessment: Assessment,
    report: RiskReport,
    *,
    version: int = 1,
    status: str = "draft",
    history: Iterable[Revision] = (),
    house_style: Path | str | None = None,
    templates: Path | str | None = None,
) -> bytes:
    """The DPIA as a .docx; the same inputs give the same bytes.

    Args:
        version: the document version shown on the cover and in the version history (>= 1).
        status: draft, in_review, approved, rejected or superseded.
        history: earlier versions for the document-control table.
        house_style: a .docx whose styles, page setup, header and footer are used
            (default: templates/house-style.docx).
        templates: a folder with `sections/*.md.j2` prose templates (default: templates/).
    """
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise RenderError(f"version must be a whole number from 1, got {version!r}")
    if status not in label.DOCUMENT_STATUS:
        raise RenderError(f"status {status!r} is not one of {', '.join(label.DOCUMENT_STATUS)}")
    if assessment.questionnaire != questionnaire.ref:
        raise RenderError(
            f"the answers are for {assessment.questionnaire}, the questionnaire is "
            f"{questionnaire.ref}"
        )
    record = record_for(questionnaire, assessment, version, status, report.as_of)
    dossier = Dossier(
        questionnaire=questionnaire,
        assessment=assessment,
        report=report,
        version=version,
        status=status,  # type: ignore[arg-type]
        history=tuple(history),
        templates=ProseTemplates.for_folder(Path(templates) if templates else None),
        fingerprint=record.fingerprint,
    )
    writer = DocumentWriter(Path(house_style) if house_style else None)
    for section in build_report(dossier):
        section.render(writer)
    meta = assessment.meta
    writer.running_header("Data Protection Impact Assessment", meta.title)
    writer.running_footer(
        f"{meta.organisation} · {dossier.document_id} · version {version} · "
        f"{label.DOCUMENT_STATUS[status]}"
    )
    document = writer.document
    moment = dt.datetime.combine(meta.date, dt.time(0, 0), tzinfo=dt.UTC)
    properties = document.core_properties
    properties.title = f"Data Protection Impact Assessment: {meta.title}"
    properties.subject = questionnaire.title
    properties.author = meta.assessor
    properties.last_modified_by = meta.assessor
    properties.created = moment
    properties.modified = moment
    properties.revision = version
    properties.version = str(version)
    properties.identifier = meta.id or ""
    properties.category = "Data Protection Impact Assessment"
    properties.content_status = label.DOCUMENT_STATUS[status]
    properties.keywords = "DPIA; GDPR Art. 35"
    properties.comments = ""
    properties.language = "en-GB"
    set_custom_properties(
        document.part.package,
        {
            "AssessmentId": meta.id or "",
            "AssessmentVersion": version,
            "DocumentStatus": label.DOCUMENT_STATUS[status],
            "Questionnaire": questionnaire.ref,
            "LawAppliedAsOf": report.as_of.isoformat(),
            "ContentSHA256": record.fingerprint,
        },
    )
    forget_printing(properties)
    set_extended_properties(document.part.package, _generator(), meta.organisation)
    set_document_id(document.settings.element, record.fingerprint)
    embed_record(document, record)
    return writer.save()


def _generator() -> str:
    """The program and version that wrote the file, as docProps/app.xml names it."""
    return f"dpia {__version__}"
