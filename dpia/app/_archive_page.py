"""The Archive page: every version of an assessment on a timeline, what changed, and proof.

Legal comes here to answer three questions: what did we decide and when (the timeline, with
every status change and who made it), what changed between two versions (the archive's diff,
in the questionnaire's words), and is the record intact (the hash chain re-computed, each
signature checked over the archived bytes). Exports are the archive's BagIt packages.
"""

from __future__ import annotations

import streamlit as st

from .._errors import ArchiveIntegrityError, NotFoundError
from .._vocabulary import (
    AUDIT_ACTION,
    MEASURE_STATUS,
    VERSION_STATUS,
    long_date,
    moment,
    words,
)
from ..archive import RecordChange, VersionDiff, VersionSummary, diff_versions
from ..signing import archive_trust_store, verify_signatures
from ._archive_link import archive, bag_archive, load_case
from ._assessments import STATUS_LABELS
from ._diff_words import detail_name, detail_value
from ._frame import PAGES
from ._levels import LEVEL_COLOURS, level_word
from ._session import current_case, open_case, recall, remember
from ._signature_table import verification_table
from ._users import current_user

__all__ = ["show_archive"]

_STATUS_COLOURS = {
    "draft": "gray",
    "in_review": "blue",
    "approved": "green",
    "rejected": "red",
    "superseded": "violet",
}
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def show_archive() -> None:
    st.title("Archive")
    st.caption(
        "Versions are frozen when archived: nothing in them can be changed, and each is "
        "chained to the one before by its hash."
    )
    summaries = archive().assessments()
    if not summaries:
        st.info("The archive is empty.", icon=":material/info:")
        _chain_check()
        return
    by_id = {s.id: s for s in summaries}
    case = current_case()
    ids = list(reversed(list(by_id)))
    default = ids.index(case.assessment_id) if case and case.assessment_id in by_id else 0
    chosen = st.selectbox(
        "Assessment",
        ids,
        index=default,
        format_func=lambda i: f"{by_id[i].title} ({by_id[i].organisation}, {i})",
        key="archive-assessment",
    )
    try:
        versions = archive().history(chosen)
    except NotFoundError:
        versions = []
    timeline, compare, proof = st.tabs(["Timeline", "Compare versions", "Verify and export"])
    with timeline:
        _timeline(chosen, versions)
    with compare:
        _compare(chosen, versions)
    with proof:
        _proof(chosen, versions)
    _chain_check()


def _timeline(assessment_id: str, versions: list[VersionSummary]) -> None:
    if st.button("Open this assessment", icon=":material/folder_open:", key="archive-open"):
        open_case(load_case(assessment_id, reader=current_user().reads_only))
        st.switch_page(PAGES["wizard"])
    if not versions:
        st.info("This assessment has a draft but no archived version yet.")
    for version in reversed(versions):
        with st.container(border=True, key=f"archive-version-{version.number}"):
            head, badge = st.columns([4, 1], vertical_alignment="center")
            head.markdown(
                f"**Version {version.number}**, archived on {moment(version.created_at)} by "
                f"{version.author}"
            )
            with badge:
                st.badge(STATUS_LABELS[version.status], color=_STATUS_COLOURS[version.status.value])
            for change in version.status_history:
                note = f" ({change.note})" if change.note else ""
                st.caption(
                    f"{moment(change.at)}: {STATUS_LABELS[change.status]} by {change.actor}{note}"
                )
            facts = [
                f"Review due {long_date(version.review_due)}"
                if version.review_due
                else "No review date"
            ]
            facts.append(
                f"{len(version.signatures)} signature{'s' * (len(version.signatures) != 1)}"
                if version.document_sha256
                else "no document archived"
            )
            st.markdown(" · ".join(facts))
            with st.expander("Hashes"):
                st.code(
                    f"content  {version.content_sha256}\n"
                    f"chain    {version.chain_hash}\n"
                    f"previous {version.prev_chain_hash}\n"
                    f"document {version.document_sha256 or '(none)'}",
                    language=None,
                )
    with st.expander("Audit log of this assessment"):
        st.dataframe(
            [
                {
                    "When (UTC)": event.at,
                    "Who": event.actor,
                    "What": words(AUDIT_ACTION, event.action),
                    "Version": "" if event.version_number is None else str(event.version_number),
                }
                for event in archive().audit_trail(assessment_id)
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "When (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
            },
        )


def _compare(assessment_id: str, versions: list[VersionSummary]) -> None:
    if len(versions) < 2:
        st.info("Comparing needs two archived versions.")
        return
    numbers = [v.number for v in versions]
    left, right = st.columns(2)
    old = left.selectbox("From version", numbers, index=len(numbers) - 2, key="diff-old")
    new = right.selectbox("To version", numbers, index=len(numbers) - 1, key="diff-new")
    if old == new:
        st.caption("Choose two different versions.")
        return
    store = archive()
    try:
        _show_diff(
            diff_versions(store.version(assessment_id, old), store.version(assessment_id, new))
        )
    except ArchiveIntegrityError as exc:
        st.error(str(exc), icon=":material/gpp_bad:")


