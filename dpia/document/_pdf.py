"""A PDF/A-2b copy of the document, made by LibreOffice with the table of contents filled in.

`soffice --convert-to pdf` does not update fields, so its PDF would show the contents without
page numbers. Instead LibreOffice runs a small Basic macro from a throw-away profile: open the
document, update every index twice (the second pass sees the page numbers the first one
shifted), refresh the fields, and export as PDF/A-2b. The profile lives in a temporary folder,
so it never touches the user's LibreOffice settings and runs can happen side by side.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .._errors import RenderError

__all__ = ["export_pdf", "pdf_rendition", "soffice_path"]

_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" \
script:language="StarBasic">
Sub ExportPdf(sIn As String, sOut As String)
  On Error GoTo Failed
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn), &quot;_blank&quot;, 0, load())
  oIndexes = oDoc.getDocumentIndexes()
  For pass = 1 To 2
    For i = 0 To oIndexes.getCount() - 1
      oIndexes.getByIndex(i).update()
    Next
  Next
  oDoc.getTextFields().refresh()
  Dim pdf(1) As New com.sun.star.beans.PropertyValue
  pdf(0).Name = &quot;SelectPdfVersion&quot;
  pdf(0).Value = 2
  pdf(1).Name = &quot;UseTaggedPDF&quot;
  pdf(1).Value = True
  Dim store(1) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  store(0).Value = &quot;writer_pdf_Export&quot;
  store(1).Name = &quot;FilterData&quot;
  store(1).Value = pdf()
  oDoc.storeToURL(ConvertToURL(sOut), store())
  oDoc.close(True)
Failed:
  StarDesktop.terminate()
End Sub
</script:module>
"""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run LibreOffice in its own process group, so a hung instance is killed whole."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise RenderError(f"LibreOffice did not finish within {timeout:.0f} seconds") from None
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def export_pdf(docx: bytes, *, timeout: float = 300) -> bytes:
    """The PDF/A-2b rendition of a .docx; RenderError if LibreOffice is missing or fails."""
    soffice = soffice_path()
    if soffice is None:
        raise RenderError(
            "LibreOffice is not installed (no soffice on PATH), so no PDF can be made; install "
            "it (Debian: apt-get install libreoffice-writer-nogui) or leave out --pdf"
        )
    with tempfile.TemporaryDirectory(prefix="dpia-pdf-") as folder:
        root = Path(folder)
        profile = f"-env:UserInstallation={(root / 'profile').as_uri()}"
        source, target = root / "dpia.docx", root / "dpia.pdf"
        source.write_bytes(docx)
        _run([soffice, profile, "--headless", "--terminate_after_init"], timeout)
        module = root / "profile" / "user" / "basic" / "Standard" / "Module1.xba"
        if not module.parent.is_dir():
            raise RenderError(f"LibreOffice ({soffice}) did not create its profile in {root}")
        module.write_text(_MACRO, encoding="utf-8")
        finished = _run(
            [
                soffice,
                profile,
                "--headless",
                "--invisible",
                "--norestore",
                "--nolockcheck",
                f'macro:///Standard.Module1.ExportPdf("{source}","{target}")',
            ],
            timeout,
        )
        if not target.is_file():
            detail = finished.stderr.decode(errors="replace").strip()
            raise RenderError(f"LibreOffice did not produce a PDF. {detail}".strip())
        return target.read_bytes()


def pdf_rendition(docx: bytes) -> tuple[bytes | None, str]:
    """The PDF/A bytes, or None and the reason there is none.

    For callers where the PDF is a convenience beside the Word document (the archive's bag, the
    app's preview): a missing or failing LibreOffice costs them the PDF, never their own work.
    """
    try:
        return export_pdf(docx), ""
    except RenderError as exc:
        return None, str(exc)
