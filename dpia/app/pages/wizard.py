"""Wizard: one step per questionnaire section."""

from dpia.app._wizard import show_wizard

show_wizard()
