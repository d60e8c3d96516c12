"""What a signature check concludes, in four words a DPO can act on, whatever was signed.

    VALID        the bytes are exactly those signed, and the signer's certificate is trusted
    INTACT       the bytes are exactly those signed, but the signature does not count: nothing
                 proves who the signer is, or (inside a PDF) the file was changed after it
    INVALID      the signature does not hold for these bytes (or its certificate was not valid)
    UNREADABLE   the file cannot be read as a signature that dpia can check

Intact and trusted are kept apart on purpose: a perfect signature by an unknown key proves
nothing about an organisation's decision, and a trusted key does not excuse a changed byte.
Only VALID counts towards approving a DPIA. Any kind of signature (a detached CMS file beside
a .docx today, a signature inside a PDF) is reported with these types, so the approval rules
and every screen that shows a signature treat them alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ._certificates import SignerIdentity
from ._timestamp import TimestampCheck
from ._trust import TrustVerdict

__all__ = ["DocumentVerification", "SignatureReport", "SignatureVerdict"]


class SignatureVerdict(StrEnum):
    VALID = "valid"
    INTACT = "intact"
    INVALID = "invalid"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class SignatureReport:
    """One signer of one signature; `problems` make it invalid, `notes` only inform.

    `name` is where the signature was found (the `.p7s` file's name, or its place in a PDF);
    `unreadable` says why a signature could not be checked at all, in which case nothing else
    is known about it. `reservations` say why an intact signature by a trusted signer still
    does not vouch for the file as it stands (a PDF changed after it was signed).
    """

    name: str
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    signer: SignerIdentity | None
    signing_time: dt.datetime | None
    trust: TrustVerdict
    timestamp: TimestampCheck | None
    unreadable: str | None = None
    reservations: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        """The signature holds for these exact bytes, whoever made it."""
        return self.unreadable is None and not self.problems

    @property
    def verdict(self) -> SignatureVerdict:
        if self.unreadable is not None:
            return SignatureVerdict.UNREADABLE
        if self.problems:
            return SignatureVerdict.INVALID
        if self.reservations or not self.trust.trusted:
            return SignatureVerdict.INTACT
        return SignatureVerdict.VALID

    @classmethod
    def unreadable_file(cls, name: str, reason: str) -> SignatureReport:
        return cls(name, (), (), None, None, TrustVerdict(False, "not checked"), None, reason)


@dataclass(frozen=True)
class DocumentVerification:
    """Every signature found for one document; `trust_store` is None when none was given."""

    document: str
    trust_store: Path | None
    signatures: tuple[SignatureReport, ...]

    @property
    def all_valid(self) -> bool:
        """At least one signature, and every one intact and by a trusted signer."""
        return bool(self.signatures) and all(
            s.verdict is SignatureVerdict.VALID for s in self.signatures
        )

    @property
    def all_intact(self) -> bool:
        return bool(self.signatures) and all(s.intact for s in self.signatures)
