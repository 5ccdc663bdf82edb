"""Versions of fact sheets: read from two files or a git revision, and what changed in their facts."""
