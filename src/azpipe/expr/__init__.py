"""Template strings and the ``${{ }}`` expressions inside them."""
