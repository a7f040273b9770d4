"""Find, quote and cite the report passages that answer a question."""
