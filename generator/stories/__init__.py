"""From analysed articles to stories: grouping, fact cards, resolution."""
