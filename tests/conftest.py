"""Settings shared by the whole suite, and the archive key every test's archives sign with.

Property tests run on a busy 2-core CI machine next to LibreOffice and Chromium, so a slow example
is load, not a bug: no per-example deadline. Speed is measured by `make bench`, never by tests.
"""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import settings

settings.register_profile("dpia", deadline=None)
settings.load_profile("dpia")


@pytest.fixture(scope="session", autouse=True)
def _archive_anchor(tmp_path_factory):
    """Every archive a test opens signs its checkpoints with one archive key made for the test
    session, and keeps its checkpoint copies in the session's folder (each archive under its own
    id), never under var/ of the working tree. Tests of the defaults unset these variables."""
    home = tmp_path_factory.mktemp("archive-anchor")
    passphrase = "the archive key of the test session"
    # Made here rather than by the first write, with the standard PKCS#8 encryption instead of
    # dpia's slow key derivation: every process a test starts opens this key, and the
    # derivation's cost protects nothing in a test.
    key = ec.generate_private_key(ec.SECP256R1())
    (home / "archive-key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
    )
    (home / "archive-key.pub.pem").write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DPIA_ARCHIVE_KEY", str(home / "archive-key.pem"))
        patch.setenv("DPIA_ARCHIVE_KEY_PASSPHRASE", passphrase)
        patch.setenv("DPIA_CHECKPOINT_DIR", str(home / "checkpoints"))
        # Compiled templates, too, stay in the session's folder, not in the user's cache.
        patch.setenv("DPIA_CACHE_DIR", str(home / "cache"))
        yield


def pytest_terminal_summary(terminalreporter):
    """After a fuzz run, the tally of the four outcomes, overall and per surface."""
    import sys

    support = sys.modules.get("fuzz_support")
    if support is None or not support.TALLY:
        return
    tally = support.TALLY
    bins = ("accepted", "refused", "traceback", "over-limit")
    terminalreporter.section("fuzz tally")
    terminalreporter.write_line("total: " + ", ".join(f"{tally[name]:,} {name}" for name in bins))
    surfaces = sorted({key.split(":")[0] for key in tally if ":" in key})
    for surface in surfaces:
        counts = ", ".join(f"{tally[f'{surface}:{name}']:,} {name}" for name in bins)
        terminalreporter.write_line(f"  {surface}: {counts}")
    for fault in support.FAULTS[:20]:
        terminalreporter.write_line(f"  fault: {fault}")
