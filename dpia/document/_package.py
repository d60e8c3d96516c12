"""A .docx is a zip archive; its parts are sized before anything unpacks them.

A few hundred kilobytes of zip can declare gigabytes of XML (a "decompression bomb"), and
python-docx reads every part whole. The zip's central directory says how large each part is,
and Python's zipfile never returns more than that (a part that lies about its size fails its
CRC check), so checking the declared sizes first bounds the memory of everything after it.
"""

from __future__ import annotations

import io
import zipfile

from .._errors import SourceError

__all__ = ["MAX_PARTS", "MAX_PART_BYTES", "MAX_UNPACKED_BYTES", "check_package"]

MAX_PARTS = 2000
MAX_PART_BYTES = 32 * 1024 * 1024
"""The largest part: a rendered DPIA's document.xml is well under 2 MiB."""
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
"""All parts together, images of a house style included."""


def check_package(docx: bytes) -> None:
    """Refuse a document whose parts are too many or too large, naming the part and the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise SourceError(f"not a Word document (.docx): {exc}") from None
    if len(members) > MAX_PARTS:
        raise SourceError(
            f"it holds {len(members):,} parts; a Word document has at most {MAX_PARTS:,}"
        )
    total = 0
    for member in members:
        if member.file_size > MAX_PART_BYTES:
            raise SourceError(
                f"the part {member.filename} unpacks to {member.file_size:,} bytes; at "
                f"most {MAX_PART_BYTES:,} are read from one part"
            )
        total += member.file_size
    if total > MAX_UNPACKED_BYTES:
        raise SourceError(f"it unpacks to {total:,} bytes; at most {MAX_UNPACKED_BYTES:,} are read")
