"""A fault inside the app is a short apology with a reference, never Streamlit's traceback.

The reference is the command line's (dpia/_fault.py): the same fault gives the same reference,
and the file it names holds the traceback, so an administrator can look it up. Faults are
provoked by making a real part of dpia fail where the app calls it: in a page, in the frame
around every page, and in a button's callback, which runs before the page.
"""

from __future__ import annotations

import re

import pytest
from app_support import archive, archive_url, fresh_app, import_answers
from test_app_review import PASSPHRASE, decide, people, record_everything, saved_case

import dpia.app._frame
import dpia.app._review
from dpia._fault import fault_log
from dpia.archive import Archive

__all__ = ["archive", "archive_url", "people"]

APOLOGY = re.compile(
    r"Something went wrong on our side and (this page could not be shown|that action was not "
    r"completed)\. Your saved work is safe\. If it happens again, give your administrator the "
    r"reference (?P<reference>[0-9a-f]{10})\."
)


class Broken(RuntimeError):
    """What a fault in dpia looks like from the app: an error nobody meant to raise."""


def _broken(*args: object, **kwargs: object) -> None:
    raise Broken("the part the app called failed")


def _apology_reference(app) -> str:
    """The one error shown is the apology; its reference names a log holding the traceback."""
    assert not app.exception, [e.message for e in app.exception]
    (shown,) = [e.value for e in app.error]
    matched = APOLOGY.fullmatch(shown)
    assert matched, shown
    reference = matched["reference"]
    logged = fault_log(reference).read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "Broken: the part the app called failed" in logged
    return reference


def test_a_fault_in_a_page_shows_a_reference_whose_log_holds_the_traceback(
    archive_url, monkeypatch
):
    monkeypatch.setattr(Archive, "assessments", _broken)
    app = fresh_app()
    reference = _apology_reference(app)
    assert (
        fault_log(reference).read_text(encoding="utf-8").startswith("the app's Assessments page\n")
    )
    # The same fault is the same reference, so reports of one bug group together.
    assert _apology_reference(fresh_app()) == reference


def test_a_fault_in_the_frame_around_the_page_is_caught_too(archive_url, monkeypatch):
    monkeypatch.setattr(dpia.app._frame, "current_user", _broken)
    reference = _apology_reference(fresh_app())
    assert fault_log(reference).read_text(encoding="utf-8").startswith("the app's frame\n")


@pytest.mark.slow
def test_a_fault_in_the_sign_buttons_callback_is_shown_on_the_next_page(archive_url, people):
    app = decide(record_everything(saved_case(import_answers(fresh_app())), people))
    dpo = people["dpo"]
    app.selectbox(key="sign-as").select(dpo.fingerprint).run()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dpia.app._review.FileKeySigner, "from_pem", _broken)
        app.file_uploader(key="sign-key").set_value(("key.pem", dpo.key_path.read_bytes(), "x"))
        app.file_uploader(key="sign-cert").set_value(
            ("cert.pem", dpo.certificate_path.read_bytes(), "x")
        )
        app.text_input(key="sign-passphrase").input(PASSPHRASE.decode())
        app.button(key="sign-go").click().run()
    reference = _apology_reference(app)
    assert "that action was not completed" in app.error[0].value
    assert "_attempt_signing" in fault_log(reference).read_text(encoding="utf-8")
    # Said once: the next run shows the page as usual, and the key was not kept.
    app.run()
    assert not app.error and not app.exception
    assert app.file_uploader(key="sign-key").value is None


def test_an_error_streamlit_raises_before_the_page_shows_no_details(archive_url):
    """Outside dpia's guards only Streamlit's own checks remain (here: a forged upload whose
    name the field does not take, which a browser refuses before sending); the app's config
    (`client.showErrorDetails = "none"`) keeps their details out of the browser."""
    app = fresh_app()
    app.file_uploader(key="import-file").set_value(("answers.docx", b"PK", "text/plain")).run()
    (shown,) = [e for e in app.exception]
    assert "original error message is redacted" in shown.message
    assert ".docx" not in shown.message and not shown.stack_trace
