"""Briefs read together: who and what each names (identity.py), and each one's history across briefs (history.py)."""
