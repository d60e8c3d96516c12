"""Sign-in end to end: a real OpenID Connect provider, the app as served, Chromium in between.

The provider is node-oidc-provider (tests/oidc/, pinned by its lock file), started on
127.0.0.1 with one person for each role. The app is configured exactly as docs/app.md tells an
administrator to (an `[auth]` section with the provider's discovery URL), and each person
signs in on the provider's own page, sees the pages their role gives them and signs out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_app_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, _free_port, _settle

from dpia.archive import grant_role, open_archive

PROVIDER = ROOT / "tests" / "oidc"
NODE = shutil.which("node")
PEOPLE = {
    # login: (email, name, role)
    "ann": ("ann@example.org", "Ann Author", "author"),
    "dana": ("dana@example.org", "Dana Officer", "dpo"),
    "max": ("max@example.org", "Max Decider", "decision_maker"),
    "lena": ("lena@example.org", "Lena Legal", "legal_viewer"),
    "nora": ("nora@example.org", "Nora Newcomer", None),
}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NODE is None, reason="Node.js is not installed (CI has Node.js 20)"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed"),
]


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer: {log.read_text()}")


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The provider's issuer URL and the client the app is registered as."""
    if not (PROVIDER / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=PROVIDER, check=True, timeout=600
        )
    work = tmp_path_factory.mktemp("oidc")
    app_port, port = _free_port(), _free_port()
    client = {
        "port": port,
        "client_id": "dpia",
        "client_secret": "the secret of the dpia client at the test provider",
        "redirect_uri": f"http://127.0.0.1:{app_port}/oauth2callback",
        "people": [
            {"login": login, "email": email, "name": name}
            for login, (email, name, _) in PEOPLE.items()
        ],
    }
    (work / "provider.json").write_text(json.dumps(client))
    log = work / "provider.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [NODE, str(PROVIDER / "provider.mjs"), str(work / "provider.json")],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        issuer = f"http://127.0.0.1:{port}"
        _wait_for(f"{issuer}/.well-known/openid-configuration", process, log)
        yield {**client, "issuer": issuer, "app_port": app_port, "work": work}
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def signed_in_app(provider: dict) -> Iterator[str]:
    """The app, served with sign-in through the provider, and an assessment on file."""
    work: Path = provider["work"]
    url = f"sqlite:///{work}/archive.sqlite3"
    archive = open_archive(url)
    for email, _, role in PEOPLE.values():
        if role:
            grant_role(archive, email, role, actor="admin")
    archive.save_draft(
        {
            "questionnaire": "mini@1.0",
            "assessment": {
                "title": "Keystroke pilot",
                "organisation": "Example GmbH",
                "assessor": "Ann Author",
                "date": "2026-05-04",
            },
            "answers": {"countries": ["de"], "works_council": False, "basis": "consent"},
        },
        actor="ann@example.org",
    )
    secrets = work / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{provider["redirect_uri"]}"\n'
        'cookie_secret = "a long random string for the test cookie"\n'
        f'client_id = "{provider["client_id"]}"\n'
        f'client_secret = "{provider["client_secret"]}"\n'
        f'server_metadata_url = "{provider["issuer"]}/.well-known/openid-configuration"\n'
    )
    environment = {
        **os.environ,
        "DPIA_DATABASE_URL": url,
        "DPIA_QUESTIONNAIRES": str(ROOT / "tests" / "fixtures"),
        "DPIA_SIGNING_DIR": str(work / "signing"),
        "DPIA_TRUST_DIR": str(work / "trust"),
    }
    log = work / "streamlit.log"
    port = provider["app_port"]
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
                "--server.headless=true", f"--server.port={port}",
                "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none", f"--secrets.files={secrets}",
            ],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        app = f"http://127.0.0.1:{port}"
        _wait_for(f"{app}/_stcore/health", server, log)
        yield app
    finally:
        server.terminate()
        server.wait(timeout=30)


def _sign_in(page, app: str, login: str) -> None:
    page.goto(app)
    _settle(page)
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name='login']").fill(login)
    page.locator("input[name='password']").fill("any password")
    page.locator("button[type='submit']").click()
    page.wait_for_url(f"{app}/**", timeout=60_000)
    _settle(page)


def _sign_out(page, app: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    confirm = page.get_by_role("button", name="Yes, sign me out")
    confirm.wait_for(timeout=60_000)
    confirm.click()
    page.wait_for_url(f"{app}/**", timeout=60_000)
    _settle(page)


def _sidebar_text(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


@pytest.mark.parametrize("login", list(PEOPLE))
def test_each_role_signs_in_at_the_provider_sees_its_pages_and_signs_out(signed_in_app, login):
    from playwright.sync_api import sync_playwright

    app = signed_in_app
    email, name, role = PEOPLE[login]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        page.goto(app)
        _settle(page)
        assert page.get_by_role("button", name="Sign in").is_visible()
        assert page.get_by_text("Keystroke pilot").count() == 0  # nothing shown before sign-in
        if login == "ann":
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "sign-in-1-app.png"))
            page.get_by_role("button", name="Sign in").click()
            page.locator("input[name='login']").wait_for()
            page.screenshot(path=str(ARTIFACTS / "sign-in-2-provider.png"))
            page.goto(app)
        _sign_in(page, app, login)

        if role is None:
            assert page.get_by_role("heading", name="No role yet").is_visible()
            assert page.get_by_text(f"dpia users grant {email} author").is_visible()
        else:
            sidebar = _sidebar_text(page)
            assert name in sidebar
            assert {
                "author": "Author",
                "dpo": "Data protection officer",
                "decision_maker": "Decision-maker",
                "legal_viewer": "Legal (read only)",
            }[role] in sidebar
            assert "Local mode" not in sidebar
            starts = page.get_by_role("button", name="Start a new assessment")
            assert starts.count() == (1 if role in ("author", "dpo") else 0)
            page.locator(".st-key-list-open-button").get_by_role("button").click()
            _settle(page)
            page.get_by_role("link", name="Review & sign-off").click()
            _settle(page)
            page.get_by_role("heading", name="Review & sign-off").wait_for()
            page.get_by_role("tab", name="DPO advice").click()
            record_advice = page.get_by_role("button", name="Record the advice")
            assert record_advice.count() == (1 if role == "dpo" else 0)
            page.get_by_role("tab", name="Decision").click()
            record_decision = page.get_by_role("button", name="Record the decision")
            assert record_decision.count() == (1 if role == "decision_maker" else 0)
            if role == "legal_viewer":
                assert page.get_by_text("Nothing has been archived or decided yet").is_visible()
                assert page.locator("input:not([disabled]), textarea:not([disabled])").count() == 0
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"sign-in-3-{role}-review.png"))
            page.set_viewport_size({"width": 420, "height": 1100})
            _settle(page)
            page.screenshot(path=str(ARTIFACTS / f"sign-in-4-{role}-review-narrow.png"))
            page.set_viewport_size({"width": 1280, "height": 1100})

        _sign_out(page, app)
        assert page.get_by_role("button", name="Sign in").is_visible()
        page.goto(app)
        _settle(page)
        assert page.get_by_role("button", name="Sign in").is_visible()
        assert name not in page.content()
        browser.close()
