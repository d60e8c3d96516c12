"""Shared helpers for the CNIL PIA tests: the fixtures, and running `dpia import` on bytes."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from pathlib import Path
from typing import Any

import yaml

from dpia.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cnil"


def fixture(name: str = "pia-2025.json") -> dict[str, Any]:
    """A fixture as a JSON object (BOM and double encoding undone), to mutate in a test."""
    raw = (FIXTURES / name).read_bytes().decode("utf-8-sig")
    return copy.deepcopy(json.loads(raw))


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def import_bytes(tmp_path: Path, content: bytes, name: str = "pia.json", *extra: str):
    """`dpia import` on these bytes: (exit code, answers mapping or None, stdout, stderr)."""
    source = tmp_path / name
    source.write_bytes(content)
    target = tmp_path / "answers.yaml"
    code, out, err = run("import", str(source), "-o", str(target), *extra)
    answers = yaml.safe_load(target.read_text(encoding="utf-8")) if code == 0 else None
    return code, answers, out, err


def dumped(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")
