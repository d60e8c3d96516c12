"""Reading the PIA tool's export from bytes: a JSON file or the ZIP that carries it and attachments.

The tool has written its export in several ways over the years: plain UTF-8, UTF-8 behind a byte
order mark (since 2025), and, before 2025, text encoded twice (each UTF-8 byte saved as a
character of its own, so that "é" reads "Ã©"). The ZIP export holds the JSON (`pia.json` or
`pia-<name>.json`), the attachments in a folder named in the user's language, and sometimes the
tool's own renderings (`Doc/`, `CSV/`, `Images/`, a PDF), which are not part of the assessment.

Everything here refuses what it cannot read exactly, with the place of the fault: a file that is
too large, nested too deep, not JSON, JSON with a key twice, a ZIP with paths that climb out of
their folder or that would unpack to more than it is allowed to.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .._errors import SourceError

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "MAX_JSON_BYTES",
    "MAX_NESTING",
    "Attachment",
    "PiaFile",
    "is_pia_file",
    "read_pia_file",
]

MAX_JSON_BYTES = 32 * 1024 * 1024
MAX_ZIP_BYTES = 256 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 256 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_NESTING = 64
_RENDERINGS = ("Doc/", "CSV/", "Images/")


@dataclass(frozen=True)
class Attachment:
    """A file that came with the PIA in its ZIP export."""

    name: str
    folder: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class PiaFile:
    """The export as read: its JSON object, its attachments, and what was noticed on the way."""

    name: str
    document: dict[str, Any]
    attachments: tuple[Attachment, ...] = ()
    notes: tuple[str, ...] = ()


def is_pia_file(content: bytes) -> bool:
    """Whether `content` is meant as a PIA export: JSON, or a ZIP that is not a Word document."""
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError):
            return False
        return "word/document.xml" not in names and "[Content_Types].xml" not in names
    return _decode(content, "", check=False).lstrip()[:1] in ("{", "[")


def read_pia_file(content: bytes, name: str) -> PiaFile:
    if content.startswith(b"PK\x03\x04"):
        return _read_zip(content, name)
    document, notes = _read_json(content, name)
    return PiaFile(name, document, (), tuple(notes))


def _read_json(content: bytes, name: str) -> tuple[dict[str, Any], list[str]]:
    if len(content) > MAX_JSON_BYTES:
        raise SourceError(
            f"{name}: {len(content):,} bytes is over the limit of {MAX_JSON_BYTES:,} bytes"
        )
    notes: list[str] = []
    text = _decode(content, name)
    repaired = _undo_double_encoding(text)
    if repaired is not None:
        text = repaired
        notes.append(
            "the file's text was encoded twice (as older versions of the PIA tool wrote it); "
            "it was read back as the characters the author typed"
        )
    _check_nesting(text, name)
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except _DuplicateKey as exc:
        raise SourceError(f"{name}: the key {exc.args[0]!r} appears twice in one object") from None
    except ValueError as exc:
        raise SourceError(f"{name}: {exc}") from None
    if not isinstance(document, dict):
        raise SourceError(
            f"{name}: expected a PIA export (a JSON object with pia, answers, measures, "
            f"evaluations and comments), got a JSON {type(document).__name__}"
        )
    return document, notes


def _decode(content: bytes, name: str, *, check: bool = True) -> str:
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if content.startswith(bom):
            content, encoding = content[len(bom) :], codec
            break
    else:
        encoding = "utf-8"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as exc:
        if not check:
            return ""
        line = content.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"{name}:{line}: not {encoding.upper()} text: byte 0x{content[exc.start]:02X} "
            "cannot be read"
        ) from None


_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]")


def _undo_double_encoding(text: str) -> str | None:
    """The text as typed, when every character is one byte of UTF-8 saved on its own; else None.

    Only text made wholly of characters below U+0100 that reads as valid UTF-8 once turned back
    into bytes is repaired, so a genuine "Ã©" in a file that also holds a "€" is left alone.
    """
    if not _MOJIBAKE.search(text):
        return None
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def _check_nesting(text: str, name: str) -> None:
    """Refuse JSON nested deeper than any PIA export before the parser recurses into it."""
    depth = 0
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, index) + 1
                raise SourceError(
                    f"{name}:{line}: arrays and objects are nested more than {MAX_NESTING} deep; "
                    "a PIA export is never nested so deep"
                )
        elif char in "]}":
            depth -= 1


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _no_constant(word: str) -> Any:
    raise ValueError(f"{word} is not a JSON number")


def _read_zip(content: bytes, name: str) -> PiaFile:
    if len(content) > MAX_ZIP_BYTES:
        raise SourceError(f"{name}: {len(content):,} bytes is over the limit of {MAX_ZIP_BYTES:,}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise SourceError(f"{name}: not a readable ZIP file: {exc}") from None
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > MAX_ZIP_ENTRIES:
            raise SourceError(f"{name}: {len(entries):,} files; at most {MAX_ZIP_ENTRIES:,} read")
        total = sum(info.file_size for info in entries)
        if total > MAX_ATTACHMENT_BYTES:
            raise SourceError(
                f"{name}: the files would unpack to {total:,} bytes; at most "
                f"{MAX_ATTACHMENT_BYTES:,} are read"
            )
        for info in entries:
            _check_entry_name(info.filename, name)
        documents: list[tuple[str, dict[str, Any], list[str]]] = []
        attachments: list[Attachment] = []
        skipped: list[str] = []
        for info in entries:
            path = info.filename
            data = _read_entry(archive, info, name)
            if path.lower().endswith(".json") and "/" not in path:
                document, notes = _read_json(data, f"{name}:{path}")
                if isinstance(document.get("pia"), dict):
                    documents.append((path, document, notes))
                    continue
            if path.startswith(_RENDERINGS) or ("/" not in path and path.lower().endswith(".pdf")):
                skipped.append(path)
                continue
            folder, _, base = path.rpartition("/")
            attachments.append(Attachment(base, folder, data))
    if not documents:
        raise SourceError(
            f"{name}: the ZIP holds no PIA export (a .json file at its top with a 'pia' object)"
        )
    if len(documents) > 1:
        found = ", ".join(path for path, _, _ in documents)
        raise SourceError(f"{name}: the ZIP holds several PIA exports ({found}); import one")
    path, document, notes = documents[0]
    if skipped:
        notes.append(
            f"the PIA tool's own renderings in the ZIP were not imported: {', '.join(skipped)}"
        )
    return PiaFile(f"{name}:{path}", document, tuple(attachments), tuple(notes))


def _check_entry_name(path: str, name: str) -> None:
    parts = PurePosixPath(path).parts
    if (
        path.startswith(("/", "\\"))
        or "\\" in path
        or ".." in parts
        or re.match(r"^[A-Za-z]:", path)
        or any(ord(c) < 32 for c in path)
    ):
        raise SourceError(
            f"{name}: the ZIP entry {path!r} has a path that leaves its folder; refused"
        )


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """At most the size the entry declares: a ZIP that lies about its sizes is refused."""
    try:
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
        raise SourceError(f"{name}: cannot read {info.filename!r} from the ZIP: {exc}") from None
    if len(data) > info.file_size:
        raise SourceError(f"{name}: {info.filename!r} is larger than the ZIP says; refused")
    return data


def to_json_bytes(document: dict[str, Any]) -> bytes:
    """How dpia writes an export: UTF-8 without a byte order mark, keys in a stable order."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
