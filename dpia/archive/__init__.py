"""The versioned archive for legal: immutable versions in a hash chain, drafts, workflow,
audit log, diffs and BagIt export, on SQLite (default) or PostgreSQL. Every write signs a
checkpoint of the chain heads with the archive key and copies it outside the database.

    archive = open_archive()                       # DPIA_DATABASE_URL or var/dpia.sqlite3
    v = archive.add_version(assessment.to_file(), report.model_dump(mode="json"),
                            questionnaire_text, actor="dpo@example.org", document=docx)
    archive.verify().intact

Each name is imported from its module when first used (`dpia._on_demand`): listing
assessments needs SQLAlchemy, not bagit or the document renderer that a bag export uses.
"""

import typing

from .. import _on_demand

if typing.TYPE_CHECKING:
    from ._archive import Archive, open_archive
    from ._bag import BagExport, export_bag
    from ._canonical import (
        GENESIS,
        audit_record,
        canonical_json,
        chain_hash,
        grant_record,
        link,
        sha256_hex,
        status_record,
        version_record,
    )
    from ._database import DEFAULT_DATABASE_URL, archive_engine, database_url, upgrade_database
    from ._diff import (
        AnswerChange,
        FieldChange,
        MeasureChange,
        RecordChange,
        RiskChange,
        VersionDiff,
        diff_draft,
        diff_versions,
    )
    from ._records import (
        DECIDED_STATUSES,
        TRANSITIONS,
        AssessmentSummary,
        AuditAction,
        AuditEvent,
        ChainBreak,
        ChainReport,
        CheckpointSummary,
        Draft,
        StatusChange,
        StoredVersion,
        VersionStatus,
        VersionSummary,
    )
    from ._roles import APP_ROLES, RoleGrant, grant_role, role_history, roles_by_person

__all__ = [
    "APP_ROLES",
    "DECIDED_STATUSES",
    "DEFAULT_DATABASE_URL",
    "GENESIS",
    "TRANSITIONS",
    "AnswerChange",
    "Archive",
    "AssessmentSummary",
    "AuditAction",
    "AuditEvent",
    "BagExport",
    "ChainBreak",
    "ChainReport",
    "CheckpointSummary",
    "Draft",
    "FieldChange",
    "MeasureChange",
    "RecordChange",
    "RiskChange",
    "RoleGrant",
    "StatusChange",
    "StoredVersion",
    "VersionDiff",
    "VersionStatus",
    "VersionSummary",
    "archive_engine",
    "audit_record",
    "canonical_json",
    "chain_hash",
    "database_url",
    "diff_draft",
    "diff_versions",
    "export_bag",
    "grant_record",
    "grant_role",
    "link",
    "open_archive",
    "role_history",
    "roles_by_person",
    "sha256_hex",
    "status_record",
    "upgrade_database",
    "version_record",
]

__getattr__, __dir__ = _on_demand.exports(
    __name__,
    {
        "._archive": ("Archive", "open_archive"),
        "._bag": ("BagExport", "export_bag"),
        "._canonical": (
            "GENESIS",
            "audit_record",
            "canonical_json",
            "chain_hash",
            "grant_record",
            "link",
            "sha256_hex",
            "status_record",
            "version_record",
        ),
        "._database": (
            "DEFAULT_DATABASE_URL",
            "archive_engine",
            "database_url",
            "upgrade_database",
        ),
        "._diff": (
            "AnswerChange",
            "FieldChange",
            "MeasureChange",
            "RecordChange",
            "RiskChange",
            "VersionDiff",
            "diff_draft",
            "diff_versions",
        ),
        "._records": (
            "DECIDED_STATUSES",
            "TRANSITIONS",
            "AssessmentSummary",
            "AuditAction",
            "AuditEvent",
            "ChainBreak",
            "ChainReport",
            "CheckpointSummary",
            "Draft",
            "StatusChange",
            "StoredVersion",
            "VersionStatus",
            "VersionSummary",
        ),
        "._roles": ("APP_ROLES", "RoleGrant", "grant_role", "role_history", "roles_by_person"),
    },
)
