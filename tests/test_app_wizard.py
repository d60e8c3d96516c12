"""The wizard as a user drives it: steps, follow-up questions, validation, saving, resuming."""

from __future__ import annotations

from app_support import (
    MINI_ANSWERS,
    archive,
    archive_url,
    fresh_app,
    no_failures,
    start_assessment,
)
from sqlalchemy import text

from dpia import load_answers
from dpia._library import questionnaire_for
from dpia.workflow import law_date, version_parts

__all__ = ["archive", "archive_url"]

WIZARD = "dpia/app/pages/wizard.py"


def subheaders(app) -> list[str]:
    return [s.value for s in app.subheader]


def test_new_assessment_gets_an_archive_id_and_the_url_names_it(archive):
    app = start_assessment(fresh_app())
    no_failures(app)
    assert subheaders(app) == ["Scope"]
    assessment_id = app.query_params["assessment"]
    assert app.query_params["step"] == "scope"
    draft = archive.draft(assessment_id)
    assert draft.answers["assessment"]["title"] == "Keystroke pilot"
    assert draft.revision == 1


def test_about_step_says_which_field_is_missing(archive_url):
    app = fresh_app()
    app.selectbox(key="new-questionnaire").select("mini@1.0").run()
    app.button(key="new-start").click().run()
    app.button(key="nav-next").click().run()
    assert "Title of the assessment" in subheaders(app)[0] or subheaders(app) == [
        "About this assessment"
    ]
    messages = [e.value for e in app.error]
    assert messages.count("This field is required.") == 2  # title and organisation
    assert "need attention" in app.warning[0].value


def test_follow_up_question_appears_and_disappears_inside_a_step(archive_url):
    app = start_assessment(fresh_app())
    labels = [r.label for r in app.radio]
    assert not any("works council" in label for label in labels)
    app.multiselect(key="q-countries").select("de").run()
    assert any("works council" in r.label for r in app.radio)
    app.radio(key="q-works_council").set_value(True).run()
    app.multiselect(key="q-countries").unselect("de").select("us_ca").run()
    assert not any("works council" in r.label for r in app.radio)
    app.multiselect(key="q-countries").select("de").run()
    assert app.radio(key="q-works_council").value is True  # the answer came back with it
    no_failures(app)


def test_next_refuses_a_missing_required_answer_and_says_so_at_the_field(archive_url):
    app = start_assessment(fresh_app())
    app.button(key="nav-next").click().run()
    assert subheaders(app) == ["Scope"]
    assert [e.value for e in app.error] == ["This question needs an answer before you go on."]
    app.multiselect(key="q-countries").select("de").run()
    assert not app.error  # the message goes once the field changes


def test_hidden_section_is_skipped_and_back_keeps_every_answer(archive):
    app = start_assessment(fresh_app())
    app.multiselect(key="q-countries").select("de").run()
    app.radio(key="q-basis").set_value("legitimate_interests").run()
    app.number_input(key="q-headcount").set_value(0).run()
    assert app.get("progress")[0].proto.text == "Step 2 of 2: Scope"
    app.button(key="nav-next").click().run()
    no_failures(app)
    assert app.title[0].value == "Risks"  # "Capture" asks only when someone is monitored

    app = start_assessment(fresh_app())
    app.multiselect(key="q-countries").select("de").run()
    app.number_input(key="q-headcount").set_value(25).run()
    app.button(key="nav-next").click().run()
    assert subheaders(app) == ["Capture"]
    app.multiselect(key="q-captured").select("timing").run()
    app.button(key="nav-back").click().run()
    assert subheaders(app) == ["Scope"]
    assert app.multiselect(key="q-countries").value == ["de"]
    assert app.number_input(key="q-headcount").value == 25
    app.button(key="nav-next").click().run()
    assert app.multiselect(key="q-captured").value == ["timing"]
    saved = archive.draft(app.query_params["assessment"]).answers["answers"]
    assert saved == {"countries": ["de"], "headcount": 25, "captured": ["timing"]}


def test_refresh_resumes_the_same_assessment_at_the_same_step(archive):
    app = start_assessment(fresh_app())
    app.multiselect(key="q-countries").select("us_ca").run()
    app.number_input(key="q-headcount").set_value(7).run()
    app.button(key="nav-next").click().run()
    reloaded = fresh_app(**app.query_params)  # a new session, as after a browser refresh
    reloaded.switch_page(WIZARD).run()
    no_failures(reloaded)
    assert subheaders(reloaded) == ["Capture"]
    reloaded.button(key="nav-back").click().run()
    assert reloaded.multiselect(key="q-countries").value == ["us_ca"]


