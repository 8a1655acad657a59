"""The accuracy benchmark: fictional organisations with answer keys, and the scorer that runs trustgap on them."""
