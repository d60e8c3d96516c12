"""`dpia archive ...` (the versioned record for legal) and `dpia db upgrade`."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from .._assessment import Assessment, load_answers
from .._config import settings
from .._errors import ArchiveError, NotFoundError, SourceError
from .._library import answers_questionnaire, questionnaire_for
from .._vocabulary import VERSION_STATUS, counted
from ..archive import (
    Archive,
    VersionStatus,
    VersionSummary,
    archive_engine,
    database_url,
    diff_versions,
    open_archive,
    sha256_hex,
    upgrade_database,
)
from ..questionnaire import Questionnaire
from ._arguments import iso_date

__all__ = ["register"]

_ID_HELP = "the assessment id, as `dpia archive list` shows it"
_JSON_HELP = "print JSON instead of text"


def register(subcommands: Any) -> None:
    archive = subcommands.add_parser(
        "archive",
        description="The archive lives in DPIA_DATABASE_URL (default sqlite:///var/dpia.sqlite3).",
    )
    commands = archive.add_subparsers(dest="archive_command", metavar="COMMAND", required=True)

    add = commands.add_parser("add", help="archive an answers file as a new version")
    add.add_argument("answers", metavar="ANSWERS", help="the answers YAML file")
    add.add_argument(
        "--document",
        metavar="DOC.docx",
        help="the Word document; signatures beside it named DOC.docx.<signer>.p7s are added too",
    )
    _version_options(add)
    add.set_defaults(handler=_add)

    restore = commands.add_parser(
        "import", help="archive a Word DPIA from the answers embedded in it"
    )
    restore.add_argument(
        "document",
        metavar="DOC.docx",
        help="a DPIA made by `dpia render`; signatures beside it (DOC.docx.<signer>.p7s) too",
    )
    restore.add_argument(
        "--as-new",
        action="store_true",
        help="archive as a new assessment even if the document names one",
    )
    _version_options(restore)
    restore.set_defaults(handler=_import)

    listing = commands.add_parser("list", help="list assessments and their latest version")
    listing.add_argument(
        "--status",
        choices=[s.value for s in VersionStatus],
        help="only assessments whose latest version has this status",
    )
    listing.add_argument(
        "--review-due-before",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="only assessments due for review before this date",
    )
    listing.add_argument("--json", action="store_true", help=_JSON_HELP)
    listing.set_defaults(handler=_list)

    show = commands.add_parser("show", help="show one version: status, hashes, result, document")
    show.add_argument("assessment_id", metavar="ID", help=_ID_HELP)
    show.add_argument(
        "--version", type=_positive, metavar="N", help="the version (default: the latest)"
    )
    show.add_argument("--json", action="store_true", help=_JSON_HELP)
    show.set_defaults(handler=_show)

    history = commands.add_parser("history", help="show every version with its status changes")
    history.add_argument("assessment_id", metavar="ID", help=_ID_HELP)
    history.add_argument("--json", action="store_true", help=_JSON_HELP)
    history.set_defaults(handler=_history)

    status = commands.add_parser(
        "status",
        help="put a version in review (approved and rejected come only from `archive freeze`)",
    )
    status.add_argument("assessment_id", metavar="ID", help=_ID_HELP)
    status.add_argument("version", type=_positive, metavar="N", help="the version")
    status.add_argument(
        "status",
        metavar="STATUS",
        help="in_review; a decided status is given only by freezing a signed version",
    )
    status.add_argument(
        "--note", default="", metavar="TEXT", help="why (kept in the status history)"
    )
    _actor_option(status)
    status.set_defaults(handler=_status)

    freeze = commands.add_parser(
        "freeze",
        help="archive a signed final document as the next version, in the status its "
        "decision gives",
        description="Checks DOC.docx.*.p7s against the archive's trust store "
        "(DPIA_TRUST_DIR, else var/trust): the assessor, the DPO who gave the advice and the "
        "decision-maker who decided must each have a valid, trusted signature (a referral to "
        "the supervisory authority needs the assessor and the decision-maker). Only the "
        "decision-maker freezes. Exit status 2 when the version cannot be frozen, naming "
        "each signatory still missing, invalid or untrusted.",
    )
    freeze.add_argument("assessment_id", metavar="ID", help=_ID_HELP)
    freeze.add_argument(
        "--document",
        required=True,
        metavar="DOC.docx",
        help="the final document as rendered, with its signatures beside it "
        "(DOC.docx.<signer>.p7s)",
    )
    freeze.add_argument(
        "--pdf",
        metavar="DOC.pdf",
        help="also keep this PDF/A of the document (dpia render --pdf), signed inside by the "
        "same signatories (dpia sign DOC.pdf); its signatures must approve it as well",
    )
    _actor_option(freeze)
    freeze.set_defaults(handler=_freeze)

    diff = commands.add_parser("diff", help="show what changed between two versions")
    diff.add_argument("assessment_id", metavar="ID", help=_ID_HELP)
    diff.add_argument("old", type=_positive, metavar="V1", help="the earlier version")
    diff.add_argument("new", type=_positive, metavar="V2", help="the later version")
    diff.add_argument("--json", action="store_true", help=_JSON_HELP)
    diff.set_defaults(handler=_diff)

    export = commands.add_parser("export", help="write a version as a BagIt bag with VERIFY.md")
    export.add_argument("assessment_id", metavar="ID", help=_ID_HELP)
    export.add_argument(
        "--version", type=_positive, metavar="N", help="the version (default: the latest)"
    )
    export.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="DIR",
        help="the folder for the bag (new, or empty)",
    )
    export.add_argument(
        "--no-pdf", action="store_true", help="leave out the PDF copy made with LibreOffice"
    )
    _actor_option(export)
    export.set_defaults(handler=_export)

    verify = commands.add_parser(
        "verify",
        help="re-compute every hash and check every chain against the signed checkpoint; "
        "exit 1 on any break",
    )
    verify.add_argument(
        "--against",
        action="append",
        default=[],
        metavar="BAG_OR_CHECKPOINT",
        help="also check that a checkpoint kept elsewhere (an exported bag, a copied "
        "checkpoint file) is still in the archive's history; repeat for several",
    )
    verify.add_argument("--json", action="store_true", help=_JSON_HELP)
    verify.set_defaults(handler=_verify)

    checkpoint = commands.add_parser(
        "checkpoint",
        help="sign a checkpoint of the archive now (after an upgrade, or to copy it out again)",
    )
    checkpoint.set_defaults(handler=_checkpoint)

    db = subcommands.add_parser("db")
    db_commands = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    upgrade = db_commands.add_parser(
        "upgrade",
        help="create the archive tables, or migrate them to this version of dpia",
        description="Uses DPIA_DATABASE_URL (default sqlite:///var/dpia.sqlite3). "
        "Back the database up first.",
    )
    upgrade.set_defaults(handler=_upgrade)


_REVIEW_HELP = "when the assessment must be reviewed (default: a year after its date)"


def _version_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--review-due", type=iso_date, metavar="YYYY-MM-DD", help=_REVIEW_HELP)
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="apply the law in force on this date (default: the date the document was "
        "rendered under, else the assessment's date)",
    )
    _actor_option(parser)


def _actor_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--actor",
        default=settings().actor or getpass.getuser(),
        metavar="NAME",
        help="who does this, for the audit log (default: $DPIA_ACTOR or the login name)",
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a version number (1, 2, ...)")
    return int(text)


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, sort_keys=True)
    print()


def _add(args: argparse.Namespace) -> int:
    questionnaire = answers_questionnaire(args.answers)
    check = load_answers(args.answers, questionnaire)
    for note in check.notes:
        print(note, file=sys.stderr)
    assessment = check.assessment
    document: bytes | None = None
    signatures: dict[str, bytes] = {}
    if args.document:
        document, signatures = _document_and_signatures(args.document)
    version = _archive(args, assessment, questionnaire, document, signatures)
    if assessment.meta.id is None:
        print(
            f"new assessment: put `id: {version.assessment_id}` under `assessment:` in "
            f"{args.answers} so that the next `dpia archive add` adds version 2",
            file=sys.stderr,
        )
    return 0


def _import(args: argparse.Namespace) -> int:
    from ..document._embedded import embedded_answers_check

    document, signatures = _document_and_signatures(args.document)
    held = open_archive().versions_with_document(sha256_hex(document))
    if held:
        where = ", ".join(f"{aid} v{number}" for aid, number in held)
        raise ArchiveError(f"{args.document} is already archived as {where}")
    try:
        check = embedded_answers_check(document)
    except SourceError as exc:
        raise SourceError(f"{args.document}: {exc}") from None
    for note in check.notes:
        print(note, file=sys.stderr)
    assessment = check.assessment
    if args.as_new:
        meta = assessment.meta.model_copy(update={"id": None})
        assessment = assessment.model_copy(update={"meta": meta})
    questionnaire = questionnaire_for(assessment.questionnaire)
    try:
        _archive(args, assessment, questionnaire, document, signatures)
    except NotFoundError as exc:
        raise NotFoundError(
            f"{exc}; the document comes from another archive or was never archived here: "
            "add --as-new to archive it as a new assessment"
        ) from None
    return 0


def _archive(
    args: argparse.Namespace,
    assessment: Assessment,
    questionnaire: Questionnaire,
    document: bytes | None,
    signatures: dict[str, bytes],
) -> VersionSummary:
    """The workflow rates the answers itself rather than trust a report from elsewhere, under
    the law date the document was rendered with, so the archived report is the document's."""
    from ..workflow import add_version, roles_of

    archive = open_archive()
    version = add_version(
        archive,
        questionnaire,
        assessment,
        actor=args.actor,
        roles=roles_of(archive, args.actor),
        document=document,
        signatures=signatures,
        as_of=args.as_of,
        review_due=args.review_due,
    )
    _print_version(version)
    return version


