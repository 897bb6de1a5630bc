"""Evaluation: scores per digit, real writers drawn as on the canvas, report figures."""
