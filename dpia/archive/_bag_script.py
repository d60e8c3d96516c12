#!/usr/bin/env python3
"""Check an exported DPIA bag without dpia: recompute every hash and compare it with the recorded
one. Standard library only; run it from anywhere with `python3 verify_bag.py`.

It checks that the version record is canonical and names the exact bytes of every file; that
the chain of versions, the chain of status changes and the assessment's audit events link up;
that the export's audit event vouches for this version, this status history and these audit
events; and that the checkpoint's head is that event. The checkpoint's signature is checked with
`openssl` when it is installed. Every line says `ok` or `MISMATCH`; the exit status is 1 when
anything does not match. The script is short on purpose: read it before you rely on it.
"""

import base64
import hashlib
import json
import pathlib
import shutil
import subprocess
import sys

BAG = pathlib.Path(__file__).resolve().parent
DATA = BAG / "data"
GENESIS = "0" * 64
failures = []


def check(ok, what):
    print(("ok        " if ok else "MISMATCH  ") + what)
    if not ok:
        failures.append(what)
    return ok


def sha256(content):
    return hashlib.sha256(content).hexdigest()


def link(prev, record_text):
    return sha256((prev + sha256(record_text.encode("utf-8"))).encode("ascii"))


def canonical(value):
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def lines(name):
    path = DATA / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def bag_info():
    info = {}
    for line in (BAG / "bag-info.txt").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def check_version():
    raw = (DATA / "version.json").read_bytes()
    record = json.loads(raw)
    check(canonical(record) == raw, "data/version.json is canonical JSON")
    content = sha256(raw)
    parts = {
        "answers_sha256": "answers.json",
        "report_sha256": "report.json",
        "questionnaire_sha256": "questionnaire.yaml",
    }
    if record["document_sha256"]:
        parts["document_sha256"] = "document.docx"
    if record.get("signed_pdf_sha256"):
        parts["signed_pdf_sha256"] = "document.pdf"
    for key, name in parts.items():
        check(record[key] == sha256((DATA / name).read_bytes()), f"data/{name} is the {key}")
    for signer, digest in sorted(record["signatures"].items()):
        name = f"signatures/document.docx.{signer}.p7s"
        check(digest == sha256((DATA / name).read_bytes()), f"data/{name} is the one archived")
    return record, content


def check_versions(record, content):
    chain = json.loads((DATA / "chain.json").read_text(encoding="utf-8"))
    prev = GENESIS
    for entry in chain["versions"]:
        number = entry["number"]
        check(entry["prev_chain_hash"] == prev, f"version {number} links to the one before")
        prev = sha256((prev + entry["content_sha256"]).encode("ascii"))
        check(prev == entry["chain_hash"], f"version {number} has the chain hash it records")
    last = chain["versions"][-1]
    check(last["number"] == record["number"], "data/chain.json ends at this version")
    check(last["content_sha256"] == content, "the chain names this version's content hash")
    return last["chain_hash"]


def check_statuses(assessment_id):
    rows = lines("status.jsonl")
    prev = GENESIS
    for index, row in enumerate(rows, 1):
        record = json.loads(row["record"])
        what = f"status change {index} ({record['status']} by {record['actor']} at {record['at']})"
        check(record["assessment_id"] == assessment_id, what + " is about this assessment")
        check(row["prev_chain_hash"] == prev, what + " links to the one before")
        check(link(prev, row["record"]) == row["chain_hash"], what + " has its chain hash")
        prev = row["chain_hash"]
    return rows, prev


def check_audit(assessment_id, version_chain, statuses, status_head):
    rows = lines("audit.jsonl")
    for row in rows:
        record = json.loads(row["record"])
        what = f"audit event #{row['id']} ({record['action']} by {record['actor']})"
        check(record["assessment_id"] == assessment_id, what + " is about this assessment")
        check(link(row["prev_chain_hash"], row["record"]) == row["chain_hash"], what + " hash")
    export = json.loads(rows[-1]["record"])
    details = export["details"]
    check(export["action"] == "version.exported", "the last audit event is this export")
    check(details["chain_hash"] == version_chain, "the export names this version's chain hash")
    check(
        details["statuses"] == {"count": len(statuses), "head": status_head},
        "the export names this status history (length and head)",
    )
    earlier = "".join(row["chain_hash"] for row in rows[:-1]).encode("ascii")
    check(
        details["audit"] == {"count": len(rows) - 1, "digest": sha256(earlier)},
        "the export names these earlier audit events (count and digest)",
    )
    return rows[-1]["chain_hash"]


def check_checkpoint(export_chain):
    raw = (DATA / "checkpoint.json").read_bytes()
    checkpoint = json.loads(raw)
    check(canonical(checkpoint) == raw, "data/checkpoint.json is canonical JSON")
    check(
        checkpoint["tables"]["audit_events"]["head"] == export_chain,
        f"checkpoint #{checkpoint['sequence']} ends the audit log at the export event",
    )
    pem = (DATA / "archive-key.pub.pem").read_text(encoding="ascii")
    der = base64.b64decode("".join(line for line in pem.splitlines() if "-----" not in line))
    check(sha256(der) == checkpoint["key_sha256"], "data/archive-key.pub.pem signed it")
    openssl = shutil.which("openssl")
    if openssl is None:
        print("skipped   the checkpoint's signature: openssl is not installed")
        return checkpoint
    verified = subprocess.run(
        [openssl, "dgst", "-sha256", "-verify", str(DATA / "archive-key.pub.pem"),
         "-signature", str(DATA / "checkpoint.json.sig"), str(DATA / "checkpoint.json")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    check(verified.returncode == 0, "the checkpoint's signature verifies (openssl dgst)")
    return checkpoint


def main():
    info = bag_info()
    record, content = check_version()
    check(info.get("DPIA-Content-SHA256") == content, "bag-info.txt names this content hash")
    version_chain = check_versions(record, content)
    check(info.get("DPIA-Chain-Hash") == version_chain, "bag-info.txt names this chain hash")
    statuses, status_head = check_statuses(record["assessment_id"])
    export_chain = check_audit(record["assessment_id"], version_chain, statuses, status_head)
    checkpoint = check_checkpoint(export_chain)
    if failures:
        print(f"FAILED: {len(failures)} check(s) did not match")
        return 1
    print(
        f"every check passed: {record['assessment_id']} v{record['number']}, content "
        f"{content}, anchored by checkpoint #{checkpoint['sequence']} "
        f"(archive key sha256 {checkpoint['key_sha256']})"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        print(f"FAILED: the bag is incomplete or damaged ({type(exc).__name__}: {exc})")
        sys.exit(1)