def _print_version(version: VersionSummary) -> None:
    print(f"{version.assessment_id} v{version.number}")
    print(f"  content sha256 {version.content_sha256}")
    print(f"  chain hash     {version.chain_hash}")
    print(f"  review due     {version.review_due}")
    for signer in version.signatures:
        print(f"  signature      {signer}")


REFUSED = 2
"""Exit status of `archive freeze` and `archive status` when the workflow refuses the step."""


def _freeze(args: argparse.Namespace) -> int:
    from ..document import read_embedded
    from ..workflow import WorkflowError, freeze, roles_of

    document, signatures = _document_and_signatures(args.document)
    try:
        assessment = read_embedded(document)
    except SourceError as exc:
        raise SourceError(f"{args.document}: {exc}") from None
    if assessment.meta.id != args.assessment_id:
        named = assessment.meta.id or "no assessment (it was rendered before it was archived)"
        print(
            f"dpia: {args.document} is the document of {named}, not of {args.assessment_id}",
            file=sys.stderr,
        )
        return REFUSED
    signed_pdf = _signed_pdf(args.pdf) if args.pdf else None
    questionnaire = questionnaire_for(assessment.questionnaire)
    archive = open_archive()
    try:
        frozen = freeze(
            archive,
            questionnaire,
            assessment,
            document,
            signatures,
            actor=args.actor,
            roles=roles_of(archive, args.actor),
            signed_pdf=signed_pdf,
        )
    except WorkflowError as exc:
        print(f"dpia: {exc}", file=sys.stderr)
        return REFUSED
    version, approval = frozen.version, frozen.approval
    print(
        f"{version.assessment_id} v{version.number} frozen: {VERSION_STATUS[version.status]}"
        f" ({approval.note})"
    )
    for check in approval.signers:
        print(f"  {check.message}")
    if version.signed_pdf_sha256 is not None:
        print(f"  signed PDF     sha256 {version.signed_pdf_sha256}, kept beside the .docx")
    print(f"  content sha256 {version.content_sha256}")
    print(f"  chain hash     {version.chain_hash}")
    return 0