def test_a_stale_draft_is_refused_with_a_clear_message(archive):
    app = start_assessment(fresh_app())
    assessment_id = app.query_params["assessment"]
    other = archive.draft(assessment_id)
    archive.save_draft(other.answers, actor="someone.else@example.org", revision=other.revision)
    app.multiselect(key="q-countries").select("de").run()
    app.button(key="nav-next").click().run()
    assert subheaders(app) == ["Scope"]
    assert "someone.else@example.org" in app.error[0].value
    app.button(key="stale-reload").click().run()
    assert app.multiselect[0].label.startswith("Where do the people monitored work?")
    assert app.multiselect[0].value == []
    no_failures(app)


def test_table_rows_are_added_filled_and_removed_without_mixing_cells(archive_url):
    app = start_assessment(fresh_app())
    app.button(key="q-staff-add").click().run()
    app.button(key="q-staff-add").click().run()
    boxes = [s for s in app.selectbox if s.key and s.key.startswith("q-staff-")]
    numbers = [n for n in app.number_input if n.key and n.key.startswith("q-staff-")]
    boxes[0].select("de").run()
    numbers[0].set_value(10).run()
    boxes = [s for s in app.selectbox if s.key and s.key.startswith("q-staff-")]
    numbers = [n for n in app.number_input if n.key and n.key.startswith("q-staff-")]
    boxes[1].select("us_ca").run()
    numbers[1].set_value(20).run()
    first_remove = next(b for b in app.button if b.key and b.key.endswith("-remove"))
    first_remove.click().run()
    boxes = [s for s in app.selectbox if s.key and s.key.startswith("q-staff-")]
    numbers = [n for n in app.number_input if n.key and n.key.startswith("q-staff-")]
    assert [b.value for b in boxes] == ["us_ca"]
    assert [n.value for n in numbers] == [20]
    no_failures(app)


def test_a_fault_shows_an_apology_with_a_reference_and_logs_the_traceback(archive, caplog):
    app = start_assessment(fresh_app())
    assessment_id = app.query_params["assessment"]
    with archive.engine.begin() as connection:  # a draft damaged outside dpia
        connection.execute(text("UPDATE drafts SET answers_json = '{not json'"))
    reloaded = fresh_app(assessment=assessment_id)
    assert not reloaded.exception
    (message,) = [e.value for e in reloaded.error]
    assert message.startswith("Something went wrong on our side")
    reference = message.rsplit(" ", 1)[1].rstrip(".")
    logged = [r for r in caplog.records if r.name == "dpia.app"]
    assert logged and reference in logged[0].getMessage() and logged[0].exc_info


def progress_text(app) -> str:
    return app.get("progress")[0].proto.text


def test_every_answer_is_saved_as_it_is_given_without_pressing_next(archive):
    app = start_assessment(fresh_app())
    assessment_id = app.query_params["assessment"]
    app.multiselect(key="q-countries").select("de").run()
    assert archive.draft(assessment_id).answers["answers"] == {"countries": ["de"]}
    app.number_input(key="q-headcount").set_value(12).run()
    assert archive.draft(assessment_id).answers["answers"] == {"countries": ["de"], "headcount": 12}
    assert any(c.value.startswith("Every change is saved") for c in app.caption)
    reloaded = fresh_app(**app.query_params)
    reloaded.switch_page(WIZARD).run()
    assert subheaders(reloaded) == ["Scope"]  # the step is in the address, not only in memory
    assert reloaded.number_input(key="q-headcount").value == 12


def test_an_invalid_table_row_is_kept_in_the_draft_with_its_message(archive):
    app = start_assessment(fresh_app())
    assessment_id = app.query_params["assessment"]
    app.multiselect(key="q-countries").select("de").run()
    app.number_input(key="q-headcount").set_value(40).run()
    app.button(key="q-staff-add").click().run()
    number = next(n for n in app.number_input if n.key and n.key.startswith("q-staff-"))
    number.set_value(40).run()  # the row's jurisdiction, a required cell, is left empty
    draft = archive.draft(assessment_id).answers
    assert draft["answers"] == {"countries": ["de"], "headcount": 40}
    assert draft["held"] == {"answers": {"staff": [{"headcount": 40}]}}
    assert [e.value for e in app.error] == ["Row 1: “Jurisdiction” needs an answer."]
    app.button(key="nav-next").click().run()
    assert subheaders(app) == ["Scope"]  # Next stays, and nothing typed is lost

    reloaded = fresh_app(**app.query_params)
    reloaded.switch_page(WIZARD).run()
    cells = [n for n in reloaded.number_input if n.key and n.key.startswith("q-staff-")]
    assert [c.value for c in cells] == [40]
    assert [e.value for e in reloaded.error] == ["Row 1: “Jurisdiction” needs an answer."]
    assert reloaded.multiselect(key="q-countries").value == ["de"]


