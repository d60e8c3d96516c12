"""`diff_versions`: what a reviewer sees when re-approving a DPIA, from real archived versions."""

from __future__ import annotations

import copy

import pytest
from archive_support import QUESTIONNAIRE_TEXT, REPORT, answers_for, opened
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dpia.archive import diff_versions


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    yield from opened(f"sqlite:///{tmp_path_factory.mktemp('diff') / 'a.sqlite3'}")


def _pair(archive, old_answers, new_answers, old_report=REPORT, new_report=REPORT, text=None):
    first = archive.add_version(old_answers, old_report, text or QUESTIONNAIRE_TEXT, actor="dana")
    new_answers = copy.deepcopy(new_answers)
    new_answers["assessment"]["id"] = first.assessment_id
    archive.add_version(new_answers, new_report, text or QUESTIONNAIRE_TEXT, actor="dana")
    return archive.version(first.assessment_id, 1), archive.version(first.assessment_id, 2)


def test_a_reviewer_sees_answers_risks_measures_and_details_that_changed(archive):
    later = copy.deepcopy(REPORT)
    later["overall_residual"] = "low"
    later["risks"][0]["residual"]["level"] = "low"
    later["risks"].append(
        {
            "id": "covert_capture",
            "title": "Covert capture",
            "inherent": {"level": "high"},
            "residual": {"level": "medium"},
        }
    )
    later["mitigations"][0]["status"] = "in_place"
    later["mitigations"].append({"id": "filter", "title": "Content filter", "status": "planned"})
    new_answers = answers_for(headcount=55, works_council=True)
    new_answers["assessment"]["title"] = "Keystroke timing only"
    new_answers["plan"] = {"filter": {"owner": "CISO", "due": "2026-09-30", "note": ""}}
    old, new = _pair(archive, answers_for(), new_answers, REPORT, later)

    changes = diff_versions(old, new)
    aid = old.assessment_id
    assert changes.text() == "\n".join(
        [
            f"{aid}: v1 → v2",
            "",
            "Details changed (3)",
            "  assessment.title: Keystroke capture for the support assistant → "
            "Keystroke timing only",
            '  plan.filter: — → {"due": "2026-09-30", "note": "", "owner": "CISO"}',
            "  report.overall_residual: medium → low",
            "",
            "Answers changed (2)",
            "  works_council: Is there a works council?",
            "      No → Yes",
            "  headcount: How many people?",
            "      40 people → 55 people",
            "",
            "Risk levels changed (2)",
            "  chilling_effect Chilling effect: inherent high → high, residual medium → low",
            "  covert_capture Covert capture: inherent — → high, residual — → medium",
            "",
            "Measures changed (2)",
            "  + filter Content filter (planned)",
            "  ~ notice Notice to staff: planned → in_place",
        ]
    )
    dumped = changes.model_dump(mode="json")
    assert dumped["measures"][0] == {
        "id": "filter",
        "title": "Content filter",
        "change": "added",
        "old_status": None,
        "new_status": "planned",
    }
    assert diff_versions(new, old).measures[0].change == "removed"


def test_without_a_readable_snapshot_the_diff_still_lists_answers_by_id(archive):
    old, new = _pair(archive, answers_for(), answers_for(headcount=1), text="not: [a questionnaire")
    (change,) = diff_versions(old, new).answers
    assert (change.question_id, change.label, change.old_text, change.new_text) == (
        "headcount",
        None,
        "40",
        "1",
    )


def test_identical_versions_have_no_differences(archive):
    old, new = _pair(archive, answers_for(), answers_for())
    changes = diff_versions(old, new)
    assert changes.empty
    assert changes.text().endswith("No differences.")


_values = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5)
_answers = st.dictionaries(st.sampled_from(["a", "b", "c", "headcount", "zz"]), _values)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=_answers, after=_answers)
def test_exactly_the_questions_whose_answers_differ_are_listed(archive, before, after):
    old_answers, new_answers = answers_for(), answers_for()
    old_answers["answers"], new_answers["answers"] = before, after
    old, new = _pair(archive, old_answers, new_answers)
    listed = [c.question_id for c in diff_versions(old, new).answers]
    assert sorted(listed) == sorted(
        q for q in set(before) | set(after) if before.get(q) != after.get(q)
    )
    assert len(listed) == len(set(listed))


def test_a_signed_approved_version_differs_from_the_unsigned_one_in_its_record(archive):
    from dpia.archive import VersionStatus

    answers = answers_for()
    first = archive.add_version(answers, REPORT, QUESTIONNAIRE_TEXT, actor="dana")
    same = copy.deepcopy(answers)
    same["assessment"]["id"] = first.assessment_id
    same["signoff"] = {"decision": {"decision": "approve", "name": "Mia"}}
    archive.freeze(
        same,
        REPORT,
        QUESTIONNAIRE_TEXT,
        actor="mia",
        document=b"the signed document",
        signatures={"mia": b"a detached signature"},
        status=VersionStatus.APPROVED,
        note="approved",
        evidence={},
        number=2,
    )
    old = archive.version(first.assessment_id, 1)
    new = archive.version(first.assessment_id, 2)
    changes = diff_versions(old, new)
    assert not changes.empty
    assert [(c.field, c.old, c.new) for c in changes.record] == [
        ("status", "draft", "approved"),
        ("document", None, new.document_sha256),
        ("signature", None, new.signatures["mia"]),
    ]
    assert [(f.field, f.old, f.new) for f in changes.fields] == [
        ("signoff.decision.decision", None, "approve"),
        ("signoff.decision.name", None, "Mia"),
    ]
    text = changes.text()
    assert "Record changed (3)" in text and "status: draft → approved" in text
    assert "No differences" not in text
