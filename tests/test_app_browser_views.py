"""Every page in Chromium at 1280 and 420 px: nothing asked of another host, no table text cut off,
and local mode's View as showing the legal viewer's pages.

Screenshots go to test-artifacts/ (app-view-*.png) for a reviewer to look at.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
import yaml
from app_support import MINI_ANSWERS
from test_app_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, _choose, _settle, served

from dpia.archive import open_archive

__all__ = ["served"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed"),
]
PAGES = ("assessments", "wizard", "risks", "document", "review", "archive")
WIDTHS = (1280, 420)

_CUT_OFF = """() => {
  const cut = [];
  for (const table of document.querySelectorAll("[data-testid='stTable'] table")) {
    for (const cell of table.querySelectorAll("td, th")) {
      if (cell.scrollWidth > cell.clientWidth + 1) cut.push(cell.innerText.slice(0, 60));
    }
    let box = table.parentElement;
    while (box && box.clientWidth >= table.scrollWidth - 1 && box !== document.body) {
      box = box.parentElement;
    }
    const scrolls = box && ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
    if (box && box !== document.body && !scrolls) {
      cut.push(`a table ${table.scrollWidth}px wide in a ${box.clientWidth}px box, no scrolling`);
    }
  }
  return cut;
}"""


def _assessment(work) -> str:
    mapping = json.loads(json.dumps(yaml.safe_load(MINI_ANSWERS), default=str))
    mapping["assessment"]["title"] = "Keystroke pilot, seen at every width"
    archive = open_archive(f"sqlite:///{work}/archive.sqlite3")
    return archive.save_draft(mapping, actor="local:viewer").assessment_id


def _open(page, url: str, name: str, assessment_id: str) -> None:
    page.goto(f"{url}/{'' if name == 'assessments' else name}?assessment={assessment_id}")
    _settle(page)
    if name == "risks":
        page.get_by_role("tab", name="Legal exposure").click()
        _settle(page)


def test_every_page_asks_only_the_app_and_cuts_off_no_table_text(served):
    from playwright.sync_api import sync_playwright

    url, work = served
    assessment_id = _assessment(work)
    ours = urlsplit(url).netloc
    elsewhere: list[str] = []
    cut: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.on(
            "request",
            lambda request: (
                None if urlsplit(request.url).netloc == ours else elsewhere.append(request.url)
            ),
        )
        ARTIFACTS.mkdir(exist_ok=True)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 1400})
            for name in PAGES:
                _open(page, url, name, assessment_id)
                found = page.evaluate(_CUT_OFF)
                if found:
                    cut[f"{name} at {width} px"] = found
                page.screenshot(
                    path=str(ARTIFACTS / f"app-view-{name}-{width}.png"), full_page=True
                )
        browser.close()
    assert elsewhere == []
    assert cut == {}


def test_view_as_shows_the_legal_viewers_pages_marked_as_such(served, monkeypatch):
    """The legal viewer reads the frozen version 1, with the draft after it named as pending."""
    from playwright.sync_api import sync_playwright
    from test_app_roles import _frozen

    url, work = served
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(ROOT / "tests" / "fixtures"))
    archive = open_archive(f"sqlite:///{work}/archive.sqlite3")
    mapping = json.loads(json.dumps(yaml.safe_load(MINI_ANSWERS), default=str))
    mapping["assessment"]["title"] = "Keystroke pilot, as approved"
    assessment_id = _frozen(archive, mapping, number=1)
    mapping["assessment"].update(id=assessment_id, title="Keystroke pilot, being changed")
    archive.save_draft(mapping, actor="ann@example.org")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        # One session throughout: the View as choice is the session's.
        page.goto(f"{url}/?assessment={assessment_id}")
        _settle(page)
        _choose(page, "view-as", "Legal (read only)")
        page.get_by_text("Viewing as Legal (read only).").wait_for()
        for name, link in (("wizard", "Wizard"), ("review", "Review & sign-off")):
            page.set_viewport_size({"width": 1280, "height": 1400})
            page.get_by_role("link", name=link).click()
            _settle(page)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 1400})
                _settle(page)
                page.get_by_text("Viewing as Legal (read only).").wait_for()
                page.get_by_text(
                    "You are reading version 1, the latest signed and frozen"
                ).wait_for()
                page.get_by_text("by ann@example.org: not archived, not decided.").wait_for()
                assert page.get_by_text("Keystroke pilot, being changed").count() == 0
                editable = page.locator(
                    "[data-testid='stMain'] input:not([disabled]):not([type='hidden']), "
                    "[data-testid='stMain'] textarea:not([disabled])"
                )
                assert editable.count() == 0, name
                page.screenshot(
                    path=str(ARTIFACTS / f"app-view-legal-{name}-{width}.png"), full_page=True
                )
        browser.close()
