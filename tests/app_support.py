"""Running the real Streamlit app in-process (AppTest) against a fresh archive database.

Each test gets its own SQLite file and the small questionnaires of tests/fixtures, so the app
tests never depend on the full questionnaire while it changes, and never see each other's rows.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dpia.archive import Archive, open_archive

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
ENTRY_POINT = str(ROOT / "streamlit_app.py")
TIMEOUT = 60

# Sign-in settings as .streamlit/secrets.toml would hold them; no provider is contacted.
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-string-for-the-cookie",
    "client_id": "dpia",
    "client_secret": "secret",
    "server_metadata_url": "https://id.example.org/.well-known/openid-configuration",
}


@pytest.fixture
def archive_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/archive.sqlite3"
    monkeypatch.setenv("DPIA_DATABASE_URL", url)
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(FIXTURES))
    return url


@pytest.fixture
def archive(archive_url: str) -> Archive:
    return open_archive(archive_url)


def fresh_app(**query: str) -> AppTest:
    """The app as a new browser tab would load it, optionally with URL query parameters."""
    app = AppTest.from_file(ENTRY_POINT, default_timeout=TIMEOUT)
    for name, value in query.items():
        app.query_params[name] = value
    return app.run()


def no_failures(app: AppTest) -> None:
    """Nothing crashed and no error box is shown."""
    assert not app.exception, [e.message for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def start_assessment(app: AppTest, questionnaire: str = "mini@1.0") -> AppTest:
    app.selectbox(key="new-questionnaire").select(questionnaire).run()
    app.button(key="new-start").click().run()
    app.text_input(key="q-meta-title").input("Keystroke pilot")
    app.text_input(key="q-meta-organisation").input("Example GmbH")
    app.text_input(key="q-meta-assessor").input("Dana Assessor")
    return app.button(key="nav-next").click().run()


MINI_ANSWERS = b"""\
questionnaire: mini@1.0
assessment: {title: Keystroke pilot, organisation: Example GmbH, assessor: Dana, date: 2026-05-04}
answers:
  countries: [de, us_ca]
  works_council: true
  basis: consent
  staff: [{jurisdiction: de, headcount: 120}, {jurisdiction: us_ca, headcount: 30}]
  turnover: 2000000000
  headcount: 150
  captured: [keystroke_content, screenshots]
"""


def import_answers(app: AppTest, content: bytes = MINI_ANSWERS, name: str = "answers.yaml"):
    """Open an answers file as a new assessment, the way a user imports one."""
    app.file_uploader(key="import-file").set_value((name, content, "application/x-yaml")).run()
    return app.button(key="import-open").click().run()


def sign_as(app: AppTest, person, passphrase: str) -> AppTest:
    """Sign on the Review page with a person's key and certificate, as they would upload them."""
    app.file_uploader(key="sign-key").set_value(
        ("key.pem", person.key_path.read_bytes(), "text/plain")
    )
    app.file_uploader(key="sign-cert").set_value(
        ("cert.pem", person.certificate_path.read_bytes(), "text/plain")
    )
    app.text_input(key="sign-passphrase").input(passphrase)
    return app.button(key="sign-go").click().run()


def signature_cards(app: AppTest) -> list[dict[str, str]]:
    """The signature cards on the page, in page order, as a reader sees them: the signer's line
    ("Signer", with the role after " · ") and each labelled line ("Signature", "Trust", ...)."""
    cards: list[dict[str, str]] = []
    shown = [m.value for m in app.markdown]
    for before, text in pairwise(shown):
        if not text.startswith("**Signature:**"):
            continue
        signer, _, role = before.partition(" · ")
        card = {"Signer": signer.strip("*").replace("\\", ""), "Role": role}
        for line in text.split("  \n"):
            label, _, value = line.removeprefix("**").partition(":** ")
            card[label] = value.replace("\\", "")
        cards.append(card)
    return cards
