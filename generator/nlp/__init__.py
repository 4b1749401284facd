"""Per-article language analysis: the spaCy pass, quotes, dates, entity names."""
