"""News digest generator: raw articles in, cited YAML fact cards out."""

# Bump when a stage's output changes for the same input: it keys the build cache.
PIPELINE_VERSION = "1"
