"""Where an archive is anchored outside its database: the archive key, the checkpoint copies, the
time-stamp authority, and the trust store that says whether that authority is trusted.

The defaults follow the database so that two SQLite archives in two folders never share
checkpoints by accident, and so that the embedded default needs nothing set: beside
`var/dpia.sqlite3` are `var/archive-key.pem` and `var/checkpoints/`. A PostgreSQL archive has no
file to stand beside, so its defaults are under `var/` of the working directory, like the trust
store's; a deployment names them with `DPIA_ARCHIVE_KEY` and `DPIA_CHECKPOINT_DIR`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from .._config import settings
from ._archive_key import KeyLocation

__all__ = ["Anchor", "anchor_for"]


@dataclass(frozen=True)
class Anchor:
    key: KeyLocation
    checkpoint_dir: Path
    tsa_url: str
    trust_dir: Path


def anchor_for(engine: Engine) -> Anchor:
    """The anchor of the archive in `engine`, from the settings in force now."""
    current = settings()
    sqlite = engine.dialect.name == "sqlite"
    home = Path("var")
    database = engine.url.database
    if sqlite and database and database != ":memory:":
        home = Path(database).parent
    return Anchor(
        key=KeyLocation(
            path=Path(current.archive_key) if current.archive_key else home / "archive-key.pem",
            passphrase=current.archive_key_passphrase,
            may_keep_passphrase=sqlite,
        ),
        checkpoint_dir=(
            Path(current.checkpoint_dir) if current.checkpoint_dir else home / "checkpoints"
        ),
        tsa_url=current.tsa_url,
        trust_dir=current.trust_dir,
    )
