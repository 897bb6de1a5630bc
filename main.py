"""Handwritten digit recognition with a from-scratch NumPy CNN.

    python main.py                 open the app
    python main.py --help          all commands (train, evaluate, evaluate-real, predict, download-mnist)
"""
import os
import sys

# One BLAS thread unless the user says otherwise: the app answers one image at a time,
# predict's decoding workers use every core, and on a busy 2-core machine a second BLAS thread
# makes training and evaluation slower, not faster (bench/README.md). Set before NumPy loads.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

from cnn_numpy.cli import main

if __name__ == "__main__":
    sys.exit(main())
