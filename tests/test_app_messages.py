"""Refusals in plain words: who saved and when, no field ids, sentences that start as such."""

from __future__ import annotations

import datetime as dt
import re

from app_support import archive, archive_url, fresh_app, import_answers

from dpia._errors import StaleDraftError
from dpia.app._messages import sentence, stale_draft_text

__all__ = ["archive", "archive_url"]


def test_a_draft_saved_in_another_window_by_the_same_person_is_not_someone_elses(archive_url):
    first = import_answers(fresh_app())
    first.button(key="nav-next").click().run()
    assessment_id = first.session_state["dpia.case"].assessment_id
    second = fresh_app(assessment=assessment_id).switch_page("dpia/app/pages/wizard.py").run()
    title = next(t.key for t in second.text_input if "meta-title" in t.key)
    second.text_input(key=title).input("Keystroke pilot, second window").run()
    second.button(key="nav-next").click().run()
    first.switch_page("dpia/app/pages/wizard.py").run()
    first.button(key="nav-back").click().run()
    first.text_input(key=title).input("Keystroke pilot, first window").run()
    shown = [e.value for e in first.error]
    assert any(m.startswith("Not saved: you saved this draft again on ") for m in shown), shown
    message = next(m for m in shown if m.startswith("Not saved:"))
    assert "someone else" not in message
    assert re.search(r"on \d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d UTC", message), message


def test_another_persons_save_names_them_and_the_time_in_words():
    error = StaleDraftError(
        "the draft of A-1 was saved by ann@example.org at 2026-05-04 14:03:27.118211 ...",
        saved_by="ann@example.org",
        saved_at=dt.datetime(2026, 5, 4, 14, 3, 27, 118211),
    )
    assert stale_draft_text(error, "dana@example.org") == (
        "Not saved: ann@example.org saved this draft on 4 May 2026 at 14:03 UTC, after you "
        "opened it. Load the saved draft to see their changes; what you typed here since then "
        "is dropped."
    )


def test_every_message_is_a_sentence():
    assert sentence("the draft of A-1 no longer exists") == "The draft of A-1 no longer exists."
    assert sentence("Signed.") == "Signed."


def test_question_ids_in_a_message_become_the_questions_as_asked(archive_url):
    from dpia._library import questionnaire_for
    from dpia._vocabulary import in_questionnaire_words

    mini = questionnaire_for("mini@1.0")
    assert (
        in_questionnaire_words(
            "new in mini@1.1, not answered yet (required): headcount (How many people?)", mini
        )
        == "new in mini@1.1, not answered yet (required): “How many people?”"
    )
    assert (
        in_questionnaire_words(
            "required question 'works_council' is not answered (Is there a works council?)", mini
        )
        == "required question “Is there a works council?” is not answered"
    )
    assert in_questionnaire_words("answer works_council first", mini) == (
        "answer “Is there a works council?” first"
    )
    # Words that merely look like an id, and ids in brackets of another label, stay.
    assert in_questionnaire_words("headcount (of the site)", mini) == "headcount (of the site)"


def test_columns_and_options_of_the_question_are_named_as_asked(archive_url):
    from dpia._library import questionnaire_for
    from dpia._vocabulary import in_questionnaire_words

    mini = questionnaire_for("mini@1.0")
    assert in_questionnaire_words(
        "option 'de' is not offered for these answers (its condition does not hold)",
        mini,
        about="countries",
    ) == ("option “Germany” is not offered for these answers (its condition does not hold)")
    assert in_questionnaire_words(
        "row 1, column 'jurisdiction': 'fr' is not an option; allowed: de, us_ca",
        mini,
        about="staff",
    ) == ("row 1, “Jurisdiction”: 'fr' is not an option; allowed: “Germany”, “California”")
    assert in_questionnaire_words(
        "row 2: column 'jurisdiction' is required", mini, about="staff"
    ) == ("row 2: “Jurisdiction” needs an answer")
    assert in_questionnaire_words(
        "unknown question id 'countrie' (did you mean countries?)", mini
    ) == (
        "'countrie' is not a question of this questionnaire (did you mean countries: "
        "“Where do the people monitored work?”?)"
    )
    # Without the question it is about, an option value is left alone: 'de' may mean anything.
    assert in_questionnaire_words("'de' is listed twice", mini) == "'de' is listed twice"


def test_an_answers_file_that_does_not_fit_names_each_question_as_asked(archive_url):
    from app_support import MINI_ANSWERS

    bad = (
        MINI_ANSWERS.replace(b"basis: consent", b"basis: contract")
        .replace(b"jurisdiction: de,", b"jurisdiction: fr,")
        .replace(b"countries: [de, us_ca]", b"countries: [de, us_ca, de]")
    )
    app = fresh_app()
    app.file_uploader(key="import-file").set_value(("bad.yaml", bad, "application/x-yaml")).run()
    assert not app.exception
    shown = app.error[0].value
    assert shown.splitlines() == [
        "bad.yaml does not open: fix the 3 problems below in the file, then upload it again.",
        "- Line 4, “Where do the people monitored work?”: “Germany” is listed twice.",
        "- Line 6, “Legal basis”: 'contract' is not an option; allowed: “Consent”, "
        "“Legitimate interests”.",
        "- Line 7, “Staff per jurisdiction”: Row 1, “Jurisdiction”: 'fr' is not an option; "
        "allowed: “Germany”, “California”.",
    ]
    assert not re.search(r"\b[a-z]+_[a-z_]+\b|answers\.", shown)


def test_an_empty_field_of_the_sign_off_record_is_said_to_be_required():
    from pydantic import ValidationError

    from dpia._signoff import DpoAdvice
    from dpia.app._signoff_messages import signoff_messages

    advice = {"name": "Dana", "advice": "do_not_proceed", "summary": "", "date": "2026-05-06"}
    try:
        DpoAdvice.model_validate(advice)
    except ValidationError as exc:
        shown = signoff_messages(exc, storing="dpo_advice", within="dpo_advice")
    assert shown == ["DPO advice, summary of the advice: this is required"]
