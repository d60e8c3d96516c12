"""The app in Chromium as a team works in it: autosave and reload, the leave prompt, a stable
step list, the ratings in every view with what raised and lowered them, the archive diff of the
whole record, advice to be reviewed and the conditions of an approval.

Every page is saved in test-artifacts/ at 1280 px and at 420 px, for a reviewer to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    _choose,
    _click,
    _field,
    _settle,
    served,
)

__all__ = ["served"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed"),
]

WIDTHS = (1280, 420)


def _shots(page, name: str) -> None:
    """The page as it is now at both widths, full length."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1800})
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / f"work-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.wait_for_timeout(200)


def _browser(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def _progress(page) -> str:
    return page.locator("[data-testid='stProgress']").inner_text().strip()


def test_answers_survive_a_reload_and_leaving_with_typed_text_asks_first(served):
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    url, _ = served
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url)
        _settle(page)
        _choose(page, "new-questionnaire", "A small questionnaire (version 1.0)")
        _click(page, "new-start")
        assert "Step 1 of 3" in _progress(page)
        for name, text in (
            ("title", "Reload pilot"),
            ("organisation", "Example GmbH"),
            ("assessor", "Dana Assessor"),
        ):
            _field(page, f"q-meta-{name}").locator("input").fill(text)
            _field(page, f"q-meta-{name}").locator("input").press("Tab")
            _settle(page)
        assert "assessment=A-" in page.url  # saved without pressing Next
        _click(page, "nav-next")
        _choose(page, "q-countries", "Germany")
        page.get_by_text("All steps").click()
        _settle(page)
        page.get_by_text("may add: asked if your answers call for it").wait_for()
        _shots(page, "0-wizard-step-list-may-add")
        headcount = _field(page, "q-headcount").locator("input")
        headcount.fill("25")
        headcount.press("Enter")
        _settle(page)
        assert "Step 2 of 3" in _progress(page)  # Capture is now asked: the total stays
        _click(page, "q-staff-add")
        cells = page.locator("[class*='st-key-q-staff-'][class*='-headcount'] input")
        cells.first.fill("25")
        cells.first.press("Enter")
        _settle(page)
        error = "Row 1: “Jurisdiction” needs an answer."
        page.get_by_text(error).wait_for()
        _shots(page, "1-wizard-held-answer")

        page.reload()
        _settle(page)
        page.get_by_text(error).wait_for(timeout=60_000)  # kept in the draft, and said again
        assert "step=scope" in page.url
        assert _field(page, "q-headcount").locator("input").input_value() == "25"
        assert cells.first.input_value() == "25"
        assert "Germany" in _field(page, "q-countries").inner_text()

        asked: list[str] = []
        page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
        cells.first.click()  # a browser asks only on a page the user has interacted with
        page.keyboard.type("0")  # typed, not applied yet
        staying = page.url
        with pytest.raises(PlaywrightError, match="ERR_ABORTED"):
            page.goto(url, timeout=10_000)  # the user stays: the prompt was dismissed
        assert asked == ["beforeunload"]
        assert page.url == staying
        browser.close()


def test_ratings_views_why_the_record_diff_review_and_conditions(served, monkeypatch):
    from playwright.sync_api import sync_playwright
    from test_workflow_followup import _approved

    from dpia.archive import open_archive

    url, work = served
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(ROOT / "tests" / "fixtures"))
    archive = open_archive(f"sqlite:///{work}/archive.sqlite3")
    assessment_id = _approved(archive)

    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{url}/risks?assessment={assessment_id}")
        _settle(page)
        card = _field(page, "headline-chilling_effect")
        card.wait_for(timeout=60_000)
        card.get_by_role("button", name="Why?").click()
        page.get_by_text("What lowers it or keeps it low", exact=True).wait_for()
        _shots(page, "2-risks-views-and-why")
        page.keyboard.press("Escape")
        page.get_by_text("What lowers it or keeps it low", exact=True).wait_for(state="hidden")
        assert page.get_by_text("If all recommendations").count() >= 1
        _shots(page, "2b-risks-overall-views")

        page.goto(f"{url}/archive?assessment={assessment_id}")
        _settle(page)
        page.get_by_role("tab", name="Compare versions").click()
        _settle(page)
        page.get_by_text("Record changed (3)").wait_for()
        page.get_by_text("Status: Draft → Approved").wait_for()
        _shots(page, "3-archive-diff-record")

        page.goto(f"{url}/review?assessment={assessment_id}")
        _settle(page)
        page.get_by_text("Conditions of the approval (version 2)").wait_for(timeout=60_000)
        owner = _field(page, "q-cond-decision-1-owner").locator("input")
        owner.fill("CISO")
        owner.press("Tab")
        due = _field(page, "q-cond-decision-1-due").locator("input")
        due.fill("2026-07-01")
        due.press("Enter")
        _settle(page)
        _click(page, "q-cond-decision-1-save")
        page.get_by_text("Condition 1 saved.").wait_for()

        page.goto(f"{url}/wizard?assessment={assessment_id}&step=scope")
        _settle(page)
        headcount = _field(page, "q-headcount").locator("input")
        headcount.fill("400")
        headcount.press("Enter")
        _settle(page)
        page.get_by_role("link", name="Review & sign-off").click()
        _settle(page)
        page.get_by_text("The DPO's advice is to be reviewed.").wait_for(timeout=60_000)
        page.get_by_text("What changed since version 1").first.click()
        _settle(page)
        _shots(page, "4-review-to-be-reviewed-and-conditions")
        browser.close()
    assert Path(ARTIFACTS / "work-4-review-to-be-reviewed-and-conditions-420.png").exists()


def test_a_refused_save_stays_with_its_assessment_when_another_is_opened(served, monkeypatch):
    from playwright.sync_api import sync_playwright
    from test_workflow_followup import _approved

    from dpia.archive import open_archive

    url, work = served
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(ROOT / "tests" / "fixtures"))
    archive = open_archive(f"sqlite:///{work}/archive.sqlite3")
    first, second = _approved(archive), _approved(archive)
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{url}/wizard?assessment={first}&step=scope")
        _settle(page)
        headcount = _field(page, "q-headcount").locator("input")
        headcount.fill("151")
        headcount.press("Enter")
        _settle(page)
        draft = archive.draft(first)  # someone else saves the same draft meanwhile
        archive.save_draft(draft.answers, actor="erik@example.org", revision=draft.revision)
        headcount.fill("152")
        headcount.press("Enter")
        _settle(page)
        page.get_by_text("erik@example.org").first.wait_for()
        _shots(page, "5-stale-draft-on-the-first")

        page.get_by_role("link", name="Assessments").click()
        _settle(page)
        listing = _field(page, "list-open")
        listing.get_by_role("combobox").click()
        page.get_by_role("option", name=second, exact=False).click()
        _settle(page)
        _click(page, "list-open-button")
        page.wait_for_url(f"**assessment={second}**")
        _settle(page)
        assert page.get_by_text("erik@example.org").count() == 0
        assert _field(page, "stale-reload").count() == 0
        _shots(page, "6-second-assessment-clean")
        browser.close()
