"""A `dpia` process keeps what it loaded out of the collector's walks; `main()` called from
Python leaves the collector of its caller as it was."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dpia.cli import _lifetime, main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "scenario-a-keystroke-content.yaml"


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.fixture
def as_process(unfrozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_lifetime, "_as_process", True)


def test_loading_pauses_the_collector_then_freezes_what_was_loaded(as_process: None) -> None:
    with _lifetime.loading():
        assert not gc.isenabled()
        loaded = [[index] for index in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(loaded)
    walked = {id(tracked) for generation in range(3) for tracked in gc.get_objects(generation)}
    assert not any(id(item) in walked for item in loaded)


def test_loading_leaves_a_paused_collector_paused(as_process: None) -> None:
    gc.disable()
    try:
        with _lifetime.loading():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_loading_outside_a_dpia_process_only_imports(unfrozen: None) -> None:
    with _lifetime.loading():
        assert gc.isenabled()
    _lifetime.ending()
    assert gc.get_freeze_count() == 0


def test_ending_freezes_what_the_command_made(as_process: None) -> None:
    made = [[index] for index in range(1000)]
    _lifetime.ending()
    assert gc.get_freeze_count() >= len(made)


def test_main_from_python_leaves_the_collector_alone(
    unfrozen: None, capsys, tmp_path: Path
) -> None:
    assert main(["score", str(EXAMPLE)]) == 0
    assert capsys.readouterr().out
    assert main(["render", str(EXAMPLE), "-o", str(tmp_path / "dpia.docx")]) == 0
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_process_prints_what_main_from_python_prints(capsys) -> None:
    assert main(["score", str(EXAMPLE)]) == 0
    in_process = capsys.readouterr().out
    done = subprocess.run(
        [sys.executable, "-m", "dpia", "score", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout == in_process
