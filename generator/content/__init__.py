"""The YAML records under content/: reading, writing, merging editors' edits, checking."""
