"""RFC 3161 time-stamps: proof from an independent authority that a signature existed by then.

The signing-time attribute is the signer's own clock. A time-stamp token over the signature
value (RFC 3161 appendix A) is the authority's word instead, and it keeps a signature
checkable after the certificate expires: what matters is that the certificate was valid when
the token was issued. dpia never invents a trusted time; with no authority configured,
signatures carry only the self-asserted signing time and `dpia verify` says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from .._config import settings
from .._errors import SigningError
from ._certificates import identity_of
from ._cms_check import DIGESTS, check_signer, embedded_certificates
from ._protocols import Timestamper
from ._trust import TrustStore, TrustVerdict

__all__ = [
    "HttpTimestamper",
    "TimestampCheck",
    "check_timestamp_token",
    "configured_timestamper",
    "request_timestamp",
]

_MAX_REPLY_BYTES = 1024 * 1024


def configured_timestamper() -> HttpTimestamper | None:
    """The authority of `DPIA_TSA_URL`, which stamps every signature the app makes (and every
    archive checkpoint); None when none is configured."""
    url = settings().tsa_url
    return HttpTimestamper(url) if url else None


class HttpTimestamper:
    """A `Timestamper` that posts the query to an authority's URL (RFC 3161 §3.4)."""

    def __init__(self, url: str, *, timeout: float = 30.0):
        if not url.startswith(("http://", "https://")):
            raise SigningError(
                f"time-stamp authority URL must start with http:// or https://: {url}"
            )
        self.url = url
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"HttpTimestamper({self.url!r})"

    def respond(self, query: bytes) -> bytes:
        request = urllib.request.Request(
            self.url, data=query, headers={"Content-Type": "application/timestamp-query"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                body = reply.read(_MAX_REPLY_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise SigningError(
                f"time-stamp authority {self.url} answered HTTP {exc.code}"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SigningError(f"cannot reach time-stamp authority {self.url}: {reason}") from None
        if len(body) > _MAX_REPLY_BYTES:
            raise SigningError(f"time-stamp authority {self.url} sent an oversized reply")
        return body


def request_timestamp(timestamper: Timestamper, signature_value: bytes) -> cms.ContentInfo:
    """Ask for a token over SHA-256 of the signature value, so that the authority vouches the
    signature existed at that time; check the reply really answers this query."""
    nonce = secrets.randbits(63)
    imprint = hashlib.sha256(signature_value).digest()
    query = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": imprint,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    raw = timestamper.respond(query.dump())
    try:
        reply = tsp.TimeStampResp.load(raw, strict=True)
        status = reply["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            text = "; ".join(reply["status"]["status_string"].native or [])
            failure = reply["status"]["fail_info"].native
            raise SigningError(
                f"the time-stamp authority refused: {status}"
                + (f" ({text})" if text else "")
                + (f" [{', '.join(sorted(failure))}]" if failure else "")
            )
        token = reply["time_stamp_token"]
        tst = token["content"]["encap_content_info"]["content"].parsed
        answered = tst["message_imprint"]["hashed_message"].native
        echoed = tst["nonce"].native
    except SigningError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SigningError(f"the time-stamp authority's reply is not RFC 3161 ({exc})") from None
    if answered != imprint or echoed != nonce:
        raise SigningError("the time-stamp authority answered another query (imprint or nonce)")
    return token


@dataclass
class TimestampCheck:
    """What a token proves; any entry in `problems` makes the signature that carries it invalid."""

    time: dt.datetime | None = None
    authority: str = "unknown"
    fingerprint: str | None = None
    trust: TrustVerdict | None = None
    problems: list[str] = field(default_factory=list)


def check_timestamp_token(
    token: cms.ContentInfo, signature_value: bytes, trust: TrustStore | None
) -> TimestampCheck:
    """Check that `token` is a valid authority signature over a hash of the signature value."""
    check = TimestampCheck()
    try:
        signed_data = token["content"]
        content = signed_data["encap_content_info"]["content"]
        tst = content.parsed
        signer_infos = list(signed_data["signer_infos"])
        check.time = tst["gen_time"].native.astimezone(dt.UTC)
        digest_name = tst["message_imprint"]["hash_algorithm"]["algorithm"].native
        imprint = tst["message_imprint"]["hashed_message"].native
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        check.problems.append(f"the time-stamp token is damaged ({exc})")
        return check
    if len(signer_infos) != 1:
        check.problems.append("a time-stamp token must have exactly one signer")
        return check
    if digest_name not in DIGESTS:
        check.problems.append(f"the time-stamp uses {digest_name!r}; allowed: {', '.join(DIGESTS)}")
    elif imprint != hashlib.new(digest_name, signature_value).digest():
        check.problems.append("the time-stamp is for another signature")
    signer = check_signer(signed_data, signer_infos[0], content.contents)
    check.problems.extend(f"time-stamp: {problem}" for problem in signer.problems)
    certificate = signer.certificate
    if certificate is None:
        return check
    check.authority = identity_of(certificate).name
    check.fingerprint = identity_of(certificate).fingerprint
    if not _is_timestamping(certificate):
        check.problems.append("the time-stamp's certificate is not for time-stamping")
    if not certificate.not_valid_before_utc <= check.time <= certificate.not_valid_after_utc:
        check.problems.append("the authority's certificate was not valid at the time it stamped")
    if trust is not None:
        check.trust = trust.verdict(certificate, embedded_certificates(signed_data), check.time)
    return check


def _is_timestamping(certificate: x509.Certificate) -> bool:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.TIME_STAMPING in usage.value
