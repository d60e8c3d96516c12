"""The Review page after an approval with conditions: what is to be reviewed, what is to do."""

from __future__ import annotations

import datetime as dt

from app_support import archive, archive_url, fresh_app, no_failures
from test_workflow_followup import _approved

from dpia.workflow import condition_items

__all__ = ["archive", "archive_url"]

WIZARD = "dpia/app/pages/wizard.py"
REVIEW = "dpia/app/pages/review.py"


def test_a_changed_answer_marks_advice_and_decision_to_be_reviewed(archive):
    assessment_id = _approved(archive)
    app = fresh_app(assessment=assessment_id).switch_page(REVIEW).run()
    no_failures(app)
    assert not [w for w in app.warning if "to be reviewed" in w.value]

    app.switch_page(WIZARD).run()
    app.button(key="nav-next").click().run()
    app.number_input(key="q-headcount").set_value(400).run()
    app.switch_page(REVIEW).run()
    warnings = [w.value for w in app.warning if "to be reviewed" in w.value]
    assert warnings == [
        "**The DPO's advice is to be reviewed.** It was given on version 1, and 1 answer "
        "changed since. It counts as reviewed once the DPO records the advice again, "
        "confirmed or changed.",
        "**The decision is to be reviewed.** It was given on version 1, and 1 answer changed "
        "since. It counts as reviewed once the decision-maker records the decision again, "
        "confirmed or changed.",
    ]
    changed = next(e for e in app.expander if e.label == "What changed since version 1")
    assert changed.markdown[0].value.endswith("?** 150 people → 400 people")


def test_conditions_of_the_approval_are_tracked_from_the_review_page(archive):
    assessment_id = _approved(archive)
    app = fresh_app(assessment=assessment_id).switch_page(REVIEW).run()
    assert app.subheader[0].value == "Conditions of the approval (version 2)"
    badges = [m.value for m in app.markdown if "-badge[" in m.value]
    assert badges[:3] == [":orange-badge[Open]"] * 3
    app.text_input(key="q-cond-decision-1-owner").input("CISO")
    app.date_input(key="q-cond-decision-1-due").set_value(dt.date(2026, 7, 1))
    app.button(key="q-cond-decision-1-save").click().run()
    no_failures(app)
    first = condition_items(archive, assessment_id)[0]
    assert (first.owner, first.due, first.met) == ("CISO", dt.date(2026, 7, 1), False)
    assert any("Condition 1 saved." in s.value for s in app.success)
    badges = [m.value for m in app.markdown if "-badge[" in m.value]
    overdue = dt.date.today() > dt.date(2026, 7, 1)
    assert badges[0] == (":red-badge[Overdue]" if overdue else ":orange-badge[Open]")
