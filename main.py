"""Handwritten digit recognition with a from-scratch NumPy CNN.

    python main.py                 open the app
    python main.py --help          all commands (train, evaluate, evaluate-real, predict, download-mnist)
"""
import sys

import cnn_numpy  # noqa: F401  (first: sets the one-BLAS-thread default before NumPy loads)
from hdr_cli.commands import main

if __name__ == "__main__":
    sys.exit(main())
