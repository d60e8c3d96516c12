"""The Document page: build the Word DPIA, look at its pages, download it, archive it.

Building runs inside a status box that names each stage, because LibreOffice takes seconds
and a DPO should see what is happening. The draft shown here is numbered as the next archived
version would be; archiving it freezes exactly these bytes. The BagIt bag is the archive's
export of an archived version, with the files and instructions an outsider needs to check it.
"""

from __future__ import annotations

import shutil

import streamlit as st

from .._errors import AnswersError
from ..document import Revision
from ..workflow import may, repeated_version, version_of_record
from ._archive_link import archive, archive_version, archived_versions, bag_archive
from ._frame import PAGES, open_assessment_or_stop
from ._rendering import PREVIEW_PAGES, Rendition, render_case, rendition_fingerprint
from ._reporting import case_report
from ._session import forget, pop_notice, push_notice, recall, remember
from ._users import AppUser, current_user

__all__ = ["show_document"]

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def show_document() -> None:
    case = open_assessment_or_stop()
    user = current_user()
    st.title("Document")
    st.caption(case.title)
    notice = pop_notice()
    if notice is not None:
        st.success(notice[1], icon=":material/inventory_2:")
    if user.reads_only and case.assessment_id:
        _archived_document(case.assessment_id, user)
        return
    try:
        questionnaire, assessment, report = case_report(case)
    except AnswersError:
        st.warning(
            "Some answers do not fit their questions yet, so no document can be built. "
            "The wizard marks them.",
            icon=":material/warning:",
        )
        st.page_link(PAGES["wizard"], label="Open the wizard", icon=":material/checklist:")
        return
    versions = archived_versions(case.assessment_id)
    number = versions[-1].number + 1 if versions else 1
    history = [
        Revision(version=v.number, date=v.created_at.date(), author=v.author, status=v.status.value)
        for v in versions
    ]
    fingerprint = rendition_fingerprint(assessment, report, number, "draft")
    rendition: Rendition | None = recall("rendition")
    current = rendition is not None and rendition.fingerprint == fingerprint

    build, note = st.columns([1, 3], vertical_alignment="center")
    label = "Rebuild the document" if rendition is not None else "Build the document"
    if build.button(label, type="primary", icon=":material/description:", key="doc-build"):
        rendition = _build(questionnaire, assessment, report, number, history)
        remember("rendition", rendition)
        current = True
    if rendition is None:
        note.caption(f"Builds draft version {number} of the DPIA from the answers as they are now.")
    elif not current:
        note.warning(
            "The answers or the plan changed since this document was built: rebuild it.",
            icon=":material/update:",
        )
    if rendition is not None:
        _downloads(rendition)
        if may(user.roles, "add_version") and current:
            _archive_button(case, questionnaire, assessment, rendition, user)
    _bag(case.assessment_id, versions[-1:], user.actor)
    if rendition is not None:
        _preview(rendition)


def _build(questionnaire, assessment, report, number: int, history: list[Revision]) -> Rendition:
    with st.status("Building the document", expanded=True) as status:
        st.write("Answers checked and risks rated.")
        with_pdf = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
        st.write(
            "Writing the Word document"
            + (" and converting it to PDF with LibreOffice…" if with_pdf else "…")
        )
        rendition = render_case(
            questionnaire,
            assessment,
            report,
            version=number,
            status="draft",
            history=history,
            with_pdf=with_pdf,
        )
        if rendition.pdf is None:
            st.write(f"No PDF: {rendition.pdf_note}.")
        else:
            st.write(f"PDF ready; previewing {len(rendition.pages)} pages.")
        status.update(label=f"Draft version {number} is ready", state="complete", expanded=False)
    return rendition


