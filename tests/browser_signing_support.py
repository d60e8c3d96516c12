"""A draft ready for signing in the browser: three signatories with trusted certificates and an
answers file whose sign-off record names them, as the signing tests in Chromium start from."""

from __future__ import annotations

from pathlib import Path

import pytest

from dpia.archive import Archive, open_archive
from dpia.signing import NewIdentity, TrustStore, create_identity, load_certificate


def signed_off_draft(
    work: Path, keys: str, title: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, NewIdentity], Archive, str]:
    """The signatories by role, the served app's archive and the id of the saved draft."""
    from test_app_review import PASSPHRASE, PEOPLE, _signed_off

    root = Path(__file__).resolve().parents[1]
    people = {
        role: create_identity(
            work / keys / role, name=name, email=email, role=role, passphrase=PASSPHRASE
        )
        for role, name, email in PEOPLE
    }
    store = TrustStore(work / "trust")
    for person in people.values():
        store.add(load_certificate(person.certificate_path))
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(root / "tests" / "fixtures"))
    archive = open_archive(f"sqlite:///{work}/archive.sqlite3")
    answers = _signed_off(people)
    answers["assessment"]["title"] = title
    assessment_id = archive.save_draft(answers, actor="ada@example.org").assessment_id
    return people, archive, assessment_id
