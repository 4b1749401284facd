"""Rendering the YAML records into the digest site (MkDocs adapter in mkdocs_plugin)."""
