"""`dpia export` (an assessment as a CNIL PIA file or as DPV JSON-LD) and the CNIL side of
`dpia import` (a PIA tool export, JSON or ZIP, into a cnil-pia answers file)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from .._assessment import load_answers
from .._errors import DPIAError
from .._library import answers_questionnaire, questionnaire_for
from .._source import MAX_SOURCE_BYTES

__all__ = ["import_pia_file", "register"]

FORMATS = ("cnil-pia", "dpv")


def register(subcommands: Any) -> None:
    export = subcommands.add_parser("export")
    export.add_argument("answers", metavar="ANSWERS", help="the answers YAML file")
    export.add_argument(
        "--format",
        required=True,
        choices=FORMATS,
        help="cnil-pia: a file the CNIL's PIA tool imports; dpv: JSON-LD in the W3C Data "
        "Privacy Vocabulary",
    )
    export.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="where to write the file"
    )
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    questionnaire = answers_questionnaire(args.answers)
    check = load_answers(args.answers, questionnaire)
    for note in check.notes:
        print(note, file=sys.stderr)
    assessment = check.assessment
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "cnil-pia":
        from ..interop import export_cnil_pia

        result = export_cnil_pia(
            questionnaire, assessment, attachment_root=Path(args.answers).resolve().parent
        )
        as_zip = output.suffix.lower() == ".zip"
        if result.attachments and not as_zip:
            result.not_mapped.append(
                f"{len(result.attachments)} attachments: a .json file cannot carry them; "
                "write a .zip to include them"
            )
        output.write_bytes(result.zip_content if as_zip else result.content)
        kind = "ZIP" if as_zip else "JSON file"
        print(f"wrote {output}: a PIA tool {kind} with {result.summary}")
        for item in result.not_mapped:
            print(f"not mapped: {item}", file=sys.stderr)
    else:
        from ..interop import export_dpv

        content = export_dpv(questionnaire, assessment)
        output.write_bytes(content)
        print(f"wrote {output}: the assessment in the W3C Data Privacy Vocabulary (JSON-LD)")
    return 0


def import_pia_file(args: argparse.Namespace, content: bytes) -> int:
    """`dpia import PIA.json|PIA.zip -o ANSWERS.yaml`: called by `dpia import` for such files."""
    from ..interop import import_cnil_pia, read_pia_file
    from ..interop._yaml import answers_yaml

    pia_file = read_pia_file(content, args.document)
    output = Path(args.output)
    folder_name = f"{output.stem}.attachments"
    names: dict[int, str] = {}
    taken: set[str] = set()

    def saved_as(index: int, name: str) -> str:
        names[index] = _unique(_safe_name(name), taken)
        return f"{folder_name}/{names[index]}"

    questionnaire = questionnaire_for("cnil-pia")
    result = import_cnil_pia(
        pia_file, questionnaire, organisation=args.organisation, attachment_paths=saved_as
    )
    text = answers_yaml(result.answers_file)
    if len(text.encode()) > MAX_SOURCE_BYTES:
        raise DPIAError(
            f"{args.document}: the answers would take {len(text.encode()):,} bytes, over the "
            f"limit of {MAX_SOURCE_BYTES:,} for an answers file"
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    if pia_file.attachments:
        folder = output.parent / folder_name
        folder.mkdir(exist_ok=True)
        for index, attachment in enumerate(pia_file.attachments):
            (folder / names[index]).write_bytes(attachment.content)
    output.write_text(text, encoding="utf-8")
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    answered = len(result.answers_file["answers"])
    extra = f", {len(pia_file.attachments)} attachments in {folder_name}/" if names else ""
    print(
        f"wrote {output}: answers to {questionnaire.ref} from the PIA "
        f"“{result.answers_file['assessment']['title']}” ({answered} questions answered{extra})"
    )
    return 0


def _safe_name(name: str) -> str:
    """A file name that stays inside the attachments folder on every system."""
    cleaned = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", name).strip(" .")
    return cleaned[:200] or "attachment"


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, number = name, 2
    while candidate.casefold() in taken:
        candidate = f"{stem} ({number}){'.' + suffix if suffix else ''}"
        number += 1
    taken.add(candidate.casefold())
    return candidate
