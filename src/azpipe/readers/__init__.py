"""From YAML nodes to the model: schema checks and desugaring, one section at a time."""

from azpipe.readers.pipeline import build_pipeline

__all__ = ["build_pipeline"]
