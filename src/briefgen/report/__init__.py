"""Reporting: diagnostics in text, JSON and GitHub's forms, and CI step summaries."""
