"""The app in a real browser: a short assessment from start to the downloaded Word document.

Streamlit is started as a user would start it, on a free port with its own archive database,
and Debian's Chromium drives it through Playwright. Each page is saved as a screenshot in
test-artifacts/ so that a reviewer can see what a user sees, at 1280 px and on a narrow screen.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app's URL and the folder of its archive, signing folder and trust store."""
    work = tmp_path_factory.mktemp("browser")
    port = _free_port()
    environment = {
        **os.environ,
        "DPIA_DATABASE_URL": f"sqlite:///{work}/archive.sqlite3",
        "DPIA_QUESTIONNAIRES": str(ROOT / "tests" / "fixtures"),
        "DPIA_SIGNING_DIR": str(work / "signing"),
        "DPIA_TRUST_DIR": str(work / "trust"),
    }
    log = (work / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
            "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                pytest.fail(f"streamlit exited: {(work / 'streamlit.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.2)
        yield url, work
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def app_url(served: tuple[str, Path]) -> str:
    return served[0]


def _settle(page) -> None:
    """Wait until the script run that the last action started has finished."""
    page.wait_for_timeout(250)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=120_000
    )
    page.wait_for_timeout(250)


def _field(page, key: str):
    return page.locator(f".st-key-{key}")


def _choose(page, key: str, option: str) -> None:
    """Pick `option` as a person would: open the list, click it. A rerun that redraws the page
    while the list opens closes it again, so the list is opened anew, as a person would."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        _settle(page)
        _field(page, key).get_by_role("combobox").click()
        try:
            wanted.click(timeout=15_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            if attempt == 2:
                raise
    page.keyboard.press("Escape")
    _settle(page)


def _click(page, key: str) -> None:
    _field(page, key).get_by_role("button").click()
    _settle(page)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"app-{name}.png"))


def test_a_short_assessment_from_start_to_the_downloaded_document(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400}, accept_downloads=True)
        page.goto(app_url)
        _settle(page)
        _shot(page, "1-assessments")

        _choose(page, "new-questionnaire", "A small questionnaire (version 1.0)")
        _click(page, "new-start")
        for name, text in (
            ("title", "Keystroke timing pilot"),
            ("organisation", "Example GmbH"),
            ("assessor", "Dana Assessor"),
        ):
            _field(page, f"q-meta-{name}").locator("input").fill(text)
        _field(page, "q-meta-assessor").locator("input").press("Tab")
        _settle(page)
        _shot(page, "2-wizard-about")
        _click(page, "nav-next")

        _choose(page, "q-countries", "Germany")
        _field(page, "q-works_council").get_by_text("Yes").click()  # the follow-up appeared
        _settle(page)
        _field(page, "q-basis").get_by_text("Legitimate interests").click()
        _settle(page)
        headcount = _field(page, "q-headcount").locator("input")
        headcount.fill("25")
        headcount.press("Enter")
        _settle(page)
        _shot(page, "3-wizard-scope")
        _click(page, "nav-next")
        _choose(page, "q-captured", "Keystroke timing")
        _shot(page, "4-wizard-capture")
        assert "step=capture" in page.url and "assessment=A-" in page.url
        _click(page, "nav-next")

        _field(page, "headline-chilling_effect").wait_for()
        _shot(page, "5-risks")
        page.get_by_role("tab", name="Risk register").click()
        _settle(page)
        _shot(page, "6-risk-register")

        page.get_by_role("link", name="Document").click()
        _settle(page)
        _click(page, "doc-build")
        page.get_by_text("Draft version 1 is ready").wait_for(timeout=180_000)
        _shot(page, "7-document")
        with page.expect_download() as download:
            _field(page, "doc-download-docx").get_by_role("button").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)

        page.get_by_role("link", name="Review & sign-off").click()
        _settle(page)
        _shot(page, "8-review")
        page.get_by_role("link", name="Archive").click()
        _settle(page)
        _shot(page, "9-archive")

        page.set_viewport_size({"width": 420, "height": 1400})
        page.goto(page.url.replace("/archive", "/risks"))
        _settle(page)
        _field(page, "headline-chilling_effect").wait_for()
        _shot(page, "10-risks-narrow")
        browser.close()

    text = [paragraph.text for paragraph in docx.Document(saved).paragraphs]
    assert saved.name.startswith("dpia-A-") and saved.suffix == ".docx"
    assert "Keystroke timing pilot" in text
    assert "Example GmbH" in text


def test_three_people_sign_in_the_browser_and_the_decision_maker_freezes(served, monkeypatch):
    """Keys and certificates uploaded through Chromium's file inputs; after every signature the
    form is empty again, and nothing is frozen until the decision-maker presses Freeze."""
    from browser_signing_support import signed_off_draft
    from playwright.sync_api import sync_playwright
    from test_app_review import PASSPHRASE, PEOPLE

    url, work = served
    people, archive, assessment_id = signed_off_draft(
        work, "keys", "Keystroke pilot, signed in the browser", monkeypatch
    )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 2200})
        page.goto(f"{url}/review?assessment={assessment_id}")
        _settle(page)
        page.get_by_text("Signatures the decision needs").wait_for(timeout=120_000)
        _shot(page, "11-review-to-sign")
        form = page.locator("[data-testid='stForm']")
        for role, name, _ in PEOPLE:
            label = {"assessor": "Assessor", "dpo": "Data protection officer"}.get(
                role, "Decision-maker"
            )
            _choose(page, "sign-as", f"{name} ({label})")
            uploads = form.locator("input[type='file']")
            uploads.nth(0).set_input_files(str(people[role].key_path))
            uploads.nth(1).set_input_files(str(people[role].certificate_path))
            _settle(page)
            form.locator("input[type='password']").fill(PASSPHRASE.decode())
            form.get_by_role("button", name="Sign the document").click()
            _settle(page)
            page.get_by_text(f"Signed as {name}.").wait_for(timeout=60_000)
            page.get_by_text(re.compile(rf"{name} \(.*, has signed")).wait_for(timeout=60_000)
            if page.locator("[data-testid='stForm']").count():
                assert form.locator("input[type='password']").input_value() == ""
                assert form.locator("[data-testid='stFileUploaderFile']").count() == 0
        _field(page, "freeze").wait_for(timeout=60_000)
        assert archive.assessments()[0].latest_version == 0
        _shot(page, "12-review-all-signed")
        _click(page, "freeze")
        page.get_by_text("Version 1 is frozen: approved.").wait_for(timeout=120_000)
        _shot(page, "13-review-frozen")
        page.set_viewport_size({"width": 420, "height": 2200})
        _settle(page)
        _shot(page, "14-review-frozen-narrow")
        browser.close()
    stored = archive.version(assessment_id)
    assert stored.status == "approved" and len(stored.signature_files) == 3
