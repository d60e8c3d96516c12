"""The web app: what one click costs on the server, measured with Streamlit's own test runner.

Two costs decide whether the app feels instant: one interaction in the wizard (an answer
changes, the script reruns, visibility is worked out again, the step is drawn) and the risk
page with every recommended measure planned (the risk engine rates the whole plan on each
rerun). Both run on the largest reference example against a throw-away archive database, each
beside a bare Streamlit page drawing the same widgets (`benchmarks/_bare_page.py`) that gets
the same interaction: the difference is our work, the rest is Streamlit's.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest

from benchmarks._bare_page import bare_page
from benchmarks._harness import Baseline, Case, Target

ROOT = Path(__file__).resolve().parent.parent
ENTRY_POINT = str(ROOT / "streamlit_app.py")
TARGET = Target(
    ratio=1.5,
    source="issue 18, point 4: risks page and wizard interactions within 1.5× a bare page with "
    "the same widgets",
)
EXAMPLE = max(sorted((ROOT / "examples").glob("*.yaml")), key=lambda p: p.stat().st_size)
_ARCHIVE = Path(tempfile.mkdtemp(prefix="dpia-bench-app-")) / "archive.sqlite3"


@contextmanager
def _own_archive() -> Iterator[None]:
    """The app's archive is a temporary file only while a case runs; other benches keep theirs."""
    before = os.environ.get("DPIA_DATABASE_URL")
    os.environ["DPIA_DATABASE_URL"] = f"sqlite:///{_ARCHIVE}"
    try:
        yield
    finally:
        if before is None:
            del os.environ["DPIA_DATABASE_URL"]
        else:
            os.environ["DPIA_DATABASE_URL"] = before


def _opened_example() -> AppTest:
    app = AppTest.from_file(ENTRY_POINT, default_timeout=120).run()
    app.file_uploader(key="import-file").set_value(
        (EXAMPLE.name, EXAMPLE.read_bytes(), "application/x-yaml")
    ).run()
    return app.button(key="import-open").click().run()


def _busiest_step(app: AppTest) -> AppTest:
    """Walk the wizard and stop on the step with the most fields, one of them free text."""
    best, best_count, steps = 0, -1, 0
    while app.title[0].value != "Risks":
        count = sum(1 for node in app.main if str(getattr(node, "key", "")).startswith("q-"))
        if count > best_count and _text_field(app) is not None:
            best, best_count = steps, count
        app.button(key="nav-next").click().run()
        steps += 1
    app.switch_page("dpia/app/pages/wizard.py").run()
    for _ in range(steps - 1 - best):
        app.button(key="nav-back").click().run()
    return app


def _text_field(app: AppTest) -> str | None:
    keys = [f.key for f in [*app.text_area, *app.text_input] if f.key]
    return next((k for k in keys if k.startswith("q-") and "meta-" not in k), None)


def _bare(app: AppTest) -> tuple[AppTest, str]:
    page = bare_page(app)
    bare = AppTest.from_string(page.script, default_timeout=120).run()
    assert not bare.exception, bare.exception
    return bare, page.describe()


def _wizard_interaction() -> Case:
    with _own_archive():
        app = _busiest_step(_opened_example())
    key = _text_field(app)
    bare, described = _bare(app)
    texts = itertools.cycle(["Reviewed by the works council.", "Reviewed by the DPO."])

    def typed(on: AppTest) -> None:
        widget = next(f for f in [*on.text_area, *on.text_input] if f.key == key)
        widget.input(next(texts)).run()

    def interact() -> None:
        with _own_archive():
            typed(app)

    return Case(
        f"wizard: one answer typed on the busiest step ({EXAMPLE.stem})",
        interact,
        20,
        Baseline(f"{described}, same answer typed", lambda: typed(bare)),
        TARGET,
    )


def _risk_page_fully_planned() -> Case:
    with _own_archive():
        app = _opened_example().switch_page("dpia/app/pages/risks.py").run()
        planned = 0
        for box in [c for c in app.checkbox if c.key and c.key.startswith("q-plan-")]:
            app.checkbox(key=box.key).check().run()
            app.text_input(key=f"{box.key}-owner").input("Programme lead").run()
            app.date_input(key=f"{box.key}-due").set_value(dt.date(2027, 3, 31)).run()
            planned += 1
        assert planned and not app.exception, app.exception
    bare, described = _bare(app)

    def rerun() -> None:
        with _own_archive():
            app.run()

    return Case(
        f"risk page rerun, every measure planned ({EXAMPLE.stem})",
        rerun,
        20,
        Baseline(f"{described}, rerun", lambda: bare.run()),
        TARGET,
    )


def cases() -> list[Case]:
    return [_wizard_interaction(), _risk_page_fully_planned()]
