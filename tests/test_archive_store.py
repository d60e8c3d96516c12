"""The archive on real SQLite and PostgreSQL: versions, chain, drafts, workflow, listing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from archive_support import (
    BACKENDS,
    QUESTIONNAIRE_TEXT,
    REPORT,
    answers_for,
    opened,
    temporary_database,
)

from dpia import ArchiveError, NotFoundError, StaleDraftError
from dpia.archive import GENESIS, AuditAction, VersionStatus, chain_hash


@pytest.fixture(params=BACKENDS)
def archive(request, tmp_path):
    for url in temporary_database(request.param, tmp_path):
        yield from opened(url)


def _add(archive, assessment_id=None, actor="dana", **changes):
    return archive.add_version(
        answers_for(assessment_id, **changes), REPORT, QUESTIONNAIRE_TEXT, actor=actor
    )


def test_first_version_starts_a_chain_and_later_ones_link_to_it(archive):
    first = _add(archive)
    assert re.fullmatch(r"A-\d{4}-[0-9A-F]{12}", first.assessment_id)
    assert first.number == 1
    assert first.prev_chain_hash == GENESIS
    assert first.chain_hash == chain_hash(GENESIS, first.content_sha256)
    assert first.status is VersionStatus.DRAFT
    assert first.review_due == dt.date(2027, 5, 4)

    second = _add(archive, first.assessment_id, headcount=41)
    assert second.number == 2
    assert second.prev_chain_hash == first.chain_hash
    report = archive.verify()
    assert report.intact and (report.assessments, report.versions) == (1, 2)


def test_stored_version_gives_back_what_was_archived_with_its_id_filled_in(archive):
    added = archive.add_version(
        answers_for(),
        REPORT,
        QUESTIONNAIRE_TEXT,
        actor="dana",
        document=b"PK\x03\x04 the document",
        signatures={"dana-assessor": b"signature one", "dpo": b"signature two"},
        review_due=dt.date(2026, 12, 1),
    )
    stored = archive.version(added.assessment_id)
    assert stored.answers["assessment"]["id"] == added.assessment_id
    assert stored.answers["answers"] == answers_for()["answers"]
    assert stored.report == REPORT
    assert stored.questionnaire_text == QUESTIONNAIRE_TEXT
    assert stored.questionnaire == "mini@1.0"
    assert stored.document == b"PK\x03\x04 the document"
    assert stored.signature_files == {"dana-assessor": b"signature one", "dpo": b"signature two"}
    assert stored.review_due == dt.date(2026, 12, 1)


def test_a_version_for_an_unknown_assessment_is_refused(archive):
    with pytest.raises(NotFoundError, match="no assessment 'A-NOPE'"):
        _add(archive, "A-NOPE")
    with pytest.raises(NotFoundError, match="no version 3"):
        archive.version(_add(archive).assessment_id, 3)


def test_bad_input_is_refused_with_what_is_wrong(archive):
    with pytest.raises(ArchiveError, match="without the document"):
        archive.add_version(
            answers_for(), REPORT, QUESTIONNAIRE_TEXT, actor="x", signatures={"a": b"s"}
        )
    with pytest.raises(ArchiveError, match="signer name 'a b'"):
        archive.add_version(
            answers_for(),
            REPORT,
            QUESTIONNAIRE_TEXT,
            actor="x",
            document=b"d",
            signatures={"a b": b"s"},
        )
    with pytest.raises(ArchiveError, match="cannot be archived as JSON"):
        archive.add_version(answers_for(), {"when": dt.date(2026, 1, 1)}, "q", actor="x")
    with pytest.raises(ArchiveError, match=r"lack assessment\.title"):
        broken = answers_for()
        del broken["assessment"]["title"]
        archive.add_version(broken, REPORT, "q", actor="x")
    with pytest.raises(ArchiveError, match="actor"):
        archive.add_version(answers_for(), REPORT, "q", actor="  ")
    assert archive.assessments() == []


def test_a_stale_draft_save_is_refused_and_names_who_saved(archive):
    draft = archive.save_draft(answers_for(), actor="dana")
    assert draft.revision == 1
    mine = archive.draft(draft.assessment_id)
    theirs = archive.draft(draft.assessment_id)
    saved = archive.save_draft(
        answers_for(draft.assessment_id, headcount=50), actor="erik", revision=theirs.revision
    )
    assert saved.revision == 2
    with pytest.raises(StaleDraftError) as refused:
        archive.save_draft(
            answers_for(draft.assessment_id, headcount=60), actor="dana", revision=mine.revision
        )
    message = str(refused.value)
    assert "saved by erik" in message and "revision 2" in message and "revision 1" in message
    assert archive.draft(draft.assessment_id).answers["answers"]["headcount"] == 50


def _freeze(archive, assessment_id, number, status=VersionStatus.APPROVED, **changes):
    return archive.freeze(
        answers_for(assessment_id, **changes),
        REPORT,
        QUESTIONNAIRE_TEXT,
        actor="max",
        document=b"PK\x03\x04 the signed document",
        signatures={"max-decider-decision-maker": b"a signature"},
        status=status,
        note="decision: Approve",
        evidence={"signed_by": {"decision_maker": {"name": "Max Decider"}}},
        number=number,
    )


def test_workflow_moves_forward_only_and_approval_supersedes_the_older_decision(archive):
    first = _add(archive)
    aid = first.assessment_id
    with pytest.raises(ArchiveError, match="approved is not set by hand: it comes only from"):
        archive.set_status(aid, 1, "approved", actor="dpo")
    archive.set_status(aid, 1, "in_review", actor="dana")
    with pytest.raises(ArchiveError, match="rejected is not set by hand"):
        archive.set_status(aid, 1, VersionStatus.REJECTED, actor="dpo")
    _freeze(archive, aid, 2)
    _freeze(archive, aid, 3, headcount=80)

    history = archive.history(aid)
    assert [v.status for v in history] == [
        VersionStatus.IN_REVIEW,
        VersionStatus.SUPERSEDED,
        VersionStatus.APPROVED,
    ]
    assert [c.status for c in history[1].status_history] == [
        "draft",
        "in_review",
        "approved",
        "superseded",
    ]
    assert history[1].status_history[-1].note == "superseded by v3"
    assert [e.action for e in archive.audit_trail(aid)].count(AuditAction.VERSION_FROZEN) == 2
    with pytest.raises(ArchiveError, match="final"):
        archive.set_status(aid, 2, "in_review", actor="dpo")
    with pytest.raises(ArchiveError, match="unknown status 'done'"):
        archive.set_status(aid, 3, "done", actor="dpo")
    assert archive.verify().intact


def test_a_freeze_for_a_version_number_already_taken_writes_nothing(archive):
    aid = _add(archive).assessment_id
    with pytest.raises(ArchiveError, match="gained version 1 while this one was being signed"):
        _freeze(archive, aid, 1)
    assert [v.number for v in archive.history(aid)] == [1]
    assert AuditAction.VERSION_FROZEN not in [e.action for e in archive.audit_trail(aid)]


def test_list_filters_on_the_latest_version_status_and_review_date(archive):
    early = archive.add_version(
        answers_for(), REPORT, QUESTIONNAIRE_TEXT, actor="a", review_due=dt.date(2026, 7, 1)
    )
    late = archive.add_version(
        answers_for(), REPORT, QUESTIONNAIRE_TEXT, actor="a", review_due=dt.date(2027, 7, 1)
    )
    archive.set_status(late.assessment_id, 1, "in_review", actor="a")
    assert [a.id for a in archive.assessments()] == [early.assessment_id, late.assessment_id]
    assert [a.id for a in archive.assessments(status="in_review")] == [late.assessment_id]
    due = archive.assessments(review_due_before=dt.date(2027, 1, 1))
    assert [(a.id, a.review_due) for a in due] == [(early.assessment_id, dt.date(2026, 7, 1))]


def test_every_change_leaves_an_audit_row(archive):
    draft = archive.save_draft(answers_for(), actor="dana")
    _add(archive, draft.assessment_id, actor="dana")
    archive.set_status(draft.assessment_id, 1, "in_review", actor="erik")
    trail = archive.audit_trail(draft.assessment_id)
    assert [(e.action, e.actor) for e in trail] == [
        (AuditAction.ASSESSMENT_CREATED, "dana"),
        (AuditAction.DRAFT_SAVED, "dana"),
        (AuditAction.VERSION_ADDED, "dana"),
        (AuditAction.STATUS_CHANGED, "erik"),
    ]
    assert trail[3].details == {"from": "draft", "to": "in_review", "note": ""}
    assert trail[2].details["content_sha256"] == archive.version(draft.assessment_id).content_sha256
