"""The Document page: the Word DPIA built from the open case, previewed, archived and bagged."""

from __future__ import annotations

import io
import shutil
import zipfile

import docx
import pytest
from app_support import archive, archive_url, fresh_app, import_answers, no_failures

__all__ = ["archive", "archive_url"]

DOCUMENT = "dpia/app/pages/document.py"
LIBREOFFICE = shutil.which("soffice") is not None


def document_page(app):
    app.switch_page(DOCUMENT).run()
    no_failures(app)
    return app


def downloads(app) -> list[str]:
    return [b.label for b in app.get("download_button")]


def test_nothing_is_built_until_asked(archive_url):
    app = document_page(import_answers(fresh_app()))
    assert downloads(app) == []
    assert "Builds draft version 1" in app.caption[1].value


@pytest.mark.slow
@pytest.mark.skipif(not LIBREOFFICE, reason="LibreOffice (soffice) is not installed")
def test_build_preview_archive_and_bag(archive):
    app = document_page(import_answers(fresh_app()))
    app.button(key="doc-build").click().run(timeout=180)
    no_failures(app)
    assert downloads(app) == ["Download Word (.docx)", "Download PDF"]
    rendition = app.session_state["dpia.rendition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(rendition.docx)).paragraphs)
    assert "Keystroke pilot" in text
    assert rendition.pdf.startswith(b"%PDF")
    assert len(rendition.pages) >= 2
    assert all(page.startswith(b"\x89PNG") for page in rendition.pages)
    assert len(app.get("image")) == len(rendition.pages)

    app.button(key="doc-archive").click().run(timeout=60)
    no_failures(app)
    assert app.success[0].value.startswith("Archived as A-")
    assessment_id = app.session_state["dpia.case"].assessment_id
    (version,) = archive.history(assessment_id)
    assert archive.version(assessment_id).document == rendition.docx

    app.button(key="doc-bag").click().run(timeout=180)
    no_failures(app)
    assert "Download the BagIt package of version 1 (.zip)" in downloads(app)
    (_, bag) = app.session_state["dpia.bag"]
    names = zipfile.ZipFile(io.BytesIO(bag)).namelist()
    assert f"{assessment_id}-v1/bagit.txt" in names
    assert f"{assessment_id}-v1/data/document.docx" in names
    exported = [e for e in archive.audit_trail(assessment_id) if e.action == "version.exported"]
    assert exported and exported[0].actor.startswith("local:")
    assert version.content_sha256

    app.button(key="doc-build").click().run(timeout=180)  # the same draft, built again
    no_failures(app)
    assert not [b for b in app.button if b.key == "doc-archive"]
    assert any(
        i.value.startswith("Version 1 already holds exactly these answers") for i in app.info
    )
    assert len(archive.history(assessment_id)) == 1
