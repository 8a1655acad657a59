"""trustgap: SOC 2 gap analysis with evidence."""

__version__ = "0.1.0"
