"""The network view: every stage of the CNN for the current drawing or sample (display only)."""
