"""Every `DPIA_*` environment variable dpia reads, with its default and meaning, in one place.

Settings are read when asked for, not at import, so a test or a long-running app sees the
environment as it is now. Nothing else in dpia reads `os.environ` for a `DPIA_*` name: a new
setting is one more `Setting` below and one more field of `Settings`, and
`docs/settings.md` lists them all (a test keeps the two in step).

Secrets (passphrases) are settings too, but `Settings` never shows them in its repr, so a
settings object printed in a log or a traceback does not leak them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ACTOR",
    "ARCHIVE_KEY",
    "ARCHIVE_KEY_PASSPHRASE",
    "CACHE_DIR",
    "CHECKPOINT_DIR",
    "DATABASE_URL",
    "KEY_PASSPHRASE",
    "LOCAL_ROLE",
    "QUESTIONNAIRES",
    "SETTINGS",
    "SIGNING_DIR",
    "TEMPLATES",
    "TRUST_DIR",
    "TSA_URL",
    "Setting",
    "Settings",
    "settings",
]

_PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, the value used when it is unset, what it sets."""

    variable: str
    default: str
    meaning: str
    secret: bool = False

    def read(self, environ: Mapping[str, str]) -> str:
        """The variable's value; unset and empty both mean the default."""
        return environ.get(self.variable) or self.default


DATABASE_URL = Setting(
    "DPIA_DATABASE_URL",
    "sqlite:///var/dpia.sqlite3",
    "the archive database: sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE",
)
QUESTIONNAIRES = Setting(
    "DPIA_QUESTIONNAIRES",
    str(_PROJECT / "questionnaires"),
    "the folder of questionnaires (`<id>.yaml`) and their risk catalogues (`<id>.risks.yaml`)",
)
TEMPLATES = Setting(
    "DPIA_TEMPLATES",
    str(_PROJECT / "templates"),
    "the folder of the Word house style and the document's text templates",
)
TRUST_DIR = Setting(
    "DPIA_TRUST_DIR",
    "var/trust",
    "the trust store: certificates whose signatures count as trusted",
)
SIGNING_DIR = Setting(
    "DPIA_SIGNING_DIR",
    "var/signing",
    "where the app keeps a final document and its signatures between one signer and the next",
)
ACTOR = Setting(
    "DPIA_ACTOR",
    "",
    "who the command line records as the actor of archive writes (default: the OS user)",
)
KEY_PASSPHRASE = Setting(
    "DPIA_KEY_PASSPHRASE",
    "",
    "the passphrase of a signing key, for unattended use (otherwise asked at a prompt)",
    secret=True,
)
ARCHIVE_KEY = Setting(
    "DPIA_ARCHIVE_KEY",
    "",
    "the archive key that signs a checkpoint after every write (encrypted PEM; default: "
    "archive-key.pem beside a SQLite database file, var/archive-key.pem for PostgreSQL)",
)
ARCHIVE_KEY_PASSPHRASE = Setting(
    "DPIA_ARCHIVE_KEY_PASSPHRASE",
    "",
    "the archive key's passphrase (a SQLite archive without one keeps a generated passphrase "
    "beside the key; a PostgreSQL archive needs it to write)",
    secret=True,
)
CHECKPOINT_DIR = Setting(
    "DPIA_CHECKPOINT_DIR",
    "",
    "where the signed checkpoint of each archive is copied after every write (default: "
    "checkpoints/ beside a SQLite database file, var/checkpoints for PostgreSQL)",
)
LOCAL_ROLE = Setting(
    "DPIA_LOCAL_ROLE",
    "",
    "the one role the app's local mode acts in at start (author, dpo, decision_maker or "
    "legal_viewer; default: every role); the sidebar's View as changes it for the session",
)
TSA_URL = Setting(
    "DPIA_TSA_URL",
    "",
    "an RFC 3161 time-stamp authority that stamps every archive checkpoint and every signature "
    "the app makes, on the .docx and inside the PDF (default: none)",
)
CACHE_DIR = Setting(
    "DPIA_CACHE_DIR",
    "",
    "where the document's text templates, questionnaires and risk catalogues are kept compiled "
    "between runs, and the risk maps drawn, each under the hash of its source (safe to delete; "
    "default: the user's cache folder, e.g. ~/.cache/dpia)",
)

SETTINGS: tuple[Setting, ...] = (
    DATABASE_URL,
    QUESTIONNAIRES,
    TEMPLATES,
    TRUST_DIR,
    SIGNING_DIR,
    ACTOR,
    KEY_PASSPHRASE,
    ARCHIVE_KEY,
    ARCHIVE_KEY_PASSPHRASE,
    CHECKPOINT_DIR,
    TSA_URL,
    LOCAL_ROLE,
    CACHE_DIR,
)


@dataclass(frozen=True)
class Settings:
    """The settings in force, typed; built by `settings()`."""

    database_url: str
    questionnaires: Path
    templates: Path
    trust_dir: Path
    signing_dir: Path
    actor: str
    key_passphrase: str = field(repr=False)
    archive_key: str = ""
    archive_key_passphrase: str = field(default="", repr=False)
    checkpoint_dir: str = ""
    tsa_url: str = ""
    local_role: str = ""
    cache_dir: str = ""

    def cache_folder(self) -> Path:
        """Where compiled files are kept: DPIA_CACHE_DIR, else the user's cache folder."""
        import platformdirs

        return Path(self.cache_dir or platformdirs.user_cache_dir("dpia"))


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from `environ` (default: the process environment), read now."""
    source = os.environ if environ is None else environ
    return Settings(
        database_url=DATABASE_URL.read(source),
        questionnaires=Path(QUESTIONNAIRES.read(source)),
        templates=Path(TEMPLATES.read(source)),
        trust_dir=Path(TRUST_DIR.read(source)),
        signing_dir=Path(SIGNING_DIR.read(source)),
        actor=ACTOR.read(source),
        key_passphrase=KEY_PASSPHRASE.read(source),
        archive_key=ARCHIVE_KEY.read(source),
        archive_key_passphrase=ARCHIVE_KEY_PASSPHRASE.read(source),
        checkpoint_dir=CHECKPOINT_DIR.read(source),
        tsa_url=TSA_URL.read(source),
        local_role=LOCAL_ROLE.read(source).strip(),
        cache_dir=CACHE_DIR.read(source),
    )
