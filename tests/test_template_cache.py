"""Compiled text templates kept between runs change how fast a document is written, never what
it says: an edited template is compiled again, a damaged or deleted cache is rebuilt, and an
error in a template still names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dpia._errors import RenderError
from dpia.document._templates import ProseTemplates


def _folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "templates"
    (folder / "sections").mkdir(parents=True, exist_ok=True)
    (folder / "sections" / "greeting.md.j2").write_text(text, encoding="utf-8")
    return folder


def _said(folder: Path, name: str = "Ada") -> str:
    """The greeting as a fresh process would render it: a new environment each time, so only
    the cache on disk is shared."""
    blocks = ProseTemplates(folder).render("greeting", "q", {"name": name})
    return "\n".join(str(block) for block in blocks)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DPIA_CACHE_DIR", str(folder))
    return folder


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("templates-*/*.cache"))


def test_a_cached_template_says_what_it_said_when_compiled(tmp_path, cache):
    folder = _folder(tmp_path, "Hello {{ name }}, the assessor.\n")
    first = _said(folder)
    assert "Hello Ada, the assessor." in first
    assert len(_entries(cache)) == 1
    assert _said(folder) == first
    assert _said(folder, "Bo") != first


def test_an_edited_template_is_compiled_again(tmp_path, cache):
    folder = _folder(tmp_path, "Hello {{ name }}.\n")
    assert "Hello Ada." in _said(folder)
    _folder(tmp_path, "Goodbye {{ name }}.\n")
    assert "Goodbye Ada." in _said(folder)


def test_a_damaged_or_deleted_cache_is_rebuilt(tmp_path, cache):
    folder = _folder(tmp_path, "Hello {{ name }}.\n")
    expected = _said(folder)
    for entry in _entries(cache):
        entry.write_bytes(b"not compiled code")
    assert _said(folder) == expected
    for entry in _entries(cache):
        entry.unlink()
    assert _said(folder) == expected
    assert len(_entries(cache)) == 1


def test_a_cache_that_cannot_be_made_only_costs_compiling(tmp_path, monkeypatch):
    blocked = tmp_path / "a file"
    blocked.write_text("in the way", encoding="utf-8")
    monkeypatch.setenv("DPIA_CACHE_DIR", str(blocked / "cache"))
    assert "Hello Ada." in _said(_folder(tmp_path, "Hello {{ name }}.\n"))


def test_an_error_in_a_cached_template_names_its_file_and_line(tmp_path, cache):
    folder = _folder(tmp_path, "Hello.\n\n{{ typo }}\n")
    for _ in range(2):  # compiled, then from the cache
        with pytest.raises(RenderError, match=r"greeting\.md\.j2:3: 'typo' is undefined"):
            _said(folder)
    assert len(_entries(cache)) == 1
