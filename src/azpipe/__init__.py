"""azpipe: a compiler for Azure Machine Learning pipelines.

>>> import azpipe
>>> pipeline = azpipe.load("pipelines/image_classification/pipeline.yaml")
>>> pipeline.ok, pipeline.topological_order()
(True, ['prep_data', 'train', 'score'])
"""

from azpipe.diagnostics import Diagnostic, Severity, Span
from azpipe.loading import load, loads
from azpipe.model import Pipeline
from azpipe.version import __version__

__all__ = ["Diagnostic", "Pipeline", "Severity", "Span", "__version__", "load", "loads"]