def _show_diff(diff: VersionDiff) -> None:
    if diff.empty:
        st.success(
            "No differences: the same answers, plan, sign-off, status, signatures and document."
        )
        return
    if diff.record:
        st.markdown(f"**Record changed ({len(diff.record)})**")
        for change in diff.record:
            st.markdown(f"- {_record_line(change)}")
    if diff.fields:
        st.markdown(f"**Details changed ({len(diff.fields)})**")
        titles = {m.id: m.title for m in diff.measures}
        st.table(
            [
                {
                    "What": detail_name(c.field, titles),
                    "Before": detail_value(c.old),
                    "After": detail_value(c.new),
                }
                for c in diff.fields
            ],
            hide_index=True,
            border="horizontal",
        )
    if diff.answers:
        st.markdown(f"**Answers changed ({len(diff.answers)})**")
        st.table(
            [
                {"Question": a.label or a.question_id, "Before": a.old_text, "After": a.new_text}
                for a in diff.answers
            ],
            hide_index=True,
            border="horizontal",
        )
    if diff.risks:
        st.markdown(f"**Risk levels changed ({len(diff.risks)})**")
        for risk in diff.risks:
            st.markdown(
                f"- {risk.title}: before measures {_level(risk.inherent_old)} → "
                f"{_level(risk.inherent_new)}; after measures {_level(risk.residual_old)} → "
                f"{_level(risk.residual_new)}"
            )
    if diff.measures:
        st.markdown(f"**Measures changed ({len(diff.measures)})**")
        for measure in diff.measures:
            if measure.change == "added":
                st.markdown(f"- added: {measure.title} ({_status(measure.new_status)})")
            elif measure.change == "removed":
                st.markdown(f"- removed: {measure.title} (was {_status(measure.old_status)})")
            else:
                before, after = _status(measure.old_status), _status(measure.new_status)
                st.markdown(f"- {measure.title}: {before} → {after}")


def _record_line(change: RecordChange) -> str:
    if change.field == "status":
        before = VERSION_STATUS.get(change.old or "", change.old or "—")
        after = VERSION_STATUS.get(change.new or "", change.new or "—")
        return f"Status: {before} → {after}"
    what = "Document" if change.field == "document" else f"Signature of {change.signer}"
    if change.old is None:
        return f"{what}: added (SHA-256 `{change.new}`)"
    if change.new is None:
        return f"{what}: none in the newer version (was SHA-256 `{change.old}`)"
    return f"{what}: replaced (SHA-256 `{change.old}` → `{change.new}`)"


def _status(status: str | None) -> str:
    return "—" if status is None else words(MEASURE_STATUS, status).lower()


def _level(level: str | None) -> str:
    return "—" if level is None else f":{LEVEL_COLOURS[level]}[{level_word(level)}]"


def _proof(assessment_id: str, versions: list[VersionSummary]) -> None:
    if not versions:
        st.info("Nothing archived to verify or export yet.")
        return
    numbers = [v.number for v in versions]
    number = st.selectbox("Version", numbers, index=len(numbers) - 1, key="proof-version")
    try:
        stored = archive().version(assessment_id, number)
    except ArchiveIntegrityError as exc:
        st.error(str(exc), icon=":material/gpp_bad:")
        return
    if stored.document is None:
        st.caption("No document was archived with this version.")
    else:
        st.download_button(
            "Download the archived document (.docx)",
            stored.document,
            file_name=f"{assessment_id}-v{number}.docx",
            mime=_DOCX,
            icon=":material/download:",
            on_click="ignore",
            key="proof-docx",
        )
        st.markdown("**Signatures over the archived document**")
        signatures = {f"{label}.p7s": content for label, content in stored.signature_files.items()}
        verification_table(
            verify_signatures(stored.document, signatures, trust=archive_trust_store()),
            key="archived-signature",
        )
    if stored.signed_pdf is not None:
        _signed_pdf(assessment_id, number, stored.signed_pdf)
    prepared = recall("archive_bag")
    wanted = (assessment_id, number)
    if (prepared is None or prepared[0] != wanted) and st.button(
        f"Prepare the BagIt package of version {number}",
        icon=":material/package_2:",
        key="proof-bag",
    ):
        with st.spinner("Exporting (the PDF rendition takes a few seconds)…"):
            prepared = (wanted, bag_archive(assessment_id, number, actor=current_user().actor)[0])
        remember("archive_bag", prepared)
    if prepared is not None and prepared[0] == wanted:
        st.download_button(
            f"Download the BagIt package of version {number} (.zip)",
            prepared[1],
            file_name=f"{assessment_id}-v{number}-bag.zip",
            mime="application/zip",
            icon=":material/download:",
            on_click="ignore",
            key="proof-bag-download",
        )


def _chain_check() -> None:
    st.divider()
    if not st.button("Verify the whole archive", icon=":material/verified:", key="archive-verify"):
        return
    report = archive().verify()
    if report.intact:
        st.success(
            f"Intact: {report.assessments} assessments and {report.versions} versions, every "
            "hash re-computed and every link of each chain checked.",
            icon=":material/verified:",
        )
    else:
        st.error(
            f"{len(report.breaks)} problem{'s' * (len(report.breaks) != 1)} found:",
            icon=":material/gpp_bad:",
        )
        for problem in report.breaks:
            st.markdown(f"- {problem}")


def _signed_pdf(assessment_id: str, number: int, pdf: bytes) -> None:
    """The PDF/A frozen with the version, its signatures checked inside the archived bytes."""
    from ..signing import verify_pdf  # pyHanko is loaded only for a version that has one

    st.download_button(
        "Download the signed PDF",
        pdf,
        file_name=f"{assessment_id}-v{number}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key="proof-pdf",
    )
    st.markdown("**Signatures inside the archived PDF**")
    verification_table(
        verify_pdf(pdf, trust=archive_trust_store(), document="the signed PDF"),
        key="archived-pdf-signature",
    )
