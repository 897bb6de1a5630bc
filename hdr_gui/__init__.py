"""PyQt5 desktop GUI of the handwritten-digit recogniser (all maths lives in cnn_numpy)."""
