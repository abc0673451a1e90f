"""The azpipe version (its own module so any part of azpipe can import it)."""

__version__ = "0.1.0"
