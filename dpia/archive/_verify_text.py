"""VERIFY.md: how a third party checks an exported bag without dpia, with the exact values."""

from __future__ import annotations

from ._records import StoredVersion

__all__ = ["verify_instructions"]

_CHAIN_CHECK = """\
python3 - <<'CHECK'
import hashlib, json
chain = json.load(open("data/chain.json"))
prev = chain["genesis"]
for v in chain["versions"]:
    assert v["prev_chain_hash"] == prev, f"v{v['number']}: link broken"
    prev = hashlib.sha256((prev + v["content_sha256"]).encode()).hexdigest()
    assert prev == v["chain_hash"], f"v{v['number']}: chain hash wrong"
print("chain intact, head", prev)
CHECK"""

_RECORD_CHECK = """\
python3 - <<'CHECK'
import hashlib, json
def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()
record = json.load(open("data/version.json"))
canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
print("content hash", hashlib.sha256(canonical.encode("utf-8")).hexdigest())
assert record["answers_sha256"] == sha("data/answers.json")
assert record["report_sha256"] == sha("data/report.json")
assert record["questionnaire_sha256"] == sha("data/questionnaire.yaml")
if record["document_sha256"]:
    assert record["document_sha256"] == sha("data/document.docx")
for signer, digest in record["signatures"].items():
    assert digest == sha(f"data/signatures/document.docx.{signer}.p7s")
print("every part matches the record")
CHECK"""


def verify_instructions(version: StoredVersion, payload: list[str], notes: list[str]) -> str:
    ref = f"{version.assessment_id} version {version.number}"
    lines = [
        f"# Verifying {ref}",
        "",
        "This directory is a BagIt bag (RFC 8493) exported from a dpia archive. Every check",
        "below uses standard tools only; run them from this directory.",
        "",
        "Contents of `data/`: " + ", ".join(f"`{name}`" for name in payload) + ".",
        "",
        "## 1. Nothing is missing or changed since export",
        "",
        "    bagit.py --validate .",
        "",
        "`bagit.py` comes with the `bagit` package (`pip install bagit`); `python3 -m bagit",
        "--validate .` is the same check.",
        "",
        "## 2. The signatures are over this exact document",
        "",
    ]
    if version.signatures:
        lines.append("For each signature, with CERT the certificate you trust for that signer")
        lines.append("(your organisation's CA, or the signer's certificate obtained separately;")
        lines.append("never one that merely travels with the document):")
        lines.append("")
        for signer in version.signatures:
            lines.append(
                f"    openssl cms -verify -binary -inform DER "
                f"-in data/signatures/document.docx.{signer}.p7s "
                "-content data/document.docx -CAfile CERT -purpose any -out /dev/null"
            )
        lines += ["", "Each must print `CMS Verification successful`.", ""]
    else:
        lines += ["This version was archived without signatures.", ""]
    lines += [
        "## 3. The content hash",
        "",
        "`data/version.json` is the version's record: canonical JSON (keys sorted, no",
        "whitespace, UTF-8) naming every other part by its SHA-256. Its SHA-256 is the",
        "content hash:",
        "",
        "    sha256sum data/version.json",
        "",
        f"must print `{version.content_sha256}`. To recompute it from the canonical form",
        "rather than trust the file's bytes, and to check every part against the record:",
        "",
        *("    " + line for line in _RECORD_CHECK.splitlines()),
        "",
        "## 4. The hash chain",
        "",
        "`data/chain.json` lists every version up to this one. Each link is",
        "`chain_hash = sha256(prev_chain_hash + content_sha256)` over the two hashes written as",
        "64 lower-case hex characters each, with nothing between them; the first version's",
        "`prev_chain_hash` is 64 zeros. For this version:",
        "",
        f"    printf '%s%s' {version.prev_chain_hash} {version.content_sha256} | sha256sum",
        "",
        f"must print `{version.chain_hash}`. The whole chain at once:",
        "",
        *("    " + line for line in _CHAIN_CHECK.splitlines()),
        "",
        "A chain only proves it is consistent with itself. Compare the chain hash above with a",
        "copy kept outside the archive (the DPO's register, an earlier export, a signed note) to",
        "show that history was not rewritten as a whole.",
        "",
        "## What these checks do not cover",
        "",
        "- `document.pdf`, when present, is a rendition made by LibreOffice at export time for",
        "  readers without Word. It is not signed and not part of the content hash; the",
        "  signed original is `document.docx`.",
        "- Whether a signer's certificate was valid and trusted is decided by the CERT you pass",
        "  to OpenSSL.",
    ]
    lines += [f"- {note[0].upper()}{note[1:]}." for note in notes]
    return "\n".join(lines) + "\n"
