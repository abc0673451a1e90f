"""Reading pipeline files: text, YAML nodes with positions, safe loading."""
