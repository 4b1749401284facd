"""Running the pipeline: stage order, cache, executors."""
