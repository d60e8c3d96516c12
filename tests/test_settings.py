"""Every `DPIA_*` variable has one home (`dpia/_config.py`) and one line in docs/settings.md.

A variable read anywhere else, or a setting without its documented row, fails here under its
own name, so the list a deployer reads is the list dpia obeys.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dpia._config import SETTINGS, settings

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.variable)
def test_every_setting_has_a_row_in_the_settings_page(setting) -> None:
    assert f"| `{setting.variable}` |" in REFERENCE


def test_the_settings_page_lists_no_setting_dpia_does_not_read() -> None:
    documented = set(re.findall(r"^\| `(DPIA_[A-Z_]+)` \|", REFERENCE, flags=re.MULTILINE))
    assert documented == {s.variable for s in SETTINGS}


def test_no_module_but_the_settings_module_reads_a_dpia_variable() -> None:
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "dpia").rglob("*.py")
        if path.name != "_config.py"
        and re.search(r"environ(\.get)?\s*[\[(]\s*['\"]DPIA_", path.read_text(encoding="utf-8"))
    ]
    assert readers == []


def test_an_empty_variable_means_the_default() -> None:
    assert settings({"DPIA_TRUST_DIR": ""}).trust_dir == Path("var/trust")
    assert settings({"DPIA_TRUST_DIR": "/srv/trust"}).trust_dir == Path("/srv/trust")


def test_a_passphrase_never_shows_in_the_settings_repr() -> None:
    shown = repr(settings({"DPIA_KEY_PASSPHRASE": "correct horse battery"}))
    assert "correct horse" not in shown
