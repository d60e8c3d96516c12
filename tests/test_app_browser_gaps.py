"""Three things a team noticed in Chromium: View as survives a reload, messages name questions
as the wizard asks them, and a signature is read in full on a phone.

Screenshots go to test-artifacts/ (gaps-*.png) at 1280 and 420 px, for a reviewer to look at.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from app_support import MINI_ANSWERS
from test_app_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    _choose,
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

_SIDEWAYS = """(selector) => {
  const page = document.documentElement;
  const wide = [];
  if (page.scrollWidth > window.innerWidth + 1) wide.push(`page ${page.scrollWidth}px`);
  for (const box of document.querySelectorAll(selector)) {
    if (box.scrollWidth > box.clientWidth + 1 && box.clientWidth > 0) {
      wide.push(`${box.tagName} ${box.scrollWidth}px in ${box.clientWidth}px: ${box.innerText}`);
    }
  }
  return wide;
}"""
"""The page, or anything matching `selector`, wider than its box: scrolled sideways or clipped."""


def _browser(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def _shots(page, name: str, height: int = 1600) -> None:
    """The app scrolls inside its own box, so a full-page shot is as tall as the viewport."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / f"gaps-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.wait_for_timeout(200)


def test_a_reload_keeps_the_role_local_mode_views_as(served):
    """A DPO halfway through the wizard reloads: same role, same assessment, same step, same
    answers; back to every role, a reload keeps that too."""
    from playwright.sync_api import sync_playwright
    from test_app_browser_views import _assessment

    url, work = served
    assessment_id = _assessment(work)
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 1200})
        page.goto(f"{url}/wizard?assessment={assessment_id}&step=scope")
        _settle(page)
        _choose(page, "view-as", "Data protection officer")
        assert "view_as=dpo" in page.url and "step=scope" in page.url
        page.reload()
        _settle(page)
        page.get_by_text("Viewing as Data protection officer.").wait_for()
        page.get_by_text("Local mode, acting as Data protection officer only.").wait_for()
        assert "step=scope" in page.url
        assert "Germany" in _field(page, "q-countries").inner_text()
        _shots(page, "view-as-dpo-after-reload")
        page.get_by_role("link", name="Archive").click()
        _settle(page)
        _choose(page, "view-as", "Decision-maker")
        page.reload()
        _settle(page)
        page.get_by_text("Viewing as Decision-maker.").wait_for()
        assert f"assessment={assessment_id}" in page.url
        _choose(page, "view-as", "Every role")
        page.reload()
        _settle(page)
        assert page.get_by_text("Viewing as").count() == 0
        page.get_by_text("Local mode: one user with every role.").wait_for()
        browser.close()


def test_an_imported_file_that_does_not_fit_is_explained_in_the_wizards_words(served, tmp_path):
    from playwright.sync_api import sync_playwright

    url, _ = served
    bad = tmp_path / "pilot.yaml"
    bad.write_bytes(
        MINI_ANSWERS.replace(b"basis: consent", b"basis: contract").replace(
            b"jurisdiction: de,", b"jurisdiction: fr,"
        )
    )
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 1200})
        page.goto(url)
        _settle(page)
        page.get_by_text("Import an answers file").click()
        page.locator("input[type='file']").set_input_files(str(bad))
        _settle(page)
        message = page.get_by_text("pilot.yaml does not open")
        message.wait_for()
        shown = page.locator("[data-testid='stAlertContentError']").inner_text()
        assert "Line 7, “Staff per jurisdiction”: Row 1, “Jurisdiction”" in shown
        assert "allowed: “Germany”, “California”" in shown
        assert not re.search(r"\b[a-z]+_[a-z_]+\b|answers\.|column '", shown), shown
        _shots(page, "import-refused")
        browser.close()


def test_a_signature_is_read_in_full_at_every_width_and_nothing_scrolls_sideways(
    served, monkeypatch
):
    from browser_signing_support import signed_off_draft
    from playwright.sync_api import sync_playwright
    from test_app_review import PASSPHRASE

    url, work = served
    people, _, assessment_id = signed_off_draft(
        work, "gaps-keys", "Keystroke pilot, signed and read on a phone", monkeypatch
    )
    dpo = people["dpo"]
    ours = urlsplit(url).netloc
    elsewhere: list[str] = []
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 2200})  # the form in view
        page.on(
            "request",
            lambda request: (
                None if urlsplit(request.url).netloc == ours else elsewhere.append(request.url)
            ),
        )
        page.goto(f"{url}/review?assessment={assessment_id}")
        _settle(page)
        page.get_by_text("Signatures the decision needs").wait_for(timeout=120_000)
        form = page.locator("[data-testid='stForm']")
        _choose(page, "sign-as", "Dana Officer (Data protection officer)")
        uploads = form.locator("input[type='file']")
        uploads.nth(0).set_input_files(str(dpo.key_path))
        uploads.nth(1).set_input_files(str(dpo.certificate_path))
        _settle(page)
        form.locator("input[type='password']").fill(PASSPHRASE.decode())
        form.get_by_role("button", name="Sign the document").click()
        _settle(page)
        page.get_by_text("Signed as Dana Officer.").wait_for(timeout=60_000)
        card = _field(page, "signature-1")
        groups = dpo.fingerprint.split(":")
        wanted = [":".join(groups[i : i + 8]) for i in range(0, 32, 8)]
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 1600})
            _settle(page)
            text = card.inner_text()
            assert "Dana Officer · Data protection officer" in text
            assert "Signature: Valid: intact, and the signer's certificate is trusted" in text
            assert all(group in text for group in wanted), text  # every byte, none cut off
            box = card.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            assert page.evaluate(_SIDEWAYS, "[class*='st-key-signature-'] *") == [], width
        _shots(page, "signature-card", height=4200)
        browser.close()
    assert elsewhere == []


def test_wide_tables_become_cards_on_a_phone(served):
    """The assessment list and the legal exposure: a table at 1280 px, a card per row at 420."""
    from playwright.sync_api import expect, sync_playwright
    from test_app_browser_views import _assessment

    url, work = served
    assessment_id = _assessment(work)
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        for name, key, heading in (
            ("", "assessments", "Keystroke pilot, seen at every width"),
            ("risks", "exposure-1", "A valid legal basis"),
        ):
            page.goto(f"{url}/{name}?assessment={assessment_id}")
            _settle(page)
            if name == "risks":
                page.get_by_role("tab", name="Legal exposure").click()
                _settle(page)
            wide, narrow = _field(page, f"wide-{key}"), _field(page, f"narrow-{key}")
            expect(wide).to_be_visible(timeout=60_000)
            expect(narrow).to_be_hidden()
            table = " ".join(wide.locator("table").inner_text().split())
            assert heading in table, table
            page.set_viewport_size({"width": 420, "height": 1600})
            _settle(page)
            expect(narrow).to_be_visible()
            expect(wide).to_be_hidden()
            cards = " ".join(narrow.inner_text().split())
            assert heading in cards and "Status:" in cards, cards
            assert page.evaluate(_SIDEWAYS, f".st-key-narrow-{key} *") == []
            _shots(page, f"cards-{key}", height=3000)
            page.set_viewport_size({"width": 1280, "height": 1600})
        browser.close()
