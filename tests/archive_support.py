"""Real archive databases for the archive tests: a fresh SQLite file, and a fresh PostgreSQL
schema when DPIA_TEST_POSTGRES_URL names a server (each test run gets its own schema, dropped
afterwards, so repeated and parallel runs never see each other's rows)."""

from __future__ import annotations

import copy
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from dpia.archive import Archive, open_archive

FIXTURES = Path(__file__).parent / "fixtures"
QUESTIONNAIRE_TEXT = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")
POSTGRES_URL = os.environ.get("DPIA_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="DPIA_TEST_POSTGRES_URL is not set (no PostgreSQL server to test)"
)

ANSWERS: dict[str, Any] = {
    "questionnaire": "mini@1.0",
    "assessment": {
        "id": None,
        "title": "Keystroke capture for the support assistant",
        "organisation": "Example GmbH",
        "assessor": "Dana Assessor",
        "date": "2026-05-04",
    },
    "answers": {"countries": ["de"], "headcount": 40, "works_council": False},
    "plan": {},
}

REPORT: dict[str, Any] = {
    "dpia_required": "required",
    "overall_inherent": "high",
    "overall_residual": "medium",
    "prior_consultation_required": False,
    "stop": False,
    "headline": {},
    "risks": [
        {
            "id": "chilling_effect",
            "title": "Chilling effect",
            "kind": "design",
            "inherent": {"likelihood": 4, "severity": 3, "level": "high", "because": []},
            "residual": {"likelihood": 3, "severity": 2, "level": "medium", "because": []},
        }
    ],
    "mitigations": [
        {"id": "notice", "title": "Notice to staff", "status": "planned", "risks": []},
    ],
    "legal_exposure": [],
    "completeness": [],
}


def schema_head() -> str:
    """The newest schema revision the code ships, which `dpia db upgrade` leads to."""
    from alembic.script import ScriptDirectory

    from dpia.archive._database import _alembic_config

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def answers_for(assessment_id: str | None = None, **changes: Any) -> dict[str, Any]:
    answers = copy.deepcopy(ANSWERS)
    answers["assessment"]["id"] = assessment_id
    answers["answers"].update(changes)
    return answers


def postgres_schema_url() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema; the schema is dropped afterwards."""
    assert POSTGRES_URL
    schema = f"dpia_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, needs_postgres])]


def temporary_database(backend: str, directory: Path) -> Iterator[str]:
    """Use as `yield from` in a fixture parametrised over BACKENDS."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'archive.sqlite3'}"
    else:
        yield from postgres_schema_url()


def opened(url: str) -> Iterator[Archive]:
    archive = open_archive(url)
    yield archive
    archive.engine.dispose()
