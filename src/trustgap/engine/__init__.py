"""Verdicts, reconciliation of promises with practice, and roll-ups."""