def _signed_pdf(path: str) -> bytes:
    from ..signing._sign import read_document

    return read_document(path)


def _document_and_signatures(path: str) -> tuple[bytes, dict[str, bytes]]:
    """Signatures sit beside the document, never inside it (signing must not change the signed
    bytes), so they are found by name: `<document name>.<signer>.p7s`."""
    document = Path(path)
    try:
        content = document.read_bytes()
        prefix = document.name + "."
        signatures = {
            found.name[len(prefix) : -len(".p7s")]: found.read_bytes()
            for found in sorted(document.parent.glob(f"{document.name}.*.p7s"))
        }
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return content, signatures


def _list(args: argparse.Namespace) -> int:
    found = open_archive().assessments(status=args.status, review_due_before=args.review_due_before)
    if args.json:
        _print_json([a.model_dump(mode="json") for a in found])
        return 0
    if not found:
        print("no assessments match", file=sys.stderr)
        return 0
    print(f"{'ID':<22} {'VER':>4} {'STATUS':<11} {'REVIEW DUE':<11} TITLE")
    for a in found:
        print(
            f"{a.id:<22} {a.latest_version:>4} {a.status or '-':<11} "
            f"{a.review_due.isoformat() if a.review_due else '-':<11} {a.title}"
        )
    return 0


def _show(args: argparse.Namespace) -> int:
    version = open_archive().version(args.assessment_id, args.version)
    report = version.report
    if args.json:
        body = version.model_dump(
            mode="json",
            exclude={
                "answers_json",
                "report_json",
                "questionnaire_text",
                "document",
                "signature_files",
                "signed_pdf",
            },
        )
        body["signature_files"] = sorted(version.signature_files)
        body["status"] = version.status
        body["answers"] = version.answers
        body["report"] = report
        _print_json(body)
        return 0
    meta = version.answers.get("assessment", {})
    print(f"{version.assessment_id} v{version.number}: {meta.get('title', '')}")
    rows = [
        ("organisation", meta.get("organisation", "")),
        ("status", version.status),
        ("author", version.author),
        ("created", _when(version.created_at)),
        ("review due", version.review_due),
        ("questionnaire", f"{version.questionnaire} (sha256 {version.questionnaire_sha256})"),
        *((key.replace("_", " "), report[key]) for key in _RESULT_KEYS if key in report),
        (
            "document",
            "none"
            if version.document is None
            else f"{len(version.document):,} bytes, sha256 {version.document_sha256}",
        ),
        *(("signature", f"{s} (sha256 {sha})") for s, sha in version.signatures.items()),
        *(
            (
                (
                    "signed PDF",
                    f"{len(version.signed_pdf):,} bytes, sha256 {version.signed_pdf_sha256}",
                ),
            )
            if version.signed_pdf is not None
            else ()
        ),
        ("content sha256", version.content_sha256),
        ("chain hash", version.chain_hash),
    ]
    for label, value in rows:
        print(f"  {label:<17} {value}")
    print("  status history")
    _print_statuses(version)
    return 0


