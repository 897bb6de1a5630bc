"""Handwritten digit recognition with a from-scratch NumPy CNN.

    python main.py                 open the app
    python main.py --help          all commands (train, evaluate, predict, download-mnist)
"""
import sys

from cnn_numpy.cli import main

if __name__ == "__main__":
    sys.exit(main())
