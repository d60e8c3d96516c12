"""`dpia render` (answers → Word DPIA, optionally PDF/A) and `dpia import` (DPIA → answers)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from .._assessment import load_answers
from .._errors import DPIAError
from .._library import answers_questionnaire, questionnaire_for
from .._vocabulary import VERSION_STATUS as DOCUMENT_STATUS
from . import BAD_INPUT, _lifetime
from ._arguments import iso_date

__all__ = ["register"]


def register(subcommands: Any) -> None:
    render = subcommands.add_parser("render")
    render.add_argument("answers", metavar="ANSWERS", help="the answers YAML file")
    render.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT.docx",
        help="where to write the document (missing folders are created)",
    )
    render.add_argument(
        "--as-of",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="apply the law in force on this date (default: the assessment's date)",
    )
    render.add_argument(
        "--pdf", action="store_true", help="also write OUT.pdf (PDF/A-2b, via LibreOffice)"
    )
    render.add_argument(
        "--house-style",
        metavar="PATH",
        help="a .docx whose styles to use (default: templates/house-style.docx)",
    )
    render.add_argument(
        "--templates",
        metavar="DIR",
        help="a folder of prose templates (default: $DPIA_TEMPLATES, else templates/)",
    )
    render.add_argument(
        "--version",
        type=int,
        default=1,
        metavar="N",
        help="document version on the cover and in its history (default: 1)",
    )
    render.add_argument(
        "--status",
        default=None,
        choices=list(DOCUMENT_STATUS),
        help="document status on the cover (default: the status the recorded decision gives "
        "it, else draft)",
    )
    render.set_defaults(handler=_render)

    restore = subcommands.add_parser("import")
    restore.add_argument(
        "document",
        metavar="DOC.docx|PIA.json|PIA.zip",
        help="a DPIA made by `dpia render`, or a JSON or ZIP export of the CNIL's PIA tool",
    )
    restore.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="ANSWERS.yaml",
        help="where to write the answers file",
    )
    restore.add_argument(
        "--organisation",
        metavar="NAME",
        help="for a CNIL PIA export: the organisation, which the PIA tool does not record",
    )
    restore.set_defaults(handler=_import)


def _render(args: argparse.Namespace) -> int:
    # The risk engine and the renderer are loaded to render, not to `dpia import`.
    with _lifetime.loading():
        from ..document import render_docx
        from ..risk import assess
        from ..workflow import document_status, law_date

    questionnaire = answers_questionnaire(args.answers)
    check = load_answers(args.answers, questionnaire)
    for note in check.notes:
        print(note, file=sys.stderr)
    assessment = check.assessment
    report = assess(questionnaire, assessment, as_of=law_date(assessment, as_of=args.as_of))
    document = render_docx(
        questionnaire,
        assessment,
        report,
        version=args.version,
        status=args.status or document_status(assessment.signoff),
        house_style=args.house_style,
        templates=args.templates,
    )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(document)
    verdict = "STOP: do not proceed" if report.stop else f"residual risk {report.overall_residual}"
    if not report.risks:
        verdict = "no risk rated yet"
    print(f"wrote {output} ({len(document):,} bytes; {verdict})")
    if args.pdf:
        from ..document._pdf import export_pdf

        pdf = output.with_suffix(".pdf")
        pdf.write_bytes(export_pdf(document))
        print(f"wrote {pdf} (PDF/A-2b)")
    _lifetime.ending()
    return 0


def _import(args: argparse.Namespace) -> int:
    try:
        document = Path(args.document).read_bytes()
    except OSError as exc:
        raise DPIAError(f"{args.document}: cannot read: {exc.strerror or exc}") from None
    from ..interop import is_pia_file

    if is_pia_file(document) or (
        not document.startswith(b"PK") and Path(args.document).suffix.lower() == ".json"
    ):
        from ._interop import import_pia_file

        return import_pia_file(args, document)
    from ..document import read_record
    from ..document._embedded import embedded_answers_check

    try:
        record = read_record(document)
    except DPIAError as exc:
        raise DPIAError(f"{args.document}: {exc}") from None
    text = yaml.safe_dump(record.answers_file, sort_keys=False, allow_unicode=True, width=100)
    output = Path(args.output)
    output.write_text(text, encoding="utf-8")
    try:
        check = embedded_answers_check(document, questionnaire_for(record.questionnaire))
    except DPIAError as exc:
        print(
            f"wrote {output}, but it does not check against {record.questionnaire}:",
            file=sys.stderr,
        )
        print(exc, file=sys.stderr)
        return BAD_INPUT
    for note in check.notes:
        print(note, file=sys.stderr)
    opens = f"; opens as {check.assessment.questionnaire}" if check.migrated_from else ""
    print(
        f"wrote {output}: answers to {record.questionnaire}, document version {record.version} "
        f"({DOCUMENT_STATUS.get(record.status, record.status)}){opens}"
    )
    return 0
