"""What a first-time user tripped on when walking through the app, each kept fixed.

Found by answering the real questionnaire in a browser from a new assessment to the archive:
a passphrase that arrived empty, a message about a field on another tab, a red arrow for a
lower risk, raw column ids in an error, a choice with nothing to choose, table cells without
their column names on a phone, reasons listed twice and a measure that "reduces" nothing.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from app_support import (
    ROOT,
    TIMEOUT,
    archive,
    archive_url,
    fresh_app,
    import_answers,
    no_failures,
    sign_as,
    start_assessment,
)
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest
from test_app_review import (
    PASSPHRASE,
    decide,
    people,
    record_everything,
    saved_case,
    trusted,
)

__all__ = ["archive", "archive_url", "people", "trusted"]

TIMING_ONLY = ROOT / "examples" / "scenario-b-timing-only-opt-in.yaml"
KEYSTROKE_CONTENT = ROOT / "examples" / "scenario-a-keystroke-content.yaml"


@pytest.fixture
def real_questionnaire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DPIA_DATABASE_URL", f"sqlite:///{tmp_path}/archive.sqlite3")
    monkeypatch.delenv("DPIA_QUESTIONNAIRES", raising=False)


def timing_only_risks() -> AppTest:
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    import_answers(app, TIMING_ONLY.read_bytes(), TIMING_ONLY.name)
    return app.switch_page("dpia/app/pages/risks.py").run()


def test_key_certificate_and_passphrase_travel_together_when_sign_is_pressed(archive_url, people):
    app = decide(record_everything(saved_case(import_answers(fresh_app())), people))
    passphrase = app.text_input(key="sign-passphrase")
    # In a form, the browser hands over the typed passphrase with the click, even when the
    # signer left the field with Tab (outside one, Chromium sent it empty).
    assert passphrase.form_id and passphrase.form_id == app.button(key="sign-go").form_id
    dpo = people["dpo"]
    app.selectbox(key="sign-as").select(dpo.fingerprint).run()
    app.file_uploader(key="sign-key").set_value(
        ("key.pem", dpo.key_path.read_bytes(), "text/plain")
    )
    app.button(key="sign-go").click().run()
    assert [e.value for e in app.error] == [
        "Still needed to sign: its certificate (cert.pem), the key's passphrase."
    ]
    # Every attempt empties the form: the key uploaded for it is gone too.
    assert app.file_uploader(key="sign-key").value is None
    app.selectbox(key="sign-as").select(dpo.fingerprint).run()
    sign_as(app, dpo, PASSPHRASE.decode())
    no_failures(app)


def test_saving_the_advice_names_the_missing_email_and_the_tab_it_is_on(archive_url):
    app = saved_case(import_answers(fresh_app()))
    app.radio(key="q-so-dpo-advice").set_value("approve")
    app.text_area(key="q-so-dpo-summary").input("Proceed.")
    app.button(key="so-dpo-save").click().run()
    assert [e.value for e in app.error] == [
        "Assessor, email (on the Record and signatories tab): enter an email address, "
        "e.g. name@example.org"
    ]
    assert app.session_state["dpia.case"].signoff is None


def test_a_table_row_error_names_the_column_as_the_user_sees_it(archive_url):
    app = start_assessment(fresh_app())
    app.multiselect(key="q-countries").select("de").run()
    app.button(key="q-staff-add").click().run()
    count = next(n for n in app.number_input if n.key and n.key.startswith("q-staff-"))
    count.set_value(12).run()
    app.button(key="nav-next").click().run()
    assert "Row 1: \u201cJurisdiction\u201d needs an answer." in [e.value for e in app.error]


def test_every_table_cell_carries_its_column_name_for_narrow_screens(archive_url):
    app = start_assessment(fresh_app())
    app.button(key="q-staff-add").click().run()
    app.button(key="q-staff-add").click().run()
    shown = ("Jurisdiction", "Headcount (optional)")
    names = [c.value for c in app.caption if c.value in shown]
    assert names == list(shown) * 2


def test_lower_residual_risk_is_a_green_arrow_down(real_questionnaire):
    app = timing_only_risks()
    after = next(m for m in app.metric if m.label == "After the plan")
    assert after.delta == "lower than before measures"
    assert after.proto.direction == MetricProto.MetricDirection.DOWN
    assert after.proto.color == MetricProto.MetricColor.GREEN


def test_register_gives_each_reason_once_with_the_axes_it_moved(real_questionnaire):
    app = timing_only_risks()
    named = 0
    for expander in (e for e in app.expander if " → " in e.label):
        shown = [m.value for m in expander.markdown]
        split = shown.index("**After measures**")
        for half in (shown[:split], shown[split:]):
            reasons = [line for line in half if line.startswith("- ")]
            assert len(reasons) == len(set(reasons)), reasons
        named += sum(line.startswith("- *Likelihood and severity:* ") for line in shown)
        assert not any("?: " in c.value for c in expander.caption)
    assert named


def test_a_measure_that_changes_no_rating_does_not_claim_to_reduce_anything(real_questionnaire):
    """The prior consultation file, advised where consultation is required, lowers nothing."""
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    import_answers(app, KEYSTROKE_CONTENT.read_bytes(), KEYSTROKE_CONTENT.name)
    app = app.switch_page("dpia/app/pages/risks.py").run()
    captions = [c.value for c in app.caption]
    assert any("It changes no rating" in c for c in captions)
    assert not any("Reduces: ." in c for c in captions)


def _choice_with_nothing_offered(kind):  # run as a script of its own
    import streamlit as st
    from pydantic import TypeAdapter

    from dpia.app._widgets import WIDGETS
    from dpia.questionnaire import Question

    options = [{"value": "consent", "label": "Consent", "when": "'consent' in legal_basis"}]
    question = TypeAdapter(Question).validate_python(
        {"id": "basis_for_purpose", "type": kind, "label": "Basis for this purpose"}
        | {"options": options}
    )
    st.session_state["returned"] = WIDGETS[kind](
        question, None, key="q-basis_for_purpose", offered=[], compact=False
    )


@pytest.mark.parametrize("kind", ["single_choice", "multi_choice"])
def test_a_choice_with_nothing_to_offer_yet_says_what_to_answer_first(kind):
    app = AppTest.from_function(_choice_with_nothing_offered, args=(kind,), default_timeout=30)
    app.run()
    no_failures(app)
    assert not app.radio and not app.multiselect
    assert "Answer the questions above first" in app.info[0].value
    assert app.session_state["returned"] in (None, [])


def test_the_preview_says_when_it_shows_only_the_first_pages(real_questionnaire):
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        pytest.skip("the preview needs LibreOffice and poppler")
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    import_answers(app, TIMING_ONLY.read_bytes(), TIMING_ONLY.name)
    app.switch_page("dpia/app/pages/document.py").run()
    app.button(key="doc-build").click().run(timeout=180)
    no_failures(app)
    assert "The first 12 pages. Download the document to read the rest." in [
        c.value for c in app.caption
    ]


def test_the_served_app_never_reloads_its_modules_under_a_running_archive():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["server"]["fileWatcherType"] == "none"


def test_the_archive_timeline_gives_the_decision_in_words(archive, people, trusted):
    app = decide(record_everything(saved_case(import_answers(fresh_app())), people))
    for person in people.values():
        app.selectbox(key="sign-as").select(person.fingerprint).run()
        sign_as(app, person, PASSPHRASE.decode())
        no_failures(app)
    app.button(key="freeze").click().run()
    stored = archive.version(app.session_state["dpia.case"].assessment_id)
    assert stored.status_history[-1].note == "decision: Approve with conditions"


def test_an_added_signatory_is_listed_at_once_and_cannot_be_added_twice(archive_url, people):
    app = saved_case(import_answers(fresh_app()))
    app.text_input(key="q-so-assessor-email").input("dana.assessor@example.org")
    app.button(key="so-people-save").click().run()
    certificate = people["dpo"].certificate_path.read_bytes()
    app.file_uploader(key="so-sig-cert").set_value(("cert.pem", certificate, "text/plain")).run()
    app.button(key="so-sig-add").click().run()
    no_failures(app)
    assert any(
        m.value.startswith("**Dana Officer** (Data protection officer)") for m in app.markdown
    )
    assert "so-sig-add" not in [b.key for b in app.button]
    assert any(c.value.startswith("Dana Officer is on the list above.") for c in app.caption)


def test_the_list_shows_status_first_with_title_and_review_date_and_no_none(archive_url):
    app = import_answers(fresh_app())
    app.button(key="nav-next").click().run()  # saves the draft
    app.switch_page("dpia/app/pages/assessments.py").run()
    no_failures(app)
    listing = app.table[0].value
    assert list(listing.columns)[:3] == ["Status", "Title", "Review due"]
    assert list(listing["Status"]) == ["Draft, not yet versioned"]
    assert list(listing["Version"]) == [""]


def test_an_untrusted_signature_says_how_the_certificate_becomes_trusted(archive_url, people):
    app = decide(record_everything(saved_case(import_answers(fresh_app())), people))
    app.selectbox(key="sign-as").select(people["dpo"].fingerprint).run()
    sign_as(app, people["dpo"], PASSPHRASE.decode())
    no_failures(app)
    card = next(m.value for m in app.markdown if m.value.startswith("**Signature:**"))
    labels = re.findall(r"\*\*([^*]+):\*\*", card)
    assert labels[:2] == ["Signature", "Trust"]  # what it proves first, then who vouches
    assert "**Trust:** Not trusted: " in card
    assert any("`dpia trust add cert.pem`" in c.value for c in app.caption)
