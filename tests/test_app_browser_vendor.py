"""A deployer's assessment in a real browser: the university AI-assistant example is imported,
and the steps a deployer answers are shown as a user sees them, at 1280 px and on a narrow
screen. The vendor step asks about the vendor and the settings; the purposes step asks no
question about training models, because the university trains none.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
EXAMPLE = ROOT / "examples" / "scenario-q-university-ai-assistant.yaml"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
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
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("vendor-browser")
    port = _free_port()
    environment = {**os.environ, "DPIA_DATABASE_URL": f"sqlite:///{work}/archive.sqlite3"}
    environment.pop("DPIA_QUESTIONNAIRES", None)
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
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _settle(page) -> None:
    page.wait_for_timeout(250)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=120_000
    )
    page.wait_for_timeout(250)


def _shot(page, name: str) -> None:
    """From the top of the step, where its title and progress are."""
    page.evaluate("document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0)")
    page.wait_for_timeout(200)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"app-vendor-{name}.png"), full_page=True)


def _next(page) -> None:
    page.locator(".st-key-nav-next").get_by_role("button").click()
    _settle(page)


def test_a_deployer_sees_the_vendor_step_and_no_training_questions(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(app_url)
        _settle(page)
        page.get_by_text("Import an answers file (YAML or JSON)").click()
        page.locator(".st-key-import-file input[type=file]").set_input_files(str(EXAMPLE))
        _settle(page)
        page.locator(".st-key-import-open").get_by_role("button").click()
        _settle(page)
        page.locator(".st-key-nav-next").wait_for()

        while page.locator(".st-key-q-collected_by_vendor_software").count() == 0:
            _next(page)
        assert page.locator(".st-key-q-pause_switch").count() == 0
        _shot(page, "1-capture")

        _next(page)
        for key in (
            "vendor_role_diagnostic",
            "contract_no_training",
            "telemetry_level",
            "access_requests_diagnostic",
            "ai_filters_opaque",
            "deployer_trains_models",
        ):
            page.locator(f".st-key-q-{key}").wait_for()
        _shot(page, "2-vendor")
        page.set_viewport_size({"width": 420, "height": 1400})
        _settle(page)
        _shot(page, "3-vendor-narrow")
        page.set_viewport_size({"width": 1280, "height": 1400})

        _next(page)
        page.locator(".st-key-q-purposes").wait_for()
        for key in ("model_trainer", "model_hosting", "general_purpose_model", "collection_origin"):
            assert page.locator(f".st-key-q-{key}").count() == 0, key
        _shot(page, "4-purposes")
        browser.close()
