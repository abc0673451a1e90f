"""The spark job of the K1xx examples."""
