"""Automated checks: one module per domain; each check registers itself with @check."""
