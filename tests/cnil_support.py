"""Shared helpers for the CNIL PIA tests: the fixtures, and running `dpia import` on bytes."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
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


# What the PIA tool's importer reads (src/app/services/pia.service.ts, importData and the
# importAnswers, importMeasures, importEvaluations and importComments it calls), with the JSON
# types it expects; a key it reads with `new Date(...)` must hold a date, `startsWith` a string.
_TOOL_READS: dict[str, dict[str, tuple[type, ...]]] = {
    "pia": {
        "name": (str,),
        "category": (str,),
        "dpo_status": (int, type(None)),
        "dpo_opinion": (str,),
        "concerned_people_opinion": (str,),
        "concerned_people_status": (int, type(None)),
        "concerned_people_searched_opinion": (bool, type(None)),
        "concerned_people_searched_content": (str,),
        "rejection_reason": (str,),
        "applied_adjustments": (str,),
        "rejected_reason": (str,),
        "applied_adjustements": (str,),
        "created_at": (str,),
        "updated_at": (str, type(...)),  # read only when present
        "dpos_names": (str,),
        "people_names": (str,),
        "author_name": (str,),
        "evaluator_name": (str,),
        "validator_name": (str,),
        "status": (int,),
        "dbVersion": (int,),
    },
    "answers": {"reference_to": (int,), "data": (dict,), "created_at": (str,)},
    "measures": {
        "id": (int,),
        "title": (str,),
        "content": (str,),
        "created_at": (str,),
    },
    "evaluations": {
        "reference_to": (str,),
        "status": (int, type(None)),
        "gauges": (dict,),
        "estimated_implementation_date": (str, type(None)),
        "person_in_charge": (str, type(None)),
        "global_status": (int,),
        "created_at": (str,),
    },
    "comments": {
        "description": (str,),
        "reference_to": (int,),
        "for_measure": (bool,),
        "created_at": (str,),
    },
}


def check_tool_reads(document: dict[str, Any]) -> None:
    """Every field the PIA tool's importer reads is there, with the type it reads it as."""
    for key in ("answers", "measures", "evaluations", "comments"):
        assert isinstance(document[key], list), key
    for field, kinds in _TOOL_READS["pia"].items():
        assert isinstance(document["pia"].get(field, ...), kinds), field
    for table in ("answers", "measures", "evaluations", "comments"):
        for record in document[table]:
            for field, kinds in _TOOL_READS[table].items():
                assert isinstance(record.get(field, ...), kinds), (table, field, record)
            dt.datetime.fromisoformat(record["created_at"])
    for answer in document["answers"]:
        assert set(answer["data"]) == {"text", "gauge", "list"}
    measure_ids = {m["id"] for m in document["measures"]}
    for evaluation in document["evaluations"]:
        if evaluation["reference_to"].startswith("3.1."):
            assert int(evaluation["reference_to"].split(".")[2]) in measure_ids
        assert set(evaluation["gauges"]) == {"x", "y"}
