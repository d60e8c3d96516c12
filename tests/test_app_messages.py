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
    from dpia.app._messages import in_questionnaire_words

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