_RESULT_KEYS = ("dpia_required", "overall_inherent", "overall_residual", "stop")


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _print_statuses(version: VersionSummary) -> None:
    for change in version.status_history:
        note = f" ({change.note})" if change.note else ""
        print(f"    {_when(change.at)}  {change.status:<10} by {change.actor}{note}")


def _history(args: argparse.Namespace) -> int:
    versions = open_archive().history(args.assessment_id)
    if args.json:
        _print_json([{**v.model_dump(mode="json"), "status": v.status} for v in versions])
        return 0
    for v in versions:
        print(
            f"v{v.number:<4} {_when(v.created_at)}  {v.status:<10} {v.author}  "
            f"content {v.content_sha256[:12]}  chain {v.chain_hash[:12]}"
        )
        _print_statuses(v)
    return 0


def _status(args: argparse.Namespace) -> int:
    from ..workflow import WorkflowError, roles_of, submit_for_review

    archive = open_archive()
    try:
        change = submit_for_review(
            archive,
            args.assessment_id,
            args.version,
            args.status,
            actor=args.actor,
            roles=roles_of(archive, args.actor),
            note=args.note,
        )
    except WorkflowError as exc:
        print(f"dpia: {exc}", file=sys.stderr)
        return REFUSED
    print(f"{args.assessment_id} v{change.number}: {change.status}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    archive = open_archive()
    old = archive.version(args.assessment_id, args.old)
    new = archive.version(args.assessment_id, args.new)
    changes = diff_versions(old, new)
    if args.json:
        _print_json(changes.model_dump(mode="json"))
    else:
        print(changes.text())
    return 0


def _export(args: argparse.Namespace) -> int:
    # bagit and the PDF rendition are loaded for an export only, not for every archive command.
    from ..archive import export_bag

    done = export_bag(
        open_archive(),
        args.assessment_id,
        args.output,
        number=args.version,
        actor=args.actor,
        pdf=not args.no_pdf,
    )
    print(f"{done.path}: {done.assessment_id} v{done.number}, chain hash {done.chain_hash}")
    for note in done.notes:
        print(f"  note: {note}", file=sys.stderr)
    return 0


def _verify(args: argparse.Namespace) -> int:
    report = open_archive().verify(against=args.against)
    if args.json:
        _print_json({**report.model_dump(mode="json"), "intact": report.intact})
        return 0 if report.intact else 1
    if report.intact:
        print(
            f"OK: {counted(report.assessments, 'assessment')}, "
            f"{counted(report.versions, 'version')}, every chain intact"
        )
    for found in report.breaks:
        print(found)
    if report.omitted:
        print(f"... and {counted(report.omitted, 'more problem')}")
    anchor = report.checkpoint
    if anchor is not None:
        print(
            f"  checkpoint     #{anchor.sequence} of {_when(anchor.at)}, signed by the archive "
            f"key sha256 {anchor.key_sha256}"
        )
        print(f"  copied to      {anchor.copied_to}")
        if anchor.timestamp:
            print(f"  {anchor.timestamp}")
    for note in report.notes:
        print(f"  note: {note}")
    if not report.intact:
        total = len(report.breaks) + report.omitted
        print(
            f"BROKEN: {counted(total, 'problem')} in {counted(report.versions, 'version')}",
            file=sys.stderr,
        )
    return 0 if report.intact else 1


def _checkpoint(args: argparse.Namespace) -> int:
    signed = open_archive().checkpoint()
    print(f"checkpoint #{signed.sequence} signed by the archive key sha256 {signed.key_sha256}")
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    url = database_url()
    engine = archive_engine(url)
    before, after = upgrade_database(engine)
    if before == after:
        print(f"the archive schema is up to date (revision {after})")
        return 0
    print(f"the archive schema was upgraded from {before or 'empty'} to revision {after}")
    if before is not None and before < _FIRST_ANCHORED:
        try:
            signed = Archive(engine).checkpoint()
        except ArchiveError as exc:
            print(
                f"not anchored yet ({exc}); the next write signs its first checkpoint",
                file=sys.stderr,
            )
        else:
            print(f"checkpoint #{signed.sequence} signed: the upgraded history is anchored")
    return 0


_FIRST_ANCHORED = "0003"
