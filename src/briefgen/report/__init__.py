"""Reporting: diagnostics in text, JSON and GitHub's forms, CI step summaries, build progress."""
