"""Assessments: the list on file, filters, new and resume."""

from dpia.app._assessments import show_assessments

show_assessments()
