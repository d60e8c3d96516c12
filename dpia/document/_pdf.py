"""A PDF/A-2b copy of the document, made by LibreOffice with the table of contents filled in.

`soffice --convert-to pdf` does not update fields, so its PDF would show the contents without
page numbers. Instead LibreOffice runs a small Basic macro from a throw-away profile: open the
document, update every index twice (the second pass sees the page numbers the first one
shifted), refresh the fields, and export as PDF/A-2b. The profile lives in a temporary folder,
so it never touches the user's LibreOffice settings and runs can happen side by side.

The PDF is only a faithful copy when LibreOffice sets the text in the house style's fonts or in
fonts with the same letter widths (Carlito for Calibri, Liberation Mono for Courier New):
any other face breaks lines, and so pages and page numbers, elsewhere than Word does. Before
LibreOffice starts, each font the renderer's styles name is looked up with fontconfig, and a
missing one stops the export with the package to install.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .._errors import RenderError
from ._styles import REQUIRED_STYLES

__all__ = ["export_pdf", "missing_fonts", "pdf_rendition", "soffice_path"]

_METRIC_TWINS = {
    "calibri": ("Carlito", "fonts-crosextra-carlito"),
    "cambria": ("Caladea", "fonts-crosextra-caladea"),
    "arial": ("Liberation Sans", "fonts-liberation2"),
    "helvetica": ("Liberation Sans", "fonts-liberation2"),
    "times new roman": ("Liberation Serif", "fonts-liberation2"),
    "courier new": ("Liberation Mono", "fonts-liberation2"),
}
"""Word's fonts and the free fonts drawn to the same widths, with the Debian package of each."""

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


def _style_fonts(docx: bytes) -> list[str]:
    """The Latin font of each style the renderer uses, following each style's `based on`.

    python-docx is imported here, not at the top: `dpia import` and `dpia archive export` load
    this module for its exporter without ever reading a document's styles."""
    import docx as python_docx

    document = python_docx.Document(io.BytesIO(docx))
    by_name = {(style.name or "").casefold(): style for style in document.styles}
    fonts: list[str] = []
    for name in REQUIRED_STYLES:
        style = by_name.get(name.casefold())
        while style is not None and getattr(style, "font", None) is not None:
            if style.font.name:
                if style.font.name not in fonts:
                    fonts.append(style.font.name)
                break
            style = style.base_style
    return fonts


def _installed_as(font: str) -> str | None:
    """The family fontconfig sets `font` in ("" when it has none), None if it cannot be asked."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    found = subprocess.run(
        [fc_match, "-f", "%{family[0]}", font], capture_output=True, text=True, check=False
    )
    return found.stdout.strip() if found.returncode == 0 else None


def missing_fonts(docx: bytes) -> list[str]:
    """Why the PDF of `docx` would not break lines where Word does, one reason per font.

    Empty when every font is installed or has its metric twin, and when there is no fontconfig
    to ask (LibreOffice on Windows or macOS finds Word's own fonts).
    """
    reasons = []
    for font in _style_fonts(docx):
        installed = _installed_as(font)
        if installed is None or installed.casefold() == font.casefold():
            continue
        twin, package = _METRIC_TWINS.get(font.casefold(), (None, None))
        if twin is not None and installed.casefold() == twin.casefold():
            continue
        instead = f"LibreOffice would use {installed!r}" if installed else "no font is installed"
        if twin is None:
            reasons.append(
                f"the house style's font {font!r} is not installed ({instead}); install it or "
                "choose a font that is"
            )
        else:
            reasons.append(
                f"the house style's font {font!r} is not installed, nor {twin!r}, which has "
                f"the same letter widths ({instead}); install it (Debian: apt-get install "
                f"{package})"
            )
    return reasons


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
    """The PDF/A-2b rendition of a .docx.

    RenderError if LibreOffice is missing or fails, or if a font of the house style is missing,
    since the PDF would then show other page breaks and page numbers than Word.
    """
    soffice = soffice_path()
    if soffice is None:
        raise RenderError(
            "LibreOffice is not installed (no soffice on PATH), so no PDF can be made; install "
            "it (Debian: apt-get install libreoffice-writer-nogui) or leave out --pdf"
        )
    fonts = missing_fonts(docx)
    if fonts:
        raise RenderError(
            "no PDF made, because its lines and pages would break elsewhere than in Word: "
            + "; ".join(fonts)
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
