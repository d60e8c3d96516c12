"""Questionnaires and catalogues kept compiled on disk change how fast a process starts, never
what it says: a warm cache, a damaged one and none at all give the same bytes, an edited file
is read again, and an entry another user could have written is not read."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dpia import _compiled, _conditions
from dpia._cache_pruning import KEPT_ENTRIES, UNUSED_DAYS
from dpia._compiled import FORMAT
from dpia._condition_trees import read_tree, written_tree
from dpia._errors import CatalogueError, ConditionError
from dpia.questionnaire import load_questionnaire
from dpia.questionnaire._loader import _conditions as questionnaire_conditions
from dpia.risk import load_catalogue
from dpia.risk._loader import _expressions

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "scenario-a-keystroke-content.yaml"
SHIPPED = ROOT / "questionnaires"


def _run(cache: Path, *arguments: str, questionnaires: Path = SHIPPED) -> bytes:
    """What a fresh `dpia` process prints, with `cache` as its cache folder."""
    environment = {
        **os.environ,
        "DPIA_CACHE_DIR": str(cache),
        "DPIA_QUESTIONNAIRES": str(questionnaires),
    }
    done = subprocess.run(
        [sys.executable, "-m", "dpia", *arguments],
        capture_output=True,
        check=True,
        cwd=ROOT,
        env=environment,
    )
    return done.stdout


def _entries(cache: Path) -> dict[str, bytes]:
    return {entry.name: entry.read_bytes() for entry in sorted(cache.glob("compiled-*/*"))}


def _truncated(entry: bytes) -> bytes:
    return entry[: len(entry) // 2]


def _one_byte_changed(entry: bytes) -> bytes:
    """Still valid JSON, still a valid model: only the digest in the header tells. In the
    catalogue the byte is in a sentence the score prints."""
    at = entry.find(b"captured as well.")
    at = len(entry) // 2 if at < 0 else at + len(b"captured as w")
    changed = b"a" if entry[at : at + 1] != b"a" else b"e"
    return entry[:at] + changed + entry[at + 1 :]


def _not_an_entry(_entry: bytes) -> bytes:
    return b"not a compiled questionnaire\n{}"


def _header_only(entry: bytes) -> bytes:
    return entry.partition(b"\n")[0] + b"\n"


DAMAGES = (_truncated, _one_byte_changed, _not_an_entry, _header_only)


def _score(cache: Path) -> bytes:
    return _run(cache, "score", str(EXAMPLE))


def _render(cache: Path, output: Path) -> bytes:
    _run(cache, "render", str(EXAMPLE), "-o", str(output))
    return output.read_bytes()


def test_a_score_is_the_same_without_cache_warm_and_from_any_damaged_entry(tmp_path):
    cache = tmp_path / "cache"
    cold = _score(cache)
    compiled = _entries(cache)
    assert sorted(name.split("-")[0] for name in compiled) == ["catalogue", "questionnaire"]
    assert _score(cache) == cold
    assert _entries(cache) == compiled
    for damage in DAMAGES:
        for entry in cache.glob("compiled-*/*"):
            entry.write_bytes(damage(entry.read_bytes()))
        assert _score(cache) == cold, damage.__name__
        # Ignored, compiled again and written whole in its place.
        assert _entries(cache) == compiled, damage.__name__


def test_a_document_is_the_same_without_cache_warm_and_from_a_damaged_entry(tmp_path):
    cache = tmp_path / "cache"
    cold = _render(cache, tmp_path / "cold.docx")
    assert _entries(cache)
    assert _render(cache, tmp_path / "warm.docx") == cold
    for entry in cache.glob("compiled-*/*"):
        entry.write_bytes(_one_byte_changed(entry.read_bytes()))
    assert _render(cache, tmp_path / "damaged.docx") == cold


def test_an_edited_catalogue_or_questionnaire_is_read_again(tmp_path):
    folder = tmp_path / "questionnaires"
    shutil.copytree(SHIPPED, folder)
    cache = tmp_path / "cache"
    before = _run(cache, "score", str(EXAMPLE), questionnaires=folder)
    assert b"Screens are captured as well." in before

    catalogue = folder / "telemetry-for-ai.risks.yaml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace("Screens are captured as well.", "Screens too."), "utf-8")
    edited = _run(cache, "score", str(EXAMPLE), questionnaires=folder)
    assert b"Screens too." in edited
    assert b"Screens are captured as well." not in edited

    questionnaire = folder / "telemetry-for-ai.yaml"
    label = "Keystroke content (the characters typed)"
    text = questionnaire.read_text(encoding="utf-8")
    assert label in text
    questionnaire.write_text(text.replace(label, "Characters typed"), "utf-8")
    relabelled = _run(cache, "score", str(EXAMPLE), questionnaires=folder)
    assert b"Characters typed" in relabelled
    assert b"Keystroke content (the characters" not in relabelled


def test_a_catalogue_is_checked_again_against_an_edited_questionnaire(tmp_path, monkeypatch):
    monkeypatch.setenv("DPIA_CACHE_DIR", str(tmp_path / "cache"))
    questionnaire_file = tmp_path / "mini.yaml"
    catalogue_file = tmp_path / "mini.risks.yaml"
    shutil.copy(ROOT / "tests" / "fixtures" / "mini.yaml", questionnaire_file)
    shutil.copy(ROOT / "tests" / "fixtures" / "mini.risks.yaml", catalogue_file)
    questionnaire = load_questionnaire(questionnaire_file)
    assert load_catalogue(catalogue_file, questionnaire) == load_catalogue(
        catalogue_file, questionnaire
    )
    # The catalogue's bytes are the same; the question its screening reads is gone.
    text = questionnaire_file.read_text(encoding="utf-8")
    questionnaire_file.write_text(text.replace("id: captured", "id: recorded"), "utf-8")
    renamed = load_questionnaire(questionnaire_file)
    with pytest.raises(CatalogueError, match="unknown name: captured"):
        load_catalogue(catalogue_file, renamed)


MINI = ROOT / "tests" / "fixtures" / "mini.yaml"
MINI_CATALOGUE = ROOT / "tests" / "fixtures" / "mini.risks.yaml"


def _forge(entry: Path) -> None:
    """Rewrite the mini catalogue's entry whole, its header right, to give the first risk
    another title: what a user who can write to the cache folder could leave there."""
    header, _, body = entry.read_bytes().partition(b"\n")
    forged = body.replace(b'"title":"Chilling effect"', b'"title":"Nothing to see"')
    assert forged != body
    key = header.split(b" ")[2]
    digest = hashlib.sha256(forged).hexdigest().encode()
    entry.write_bytes(b"%s %s %s\n%s" % (FORMAT, key, digest, forged))


def test_an_entry_others_could_write_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv("DPIA_CACHE_DIR", str(tmp_path / "cache"))
    questionnaire = load_questionnaire(MINI)
    assert load_catalogue(MINI_CATALOGUE, questionnaire).risks[0].title == "Chilling effect"
    (entry,) = (tmp_path / "cache").glob("compiled-*/catalogue-*")
    _forge(entry)
    entry.chmod(0o600)
    # The user's own entry is trusted, as the user's own files are...
    assert load_catalogue(MINI_CATALOGUE, questionnaire).risks[0].title == "Nothing to see"
    # ...one that anyone else could have changed is compiled again instead.
    entry.chmod(0o666)
    assert load_catalogue(MINI_CATALOGUE, questionnaire).risks[0].title == "Chilling effect"


def test_an_entry_under_another_name_is_not_read(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DPIA_CACHE_DIR", str(cache))
    load_questionnaire(MINI)
    (mini_entry,) = cache.glob("compiled-*/questionnaire-*")
    shipped = load_questionnaire(SHIPPED / "telemetry-for-ai.yaml")
    shipped_entry = next(p for p in cache.glob("compiled-*/questionnaire-*") if p != mini_entry)
    shutil.copy(mini_entry, shipped_entry)
    moved = load_questionnaire(SHIPPED / "telemetry-for-ai.yaml")
    assert moved.id == "telemetry-for-ai"
    assert moved == shipped


def test_a_cache_folder_that_cannot_be_made_only_costs_compiling(tmp_path):
    blocked = tmp_path / "a file"
    blocked.write_text("in the way", encoding="utf-8")
    assert _score(blocked / "cache") == _score(tmp_path / "cache")
    assert _entries(tmp_path / "cache")


def _shipped_conditions() -> list[str]:
    questionnaire = load_questionnaire(SHIPPED / "telemetry-for-ai.yaml")
    catalogue = load_catalogue(SHIPPED / "telemetry-for-ai.risks.yaml", questionnaire)
    found = list(questionnaire_conditions(questionnaire))
    found += [expression for _where, expression, kind in _expressions(catalogue) if kind == "when"]
    return sorted(set(found))


def test_every_shipped_condition_reads_back_as_the_parser_read_it():
    conditions = _shipped_conditions()
    assert len(conditions) > 300
    for expression in conditions:
        parsed = _conditions._tree(expression)
        written = written_tree(parsed)
        assert written is not None, expression
        tree, names = read_tree(
            json.loads(json.dumps(written)),
            _conditions.ALLOWED_FILTERS,
            _conditions.ALLOWED_TESTS,
            _conditions.MAX_NESTING,
        )
        assert tree == parsed, expression
        assert names == _conditions._refuse_unsafe(parsed, "a condition"), expression


def test_a_kept_tree_holding_what_a_condition_may_not_is_parsed_instead(monkeypatch):
    expression = "profile.owner_of_the_kept_tree_test"
    getattr_tree = ["Getattr", ["Name", "profile", "load"], "owner_of_the_kept_tree_test", "load"]
    monkeypatch.setitem(_conditions._KEPT_TREES, expression, getattr_tree)
    with pytest.raises(ConditionError, match="attribute access"):
        _conditions._checked(expression)
    expression = "headcount | attr('x') or kept_tree_filter_test"
    filter_tree = ["Filter", ["Name", "headcount", "load"], "attr", [], [], None, None]
    monkeypatch.setitem(_conditions._KEPT_TREES, expression, filter_tree)
    with pytest.raises(ConditionError, match="filter 'attr' is not allowed"):
        _conditions._checked(expression)


def test_editing_a_questionnaire_again_and_again_keeps_only_the_newest_entries(
    tmp_path, monkeypatch
):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DPIA_CACHE_DIR", str(cache))
    edited = tmp_path / "mini.yaml"
    text = MINI.read_text(encoding="utf-8")
    written: list[str] = []
    for edit in range(KEPT_ENTRIES + 6):
        before = {p.name for p in cache.glob("compiled-*/*")}
        edited.write_text(f"{text}\n# edit {edit}\n", encoding="utf-8")
        load_questionnaire(edited)
        (new,) = {p.name for p in cache.glob("compiled-*/*")} - before
        written.append(new)
    assert {p.name for p in cache.glob("compiled-*/*")} == set(written[-KEPT_ENTRIES:])
    # The latest edit is still read from its entry: it is there, whole.
    assert load_questionnaire(edited) == load_questionnaire(edited)


def test_writing_an_entry_removes_what_only_old_releases_and_stopped_writes_left(
    tmp_path, monkeypatch
):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DPIA_CACHE_DIR", str(cache))
    long_ago = time.time() - (UNUSED_DAYS + 1) * 86400
    yesterday = time.time() - 86400

    def folder(name: str, last_written: float) -> Path:
        made = cache / name
        made.mkdir(parents=True)
        (made / ("catalogue-" + "0" * 64)).write_text("an entry", encoding="utf-8")
        os.utime(made, (last_written, last_written))
        return made

    old_release = folder("compiled-0123456789abcdef", long_ago)
    old_templates = folder("templates-0123456789abcdef", long_ago)
    recent_release = folder("compiled-fedcba9876543210", yesterday)
    not_dpias = folder("my-notes", long_ago)
    stopped = _compiled._folder() / ".writing-stopped"
    stopped.parent.mkdir(parents=True)
    stopped.write_text("half an entry", encoding="utf-8")
    os.utime(stopped, (yesterday, yesterday))
    load_questionnaire(MINI)
    assert not old_release.exists() and not old_templates.exists() and not stopped.exists()
    assert recent_release.exists() and not_dpias.exists()
    assert [p.name for p in _compiled._folder().iterdir()] == [
        p.name for p in _compiled._folder().glob("questionnaire-*")
    ]
