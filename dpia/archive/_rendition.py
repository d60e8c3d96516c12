"""A PDF rendition of an archived Word document, for readers without Word.

The rendition is a convenience made at export time: it is not what was signed and not part of
the content hash, and the bag says so. LibreOffice runs with a throw-away profile so that
several exports (or a user's open LibreOffice) never fight over one profile lock.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["pdf_rendition"]

_TIMEOUT_SECONDS = 300


def pdf_rendition(docx: bytes) -> tuple[bytes | None, str]:
    """The PDF bytes, or None and the reason there is none."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None, "LibreOffice (soffice) is not installed on the exporting machine"
    with tempfile.TemporaryDirectory(prefix="dpia-pdf-") as work:
        root = Path(work)
        source = root / "document.docx"
        source.write_bytes(docx)
        try:
            done = subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={(root / 'profile').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(root / "out"),
                    str(source),
                ],
                capture_output=True,
                text=True,
                timeout=_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None, f"LibreOffice did not finish within {_TIMEOUT_SECONDS} seconds"
        result = root / "out" / "document.pdf"
        if done.returncode != 0 or not result.is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()
            return None, "LibreOffice could not convert the document" + (
                f": {detail[-1]}" if detail else ""
            )
        return result.read_bytes(), ""
