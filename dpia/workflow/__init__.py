"""The sign-off workflow: every rule between the answers and the archive, in one place.

    answers ─► report ─► final document ─► signatures ─► approval ─► frozen version
             law_date    final_document    sign          check_approval  freeze

The app and the command line only gather input and show results; what a person may do, and
what the record then says, is decided here:

- which law applies: `law_date` (the assessment's date, or the date a document was rendered
  under), so the archived report is always the report of the archived document;
- who may take each step: `PERMISSIONS`, `may`, `require`, and `SIGNS_AS` for signing; who
  takes none and so reads only the record: `read_only`, and what that record is (the
  latest frozen version, with what is pending after it): `version_of_record`;
- which signatures a decision needs: `required_signers`, read from the sign-off record (the
  assessor, the DPO who advised, the decision-maker who decided; a referral to the supervisory
  authority needs the assessor and the decision-maker), and what status it gives a version:
  `decided_status`; which decisions the law that applies leaves open (no referral to the
  supervisory authority where the GDPR does not apply): `decisions_open`, `decision_refusal`;
- whether a document's signatures approve it: `check_approval`, which counts a signature only
  when it is intact, trusted by the archive's trust store, and by the listed certificate of
  the person in the role the record gives them; a signed PDF/A kept beside the .docx answers
  to the same rule over the signatures inside it: `check_signed_pdf`;
- the steps that write: `add_version`, `sign` (and `sign_final_pdf`, the same rules for a
  signature inside the PDF/A), `freeze`, `withdraw`, `submit_for_review`;
- what must be looked at again: `reconsiderations` (advice or a decision that a material change
  since the version it was given on leaves "to be reviewed", with the changes), and what a
  conditional approval leaves to do: `condition_items`, `track_condition` (owner, due date,
  met), kept in the audit log.

Each name is imported from its module when first used (`dpia._on_demand`): `dpia score`
needs the law date, not the archive or the signatures.

Errors (in `dpia._errors`):

    WorkflowError                 a step was refused; the message says what to do instead
    ├── NotPermittedError         the person lacks the role the step needs
    └── ApprovalRefusedError      a freeze lacks a valid, trusted signature it needs
"""

import typing

from .. import _on_demand

if typing.TYPE_CHECKING:
    from .._errors import ApprovalRefusedError, NotPermittedError, WorkflowError
    from ._approval import Approval, SignerCheck, SignerState, check_approval
    from ._decisions import decision_refusal, decisions_open, require_decision_open
    from ._final import (
        FinalDocument,
        VersionParts,
        check_document,
        final_document,
        signing_gaps,
        version_parts,
    )
    from ._followup import (
        ConditionItem,
        Reconsideration,
        condition_items,
        reconsiderations,
        track_condition,
    )
    from ._law import law_date
    from ._record import RecordShown, version_of_record
    from ._roles import (
        ALL_ROLES,
        PERMISSIONS,
        SIGNS_AS,
        Step,
        may,
        read_only,
        require,
        require_signing_role,
        roles_of,
    )
    from ._signed_pdf import SignedPdfCheck, check_signed_pdf
    from ._signers import (
        RequiredSigner,
        bound_part,
        decided_status,
        document_status,
        remove_signatory,
        required_signers,
        same_person,
        withdrawn,
    )
    from ._steps import (
        Frozen,
        Signature,
        add_version,
        archived_versions,
        freeze,
        repeated_version,
        sign,
        sign_final_pdf,
        submit_for_review,
        withdraw,
    )

__all__ = [
    "ALL_ROLES",
    "PERMISSIONS",
    "SIGNS_AS",
    "Approval",
    "ApprovalRefusedError",
    "ConditionItem",
    "FinalDocument",
    "Frozen",
    "NotPermittedError",
    "Reconsideration",
    "RecordShown",
    "RequiredSigner",
    "Signature",
    "SignedPdfCheck",
    "SignerCheck",
    "SignerState",
    "Step",
    "VersionParts",
    "WorkflowError",
    "add_version",
    "archived_versions",
    "bound_part",
    "check_approval",
    "check_document",
    "check_signed_pdf",
    "condition_items",
    "decided_status",
    "decision_refusal",
    "decisions_open",
    "document_status",
    "final_document",
    "freeze",
    "law_date",
    "may",
    "read_only",
    "reconsiderations",
    "remove_signatory",
    "repeated_version",
    "require",
    "require_decision_open",
    "require_signing_role",
    "required_signers",
    "roles_of",
    "same_person",
    "sign",
    "sign_final_pdf",
    "signing_gaps",
    "submit_for_review",
    "track_condition",
    "version_of_record",
    "version_parts",
    "withdraw",
    "withdrawn",
]

__getattr__, __dir__ = _on_demand.exports(
    __name__,
    {
        ".._errors": ("ApprovalRefusedError", "NotPermittedError", "WorkflowError"),
        "._approval": ("Approval", "SignerCheck", "SignerState", "check_approval"),
        "._decisions": ("decision_refusal", "decisions_open", "require_decision_open"),
        "._final": (
            "FinalDocument",
            "VersionParts",
            "check_document",
            "final_document",
            "signing_gaps",
            "version_parts",
        ),
        "._followup": (
            "ConditionItem",
            "Reconsideration",
            "condition_items",
            "reconsiderations",
            "track_condition",
        ),
        "._law": ("law_date",),
        "._record": ("RecordShown", "version_of_record"),
        "._roles": (
            "ALL_ROLES",
            "PERMISSIONS",
            "SIGNS_AS",
            "Step",
            "may",
            "read_only",
            "require",
            "require_signing_role",
            "roles_of",
        ),
        "._signed_pdf": ("SignedPdfCheck", "check_signed_pdf"),
        "._signers": (
            "RequiredSigner",
            "bound_part",
            "decided_status",
            "document_status",
            "remove_signatory",
            "required_signers",
            "same_person",
            "withdrawn",
        ),
        "._steps": (
            "Frozen",
            "Signature",
            "add_version",
            "archived_versions",
            "freeze",
            "repeated_version",
            "sign",
            "sign_final_pdf",
            "submit_for_review",
            "withdraw",
        ),
    },
)