def test_the_step_total_counts_what_open_answers_may_add_and_never_grows(archive_url):
    app = fresh_app()
    app.selectbox(key="new-questionnaire").select("mini@1.0").run()
    app.button(key="new-start").click().run()
    assert progress_text(app) == "Step 1 of 3: About this assessment"
    assert "1 of them may be added" in app.expander[0].label
    app = start_assessment(fresh_app())
    assert progress_text(app) == "Step 2 of 3: Scope"
    app.number_input(key="q-headcount").set_value(25).run()
    assert progress_text(app) == "Step 2 of 3: Scope"  # Capture is now asked: same total
    assert "may be added" not in app.expander[0].label
    app.number_input(key="q-headcount").set_value(0).run()
    assert progress_text(app) == "Step 2 of 2: Scope"  # the answer rules Capture out


def test_the_browser_is_asked_to_warn_before_leaving_with_unsaved_input(archive_url):
    app = fresh_app()
    app.selectbox(key="new-questionnaire").select("mini@1.0").run()
    app.button(key="new-start").click().run()
    app.text_input(key="q-meta-title").input("Only a title").run()
    guard = app.get("html")[-1].proto.body
    assert "beforeunload" in guard and "dpiaUnsaved = true" in guard
    app = start_assessment(fresh_app())
    assert "dpiaUnsaved = false" in app.get("html")[-1].proto.body


def test_a_blanked_title_keeps_the_saved_one_until_a_new_one_is_given(archive):
    app = start_assessment(fresh_app())
    assessment_id = app.query_params["assessment"]
    app.button(key="nav-back").click().run()
    app.text_input(key="q-meta-title").input("").run()
    assert [e.value for e in app.error] == ["This field is required."]
    draft = archive.draft(assessment_id).answers
    assert draft["assessment"]["title"] == "Keystroke pilot"  # the archive never holds a blank
    assert draft["held"] == {"assessment": {"title": ""}}
    app.text_input(key="q-meta-title").input("Keystroke timing pilot").run()
    assert not app.error
    draft = archive.draft(assessment_id).answers
    assert draft["assessment"]["title"] == "Keystroke timing pilot" and "held" not in draft


def test_a_change_refused_as_stale_says_so_at_once_without_pressing_next(archive):
    app = start_assessment(fresh_app())
    assessment_id = app.query_params["assessment"]
    other = archive.draft(assessment_id)
    archive.save_draft(other.answers, actor="someone.else@example.org", revision=other.revision)
    app.multiselect(key="q-countries").select("de").run()
    assert "someone.else@example.org" in app.error[0].value
    assert any(c.value.startswith("Changes are not saved") for c in app.caption)
    assert archive.draft(assessment_id).answers["answers"] == {}  # their save stands


def test_an_archived_version_opened_unchanged_says_so_and_a_change_starts_a_draft(
    archive, tmp_path
):
    """As the examples are loaded into a new archive: version 1, no draft."""
    answers_file = tmp_path / "answers.yaml"
    answers_file.write_bytes(MINI_ANSWERS)
    questionnaire = questionnaire_for("mini@1.0")
    assessment = load_answers(answers_file, questionnaire).assessment
    parts = version_parts(questionnaire, assessment, as_of=law_date(assessment))
    first = archive.add_version(
        parts.answers, parts.report_json, parts.questionnaire_text, actor="examples"
    )
    app = fresh_app(assessment=first.assessment_id)
    app.switch_page(WIZARD).run()
    no_failures(app)
    captions = [c.value for c in app.caption]
    unchanged = f"No change since {first.assessment_id} version 1: the first change is saved"
    assert any(c.startswith(unchanged) for c in captions), captions
    assert not any(c.startswith("Changes are not saved") for c in captions)
    app.button(key="nav-next").click().run()
    app.number_input(key="q-headcount").set_value(77).run()
    assert archive.draft(first.assessment_id).answers["answers"]["headcount"] == 77
    assert any(c.value.startswith("Every change is saved") for c in app.caption)
