"""Risks: headline ratings, risk map, register, legal exposure and the measure plan."""

from dpia.app._risks import show_risks

show_risks()
