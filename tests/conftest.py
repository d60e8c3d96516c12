"""Settings shared by the whole suite.

Property tests run on a busy 2-core CI machine next to LibreOffice and Chromium, so a slow example
is load, not a bug: no per-example deadline. Speed is measured by `make bench`, never by tests.
"""

import pytest
from hypothesis import settings

settings.register_profile("dpia", deadline=None)
settings.load_profile("dpia")


@pytest.fixture(scope="session", autouse=True)
def _archive_anchor(tmp_path_factory):
    """Every archive a test opens signs its checkpoints with one archive key made for the test
    session, and keeps its checkpoint copies in the session's folder (each archive under its own
    id), never under var/ of the working tree. Tests of the defaults unset these variables."""
    home = tmp_path_factory.mktemp("archive-anchor")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DPIA_ARCHIVE_KEY", str(home / "archive-key.pem"))
        patch.setenv("DPIA_ARCHIVE_KEY_PASSPHRASE", "the archive key of the test session")
        patch.setenv("DPIA_CHECKPOINT_DIR", str(home / "checkpoints"))
        yield
