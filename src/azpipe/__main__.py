"""``python -m azpipe``."""

from azpipe.cli.main import entry

entry()
