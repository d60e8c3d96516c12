"""The whole wizard on each reference example: every step passes, no answer is changed.

Each example is imported as a user would, then Next is pressed on every step. A widget that
showed a stored answer differently from how it stores it (a number, a date, a table row, a
choice hidden by a condition) would change the saved draft, so the draft must come out equal
to the example, and the risk page must rate it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import ROOT, TIMEOUT, no_failures
from streamlit.testing.v1 import AppTest

from dpia import load_answers
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia.archive import open_archive

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture
def real_questionnaires(tmp_path, monkeypatch):
    monkeypatch.setenv("DPIA_DATABASE_URL", f"sqlite:///{tmp_path}/archive.sqlite3")
    monkeypatch.delenv("DPIA_QUESTIONNAIRES", raising=False)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_every_step_of_the_wizard_keeps_the_example_answers(example: Path, real_questionnaires):
    expected = load_answers(example, questionnaire_for(questionnaire_ref_of(example))).assessment
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    app.file_uploader(key="import-file").set_value(
        (example.name, example.read_bytes(), "application/x-yaml")
    ).run()
    app.button(key="import-open").click().run()
    steps = []
    while app.title[0].value != "Risks":
        no_failures(app)
        steps.append(app.get("progress")[0].proto.text)
        assert len(steps) < 40, steps
        app.button(key="nav-next").click().run()
    assert not app.exception
    assert [e.value for e in app.error if not e.value.startswith("**Stop:")] == []
    assert steps[0].startswith("Step 1 of ") and steps[-1].startswith(f"Step {len(steps)} of ")

    assessment_id = app.session_state["dpia.case"].assessment_id
    saved = open_archive().draft(assessment_id).answers
    assert saved["answers"] == expected.to_file()["answers"]
    assert saved["plan"] == expected.to_file()["plan"]
    assert {m.label for m in app.metric} >= {
        "DPIA",
        "Before measures",
        "Now",
        "After the plan",
        "If all recommendations",
    }