def _downloads(rendition: Rendition) -> None:
    word, pdf, _ = st.columns([1, 1, 2])
    word.download_button(
        "Download Word (.docx)",
        rendition.docx,
        file_name=f"{rendition.file_stem}.docx",
        mime=_DOCX,
        icon=":material/download:",
        on_click="ignore",
        key="doc-download-docx",
        width="stretch",
    )
    if rendition.pdf is not None:
        pdf.download_button(
            "Download PDF",
            rendition.pdf,
            file_name=f"{rendition.file_stem}.pdf",
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
            key="doc-download-pdf",
            width="stretch",
        )
    else:
        pdf.caption(f"No PDF: {rendition.pdf_note}.")


def _archive_button(case, questionnaire, assessment, rendition: Rendition, user: AppUser) -> None:
    repeated = repeated_version(archive(), questionnaire, assessment, document=rendition.docx)
    if repeated is not None:
        st.info(
            f"Version {repeated} already holds exactly these answers, plan, sign-off and "
            "rating, so there is nothing new to archive.",
            icon=":material/inventory_2:",
        )
        return
    if not st.button(
        f"Archive this draft as version {rendition.version}",
        icon=":material/inventory_2:",
        key="doc-archive",
        help="Freezes these answers, the risk report and this exact document in the archive.",
    ):
        return
    version = archive_version(
        case,
        questionnaire,
        assessment,
        actor=user.actor,
        roles=user.roles,
        document=rendition.docx,
    )
    forget("rendition")
    push_notice("saved", f"Archived as {version.assessment_id} version {version.number}")
    st.rerun()


def _archived_document(assessment_id: str, user: AppUser) -> None:
    """A reader gets the document archived with the version they read, never a new draft."""
    shown = version_of_record(archive(), assessment_id).version
    if shown is None:
        st.info("Nothing is archived yet, so there is no document to read.", icon=":material/info:")
        return
    stored = archive().version(assessment_id, shown.number)
    if stored.document is None:
        st.caption(f"No document was archived with version {shown.number}.")
    else:
        st.download_button(
            f"Download the document of version {shown.number} (.docx)",
            stored.document,
            file_name=f"{assessment_id}-v{shown.number}.docx",
            mime=_DOCX,
            icon=":material/download:",
            on_click="ignore",
            key="doc-download-archived",
        )
    _bag(assessment_id, [shown], user.actor)


def _bag(assessment_id: str | None, versions, actor: str) -> None:
    """The BagIt package of the one version in `versions` (none: nothing archived yet)."""
    if not assessment_id or not versions:
        st.caption("The BagIt package can be downloaded once a version is archived.")
        return
    latest = versions[-1]
    ready = recall("bag")
    wanted = (assessment_id, latest.number)
    if (ready is None or ready[0] != wanted) and st.button(
        f"Prepare the BagIt package of version {latest.number}",
        icon=":material/package_2:",
        key="doc-bag",
    ):
        with st.status("Exporting the archived version", expanded=False) as status:
            content, exported = bag_archive(assessment_id, latest.number, actor=actor)
            for note in exported.notes:
                st.write(note)
            status.update(label="BagIt package ready", state="complete")
        ready = (wanted, content)
        remember("bag", ready)
    if ready is not None and ready[0] == wanted:
        st.download_button(
            f"Download the BagIt package of version {latest.number} (.zip)",
            ready[1],
            file_name=f"{assessment_id}-v{latest.number}-bag.zip",
            mime="application/zip",
            icon=":material/download:",
            on_click="ignore",
            key="doc-download-bag",
        )


def _preview(rendition: Rendition) -> None:
    st.subheader("Preview")
    if not rendition.pages:
        st.caption(
            "No page preview: it needs LibreOffice and poppler's pdftoppm on the server. "
            "Download the document to read it."
        )
        return
    if len(rendition.pages) >= PREVIEW_PAGES:
        st.caption(f"The first {PREVIEW_PAGES} pages. Download the document to read the rest.")
    columns = st.columns(3)
    for index, page in enumerate(rendition.pages):
        columns[index % 3].image(page, caption=f"Page {index + 1}", width="stretch")
