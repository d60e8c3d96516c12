"""Review & sign-off: DPO advice, decision, signatures, frozen version."""

from dpia.app._review import show_review

show_review()
