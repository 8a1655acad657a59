"""One module per evidence format. Each registers a :class:`trustgap.evidence.detect.Parser`."""
